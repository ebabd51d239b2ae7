/* Phone numbers to E.164: the forms people and gateways write, and refusals. */
#include "parsers/phone.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct phone_case {
	const char *in;
	const char *want;	/* NULL: must be refused */
};

/* One mobile written every way it arrives. */
static const struct phone_case mobile_cases[] = {
	{ "13800000001",		"+8613800000001" },
	{ "86 138-0000-0001",		"+8613800000001" },
	{ "8613800000001",		"+8613800000001" },
	{ "+8613800000001",		"+8613800000001" },
	{ "008613800000001",		"+8613800000001" },
	{ "+86 (138) 0000 0001",	"+8613800000001" },
	{ "138.0000.0001",		"+8613800000001" },
	{ "19912345678",		"+8619912345678" },
};

/* Landlines with their trunk 0: 10/2x + 8 digits, 3-digit area + 7..8. */
static const struct phone_case landline_cases[] = {
	{ "010-12345678",	"+861012345678" },
	{ "0851-1234567",	"+868511234567" },
	{ "0851-12345678",	"+8685112345678" },
	{ "021 87654321",	"+862187654321" },
	{ "+86 10 12345678",	"+861012345678" },
};

static const struct phone_case reject_cases[] = {
	{ "",				NULL },	/* empty */
	{ "   ",			NULL },	/* no digits */
	{ "abc",			NULL },	/* letters */
	{ "10086abc",			NULL },	/* alphanumeric sender id */
	{ "Bank",			NULL },
	{ "138000000012",		NULL },	/* 12-digit "mobile" */
	{ "1380000000",			NULL },	/* 10-digit "mobile" */
	{ "1200000000",			NULL },	/* prefix 12, short */
	{ "12000000000",		NULL },	/* prefix 12, 11 digits */
	{ "+8612000000000",		NULL },
	{ "1234567890123456789012345678901234567890", NULL }, /* 40 chars */
	{ "+0123",			NULL },
	{ "+012345678",			NULL },	/* country code 0 */
	{ "++8613800000001",		NULL },	/* a second '+' */
	{ "+86+13800000001",		NULL },
	{ "86+13800000001",		NULL },	/* '+' after digits */
	{ "12345",			NULL },	/* too short */
	{ "+8612",			NULL },
	{ "10086",			NULL },	/* service number, not E.164 */
	{ "0",				NULL },
	{ "00",				NULL },
	{ "010-1234",			NULL },	/* local number too short */
	{ "+1234567890123456",		NULL },	/* 16 digits */
	{ "138_0000_0001",		NULL },	/* unknown separator */
};

static void
check_case(const struct phone_case *c)
{
	char out[PHONE_MAX];
	int rc = phone_normalize(c->in, out, sizeof out);

	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "'%s' accepted as '%s'", c->in,
		    rc == 0 ? out : "?");
		return;
	}
	ck_assert_msg(rc == 0, "'%s' refused", c->in);
	ck_assert_str_eq(out, c->want);
}

START_TEST(test_mobile_forms)
{
	check_case(&mobile_cases[_i]);
}
END_TEST

START_TEST(test_landlines)
{
	check_case(&landline_cases[_i]);
}
END_TEST

START_TEST(test_rejects)
{
	check_case(&reject_cases[_i]);
}
END_TEST

/* 39 characters is the longest input looked at. */
START_TEST(test_length_limit)
{
	char in[PHONE_INPUT_MAX + 1], out[PHONE_MAX];

	memset(in, ' ', PHONE_INPUT_MAX - 1);
	memcpy(in, "13800000001", 11);
	in[PHONE_INPUT_MAX - 1] = '\0';
	ck_assert_int_eq(phone_normalize(in, out, sizeof out), 0);
	ck_assert_str_eq(out, "+8613800000001");
	in[PHONE_INPUT_MAX - 1] = ' ';
	in[PHONE_INPUT_MAX] = '\0';
	ck_assert_int_eq(phone_normalize(in, out, sizeof out), -1);
}
END_TEST

START_TEST(test_outbuf_too_small)
{
	char out[PHONE_MAX];

	ck_assert_int_eq(phone_normalize("13800000001", out, PHONE_MAX - 1),
	    -1);
	ck_assert_int_eq(phone_normalize("13800000001", out, 0), -1);
	ck_assert_int_eq(phone_normalize("13800000001", out, PHONE_MAX), 0);
}
END_TEST

/* Lists of prefixes as [channel] prefixes and answer_unregistered hold
 * them. */
START_TEST(test_prefixes)
{
	char bad[16];

	ck_assert_int_eq(phone_prefixed("+86", "+8613800000001"), 1);
	ck_assert_int_eq(phone_prefixed("+852, +86", "+8613800000001"), 1);
	ck_assert_int_eq(phone_prefixed("+852 +853", "+8613800000001"), 0);
	ck_assert_int_eq(phone_prefixed("", "+8613800000001"), 0);
	ck_assert_int_eq(phone_prefixed(" , ", "+8613800000001"), 0);
	ck_assert_int_eq(phone_prefixes_valid("+86 +852,+1", bad,
	    sizeof bad), 0);
	ck_assert_int_eq(phone_prefixes_valid("", bad, sizeof bad), 0);
	ck_assert_int_eq(phone_prefixes_valid("+86 86", bad, sizeof bad), -1);
	ck_assert_str_eq(bad, "86");
	ck_assert_int_eq(phone_prefixes_valid("+", bad, sizeof bad), -1);
	ck_assert_int_eq(phone_prefixes_valid("+8x6", bad, sizeof bad), -1);
	ck_assert_str_eq(bad, "+8x6");
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
phone_suite(void)
{
	Suite *s = suite_create("phone");
	TCase *tc;

	tc = tcase_create("mobile");
	tcase_add_loop_test(tc, test_mobile_forms, 0, NROWS(mobile_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("landline");
	tcase_add_loop_test(tc, test_landlines, 0, NROWS(landline_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_rejects, 0, NROWS(reject_cases));
	tcase_add_test(tc, test_length_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("outbuf");
	tcase_add_test(tc, test_outbuf_too_small);
	tcase_add_test(tc, test_prefixes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(phone_suite());
}
