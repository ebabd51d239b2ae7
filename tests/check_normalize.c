/* Input folding for SMS commands: NFKC, CJK punctuation, spaces and lines. */
#include "parsers/normalize.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct norm_case {
	const char *in;
	const char *want;	/* with PERR_NONE */
	enum perr_code rc;
};

static void
check_case(const struct norm_case *c)
{
	char out[512];
	size_t olen = 12345;
	enum perr_code rc;

	rc = normalize_text(c->in, strlen(c->in), out, sizeof out, &olen);
	ck_assert_msg(rc == c->rc, "'%s': %s, want %s", c->in, perr_name(rc),
	    perr_name(c->rc));
	if (c->rc != PERR_NONE) {
		ck_assert_uint_eq(olen, 0);
		return;
	}
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_eq(olen, strlen(c->want));
}

/* Full-width forms and the ideographic space become ASCII. */
static const struct norm_case width_cases[] = {
	{ "ＡＢＳ１００１",		"ABS1001",		PERR_NONE },
	{ "ａｂｓ　１００１　３天",	"abs 1001 3天",		PERR_NONE },
	{ "ABS\xe3\x80\x80" "1001",	"ABS 1001",		PERR_NONE },
	{ "（１）",			"(1)",			PERR_NONE },
	{ "ABS\xc2\xa0" "1001",		"ABS 1001",		PERR_NONE },	/* NBSP */
	{ "ABS 1001 3",			"ABS 1001 3",		PERR_NONE },
};

/*
 * Spaces squeezed, lines trimmed, CR LF folded, a run of blank lines kept
 * as one empty line (it may set off a signature), blank lines at either
 * end dropped.
 */
static const struct norm_case space_cases[] = {
	{ "ABS   1001\t\t3",		"ABS 1001 3",		PERR_NONE },
	{ "ABS \t 1001",		"ABS 1001",		PERR_NONE },
	{ "  ABS 1001  ",		"ABS 1001",		PERR_NONE },
	/* A byte order mark (U+FEFF) is nothing, wherever a gateway or a
	 * phone left it: UTF-16 labelled LE or BE keeps it (RFC 2781). */
	{ "\xef\xbb\xbf" "ABS 1001",	"ABS 1001",		PERR_NONE },
	{ "ABS\xef\xbb\xbf 1001",	"ABS 1001",		PERR_NONE },
	{ "ABS 1001\xef\xbb\xbf" "3",	"ABS 1001 3",		PERR_NONE },
	{ "\xef\xbb\xbf",		"",			PERR_EMPTY },
	/* Zero-width spaces and joiners (U+200B, U+200C, U+200D, U+2060)
	 * that input methods and copied text leave are spaces the same way
	 * (from a review: CASE<U+200B>20241003 was refused). */
	{ "CASE\xe2\x80\x8b" "20241003",	"CASE 20241003",	PERR_NONE },
	{ "ABS\xe2\x80\x8c" "1001",	"ABS 1001",		PERR_NONE },
	{ "ABS\xe2\x80\x8d" "1001",	"ABS 1001",		PERR_NONE },
	{ "ABS\xe2\x81\xa0" "1001",	"ABS 1001",		PERR_NONE },
	{ "\xe2\x80\x8b" "ABS 1001\xe2\x80\x8b",	"ABS 1001",	PERR_NONE },
	{ "ABS \xe2\x80\x8b\xe2\x81\xa0 1001",	"ABS 1001",	PERR_NONE },
	{ "\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0", "",	PERR_EMPTY },
	{ "\tABS\t",			"ABS",			PERR_NONE },
	{ "a\r\nb",			"a\nb",			PERR_NONE },
	{ "a\rb",			"a\nb",			PERR_NONE },
	{ "a  \r\n  b",			"a\nb",			PERR_NONE },
	{ "a\n\nb",			"a\n\nb",		PERR_NONE },
	{ "a\n\n\nb",			"a\n\nb",		PERR_NONE },
	{ "a\r\n\r\n\r\nb",		"a\n\nb",		PERR_NONE },
	{ "a\r\rb",			"a\n\nb",		PERR_NONE },
	{ "a\n   \n\t\nb",		"a\n\nb",		PERR_NONE },
	{ "a\xe3\x80\x80\n\xe3\x80\x80\nb", "a\n\nb",		PERR_NONE },
	{ "a\n\nb\n\n\nc\nd",		"a\n\nb\n\nc\nd",	PERR_NONE },
	{ "\n\na\n\n",			"a",			PERR_NONE },
	{ "\n \n\t\na\nb\n \n",		"a\nb",			PERR_NONE },
	{ "a\n",			"a",			PERR_NONE },
	{ "a\n\n\n",			"a",			PERR_NONE },
	{ "\xe3\x80\x80" "a" "\xe3\x80\x80",	"a",		PERR_NONE },
};

