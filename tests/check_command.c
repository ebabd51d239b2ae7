/* The SMS command language: ABS and its aliases, from real-world input. */
#include "parsers/command.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Compiled once for the suite; read-only afterwards (unchecked fixture). */
static struct command_parser *parser;

static void
parser_setup(void)
{
	parser = command_parser_new();
	ck_assert_ptr_nonnull(parser);
}

static void
parser_teardown(void)
{
	command_parser_free(parser);
	parser = NULL;
}

/* With PERR_NONE, student/days/reason/note describe the first command. */
struct abs_case {
	const char *in;
	size_t ncmd;
	enum perr_code err;
	const char *student;
	int days;
	const char *reason;
	const char *note;
};

static const struct abs_case abs_cases[] = {
	{ "ABS 1001 3",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "abs 1001 3",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "Abs 1001 3",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "ａｂｓ１００１　３天",	1, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS1001 3",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "  ABS   1001   3  ",	1, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3天",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3 日",		1, PERR_NONE, "1001", 3, NULL, "" },
	{ "缺勤 20240101 2",	1, PERR_NONE, "20240101", 2, NULL, "" },
	{ "缺勤20240101 2",		1, PERR_NONE, "20240101", 2, NULL, "" },
	{ "缺 20240101 两天",	1, PERR_NONE, "20240101", 2, NULL, "" },
	{ "ABS 20240101 十二",	1, PERR_NONE, "20240101", 12, NULL, "" },
	{ "ABS 20240101 二十三天",	1, PERR_NONE, "20240101", 23, NULL, "" },
	{ "ABS 20240101 六十",	1, PERR_NONE, "20240101", 60, NULL, "" },
	{ "ABS 20240101 60",	1, PERR_NONE, "20240101", 60, NULL, "" },
	{ "ABS 1001 3；ABS 1002 2",	2, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3;ABS 1002 2;",	2, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3\nABS 1002 2",	2, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3\r\n\r\nABS 1002 2\r\n", 2, PERR_NONE, "1001", 3, NULL, "" },
	{ "ABS 1001 3 病 发烧",	1, PERR_NONE, "1001", 3, "illness", "发烧" },
	{ "ABS 1001 3天病",		1, PERR_NONE, "1001", 3, "illness", "" },
	{ "ABS 1001 3 事,回老家",	1, PERR_NONE, "1001", 3, "family", "回老家" },
	{ "ABS 1001 3 外出打工",	1, PERR_NONE, "1001", 3, NULL, "外出打工" },
	{ "ABS g51012320130101123x 3", 1, PERR_NONE,
	    "G51012320130101123X", 3, NULL, "" },
	{ "ABS 12345678901234567890 3", 1, PERR_NONE,
	    "12345678901234567890", 3, NULL, "" },
	/* Errors. */
	{ "ABS 1001",		0, PERR_MISSING_DAYS, NULL, 0, NULL, NULL },
	{ "ABS 1001 ",		0, PERR_MISSING_DAYS, NULL, 0, NULL, NULL },
	{ "ABS",		0, PERR_MISSING_STUDENT, NULL, 0, NULL, NULL },
	{ "缺勤",		0, PERR_MISSING_STUDENT, NULL, 0, NULL, NULL },
	{ "ABS 12 3",		0, PERR_BAD_STUDENT, NULL, 0, NULL, NULL },
	{ "ABS abc 3",		0, PERR_BAD_STUDENT, NULL, 0, NULL, NULL },
	{ "ABS 1001x 3",	0, PERR_BAD_STUDENT, NULL, 0, NULL, NULL },
	{ "ABS 123456789012345678901 3", 0, PERR_BAD_STUDENT,
	    NULL, 0, NULL, NULL },
	{ "ABS 1001 x",		0, PERR_BAD_DAYS, NULL, 0, NULL, NULL },
	{ "ABS 1001 十十",	0, PERR_BAD_DAYS, NULL, 0, NULL, NULL },
	{ "ABS 1001 0",		0, PERR_DAYS_RANGE, NULL, 0, NULL, NULL },
	{ "ABS 1001 61",	0, PERR_DAYS_RANGE, NULL, 0, NULL, NULL },
	{ "ABS 1001 七十",	0, PERR_DAYS_RANGE, NULL, 0, NULL, NULL },
	{ "ABS 1001 99999999999", 0, PERR_DAYS_RANGE, NULL, 0, NULL, NULL },
	{ "ABSENT 1001 3",	0, PERR_UNKNOWN_COMMAND, NULL, 0, NULL, NULL },
	{ "hello",		0, PERR_UNKNOWN_COMMAND, NULL, 0, NULL, NULL },
	{ "1001 3",		0, PERR_UNKNOWN_COMMAND, NULL, 0, NULL, NULL },
	{ "   ",		0, PERR_EMPTY, NULL, 0, NULL, NULL },
	{ "",			0, PERR_EMPTY, NULL, 0, NULL, NULL },
	{ ";;\n;",		0, PERR_EMPTY, NULL, 0, NULL, NULL },
	{ "ABS 1001 1;ABS 1002 2;ABS 1003 3;ABS 1004 4;ABS 1005 5;"
	  "ABS 1006 6;ABS 1007 7;ABS 1008 8;ABS 1009 9",
				8, PERR_TOO_MANY, NULL, 0, NULL, NULL },
	{ "ABS 1001 3;ABS 1002",	1, PERR_MISSING_DAYS, NULL, 0, NULL, NULL },
	{ "\xff",		0, PERR_BAD_UTF8, NULL, 0, NULL, NULL },
	{ "ABS 1001 3\x01",	0, PERR_BAD_UTF8, NULL, 0, NULL, NULL },
};

START_TEST(test_abs_forms)
{
	const struct abs_case *c = &abs_cases[_i];
	struct cmd_list l;
	struct perr e;
	enum perr_code rc;

	rc = command_parse(parser, c->in, strlen(c->in), &l, &e);
	ck_assert_msg(rc == c->err, "'%s': %s, want %s", c->in, perr_name(rc),
	    perr_name(c->err));
	ck_assert_int_eq(e.code, rc);
	ck_assert_uint_eq(l.n, c->ncmd);
	if (c->err != PERR_NONE)
		return;
	ck_assert_int_eq(l.v[0].kind, CMD_ABS);
	ck_assert_str_eq(l.v[0].student, c->student);
	ck_assert_int_eq(l.v[0].days, c->days);
	if (c->reason == NULL)
		ck_assert_ptr_null(l.v[0].reason);
	else
		ck_assert_str_eq(l.v[0].reason, c->reason);
	ck_assert_str_eq(l.v[0].note, c->note);
}
END_TEST

/* Every command of a multi-command message, and where each starts. */
START_TEST(test_several)
{
	static const char in[] = "ABS 1001 3；缺 1002 两天 病\nabs 1003 5";
	struct cmd_list l;
	struct perr e;

	ck_assert_int_eq(command_parse(parser, in, strlen(in), &l, &e),
	    PERR_NONE);
	/* Normalized: "ABS 1001 3;缺 1002 两天 病\nabs 1003 5" */
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].student, "1001");
	ck_assert_int_eq(l.v[0].days, 3);
	ck_assert_uint_eq(l.v[0].off, 0);
	ck_assert_str_eq(l.v[1].student, "1002");
	ck_assert_int_eq(l.v[1].days, 2);
	ck_assert_str_eq(l.v[1].reason, "illness");
	ck_assert_uint_eq(l.v[1].off, 11);
	ck_assert_str_eq(l.v[2].student, "1003");
	ck_assert_int_eq(l.v[2].days, 5);
	ck_assert_ptr_null(l.v[2].reason);
	ck_assert_uint_eq(l.v[2].off, strlen("ABS 1001 3;缺 1002 两天 病\n"));
}
END_TEST

