/* Domain vocabulary tables; see vocab.h and DOMAIN.md. */
#include "parsers/vocab.h"

#include <string.h>

static const char *const vocab_kinds[] = {
	"county", "township", "village", "school", "class"
};
static const int vocab_kind_parents[] = {
	-1, VOCAB_COUNTY, VOCAB_TOWNSHIP, VOCAB_TOWNSHIP, VOCAB_SCHOOL
};

static const struct {
	const char *name;
	int scope_kind;
	int line;
	int reports;
} vocab_roles[] = {
	{ "teacher",		VOCAB_SCHOOL,	VOCAB_SCHOOL_LINE, 1 },
	{ "head_teacher",	VOCAB_CLASS,	VOCAB_SCHOOL_LINE, 1 },
	{ "principal",		VOCAB_SCHOOL,	VOCAB_SCHOOL_LINE, 1 },
	{ "inspector",		VOCAB_SCHOOL,	VOCAB_SCHOOL_LINE, 0 },
	{ "bureau",		VOCAB_COUNTY,	VOCAB_SCHOOL_LINE, 0 },
	{ "village_head",	VOCAB_VILLAGE,	VOCAB_GOV_LINE, 0 },
	{ "village_cadre",	VOCAB_VILLAGE,	VOCAB_GOV_LINE, 0 },
	{ "township_official",	VOCAB_TOWNSHIP,	VOCAB_GOV_LINE, 0 },
	{ "township_head",	VOCAB_TOWNSHIP,	VOCAB_GOV_LINE, 0 },
	{ "county",		VOCAB_COUNTY,	VOCAB_GOV_LINE, 0 },
};

static const char *const vocab_categories[] = {
	"left_behind", "disabled", "orphan", "unsupported", "distress",
	"registered_poor", "low_income", "learning_difficulty", "single_parent"
};

static const struct {
	const char *word;
	const char *code;
} vocab_reasons[] = {
	{ "病", "illness" },	{ "事", "family" },	{ "厌", "weariness" },
	{ "贫", "poverty" },	{ "工", "work" },	{ "婚", "marriage" },
	{ "远", "distance" },	{ "无", "none" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
vocab_find(const char *const *list, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], word) == 0)
			return (int)i;
	return -1;
}

int
vocab_kind(const char *word)
{
	return vocab_find(vocab_kinds, NELEM(vocab_kinds), word);
}

const char *
vocab_kind_name(int kind)
{
	return kind >= 0 && (size_t)kind < NELEM(vocab_kinds) ?
	    vocab_kinds[kind] : NULL;
}

int
vocab_kind_parent(int kind)
{
	return kind >= 0 && (size_t)kind < NELEM(vocab_kinds) ?
	    vocab_kind_parents[kind] : -1;
}

int
vocab_role(const char *word)
{
	size_t i;

	for (i = 0; i < NELEM(vocab_roles); i++)
		if (strcmp(vocab_roles[i].name, word) == 0)
			return (int)i;
	return -1;
}

const char *
vocab_role_name(int role)
{
	return role >= 0 && (size_t)role < NELEM(vocab_roles) ?
	    vocab_roles[role].name : NULL;
}

int
vocab_role_scope_kind(int role)
{
	return role >= 0 && (size_t)role < NELEM(vocab_roles) ?
	    vocab_roles[role].scope_kind : -1;
}

int
vocab_role_line(int role)
{
	return role >= 0 && (size_t)role < NELEM(vocab_roles) ?
	    vocab_roles[role].line : -1;
}

int
vocab_role_reports_absence(int role)
{
	return role >= 0 && (size_t)role < NELEM(vocab_roles) &&
	    vocab_roles[role].reports;
}

int
vocab_category(const char *word)
{
	return vocab_find(vocab_categories, NELEM(vocab_categories), word);
}

const char *
vocab_category_name(int cat)
{
	return cat >= 0 && (size_t)cat < NELEM(vocab_categories) ?
	    vocab_categories[cat] : NULL;
}

const char *
vocab_reason(const char *word)
{
	size_t i;

	for (i = 0; i < NELEM(vocab_reasons); i++)
		if (strcmp(vocab_reasons[i].word, word) == 0)
			return vocab_reasons[i].code;
	return NULL;
}
