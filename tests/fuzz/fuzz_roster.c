/*
 * libFuzzer harness for what a roster file goes through before the
 * import looks at its meaning: the encoding (UTF-8, with or without a
 * BOM, else GB18030 through iconv), the CSV reader, and the phone and
 * masking helpers every field may meet. Invariants: the text handed on
 * is valid UTF-8 of the length said, NUL-terminated; rows come in line
 * order with at most CSV_MAX_FIELDS fields, each NUL-terminated inside
 * the row's buffer and itself valid UTF-8, and not all of them empty or
 * spaces; a reader that stops with an error never reads on; a phone
 * number that is accepted is E.164 and accepted again as it is; masks are
 * NUL-terminated, a name's valid UTF-8, a 学号's (of the shape the import
 * keeps) as long as it and ending as it does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/csv.h"
#include "parsers/mask.h"
#include "parsers/phone.h"
#include "parsers/utf8.h"
#include "parsers/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* A NUL-terminated string inside [base, base + size). */
static void
fuzz_in(const char *s, const char *base, size_t size)
{
	FUZZ_CHECK(s >= base && s < base + size);
	FUZZ_CHECK(memchr(s, '\0', (size_t)(base + size - s)) != NULL);
}

static void
fuzz_field(const char *f)
{
	char phone[32], again[32], masked[64];

	FUZZ_CHECK(utf8_valid_text(f, strlen(f)));
	if (phone_normalize(f, phone, sizeof phone) == 0) {
		size_t i, n = strlen(phone);

		FUZZ_CHECK(n >= 2 && phone[0] == '+');
		for (i = 1; i < n; i++)
			FUZZ_CHECK(phone[i] >= '0' && phone[i] <= '9');
		FUZZ_CHECK(phone_normalize(phone, again, sizeof again) == 0);
		FUZZ_CHECK(strcmp(phone, again) == 0);
		mask_phone(phone, masked, sizeof masked);
		fuzz_in(masked, masked, sizeof masked);
	}
	mask_name(f, masked, sizeof masked);
	fuzz_in(masked, masked, sizeof masked);
	FUZZ_CHECK(utf8_valid_text(masked, strlen(masked)));
	/* The import keeps a 学号 only of this shape, and masks no other. */
	if (vocab_student_no_ok(f)) {
		mask_student_no(f, masked, sizeof masked);
		FUZZ_CHECK(strlen(masked) == strlen(f));
		FUZZ_CHECK(strcmp(masked + strlen(masked) - 3,
		    f + strlen(f) - 3) == 0);
	}
	/* A buffer too small still ends in a NUL. */
	mask_name(f, masked, 4);
	FUZZ_CHECK(memchr(masked, '\0', 4) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct csv_row row;
	struct csv_reader r;
	enum csv_rc rc;
	size_t line = 0, i;
	char *text;
	size_t len;
	int gb;

	rc = csv_to_utf8((const char *)data, size, &text, &len, &gb);
	if (rc != CSV_OK) {
		FUZZ_CHECK(text == NULL && len == 0);
		return 0;
	}
	FUZZ_CHECK(text[len] == '\0');
	FUZZ_CHECK(utf8_valid_text(text, len));
	FUZZ_CHECK(gb == 0 || gb == 1);
	csv_reader_init(&r, text, len);
	while ((rc = csv_read(&r, &row)) == CSV_OK) {
		int blank = 1;

		FUZZ_CHECK(row.line > line);
		FUZZ_CHECK(row.n >= 1 && row.n <= CSV_MAX_FIELDS);
		line = row.line;
		for (i = 0; i < row.n; i++) {
			fuzz_in(row.f[i], row.buf, sizeof row.buf);
			fuzz_field(row.f[i]);
			if (row.f[i][strspn(row.f[i], " \t")] != '\0')
				blank = 0;
		}
		FUZZ_CHECK(!blank);
		FUZZ_CHECK(r.p <= r.end);
	}
	FUZZ_CHECK(rc != CSV_OK);
	FUZZ_CHECK(strcmp(csv_rc_str(rc), "unknown CSV error") != 0);
	free(text);
	return 0;
}