/* CMD_MAX commands are fine; the ninth is refused where it starts. */
START_TEST(test_too_many)
{
	char in[256];
	size_t len = 0, ninth = 0;
	struct cmd_list l;
	struct perr e;
	int i;

	for (i = 0; i < CMD_MAX; i++)
		len += (size_t)snprintf(in + len, sizeof in - len,
		    "%sABS %d 1", i ? ";" : "", 1001 + i);
	ck_assert_int_eq(command_parse(parser, in, len, &l, &e), PERR_NONE);
	ck_assert_uint_eq(l.n, CMD_MAX);
	ck_assert_str_eq(l.v[CMD_MAX - 1].student, "1008");
	ninth = len + 1;
	len += (size_t)snprintf(in + len, sizeof in - len, ";ABS 1009 1");
	ck_assert_int_eq(command_parse(parser, in, len, &l, &e),
	    PERR_TOO_MANY);
	ck_assert_uint_eq(l.n, CMD_MAX);
	ck_assert_uint_eq(e.off, ninth);
}
END_TEST

/* The error names the second command and points inside it. */
START_TEST(test_error_in_second)
{
	static const char in[] = "ABS 1001 3;ABS 1002";
	struct cmd_list l;
	struct perr e;

	ck_assert_int_eq(command_parse(parser, in, strlen(in), &l, &e),
	    PERR_MISSING_DAYS);
	ck_assert_int_eq(e.code, PERR_MISSING_DAYS);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].student, "1001");
	ck_assert_int_eq(l.v[0].days, 3);
	ck_assert_uint_ge(e.off, strlen("ABS 1001 3;"));
	ck_assert_uint_le(e.off, strlen(in));
	ck_assert_int_eq(l.failed_has_kind, 1);
	ck_assert_int_eq(l.failed_kind, CMD_ABS);
}
END_TEST

