/* application/x-www-form-urlencoded decoding: fields, escapes, refusals. */
#include "parsers/form.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A decoded body: up to four expected key=value pairs, in order. */
struct form_case {
	const char *in;
	size_t n;
	const char *kv[4][2];
};

static const struct form_case ok_cases[] = {
	{ "", 0, { { NULL, NULL } } },
	{ "a=1", 1, { { "a", "1" } } },
	{ "from=13800000001&text=ABS", 2,
	    { { "from", "13800000001" }, { "text", "ABS" } } },
	{ "text=ABS+1001+3", 1, { { "text", "ABS 1001 3" } } },
	{ "text=%E4%B8%AD%e6%96%87", 1, { { "text", "中文" } } },
	{ "a%20b=c%2Bd", 1, { { "a b", "c+d" } } },
	{ "p=100%25", 1, { { "p", "100%" } } },
	{ "a=", 1, { { "a", "" } } },
	{ "flag", 1, { { "flag", "" } } },
	{ "a=1&&b=2", 2, { { "a", "1" }, { "b", "2" } } },
	{ "&a=1&", 1, { { "a", "1" } } },
	{ "&&&", 0, { { NULL, NULL } } },
	{ "a=b=c", 1, { { "a", "b=c" } } },
	{ "a=1&b&c=", 3, { { "a", "1" }, { "b", "" }, { "c", "" } } },
};

START_TEST(test_decode_ok)
{
	const struct form_case *c = &ok_cases[_i];
	static struct form f;
	size_t i, vlen;
	const char *v;

	ck_assert_int_eq(form_decode(&f, c->in, strlen(c->in)), FORM_OK);
	ck_assert_uint_eq(f.n, c->n);
	for (i = 0; i < c->n; i++) {
		ck_assert_str_eq(f.kv[i].key, c->kv[i][0]);
		ck_assert_str_eq(f.kv[i].val, c->kv[i][1]);
		ck_assert_uint_eq(f.kv[i].vlen, strlen(c->kv[i][1]));
		v = form_get(&f, c->kv[i][0], &vlen);
		ck_assert_ptr_eq(v, f.kv[i].val);
		ck_assert_uint_eq(vlen, f.kv[i].vlen);
	}
}
END_TEST

struct form_err_case {
	const char *in;
	enum form_rc rc;
};

static const struct form_err_case err_cases[] = {
	{ "a=%",		FORM_BAD_ESCAPE },
	{ "a=%4",		FORM_BAD_ESCAPE },
	{ "a=%ZZ",		FORM_BAD_ESCAPE },
	{ "a=%4G",		FORM_BAD_ESCAPE },
	{ "a=%G4",		FORM_BAD_ESCAPE },
	{ "a=%%41",		FORM_BAD_ESCAPE },
	{ "a=%4&b=1",		FORM_BAD_ESCAPE },	/* not %4& */
	{ "k%=1",		FORM_BAD_ESCAPE },	/* in the key */
	{ "ok=1&a=x%",		FORM_BAD_ESCAPE },
	{ "a=1&a=2",		FORM_DUP_KEY },
	{ "a=1&b=2&a=",		FORM_DUP_KEY },
	{ "a&a",		FORM_DUP_KEY },
	{ "a=1&%61=2",		FORM_DUP_KEY },		/* same key decoded */
	{ "=x",			FORM_EMPTY_KEY },
	{ "a=1&=x",		FORM_EMPTY_KEY },
	{ "=",			FORM_EMPTY_KEY },
};

START_TEST(test_decode_errors)
{
	const struct form_err_case *c = &err_cases[_i];
	static struct form f;

	f.n = 99;
	ck_assert_int_eq(form_decode(&f, c->in, strlen(c->in)), c->rc);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_ptr_null(form_get(&f, "a", NULL));
	ck_assert_ptr_nonnull(form_rc_str(c->rc));
}
END_TEST

