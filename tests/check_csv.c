/* Roster CSV: encodings, RFC 4180 quoting, line numbers and bounds. */
#include "parsers/csv.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* --- csv_to_utf8 --- */

/* What csv_to_utf8 returned; freed even when an assertion fails. */
static char *conv;

static void
conv_teardown(void)
{
	free(conv);
	conv = NULL;
}

struct enc_case {
	const char *what;
	const char *in;
	size_t len;
	enum csv_rc rc;
	const char *want;	/* with CSV_OK */
	int from_gb;
};

static const struct enc_case enc_cases[] = {
	{ "plain UTF-8", "a,b\n", 4, CSV_OK, "a,b\n", 0 },
	{ "empty", "", 0, CSV_OK, "", 0 },
	{ "UTF-8 Han", "张三,1001\n", 12, CSV_OK, "张三,1001\n", 0 },
	{ "BOM stripped", "\xef\xbb\xbf" "a,b\n", 7, CSV_OK, "a,b\n", 0 },
	{ "BOM only", "\xef\xbb\xbf", 3, CSV_OK, "", 0 },
	{ "BOM + Han", "\xef\xbb\xbf" "张三", 9, CSV_OK, "张三", 0 },
	/* 张三 in GB18030 is D5C5 C8FD. */
	{ "GB18030", "\xd5\xc5\xc8\xfd,1001\r\n", 11, CSV_OK,
	    "张三,1001\r\n", 1 },
	/* A 4-byte GB18030 sequence: 0x81308436 is U+00A5 (¥). */
	{ "GB18030 4-byte", "\xd5\xc5\x81\x30\x84\x36", 6, CSV_OK,
	    "张\xc2\xa5", 1 },
	/* U+20000 (CJK Ext. B, in some names) is 0x95328236. */
	{ "GB18030 Ext. B", "\x95\x32\x82\x36", 4, CSV_OK,
	    "\xf0\xa0\x80\x80", 1 },
	/* Two bytes that are four of UTF-8: FE51 is U+20087 to glibc. */
	{ "GB18030 2-byte Ext. B", "\xfe\x51\xfe\x51", 4, CSV_OK,
	    "\xf0\xa0\x82\x87\xf0\xa0\x82\x87", 1 },
	{ "invalid in both", "a,\xff\xff\n", 5, CSV_ERR_ENCODING, NULL, 0 },
	{ "cut GB18030", "\xd5\xc5\xd5", 3, CSV_ERR_ENCODING, NULL, 0 },
	{ "control char", "a,\x01\n", 4, CSV_ERR_ENCODING, NULL, 0 },
	{ "NUL", "a\0b", 3, CSV_ERR_ENCODING, NULL, 0 },
};

START_TEST(test_to_utf8)
{
	const struct enc_case *c = &enc_cases[_i];
	size_t outlen = 99;
	int gb = 7;
	enum csv_rc rc;

	conv = (char *)"x";
	rc = csv_to_utf8(c->in, c->len, &conv, &outlen, &gb);
	ck_assert_msg(rc == c->rc, "%s: %s", c->what, csv_rc_str(rc));
	if (rc != CSV_OK) {
		ck_assert_ptr_null(conv);
		ck_assert_uint_eq(outlen, 0);
		return;
	}
	ck_assert_ptr_nonnull(conv);
	ck_assert_uint_eq(outlen, strlen(c->want));
	ck_assert_int_eq(memcmp(conv, c->want, outlen), 0);
	ck_assert_int_eq(conv[outlen], '\0');
	ck_assert_int_eq(gb, c->from_gb);
}
END_TEST

/* A roster as Excel on Chinese Windows writes it (bytes from iconv(1)). */
START_TEST(test_gb18030_roster)
{
	static const char gb[] =
	    "\xd1\xa7\xba\xc5,\xd0\xd5\xc3\xfb\r\n"		/* 学号,姓名 */
	    "1001,\xd5\xc5\xc8\xfd\r\n"				/* 张三 */
	    "1002,\"\xc0\xee,\xcb\xc4\"\r\n";			/* "李,四" */
	struct csv_reader r;
	static struct csv_row row;
	size_t ulen;
	int gbf;

	ck_assert_int_eq(csv_to_utf8(gb, sizeof gb - 1, &conv, &ulen, &gbf),
	    CSV_OK);
	ck_assert_int_eq(gbf, 1);
	csv_reader_init(&r, conv, ulen);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_str_eq(row.f[0], "学号");
	ck_assert_str_eq(row.f[1], "姓名");
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_str_eq(row.f[1], "张三");
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.line, 3);
	ck_assert_str_eq(row.f[1], "李,四");
	ck_assert_int_eq(csv_read(&r, &row), CSV_EOF);
}
END_TEST

