/*
 * FNV-1a, the one hash the gateway uses to tell texts apart in memory
 * (the sender's texts in flight, a USSD session's last text, the modem's
 * sent and read messages): the published test vectors, and chaining.
 */
#include <check.h>
#include <string.h>

#include "parsers/fnv.h"
#include "tests/testutil.h"

/* From the reference test suite (isthe.com/chongo/src/fnv/test_fnv.c). */
static const struct {
	const char *in;
	uint32_t h32;
	uint64_t h64;
} vectors[] = {
	{ "", 0x811c9dc5u, 0xcbf29ce484222325ULL },
	{ "a", 0xe40c292cu, 0xaf63dc4c8601ec8cULL },
	{ "b", 0xe70c2de5u, 0xaf63df4c8601f1a5ULL },
	{ "foobar", 0xbf9cf968u, 0x85944171f73967e8ULL },
};

START_TEST(test_vectors)
{
	const char *s = vectors[_i].in;

	ck_assert_uint_eq(fnv1a32(FNV1A32_INIT, s, strlen(s)),
	    vectors[_i].h32);
	ck_assert_uint_eq(fnv1a64(FNV1A64_INIT, s, strlen(s)),
	    vectors[_i].h64);
}
END_TEST

/* Hashing in pieces gives the hash of the whole. */
START_TEST(test_chained)
{
	ck_assert_uint_eq(fnv1a64(fnv1a64(FNV1A64_INIT, "foo", 3), "bar", 3),
	    fnv1a64(FNV1A64_INIT, "foobar", 6));
	ck_assert_uint_eq(fnv1a32(fnv1a32(FNV1A32_INIT, "foo", 3), "bar", 3),
	    fnv1a32(FNV1A32_INIT, "foobar", 6));
}
END_TEST

/* Bytes, not chars: a byte above 0x7f is not sign-extended. */
START_TEST(test_high_bytes)
{
	ck_assert_uint_eq(fnv1a64(FNV1A64_INIT, "\xff", 1),
	    (FNV1A64_INIT ^ 0xffu) * 0x100000001b3ULL);
	ck_assert_uint_eq(fnv1a32(FNV1A32_INIT, "\xff", 1),
	    (uint32_t)((FNV1A32_INIT ^ 0xffu) * 0x01000193u));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fnv");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_vectors, 0,
	    (int)(sizeof vectors / sizeof vectors[0]));
	tcase_add_test(tc, test_chained);
	tcase_add_test(tc, test_high_bytes);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
