/* Domain vocabulary tables; see vocab.h and DOMAIN.md. */
#include "parsers/vocab.h"

#include <stdio.h>
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

/* "code (中文), ..." for an error message: each code with the first
 * Chinese name that means it. */
#define VOCAB_WORDS(fn, table, name_fn)					\
size_t									\
fn(char *buf, size_t sz)						\
{									\
	size_t o = 0, i;						\
	const char *code, *cn;						\
	int v, n;							\
									\
	if (sz)								\
		buf[0] = '\0';						\
	for (v = 0; (code = name_fn(v)) != NULL; v++) {			\
		for (cn = NULL, i = 0; !cn && i < NELEM(table); i++)	\
			if (table[i].value == v)			\
				cn = table[i].word;			\
		n = snprintf(buf + o, sz > o ? sz - o : 0, "%s%s (%s)",	\
		    v ? ", " : "", code, cn ? cn : "-");		\
		if (n > 0)						\
			o += (size_t)n;					\
	}								\
	return o;							\
}

VOCAB_WORDS(vocab_kind_words, vocab_kind_names, vocab_kind_name)
VOCAB_WORDS(vocab_role_words, vocab_role_names, vocab_role_name)
VOCAB_WORDS(vocab_category_words, vocab_category_names, vocab_category_name)

/* Roster column headers as clerks write them. */
static const struct {
	const char *word;
	const char *column;
} vocab_columns[] = {
	{ "代码", "code" }, { "编码", "code" }, { "名称", "name" },
	{ "类型", "kind" }, { "上级", "parent" }, { "上级代码", "parent" },
	{ "电话", "phone" }, { "手机", "phone" }, { "手机号", "phone" },
	{ "姓名", "name" }, { "角色", "role" }, { "范围", "scope" },
	{ "范围代码", "scope" }, { "学号", "student_no" },
	{ "学籍号", "student_no" }, { "性别", "gender" }, { "班级", "class" },
	{ "班级代码", "class" }, { "户籍村", "village" }, { "村", "village" },
	{ "监护人电话", "guardian_phone" }, { "家长电话", "guardian_phone" },
	{ "类别", "categories" },
};

const char *
vocab_column(const char *header)
{
	size_t i;

	for (i = 0; i < NELEM(vocab_columns); i++)
		if (strcmp(vocab_columns[i].word, header) == 0)
			return vocab_columns[i].column;
	return NULL;
}

const char *
vocab_column_cn(const char *column)
{
	size_t i;

	for (i = 0; i < NELEM(vocab_columns); i++)
		if (strcmp(vocab_columns[i].column, column) == 0)
			return vocab_columns[i].word;
	return column;
}

int
vocab_gender(const char *word)
{
	static const char *const m[] = { "M", "m", "男" }, *const f[] = {
		"F", "f", "女" };

	if (vocab_find(m, NELEM(m), word) >= 0)
		return 'M';
	if (vocab_find(f, NELEM(f), word) >= 0)
		return 'F';
	return -1;
}

size_t
vocab_category_sep(const char *p)
{
	static const char *const seps[] = {
		"|", ",", ";", " ", "、", "，", "；"
	};
	size_t i, l;

	for (i = 0; i < NELEM(seps); i++)
		if (strncmp(p, seps[i], (l = strlen(seps[i]))) == 0)
			return l;
	return 0;
}

int
vocab_student_no_national(const char *s)
{
	size_t i;

	if (strlen(s) != 19 || s[0] != 'G')
		return 0;
	for (i = 1; i < 18; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return (s[18] >= '0' && s[18] <= '9') || s[18] == 'X';
}

int
vocab_student_no_id(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
	    5, 8, 4, 2 };
	size_t i, n = strlen(s);
	int sum = 0, mm, dd;

	if ((n != 18 && n != 15) || strspn(s, "0123456789") != n)
		return 0;
	if (n == 18) {
		/* GB 11643: the last digit checks the 17 before it (an X,
		 * for 10, is no 学号's). */
		for (i = 0; i < 17; i++)
			sum += (s[i] - '0') * w[i];
		return "10X98765432"[sum % 11] == s[17];
	}
	/* The first generation: YYMMDD after the six of the place. */
	mm = (s[8] - '0') * 10 + (s[9] - '0');
	dd = (s[10] - '0') * 10 + (s[11] - '0');
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

int
vocab_student_no_ok(const char *s)
{
	size_t n = strlen(s);

	if (vocab_student_no_national(s))
		return 1;
	return n >= 4 && n <= 20 && strspn(s, "0123456789") == n;
}