/* FORM_MAX_FIELDS fields are fine; one more is refused. */
START_TEST(test_too_many)
{
	static struct form f;
	char body[512];
	size_t len = 0;
	int i;

	for (i = 0; i < FORM_MAX_FIELDS; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "%sk%d=%d", i ? "&" : "", i, i);
	ck_assert_int_eq(form_decode(&f, body, len), FORM_OK);
	ck_assert_uint_eq(f.n, FORM_MAX_FIELDS);
	ck_assert_str_eq(form_get(&f, "k15", NULL), "15");
	/* Empty pieces do not count as fields. */
	len += (size_t)snprintf(body + len, sizeof body - len, "&&");
	ck_assert_int_eq(form_decode(&f, body, len), FORM_OK);
	len += (size_t)snprintf(body + len, sizeof body - len, "x=1");
	ck_assert_int_eq(form_decode(&f, body, len), FORM_TOO_MANY);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

/* FORM_MAX_BYTES is the limit, inclusive; the bytes decode whole. */
START_TEST(test_length_limit)
{
	static struct form f;
	static char body[FORM_MAX_BYTES + 2];
	size_t vlen;
	const char *v;

	memset(body, 'x', sizeof body);
	memcpy(body, "text=", 5);
	ck_assert_int_eq(form_decode(&f, body, FORM_MAX_BYTES), FORM_OK);
	ck_assert_uint_eq(f.n, 1);
	v = form_get(&f, "text", &vlen);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(vlen, FORM_MAX_BYTES - 5);
	ck_assert_uint_eq(strlen(v), vlen);
	ck_assert_int_eq(form_decode(&f, body, FORM_MAX_BYTES + 1),
	    FORM_TOO_LONG);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

/* The most fields at the most bytes fit in buf (key and value NULs). */
START_TEST(test_full_buffer)
{
	static struct form f;
	static char body[FORM_MAX_BYTES + 1];
	size_t len = 0, each = FORM_MAX_BYTES / FORM_MAX_FIELDS, vlen;
	char key[8];
	int i;

	for (i = 0; i < FORM_MAX_FIELDS; i++) {
		size_t start = len;

		if (i)
			body[len++] = '&';
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "k%02d=", i);
		while (len - start < each)
			body[len++] = 'a' + (char)i;
	}
	ck_assert_uint_eq(len, FORM_MAX_BYTES);
	ck_assert_int_eq(form_decode(&f, body, len), FORM_OK);
	ck_assert_uint_eq(f.n, FORM_MAX_FIELDS);
	snprintf(key, sizeof key, "k%02d", FORM_MAX_FIELDS - 1);
	ck_assert_ptr_nonnull(form_get(&f, key, &vlen));
	ck_assert_uint_eq(vlen, each - 5);
}
END_TEST

START_TEST(test_nul_in_value)
{
	static struct form f;
	static const char body[] = "text=a%00b&k=v";
	size_t vlen;
	const char *v;

	ck_assert_int_eq(form_decode(&f, body, strlen(body)), FORM_OK);
	v = form_get(&f, "text", &vlen);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(vlen, 3);
	ck_assert_uint_eq(strlen(v), 1);
	ck_assert_int_eq(memcmp(v, "a\0b", 3), 0);
	ck_assert_str_eq(form_get(&f, "k", NULL), "v");
	/* Which field but text holds one: none here; k now. */
	ck_assert_ptr_null(form_nul_field(&f, "text"));
	ck_assert_str_eq(form_nul_field(&f, NULL), "text");
	ck_assert_int_eq(form_decode(&f, "text=a&k=v%00", 13), FORM_OK);
	ck_assert_str_eq(form_nul_field(&f, "text"), "k");
}
END_TEST

/* A name is read as a C string: a NUL byte in it, escaped or not, would
 * make it another name. */
START_TEST(test_nul_in_key)
{
	static struct form f;

	ck_assert_int_eq(form_decode(&f, "te%00xt=a", 9), FORM_NUL_KEY);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(form_decode(&f, "te\0xt=a", 7), FORM_NUL_KEY);
	ck_assert_str_eq(form_rc_str(FORM_NUL_KEY),
	    "NUL byte in a form field's name");
}
END_TEST

/* Only len bytes are read: the rest of the buffer is not part of it. */
START_TEST(test_len_bounds_input)
{
	static struct form f;

	ck_assert_int_eq(form_decode(&f, "a=12&b=2", 4), FORM_OK);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_str_eq(form_get(&f, "a", NULL), "12");
	ck_assert_ptr_null(form_get(&f, "b", NULL));
	/* "%4" cut off before its second digit is bad, not read past. */
	ck_assert_int_eq(form_decode(&f, "a=%41", 4), FORM_BAD_ESCAPE);
}
END_TEST

START_TEST(test_get_missing)
{
	static struct form f;
	size_t vlen = 77;

	ck_assert_int_eq(form_decode(&f, "a=1&bb=2", 8), FORM_OK);
	ck_assert_ptr_null(form_get(&f, "c", &vlen));
	ck_assert_uint_eq(vlen, 77);
	ck_assert_ptr_null(form_get(&f, "b", NULL));
	ck_assert_ptr_null(form_get(&f, "", NULL));
	ck_assert_ptr_null(form_get(&f, "A", NULL));	/* case matters */
	ck_assert_str_eq(form_get(&f, "bb", NULL), "2");
}
END_TEST

static Suite *
form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode_ok, 0, NROWS(ok_cases));
	tcase_add_test(tc, test_nul_in_value);
	tcase_add_test(tc, test_nul_in_key);
	tcase_add_test(tc, test_len_bounds_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_decode_errors, 0, NROWS(err_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_length_limit);
	tcase_add_test(tc, test_full_buffer);
	suite_add_tcase(s, tc);
	tc = tcase_create("get");
	tcase_add_test(tc, test_get_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(form_suite());
}
