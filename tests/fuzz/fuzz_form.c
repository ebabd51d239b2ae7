/*
 * libFuzzer harness for the form bodies webhooks post
 * (application/x-www-form-urlencoded: Kannel's and the aggregators'),
 * decoded from an exact-size copy so that ASan sees a read past its end.
 * Invariants: an error leaves no field; a decoded form has at most
 * FORM_MAX_FIELDS fields, each key non-empty, NUL-free and given once,
 * found again by form_get with the same value; a value's vlen bytes end
 * in a NUL inside the form's buffer; and the same bytes give the same
 * form. A value read as GB18030 (a webhook's text said to be GB18030,
 * GBK or GB2312) fits in GB18030_UTF8_MAX of its length, an exact-size
 * buffer, and comes out as UTF-8; one refused there is refused with any
 * room.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/form.h"
#include "parsers/taskcode.h"
#include "parsers/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
fuzz_gb18030(const char *v, size_t vlen)
{
	size_t room = GB18030_UTF8_MAX(vlen), n, big;
	char *out, *more;

	if ((out = malloc(room)) == NULL)
		abort();
	if (gb18030_to_utf8(v, vlen, out, room, &n) == 0) {
		FUZZ_CHECK(n < room && out[n] == '\0');
		FUZZ_CHECK(utf8_count(out, n) >= 0);
	} else {
		big = 4 * vlen + 8;
		if ((more = malloc(big)) == NULL)
			abort();
		FUZZ_CHECK(gb18030_to_utf8(v, vlen, more, big, &n) == -1);
		free(more);
	}
	free(out);
	if (memchr(v, '\0', vlen) == NULL)
		(void)gb18030_is_label(v);
}

static void
fuzz_in(const struct form *f, const char *s, size_t len)
{
	FUZZ_CHECK(s >= f->buf && s + len < f->buf + sizeof f->buf);
	FUZZ_CHECK(s[len] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct form f, again;
	enum form_rc rc;
	size_t i, j, vlen;
	const char *v;
	uint32_t code;
	char *copy;

	if ((copy = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	rc = form_decode(&f, copy, size);
	FUZZ_CHECK(strcmp(form_rc_str(rc), "unknown form error") != 0);
	if (rc != FORM_OK) {
		FUZZ_CHECK(f.n == 0);
		free(copy);
		return 0;
	}
	FUZZ_CHECK(size <= FORM_MAX_BYTES);
	FUZZ_CHECK(f.n <= FORM_MAX_FIELDS);
	for (i = 0; i < f.n; i++) {
		size_t klen = strlen(f.kv[i].key);

		FUZZ_CHECK(klen > 0);
		fuzz_in(&f, f.kv[i].key, klen);
		fuzz_in(&f, f.kv[i].val, f.kv[i].vlen);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(f.kv[i].key, f.kv[j].key) != 0);
		v = form_get(&f, f.kv[i].key, &vlen);
		FUZZ_CHECK(v == f.kv[i].val && vlen == f.kv[i].vlen);
		/* A task code read from a reply's text must be in range. */
		if (taskcode_read(v, vlen, &code) == TASKCODE_OK)
			FUZZ_CHECK(code < TASKCODE_SPACE);
		fuzz_gb18030(v, vlen);
	}
	v = form_nul_field(&f, NULL);
	for (i = 0; i < f.n; i++)
		if (memchr(f.kv[i].val, '\0', f.kv[i].vlen) != NULL) {
			FUZZ_CHECK(v != NULL);
			break;
		}
	if (i == f.n)
		FUZZ_CHECK(v == NULL);
	FUZZ_CHECK(form_decode(&again, copy, size) == FORM_OK);
	FUZZ_CHECK(again.n == f.n);
	for (i = 0; i < f.n; i++) {
		FUZZ_CHECK(strcmp(again.kv[i].key, f.kv[i].key) == 0);
		FUZZ_CHECK(again.kv[i].vlen == f.kv[i].vlen);
		FUZZ_CHECK(memcmp(again.kv[i].val, f.kv[i].val,
		    f.kv[i].vlen) == 0);
	}
	free(copy);
	return 0;
}