START_TEST(test_too_big)
{
	size_t outlen;
	int gb;

	/* The size is checked before a byte is read. */
	ck_assert_int_eq(csv_to_utf8("", CSV_MAX_FILE + 1, &conv, &outlen,
	    &gb), CSV_ERR_TOO_BIG);
	ck_assert_ptr_null(conv);
}
END_TEST

/* --- csv_read --- */

#define MAXROWS 4

/* Expected rows: line and up to five fields ("|" joins them here). */
struct read_case {
	const char *what;
	const char *in;
	size_t nrows;
	struct {
		size_t line;
		size_t n;
		const char *f[5];
	} rows[MAXROWS];
	enum csv_rc end;	/* after the rows: CSV_EOF or the error */
	size_t err_line;	/* r.line after an error; 0: not checked */
};

static const struct read_case read_cases[] = {
	{ "simple", "a,b\nc,d\n", 2,
	    { { 1, 2, { "a", "b" } }, { 2, 2, { "c", "d" } } }, CSV_EOF, 0 },
	{ "empty input", "", 0, { { 0, 0, { NULL } } }, CSV_EOF, 0 },
	{ "one field", "x\n", 1, { { 1, 1, { "x" } } }, CSV_EOF, 0 },
	{ "no final newline", "a,b\nc,d", 2,
	    { { 1, 2, { "a", "b" } }, { 2, 2, { "c", "d" } } }, CSV_EOF, 0 },
	{ "CRLF", "a,b\r\nc,d\r\n", 2,
	    { { 1, 2, { "a", "b" } }, { 2, 2, { "c", "d" } } }, CSV_EOF, 0 },
	{ "trimmed", "  a ,\tb\t, c d \n", 1,
	    { { 1, 3, { "a", "b", "c d" } } }, CSV_EOF, 0 },
	{ "trailing empty field", "a,b,\n", 1,
	    { { 1, 3, { "a", "b", "" } } }, CSV_EOF, 0 },
	{ "trailing empty field at EOF", "a,b,", 1,
	    { { 1, 3, { "a", "b", "" } } }, CSV_EOF, 0 },
	{ "empty fields", ",a,\n", 1,
	    { { 1, 3, { "", "a", "" } } }, CSV_EOF, 0 },
	/* Excel writes a row of commas for cells that were only
	 * formatted: no row, as a blank line is none. */
	{ "row of empty cells", "a,b\n,,\n , \t,\nc,d\n", 2,
	    { { 1, 2, { "a", "b" } }, { 4, 2, { "c", "d" } } }, CSV_EOF, 0 },
	{ "empty cells, CRLF", ",,,\r\n,,,\r\na,b,c,d\r\n,,,\r\n", 1,
	    { { 3, 4, { "a", "b", "c", "d" } } }, CSV_EOF, 0 },
	{ "empty cells at EOF", "a\n,,,,,,", 1,
	    { { 1, 1, { "a" } } }, CSV_EOF, 0 },
	{ "only empty cells", ",,,,,,\n,,,,,,\n", 0,
	    { { 0, 0, { NULL } } }, CSV_EOF, 0 },
	{ "a line of spaces", "  \t \nx\n", 1,
	    { { 2, 1, { "x" } } }, CSV_EOF, 0 },
	{ "empty quoted cells", "\"\",\" \",\"\t\"\nx\n", 1,
	    { { 2, 1, { "x" } } }, CSV_EOF, 0 },
	{ "a quoted line break is not empty", "\"\n\",\n", 1,
	    { { 1, 2, { "\n", "" } } }, CSV_EOF, 0 },
	{ "blank lines", "\n\na\n\n\nb\n\n", 2,
	    { { 3, 1, { "a" } }, { 6, 1, { "b" } } }, CSV_EOF, 0 },
	{ "blank CRLF lines", "\r\na\r\n\r\nb\r\n", 2,
	    { { 2, 1, { "a" } }, { 4, 1, { "b" } } }, CSV_EOF, 0 },
	{ "quoted comma", "\"a,b\",c\n", 1,
	    { { 1, 2, { "a,b", "c" } } }, CSV_EOF, 0 },
	{ "doubled quote", "\"say \"\"hi\"\"\",x\n", 1,
	    { { 1, 2, { "say \"hi\"", "x" } } }, CSV_EOF, 0 },
	{ "only a doubled quote", "\"\"\"\"\n", 1,
	    { { 1, 1, { "\"" } } }, CSV_EOF, 0 },
	{ "empty quoted", "\"\",a\n", 1,
	    { { 1, 2, { "", "a" } } }, CSV_EOF, 0 },
	{ "quoted keeps spaces", " \" a \" ,b\n", 1,
	    { { 1, 2, { " a ", "b" } } }, CSV_EOF, 0 },
	{ "embedded newline", "1,\"two\nlines\"\n2,x\n\n3,y\n", 3,
	    { { 1, 2, { "1", "two\nlines" } }, { 3, 2, { "2", "x" } },
	      { 5, 2, { "3", "y" } } }, CSV_EOF, 0 },
	{ "embedded CRLF", "\"a\r\nb\",c\r\nd\r\n", 2,
	    { { 1, 2, { "a\r\nb", "c" } }, { 3, 1, { "d" } } }, CSV_EOF, 0 },
	{ "Han fields", "1001,张三,三年级二班\n", 1,
	    { { 1, 3, { "1001", "张三", "三年级二班" } } }, CSV_EOF, 0 },
	{ "unterminated quote", "a,b\n\"c,d\n", 1,
	    { { 1, 2, { "a", "b" } } }, CSV_ERR_QUOTE, 0 },
	{ "quote inside field", "a,b\"c\",d\n", 0,
	    { { 0, 0, { NULL } } }, CSV_ERR_QUOTE, 1 },
	{ "text after closing quote", "\"a\"b,c\n", 0,
	    { { 0, 0, { NULL } } }, CSV_ERR_QUOTE, 1 },
	{ "second quoted part", "\"a\" \"b\",c\n", 0,
	    { { 0, 0, { NULL } } }, CSV_ERR_QUOTE, 1 },
	{ "bad quote on line 3", "a\n\nb\"\n", 1,
	    { { 1, 1, { "a" } } }, CSV_ERR_QUOTE, 3 },
	{ "bad quote after empty cells", ",,\n , \nb\"\n", 0,
	    { { 0, 0, { NULL } } }, CSV_ERR_QUOTE, 3 },
};

