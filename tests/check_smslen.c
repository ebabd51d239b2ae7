/* SMS length arithmetic (PROTOCOLS.md §3): alphabet, units, segments. */
#include "parsers/smslen.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define HAN "\xe4\xb8\xad"		/* 中 U+4E2D, 1 UCS-2 unit */
#define EMOJI "\xf0\x9f\x98\x80"	/* U+1F600, a surrogate pair */
#define EURO "\xe2\x82\xac"		/* € U+20AC, GSM-7 extension */

/* Text built from up to three runs of a repeated piece. */
struct run {
	const char *piece;
	int count;
};

struct len_case {
	const char *what;
	struct run runs[3];
	enum smslen_enc enc;
	size_t units;
	size_t segments;
	size_t chars;
};

static const struct len_case len_cases[] = {
	{ "empty", { { "", 0 } }, SMSLEN_GSM7, 0, 0, 0 },
	{ "1 a", { { "a", 1 } }, SMSLEN_GSM7, 1, 1, 1 },
	{ "160 a", { { "a", 160 } }, SMSLEN_GSM7, 160, 1, 160 },
	{ "161 a", { { "a", 161 } }, SMSLEN_GSM7, 161, 2, 161 },
	{ "306 a", { { "a", 306 } }, SMSLEN_GSM7, 306, 2, 306 },
	{ "307 a", { { "a", 307 } }, SMSLEN_GSM7, 307, 3, 307 },
	{ "euro", { { EURO, 1 } }, SMSLEN_GSM7, 2, 1, 1 },
	{ "brace", { { "{", 1 } }, SMSLEN_GSM7, 2, 1, 1 },
	{ "all extension chars", { { "|^" EURO "{}[]~\\", 1 } },
	    SMSLEN_GSM7, 18, 1, 9 },
	{ "GSM basic non-ASCII", { { "\xc2\xa3\xc3\xa9\xce\x94\xc3\x9f", 1 } },
	    SMSLEN_GSM7, 4, 1, 4 },			/* £éΔß */
	{ "80 braces fill one", { { "{", 80 } }, SMSLEN_GSM7, 160, 1, 80 },
	{ "81 braces", { { "{", 81 } }, SMSLEN_GSM7, 162, 2, 81 },
	/*
	 * 152 a + '{' is only 154 septets: one SMS, nothing to split.
	 * Splitting shows with more text: part 1 holds 152 (the escape pair
	 * would straddle 153), part 2 the pair + 151 a, part 3 the last a.
	 * Without that rule 306 septets would be 2 parts.
	 */
	{ "152 a + {", { { "a", 152 }, { "{", 1 } }, SMSLEN_GSM7, 154, 1, 153 },
	{ "152 a + { + 7 a", { { "a", 152 }, { "{", 1 }, { "a", 7 } },
	    SMSLEN_GSM7, 161, 2, 160 },
	{ "152 a + { + 152 a", { { "a", 152 }, { "{", 1 }, { "a", 152 } },
	    SMSLEN_GSM7, 306, 3, 305 },
	{ "151 a + { + 153 a", { { "a", 151 }, { "{", 1 }, { "a", 153 } },
	    SMSLEN_GSM7, 306, 2, 305 },
	{ "70 Han", { { HAN, 70 } }, SMSLEN_UCS2, 70, 1, 70 },
	{ "71 Han", { { HAN, 71 } }, SMSLEN_UCS2, 71, 2, 71 },
	{ "134 Han", { { HAN, 134 } }, SMSLEN_UCS2, 134, 2, 134 },
	{ "135 Han", { { HAN, 135 } }, SMSLEN_UCS2, 135, 3, 135 },
	{ "emoji", { { EMOJI, 1 } }, SMSLEN_UCS2, 2, 1, 1 },
	{ "35 emoji", { { EMOJI, 35 } }, SMSLEN_UCS2, 70, 1, 35 },
	{ "36 emoji", { { EMOJI, 36 } }, SMSLEN_UCS2, 72, 2, 36 },
	/* 66 + emoji = 68 units still fits in one 70-unit SMS. */
	{ "66 Han + emoji", { { HAN, 66 }, { EMOJI, 1 } },
	    SMSLEN_UCS2, 68, 1, 67 },
	{ "67 Han + emoji", { { HAN, 67 }, { EMOJI, 1 } },
	    SMSLEN_UCS2, 69, 1, 68 },
	{ "68 Han + emoji", { { HAN, 68 }, { EMOJI, 1 } },
	    SMSLEN_UCS2, 70, 1, 69 },
	{ "69 Han + emoji", { { HAN, 69 }, { EMOJI, 1 } },
	    SMSLEN_UCS2, 71, 2, 70 },
	/* The surrogate pair at units 67-68 moves whole to part 2. */
	{ "66 Han + emoji + 66 Han", { { HAN, 66 }, { EMOJI, 1 }, { HAN, 66 } },
	    SMSLEN_UCS2, 134, 3, 133 },
	{ "65 Han + emoji + 67 Han", { { HAN, 65 }, { EMOJI, 1 }, { HAN, 67 } },
	    SMSLEN_UCS2, 134, 2, 133 },
	/* One character outside GSM-7 makes every character cost 1 unit. */
	{ "Han + braces", { { "{", 69 }, { HAN, 1 } }, SMSLEN_UCS2, 70, 1, 70 },
	{ "backtick", { { "`", 1 } }, SMSLEN_UCS2, 1, 1, 1 },
	{ "a + backtick", { { "a", 70 }, { "`", 1 } }, SMSLEN_UCS2, 71, 2, 71 },
	{ "curly quote", { { "\xe2\x80\x9c", 1 } }, SMSLEN_UCS2, 1, 1, 1 },
	{ "worked example", { { "张老师：明天三年级二班李同学请假", 1 } },
	    SMSLEN_UCS2, 16, 1, 16 },
	{ "example + signature + 47",
	    { { "【某某镇中心校】", 1 }, { "张老师：明天三年级二班李同学请假", 1 },
	      { HAN, 47 } }, SMSLEN_UCS2, 71, 2, 71 },
	/* 255 parts of 153 septets is the most there can be. */
	{ "255 parts", { { "a", 153 * 255 } }, SMSLEN_GSM7, 153 * 255, 255,
	    153 * 255 },
};

