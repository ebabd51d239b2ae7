/*
 * GB18030 to UTF-8 (parsers/utf8.c): what a roster saved by Excel on
 * Chinese Windows holds, and what a provider says its webhook's text is
 * in (GB18030, GBK or GB2312, all read as GB18030). Golden bytes from the
 * GB 18030 tables (checked with iconv(1) and Python's gb18030 codec), not
 * a round trip through our own code.
 */
#include "parsers/utf8.h"
#include "tests/testutil.h"

#include <check.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct gb_case {
	const char *what;
	const char *in;
	size_t len;
	const char *want;	/* NULL: refused */
};

static const struct gb_case gb_cases[] = {
	{ "empty", "", 0, "" },
	{ "ASCII", "ABS 1001 3", 10, "ABS 1001 3" },
	/* 缺勤 (GB2312, so GBK and GB18030 too): C8B1 C7DA. */
	{ "GB2312", "\xc8\xb1\xc7\xda 20241017 3", 15,
	    "缺勤 20241017 3" },
	/* 缺 alone is C8 B1, which is valid UTF-8 too (U+0231). */
	{ "looks like UTF-8", "\xc8\xb1", 2, "缺" },
	/* 镕 (GBK's extension, not GB2312): E946. */
	{ "GBK", "\xe9\x46", 2, "镕" },
	/* The ideographic space and full-width digits a phone's IME
	 * writes: A1A1, A3B1. */
	{ "full-width", "\xa1\xa1\xa3\xb1", 4, "　１" },
	/* € is A2E3 in GB18030 (CP936's single byte 80 is not). */
	{ "euro", "\xa2\xe3", 2, "€" },
	/* Four bytes: 81308436 is U+00A5, 95328236 U+20000 (CJK Ext. B,
	 * in some rural names), E3329A35 U+10FFFF, the last. */
	{ "4-byte BMP", "\x81\x30\x84\x36", 4, "\xc2\xa5" },
	{ "4-byte Ext. B", "\x95\x32\x82\x36", 4, "\xf0\xa0\x80\x80" },
	{ "4-byte last", "\xe3\x32\x9a\x35", 4, "\xf4\x8f\xbf\xbf" },
	/* Two bytes that become four: glibc reads FE51 as U+20087 (CJK
	 * Ext. B), where other tables have a private-use code point. */
	{ "2-byte Ext. B", "\xfe\x51", 2, "\xf0\xa0\x82\x87" },
	{ "past the last", "\xe3\x32\x9a\x36", 4, NULL },
	{ "cut 2-byte", "\xc8\xb1\xc7", 3, NULL },
	{ "cut 4-byte", "\x81\x30\x84", 3, NULL },
	{ "bad trail byte", "\xd5\x7f", 2, NULL },
	{ "lone 80", "\x80", 1, NULL },
	{ "lone FF", "\xff", 1, NULL },
	{ "UTF-8 of 学 (E5AD A6: cut)", "\xe5\xad\xa6", 3, NULL },
};

START_TEST(test_gb18030)
{
	const struct gb_case *c = &gb_cases[_i];
	char out[64];
	size_t n = 99;
	int rc = gb18030_to_utf8(c->in, c->len, out, sizeof out, &n);

	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "%s: not refused", c->what);
		return;
	}
	ck_assert_msg(rc == 0, "%s: refused", c->what);
	ck_assert_uint_eq(n, strlen(c->want));
	ck_assert_str_eq(out, c->want);
}
END_TEST

/* Bounded by the caller's buffer: GB18030_UTF8_MAX(len) is room enough
 * for the worst case, two bytes that become four (found by fuzz_form: it
 * was taken for three); one less is refused, not cut. */
START_TEST(test_gb18030_room)
{
	static const char two[] = "\xfe\x51\xfe\x52";	/* 8 bytes */
	char out[GB18030_UTF8_MAX(4)];
	size_t n;

	ck_assert_uint_eq(sizeof out, 9);
	ck_assert_int_eq(gb18030_to_utf8(two, 4, out, sizeof out, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(gb18030_to_utf8(two, 4, out, sizeof out - 1, &n),
	    -1);
	ck_assert_int_eq(gb18030_to_utf8(two, 4, out, 0, &n), -1);
	/* 缺勤: four bytes, six. */
	ck_assert_int_eq(gb18030_to_utf8("\xc8\xb1\xc7\xda", 4, out, 7,
	    &n), 0);
	ck_assert_uint_eq(n, 6);
}
END_TEST

/* The names a provider gives GB18030 and its subsets (the WHATWG
 * Encoding Standard's labels for gbk and gb18030, and CP936), in any
 * case; nothing else. */
struct label_case {
	const char *name;
	int gb;
};

static const struct label_case label_cases[] = {
	{ "GB18030", 1 }, { "gb18030", 1 }, { "GBK", 1 }, { "gbk", 1 },
	{ "GB2312", 1 }, { "gb_2312-80", 1 }, { "GB_2312", 1 },
	{ "x-gbk", 1 }, { "chinese", 1 }, { "csGB2312", 1 },
	{ "csiso58gb231280", 1 }, { "iso-ir-58", 1 }, { "CP936", 1 },
	{ "UTF-8", 0 }, { "UTF-16BE", 0 }, { "Big5", 0 }, { "", 0 },
	{ "GB", 0 }, { "GBK ", 0 }, { "GB18030-2022", 0 }, { "HZ-GB-2312", 0 },
};

START_TEST(test_gb18030_labels)
{
	const struct label_case *c = &label_cases[_i];

	ck_assert_msg(gb18030_is_label(c->name) == c->gb, "%s", c->name);
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("gb18030");

	tcase_add_loop_test(tc, test_gb18030, 0, NROWS(gb_cases));
	tcase_add_test(tc, test_gb18030_room);
	tcase_add_loop_test(tc, test_gb18030_labels, 0, NROWS(label_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(utf8_suite());
}