START_TEST(test_read)
{
	const struct read_case *c = &read_cases[_i];
	struct csv_reader r;
	static struct csv_row row;
	size_t i, k;
	enum csv_rc rc;

	csv_reader_init(&r, c->in, strlen(c->in));
	for (i = 0; i < c->nrows; i++) {
		rc = csv_read(&r, &row);
		ck_assert_msg(rc == CSV_OK, "%s: row %zu: %s", c->what, i,
		    csv_rc_str(rc));
		ck_assert_msg(row.line == c->rows[i].line,
		    "%s: row %zu on line %zu, want %zu", c->what, i, row.line,
		    c->rows[i].line);
		ck_assert_msg(row.n == c->rows[i].n, "%s: row %zu: %zu fields",
		    c->what, i, row.n);
		for (k = 0; k < row.n; k++)
			ck_assert_msg(strcmp(row.f[k], c->rows[i].f[k]) == 0,
			    "%s: row %zu field %zu '%s', want '%s'", c->what,
			    i, k, row.f[k], c->rows[i].f[k]);
	}
	rc = csv_read(&r, &row);
	ck_assert_msg(rc == c->end, "%s: end %s, want %s", c->what,
	    csv_rc_str(rc), csv_rc_str(c->end));
	if (c->end == CSV_EOF)
		ck_assert_int_eq(csv_read(&r, &row), CSV_EOF);
	if (c->err_line)
		ck_assert_uint_eq(r.line, c->err_line);
}
END_TEST

/*
 * Old Mac line ends (lone CR) end a row; a blank CR-only line must count
 * as a line too, as it does with LF and CRLF.
 */
START_TEST(test_cr_line_numbers)
{
	static const char in[] = "a\r\rb\r";
	struct csv_reader r;
	static struct csv_row row;

	csv_reader_init(&r, in, strlen(in));
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.line, 1);
	ck_assert_str_eq(row.f[0], "a");
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_str_eq(row.f[0], "b");
	ck_assert_uint_eq(row.line, 3);
}
END_TEST