static char *
build(const struct run *runs, size_t *len)
{
	size_t n = 0, i;
	char *s;
	int k;

	for (i = 0; i < 3 && runs[i].piece; i++)
		n += strlen(runs[i].piece) * (size_t)runs[i].count;
	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	*len = 0;
	for (i = 0; i < 3 && runs[i].piece; i++)
		for (k = 0; k < runs[i].count; k++) {
			memcpy(s + *len, runs[i].piece, strlen(runs[i].piece));
			*len += strlen(runs[i].piece);
		}
	s[*len] = '\0';
	return s;
}

START_TEST(test_measure)
{
	const struct len_case *c = &len_cases[_i];
	struct smslen r;
	size_t len;
	char *s = build(c->runs, &len);
	int rc = smslen_measure(s, len, &r);

	free(s);
	ck_assert_msg(rc == 0, "%s: rc %d", c->what, rc);
	ck_assert_msg(r.enc == c->enc, "%s: enc %d", c->what, (int)r.enc);
	ck_assert_msg(r.units == c->units, "%s: %zu units, want %zu",
	    c->what, r.units, c->units);
	ck_assert_msg(r.segments == c->segments, "%s: %zu segments, want %zu",
	    c->what, r.segments, c->segments);
	ck_assert_msg(r.chars == c->chars, "%s: %zu chars, want %zu",
	    c->what, r.chars, c->chars);
}
END_TEST

struct bad_case {
	const char *in;
	size_t len;
};

static const struct bad_case bad_cases[] = {
	{ "\xff", 1 },
	{ "abc\xff", 4 },
	{ "\xc0\xaf", 2 },
	{ "\xed\xa0\x80", 3 },		/* lone surrogate */
	{ "\xe4\xb8", 2 },		/* cut */
	{ "\xf0\x9f\x98", 3 },
};

START_TEST(test_invalid)
{
	const struct bad_case *c = &bad_cases[_i];
	struct smslen r;

	ck_assert_int_eq(smslen_measure(c->in, c->len, &r), -1);
}
END_TEST

/* More than 255 segments is refused. */
START_TEST(test_too_many_segments)
{
	static char s[153 * 256];
	struct smslen r;

	memset(s, 'a', sizeof s);
	ck_assert_int_eq(smslen_measure(s, 153 * 255, &r), 0);
	ck_assert_uint_eq(r.segments, 255);
	ck_assert_int_eq(smslen_measure(s, 153 * 255 + 1, &r), -1);
}
END_TEST

struct cost_case {
	int cp;
	int cost;
};

