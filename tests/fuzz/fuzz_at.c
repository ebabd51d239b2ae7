/*
 * libFuzzer harness for the AT line classifier: the input is split on LF,
 * as the modem line reader will, and every piece is classified from an
 * exact-size copy (so ASan sees a read past its end). Invariants: the kind
 * is in range and matches out->kind, strings are NUL-terminated, fields
 * stay in their documented bounds and are zero when the kind does not set
 * them, and the same bytes always give the same struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/at.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
fuzz_check_line(const struct at_line *l, enum at_kind k)
{
	FUZZ_CHECK((unsigned)k <= AT_OTHER);
	FUZZ_CHECK(l->kind == k);
	FUZZ_CHECK(memchr(l->mem, '\0', sizeof l->mem) != NULL);
	FUZZ_CHECK(memchr(l->text, '\0', sizeof l->text) != NULL);
	FUZZ_CHECK(strcmp(at_kind_name(k), "?") != 0);
	FUZZ_CHECK(at_is_final(k) == (k == AT_OK || k == AT_ERROR ||
	    k == AT_CMS_ERROR || k == AT_CME_ERROR));
	FUZZ_CHECK(l->code >= -1 && l->code <= 65535);
	FUZZ_CHECK(l->index >= 0 && l->index <= 65535);
	FUZZ_CHECK(l->stat >= 0 && l->stat <= 99);
	FUZZ_CHECK(l->length >= 0 && l->length <= 255);
	switch (k) {
	case AT_CMS_ERROR:
	case AT_CME_ERROR:
		FUZZ_CHECK((l->code == -1) == (l->text[0] != '\0'));
		FUZZ_CHECK(l->index == 0 && l->stat == 0 && l->length == 0);
		FUZZ_CHECK(l->mem[0] == '\0');
		break;
	case AT_CMTI:
	case AT_CDSI:
		FUZZ_CHECK(l->mem[0] != '\0');
		FUZZ_CHECK(l->code == 0 && l->stat == 0 && l->length == 0);
		FUZZ_CHECK(l->text[0] == '\0');
		break;
	case AT_CPIN:
		FUZZ_CHECK(l->text[0] != '\0' && l->text[0] != ' ');
		FUZZ_CHECK(l->text[strlen(l->text) - 1] != ' ');
		FUZZ_CHECK(l->code == 0 && l->index == 0 && l->stat == 0 &&
		    l->length == 0 && l->mem[0] == '\0');
		break;
	case AT_CMGL:
	case AT_CMGR:
		FUZZ_CHECK(l->stat <= 4);
		FUZZ_CHECK(k == AT_CMGL || l->index == 0);
		FUZZ_CHECK(l->code == 0 && l->mem[0] == '\0' &&
		    l->text[0] == '\0');
		break;
	case AT_CMGS:
		FUZZ_CHECK(l->code >= 0 && l->code <= 255);
		FUZZ_CHECK(l->index == 0 && l->stat == 0 && l->length == 0);
		break;
	case AT_CSQ:
		FUZZ_CHECK(l->code >= 0 && l->code <= 199 && l->index <= 99);
		FUZZ_CHECK(l->stat == 0 && l->length == 0);
		break;
	case AT_CREG:
		FUZZ_CHECK(l->code == 0 && l->index == 0 && l->length == 0);
		break;
	case AT_CMT:
	case AT_CDS:
		FUZZ_CHECK(l->code == 0 && l->index == 0 && l->stat == 0);
		break;
	default:
		/* EMPTY, OK, ERROR, PROMPT, RING, OTHER carry nothing. */
		FUZZ_CHECK(l->code == 0 && l->index == 0 && l->stat == 0 &&
		    l->length == 0 && l->mem[0] == '\0' &&
		    l->text[0] == '\0');
		break;
	}
	if (k != AT_CMS_ERROR && k != AT_CME_ERROR)
		FUZZ_CHECK(l->code >= 0);
}

static void
fuzz_line(const char *p, size_t n)
{
	struct at_line l, again;
	enum at_kind k;
	char *copy;

	if ((copy = malloc(n ? n : 1)) == NULL)
		abort();
	memcpy(copy, p, n);
	memset(&l, 0xa5, sizeof l);
	k = at_classify(copy, n, &l);
	fuzz_check_line(&l, k);
	/* Pure: same answer, same bytes, whatever was in the struct. */
	memset(&again, 0x5a, sizeof again);
	FUZZ_CHECK(at_classify(copy, n, &again) == k);
	FUZZ_CHECK(memcmp(&l, &again, sizeof l) == 0);
	free(copy);
	FUZZ_CHECK(k != AT_EMPTY || n == 0 || memchr(p, '\0', n) == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;

	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		fuzz_line(p, (size_t)((nl ? nl : end) - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}