/* err.off is a byte offset into the normalized text at the bad token. */
struct off_case {
	const char *in;
	enum perr_code err;
	size_t off;
	int has_kind;
};

static const struct off_case off_cases[] = {
	{ "ABS abc 3",			PERR_BAD_STUDENT,	4, 1 },
	{ "ABS 1001 x",			PERR_BAD_DAYS,		9, 1 },
	{ "ABS 1001 61",		PERR_DAYS_RANGE,	9, 1 },
	{ "ABS 1001 3\nhello",		PERR_UNKNOWN_COMMAND,	11, 0 },
	{ "ａｂｓ　ｘ",			PERR_BAD_STUDENT,	4, 1 },
	{ "ABS 1001 3;  ABS 12 3",	PERR_BAD_STUDENT,	16, 1 },
};

START_TEST(test_error_offsets)
{
	const struct off_case *c = &off_cases[_i];
	struct cmd_list l;
	struct perr e;

	ck_assert_int_eq(command_parse(parser, c->in, strlen(c->in), &l, &e),
	    c->err);
	ck_assert_uint_eq(e.off, c->off);
	ck_assert_int_eq(l.failed_has_kind, c->has_kind);
}
END_TEST

/* A note longer than the field is cut on a UTF-8 boundary. */
START_TEST(test_long_note)
{
	char in[1024];
	size_t len, i;
	struct cmd_list l;
	struct perr e;

	len = (size_t)snprintf(in, sizeof in, "ABS 1001 3 病 ");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(in + len, sizeof in - len, "发烧");
	ck_assert_int_eq(command_parse(parser, in, len, &l, &e), PERR_NONE);
	ck_assert_str_eq(l.v[0].reason, "illness");
	ck_assert_uint_lt(strlen(l.v[0].note), CMD_NOTE_MAX);
	ck_assert_uint_eq(strlen(l.v[0].note) % 3, 0);
	ck_assert_uint_ge(strlen(l.v[0].note), CMD_NOTE_MAX - 3);
	ck_assert_int_eq(strncmp(l.v[0].note, "发烧发烧", 12), 0);
}
END_TEST

struct days_case {
	const char *in;
	int want;
};

static const struct days_case days_cases[] = {
	{ "3", 3 },	{ "03", 3 },	{ "60", 60 },	{ "1", 1 },
	{ "两", 2 },	{ "一", 1 },	{ "九", 9 },	{ "十", 10 },
	{ "十二", 12 },	{ "二十", 20 },	{ "二十三", 23 }, { "五十九", 59 },
	{ "六十", 60 },
	{ "0", -2 },	{ "61", -2 },	{ "999999", -2 }, { "零", -2 },
	{ "六十一", -2 }, { "七十", -2 },
	{ "十十", -1 },	{ "三三", -1 },	{ "", -1 },	{ "a", -1 },
	{ "3a", -1 },	{ "天", -1 },	{ "二十三四", -1 },
	{ "三十一二", -1 },
};

START_TEST(test_days_value)
{
	const struct days_case *c = &days_cases[_i];

	ck_assert_msg(command_days_value(c->in, strlen(c->in)) == c->want,
	    "'%s': %d, want %d", c->in,
	    command_days_value(c->in, strlen(c->in)), c->want);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(cmd_kind_name(CMD_ABS), "ABS");
	ck_assert_str_eq(perr_name(PERR_NONE), "none");
	ck_assert_str_eq(perr_name(PERR_NOMEM), "out of memory");
	ck_assert_str_eq(perr_name((enum perr_code)99), "?");
}
END_TEST

static Suite *
command_suite(void)
{
	Suite *s = suite_create("command");
	TCase *tc;

	tc = tcase_create("abs");
	tcase_add_unchecked_fixture(tc, parser_setup, parser_teardown);
	tcase_add_loop_test(tc, test_abs_forms, 0, NROWS(abs_cases));
	tcase_add_test(tc, test_several);
	tcase_add_test(tc, test_long_note);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, parser_setup, parser_teardown);
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_error_in_second);
	tcase_add_loop_test(tc, test_error_offsets, 0, NROWS(off_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("days");
	tcase_add_loop_test(tc, test_days_value, 0, NROWS(days_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(command_suite());
}