static const struct cost_case cost_cases[] = {
	{ 'A', 1 },	{ 'z', 1 },	{ '0', 1 },	{ ' ', 1 },
	{ '@', 1 },	{ '$', 1 },	{ '_', 1 },	{ '\n', 1 },
	{ '\r', 1 },	{ 0x00A3, 1 },	{ 0x00E9, 1 },	{ 0x0394, 1 },
	{ 0x00E0, 1 },	{ 0x00DF, 1 },
	{ 0x20AC, 2 },	{ '{', 2 },	{ '}', 2 },	{ '[', 2 },
	{ ']', 2 },	{ '~', 2 },	{ '|', 2 },	{ '^', 2 },
	{ '\\', 2 },	{ '\f', 2 },
	{ 0x4E2D, 0 },	{ '`', 0 },	{ 0x1F600, 0 },	{ 0x201C, 0 },
	{ 0xFF21, 0 },	{ 0x3000, 0 },	{ '\t', 0 },	{ 0x7F, 0 },
	{ 0x00E1, 0 },	/* á is not in GSM-7 */
};

START_TEST(test_gsm7_cost)
{
	const struct cost_case *c = &cost_cases[_i];

	ck_assert_msg(smslen_gsm7_cost(c->cp) == c->cost, "U+%04X: %d, want %d",
	    (unsigned)c->cp, smslen_gsm7_cost(c->cp), c->cost);
}
END_TEST

/*
 * What casework's enqueue relies on to queue a short text unmeasured: a
 * text of at most n * 67 bytes of UTF-8 never takes more than n parts,
 * whatever it holds. The worst cases: one Han character among ASCII (all
 * UCS-2, a unit a byte), GSM-7 extension characters only (two septets a
 * byte), surrogate pairs, each at every length up to the bound, and
 * random mixes of them all.
 */
START_TEST(test_short_bytes_fit)
{
	static const char *const pieces[] = { "a", "{", "~", EURO, HAN,
	    EMOJI, "\n", "。", "\xc3\xa1" /* á */ };
	char text[5 * SMSLEN_UCS2_PART + 8];
	struct smslen r;
	size_t n, len, k, pl;
	unsigned seed = 7;
	int i;

	for (n = 1; n <= 5; n++) {
		size_t max = n * SMSLEN_UCS2_PART;

		for (len = 1; len <= max; len++) {
			/* One Han character, the rest ASCII. */
			memset(text, 'a', len);
			if (len >= 3)
				memcpy(text, HAN, 3);
			ck_assert_int_eq(smslen_measure(text, len, &r), 0);
			ck_assert_uint_le(r.segments, n);
			/* Extension characters only. */
			memset(text, '{', len);
			ck_assert_int_eq(smslen_measure(text, len, &r), 0);
			ck_assert_uint_le(r.segments, n);
			/* Surrogate pairs, then ASCII to the length. */
			for (k = 0; k + 4 <= len; k += 4)
				memcpy(text + k, EMOJI, 4);
			memset(text + k, 'a', len - k);
			ck_assert_int_eq(smslen_measure(text, len, &r), 0);
			ck_assert_uint_le(r.segments, n);
		}
		for (i = 0; i < 2000; i++) {
			for (len = 0;;) {
				seed = seed * 1103515245u + 12345u;
				pl = strlen(pieces[(seed >> 16) %
				    NROWS(pieces)]);
				if (len + pl > max)
					break;
				memcpy(text + len, pieces[(seed >> 16) %
				    NROWS(pieces)], pl);
				len += pl;
			}
			ck_assert_int_eq(smslen_measure(text, len, &r), 0);
			ck_assert_msg(r.segments <= n, "%zu bytes, %zu parts, "
			    "more than %zu", len, r.segments, n);
		}
	}
}
END_TEST

static Suite *
smslen_suite(void)
{
	Suite *s = suite_create("smslen");
	TCase *tc;

	tc = tcase_create("measure");
	tcase_add_loop_test(tc, test_measure, 0, NROWS(len_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("invalid");
	tcase_add_loop_test(tc, test_invalid, 0, NROWS(bad_cases));
	tcase_add_test(tc, test_too_many_segments);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_short_bytes_fit);
	suite_add_tcase(s, tc);
	tc = tcase_create("gsm7_cost");
	tcase_add_loop_test(tc, test_gsm7_cost, 0, NROWS(cost_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(smslen_suite());
}