/* CJK punctuation NFKC keeps is folded; the full-width forms by NFKC. */
static const struct norm_case punct_cases[] = {
	{ "1、2",			"1,2",			PERR_NONE },
	{ "好。",			"好.",			PERR_NONE },
	{ "【某某镇中心校】",		"[某某镇中心校]",	PERR_NONE },
	{ "“请假”",			"\"请假\"",		PERR_NONE },
	{ "‘a’",			"'a'",			PERR_NONE },
	{ "《通知》",			"<通知>",		PERR_NONE },
	{ "a—b",			"a-b",			PERR_NONE },
	{ "ABS 1001 3；ABS 1002 2",	"ABS 1001 3;ABS 1002 2", PERR_NONE },
	{ "甲，乙：丙？！",		"甲,乙:丙?!",		PERR_NONE },
	{ "５０％",			"50%",			PERR_NONE },
};

/* Han characters pass unchanged. */
static const struct norm_case han_cases[] = {
	{ "张老师明天三年级二班李同学请假",
	    "张老师明天三年级二班李同学请假", PERR_NONE },
	{ "缺勤 20240101 两天 病 发烧",	"缺勤 20240101 两天 病 发烧", PERR_NONE },
	{ "\xf0\xa0\x80\x80",		"\xf0\xa0\x80\x80",	PERR_NONE }, /* U+20000 */
};

/*
 * ASCII and U+4E00..9FFF only skip NFKC and come out as they went in
 * (spaces aside); anything else, full-width forms in particular, goes
 * through NFKC.
 */
static const struct norm_case fast_cases[] = {
	{ "ABS 1001 3",			"ABS 1001 3",		PERR_NONE },
	{ "abc XYZ 0123 ~!@#$%^&*()_+{}|:\"<>?/`'[]\\=",
	    "abc XYZ 0123 ~!@#$%^&*()_+{}|:\"<>?/`'[]\\=", PERR_NONE },
	{ "ABS 1001 3 病 发烧",	"ABS 1001 3 病 发烧",	PERR_NONE },
	{ "缺勤20240101两天;返校1002",
	    "缺勤20240101两天;返校1002",	PERR_NONE },
	/* U+4E00 U+9FA5 U+9FFF, the ends of the range */
	{ "\xe4\xb8\x80\xe9\xbe\xa5\xe9\xbf\xbf",
	    "\xe4\xb8\x80\xe9\xbe\xa5\xe9\xbf\xbf",	PERR_NONE },
	{ "缺勤  20240101\t两天\r\n", "缺勤 20240101 两天",	PERR_NONE },
};

static const struct norm_case slow_cases[] = {
	{ "缺勤 ２０２４０１０１ 两天", "缺勤 20240101 两天", PERR_NONE },
	{ "缺勤 20240101，两天",	"缺勤 20240101,两天",	PERR_NONE },
	{ "缺勤\xe3\x80\x80" "20240101",	"缺勤 20240101",	PERR_NONE },
	{ "ＡＢＣ中文",		"ABC中文",		PERR_NONE },
	/* Kangxi radical U+2F00, compatibility U+F900, extension A U+3400;
	 * then a combining accent and the ligature U+FB01. */
	{ "\xe2\xbc\x80",		"\xe4\xb8\x80",		PERR_NONE },
	{ "\xef\xa4\x80",		"\xe8\xb1\x88",		PERR_NONE },
	{ "\xe3\x90\x80",		"\xe3\x90\x80",		PERR_NONE },
	{ "cafe\xcc\x81",		"caf\xc3\xa9",		PERR_NONE },
	{ "\xef\xac\x81" "le",		"file",			PERR_NONE },
	{ "ABS 1001 3 😀",		"ABS 1001 3 😀",	PERR_NONE },
};

static const struct norm_case bad_cases[] = {
	{ "\xff",			NULL,	PERR_BAD_UTF8 },
	{ "ABS \xff 3",			NULL,	PERR_BAD_UTF8 },
	{ "\xc0\xaf",			NULL,	PERR_BAD_UTF8 },	/* overlong '/' */
	{ "\xe0\x80\xaf",		NULL,	PERR_BAD_UTF8 },	/* overlong '/' */
	{ "\xed\xa0\x80",		NULL,	PERR_BAD_UTF8 },	/* U+D800 */
	{ "\xe4\xb8",			NULL,	PERR_BAD_UTF8 },	/* cut */
	{ "\x80",			NULL,	PERR_BAD_UTF8 },
	{ "\xf4\x90\x80\x80",		NULL,	PERR_BAD_UTF8 },	/* > U+10FFFF */
	{ "\x01",			NULL,	PERR_BAD_UTF8 },
	{ "ABS\x1b" "1001",		NULL,	PERR_BAD_UTF8 },
	{ "\x7f",			NULL,	PERR_BAD_UTF8 },
	{ "",				NULL,	PERR_EMPTY },
	{ " ",				NULL,	PERR_EMPTY },
	{ "  \t  ",			NULL,	PERR_EMPTY },
	{ "\r\n\n\r",			NULL,	PERR_EMPTY },
	{ "\xe3\x80\x80\xe3\x80\x80",	NULL,	PERR_EMPTY },
};

START_TEST(test_width)
{
	check_case(&width_cases[_i]);
}
END_TEST