static size_t
fields_line(char *buf, int nfields)
{
	size_t len = 0;
	int i;

	for (i = 0; i < nfields; i++) {
		if (i)
			buf[len++] = ',';
		buf[len++] = (char)('a' + i);
	}
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

START_TEST(test_max_fields)
{
	char buf[64];
	size_t len = fields_line(buf, CSV_MAX_FIELDS);
	struct csv_reader r;
	static struct csv_row row;

	csv_reader_init(&r, buf, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.n, CSV_MAX_FIELDS);
	ck_assert_str_eq(row.f[CSV_MAX_FIELDS - 1], "p");
	/* Same without the newline. */
	csv_reader_init(&r, buf, len - 1);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.n, CSV_MAX_FIELDS);
}
END_TEST

START_TEST(test_too_many_fields)
{
	char buf[64];
	size_t len = fields_line(buf, CSV_MAX_FIELDS + 1);
	struct csv_reader r;
	static struct csv_row row;

	csv_reader_init(&r, buf, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_ERR_TOO_MANY_FIELDS);
	csv_reader_init(&r, buf, len - 1);
	ck_assert_int_eq(csv_read(&r, &row), CSV_ERR_TOO_MANY_FIELDS);
	/* A trailing empty 17th field counts too. */
	len = fields_line(buf, CSV_MAX_FIELDS);
	memcpy(buf + len - 1, ",\n", 3);
	csv_reader_init(&r, buf, len + 1);
	ck_assert_int_eq(csv_read(&r, &row), CSV_ERR_TOO_MANY_FIELDS);
}
END_TEST

/*
 * A row of n bytes of one field, then a newline and a short row. Static,
 * so that a failed assertion under CK_FORK=no leaks nothing.
 */
static char long_buf[3 * CSV_MAX_LINE + 8];

static const char *
long_row(size_t n, size_t *len)
{
	ck_assert_uint_le(n + 4, sizeof long_buf);
	memset(long_buf, 'x', n);
	memcpy(long_buf + n, "\ny\n", 4);
	*len = n + 3;
	return long_buf;
}

START_TEST(test_line_too_long)
{
	struct csv_reader r;
	static struct csv_row row;
	size_t len;
	const char *s = long_row(CSV_MAX_LINE + 1, &len);

	csv_reader_init(&r, s, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_ERR_LINE_TOO_LONG);
	ck_assert_uint_eq(r.line, 1);
	s = long_row(3 * CSV_MAX_LINE, &len);
	csv_reader_init(&r, s, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_ERR_LINE_TOO_LONG);
}
END_TEST

/* "Over CSV_MAX_LINE bytes is an error": exactly CSV_MAX_LINE is not. */
START_TEST(test_line_at_limit)
{
	struct csv_reader r;
	static struct csv_row row;
	size_t len;
	const char *s = long_row(CSV_MAX_LINE, &len);

	csv_reader_init(&r, s, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(strlen(row.f[0]), CSV_MAX_LINE);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.line, 2);
	ck_assert_str_eq(row.f[0], "y");
}
END_TEST

/* Well under the limit, with all 16 fields used, is fine. */
START_TEST(test_long_row_ok)
{
	static char s[CSV_MAX_LINE];
	struct csv_reader r;
	static struct csv_row row;
	size_t len = 0;
	int i, k;

	for (i = 0; i < CSV_MAX_FIELDS; i++) {
		if (i)
			s[len++] = ',';
		for (k = 0; k < 200; k++)
			s[len++] = (char)('a' + i);
	}
	csv_reader_init(&r, s, len);
	ck_assert_int_eq(csv_read(&r, &row), CSV_OK);
	ck_assert_uint_eq(row.n, CSV_MAX_FIELDS);
	ck_assert_uint_eq(strlen(row.f[15]), 200);
	ck_assert_int_eq(row.f[15][0], 'p');
}
END_TEST

START_TEST(test_rc_str)
{
	ck_assert_str_eq(csv_rc_str(CSV_OK), "ok");
	ck_assert_str_eq(csv_rc_str(CSV_ERR_ENCODING),
	    "file is neither UTF-8 nor GB18030");
	ck_assert_str_eq(csv_rc_str((enum csv_rc)99), "unknown CSV error");
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc;

	tc = tcase_create("encoding");
	tcase_add_checked_fixture(tc, NULL, conv_teardown);
	tcase_add_loop_test(tc, test_to_utf8, 0, NROWS(enc_cases));
	tcase_add_test(tc, test_gb18030_roster);
	tcase_add_test(tc, test_too_big);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_loop_test(tc, test_read, 0, NROWS(read_cases));
	tcase_add_test(tc, test_cr_line_numbers);
	tcase_add_test(tc, test_rc_str);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_max_fields);
	tcase_add_test(tc, test_too_many_fields);
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_line_at_limit);
	tcase_add_test(tc, test_long_row_ok);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(csv_suite());
}
