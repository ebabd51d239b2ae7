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

/* Chinese names as they appear in county and township spreadsheets. */
static const struct {
	const char *word;
	int value;
} vocab_kind_names[] = {
	{ "县", VOCAB_COUNTY }, { "县区", VOCAB_COUNTY }, { "区", VOCAB_COUNTY },
	{ "镇", VOCAB_TOWNSHIP }, { "乡", VOCAB_TOWNSHIP },
	{ "乡镇", VOCAB_TOWNSHIP }, { "街道", VOCAB_TOWNSHIP },
	{ "村", VOCAB_VILLAGE }, { "社区", VOCAB_VILLAGE },
	{ "学校", VOCAB_SCHOOL }, { "小学", VOCAB_SCHOOL },
	{ "中学", VOCAB_SCHOOL }, { "初中", VOCAB_SCHOOL },
	{ "九年制学校", VOCAB_SCHOOL }, { "班", VOCAB_CLASS },
	{ "班级", VOCAB_CLASS },
}, vocab_role_names[] = {
	{ "任课教师", 0 }, { "教师", 0 }, { "老师", 0 },
	{ "班主任", 1 }, { "校长", 2 }, { "责任督学", 3 }, { "督学", 3 },
	{ "教育局", 4 }, { "县教育局", 4 }, { "教体局", 4 },
	{ "村长", 5 }, { "村支书", 5 }, { "村主任", 5 },
	{ "包村干部", 6 }, { "驻村干部", 6 }, { "驻村工作队", 6 },
	{ "控辍保学办公室", 7 }, { "控辍保学办", 7 }, { "便民服务中心", 7 },
	{ "镇长", 8 }, { "分管副镇长", 8 }, { "乡长", 8 },
	{ "县政府", 9 }, { "分管副县长", 9 }, { "县长", 9 },
}, vocab_category_names[] = {
	{ "留守儿童", 0 }, { "留守", 0 }, { "残疾", 1 }, { "残疾儿童", 1 },
	{ "孤儿", 2 }, { "事实无人抚养", 3 }, { "困境儿童", 4 },
	{ "建档立卡", 5 }, { "建档立卡贫困户", 5 }, { "低保", 6 },
	{ "家庭经济困难", 6 }, { "学困生", 7 }, { "单亲", 8 },
	{ "单亲家庭", 8 },
};

#define VOCAB_CN(fn, table, code_fn)					\
int									\
fn(const char *word)							\
{									\
	size_t i;							\
	int v = code_fn(word);						\
									\
	for (i = 0; v < 0 && i < NELEM(table); i++)			\
		if (strcmp(table[i].word, word) == 0)			\
			v = table[i].value;				\
	return v;							\
}

VOCAB_CN(vocab_kind_cn, vocab_kind_names, vocab_kind)
VOCAB_CN(vocab_role_cn, vocab_role_names, vocab_role)
VOCAB_CN(vocab_category_cn, vocab_category_names, vocab_category)