START_TEST(test_spaces)
{
	check_case(&space_cases[_i]);
}
END_TEST

START_TEST(test_punct)
{
	check_case(&punct_cases[_i]);
}
END_TEST

START_TEST(test_han)
{
	check_case(&han_cases[_i]);
}
END_TEST

START_TEST(test_fast)
{
	check_case(&fast_cases[_i]);
}
END_TEST

START_TEST(test_slow)
{
	check_case(&slow_cases[_i]);
}
END_TEST

/*
 * The fast path agrees with NFKC: the same text with a full-width 'x'
 * appended (which forces the NFKC pass) comes out with an 'x' appended.
 */
START_TEST(test_fast_matches_nfkc)
{
	const struct norm_case *c = &fast_cases[_i];
	char in[256], out[512], want[512];
	size_t olen;

	snprintf(in, sizeof in, "%s\xef\xbd\x98", c->in);	/* U+FF58 */
	snprintf(want, sizeof want, "%s%sx", c->want,
	    strchr("\r\n", c->in[strlen(c->in) - 1]) ? "\n" : "");
	ck_assert_int_eq(normalize_text(in, strlen(in), out, sizeof out,
	    &olen), PERR_NONE);
	ck_assert_str_eq(out, want);
}
END_TEST

START_TEST(test_bad)
{
	check_case(&bad_cases[_i]);
}
END_TEST

/* A NUL inside the length is a control character, not the end. */
START_TEST(test_embedded_nul)
{
	char out[32];
	size_t olen;

	ck_assert_int_eq(normalize_text("a\0b", 3, out, sizeof out, &olen),
	    PERR_BAD_UTF8);
}
END_TEST

/* NORMALIZE_MAX_IN bytes are read; one more is refused. */
START_TEST(test_input_limit)
{
	static char in[NORMALIZE_MAX_IN + 1], out[NORMALIZE_MAX_IN + 1];
	size_t olen;

	memset(in, 'a', sizeof in);
	ck_assert_int_eq(normalize_text(in, NORMALIZE_MAX_IN, out, sizeof out,
	    &olen), PERR_NONE);
	ck_assert_uint_eq(olen, NORMALIZE_MAX_IN);
	ck_assert_int_eq(normalize_text(in, NORMALIZE_MAX_IN + 1, out,
	    sizeof out, &olen), PERR_TOO_LONG);
	ck_assert_uint_eq(olen, 0);
}
END_TEST

/* out holds outsz - 1 bytes and a NUL; anything longer is refused. */
START_TEST(test_outbuf_limit)
{
	char out[8];
	size_t olen;

	ck_assert_int_eq(normalize_text("ABS1001", 7, out, 8, &olen),
	    PERR_NONE);
	ck_assert_str_eq(out, "ABS1001");
	ck_assert_int_eq(normalize_text("ABS10012", 8, out, 8, &olen),
	    PERR_TOO_LONG);
	ck_assert_uint_eq(olen, 0);
	ck_assert_str_eq(out, "");
	/* Full-width input shrinks: 21 bytes in, 7 out. */
	ck_assert_int_eq(normalize_text("ＡＢＳ１００１", 21, out, 8, &olen),
	    PERR_NONE);
	ck_assert_str_eq(out, "ABS1001");
	/* A Han character is not cut in half at the end of out. */
	ck_assert_int_eq(normalize_text("abcde中", 8, out, 8, &olen),
	    PERR_TOO_LONG);
	ck_assert_int_eq(normalize_text("abcd中", 7, out, 8, &olen),
	    PERR_NONE);
	ck_assert_str_eq(out, "abcd中");
	/* The space and newline written between words count too. */
	ck_assert_int_eq(normalize_text("abcdef g", 8, out, 8, &olen),
	    PERR_TOO_LONG);
	ck_assert_int_eq(normalize_text("abcdef\ng", 8, out, 8, &olen),
	    PERR_TOO_LONG);
	ck_assert_int_eq(normalize_text("abc", 3, out, 0, &olen),
	    PERR_TOO_LONG);
	ck_assert_int_eq(normalize_text("abc", 3, out, 1, &olen),
	    PERR_TOO_LONG);
}
END_TEST

static Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc;

	tc = tcase_create("width");
	tcase_add_loop_test(tc, test_width, 0, NROWS(width_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("spaces");
	tcase_add_loop_test(tc, test_spaces, 0, NROWS(space_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("punct");
	tcase_add_loop_test(tc, test_punct, 0, NROWS(punct_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("han");
	tcase_add_loop_test(tc, test_han, 0, NROWS(han_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("fast_path");
	tcase_add_loop_test(tc, test_fast, 0, NROWS(fast_cases));
	tcase_add_loop_test(tc, test_fast_matches_nfkc, 0, NROWS(fast_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("nfkc_path");
	tcase_add_loop_test(tc, test_slow, 0, NROWS(slow_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_add_loop_test(tc, test_bad, 0, NROWS(bad_cases));
	tcase_add_test(tc, test_embedded_nul);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_input_limit);
	tcase_add_test(tc, test_outbuf_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(normalize_suite());
}
