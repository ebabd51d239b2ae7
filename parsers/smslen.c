/* SMS length arithmetic; see smslen.h. */
#include "parsers/smslen.h"

#include <stdint.h>

#include "parsers/utf8.h"

/* GSM 03.38 default alphabet, non-ASCII part (positions 0x00-0x7F). */
static const int smslen_gsm_basic_extra[] = {
	0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7,
	0x00D8, 0x00F8, 0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B,
	0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0x00C6, 0x00E6,
	0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC,
	0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

int
smslen_gsm7_cost(int cp)
{
	size_t i;

	switch (cp) {
	case '^': case '{': case '}': case '\\': case '[': case ']':
	case '~': case '|': case 0x20AC: case '\f':
		return 2;
	case '`':	/* not in GSM 03.38 */
		return 0;
	}
	if (cp == '\n' || cp == '\r' || (cp >= 0x20 && cp < 0x7F))
		return 1;
	for (i = 0; i < sizeof smslen_gsm_basic_extra /
	    sizeof smslen_gsm_basic_extra[0]; i++)
		if (smslen_gsm_basic_extra[i] == cp)
			return 1;
	return 0;
}

int
smslen_measure(const char *s, size_t len, struct smslen *r)
{
	size_t i, single, part, seg_used = 0, segs = 1;
	int32_t cp;
	int n, gsm = 1;

	r->units = r->chars = r->segments = 0;
	r->enc = SMSLEN_GSM7;
	for (i = 0; i < len; i += (size_t)n) {
		if ((n = utf8_next(s + i, len - i, &cp)) < 0)
			return -1;
		/* Once UCS-2, the rest need not be looked up (each CJK
		 * character walked the table of GSM's extra letters). */
		if (gsm && smslen_gsm7_cost(cp) == 0)
			gsm = 0;
		r->chars++;
	}
	if (!gsm)
		r->enc = SMSLEN_UCS2;
	single = gsm ? SMSLEN_GSM7_SINGLE : SMSLEN_UCS2_SINGLE;
	part = gsm ? SMSLEN_GSM7_PART : SMSLEN_UCS2_PART;

	/* Fill parts one character at a time so that no pair is split. */
	for (i = 0; i < len; i += (size_t)n) {
		size_t cost;

		n = utf8_next(s + i, len - i, &cp);
		cost = gsm ? (size_t)smslen_gsm7_cost(cp) :
		    (cp > 0xFFFF ? 2 : 1);
		r->units += cost;
		if (seg_used + cost > part) {
			segs++;
			seg_used = 0;
		}
		seg_used += cost;
	}
	if (r->units == 0)
		segs = 0;
	else if (r->units <= single)
		segs = 1;
	if (segs > SMSLEN_MAX_SEGMENTS)
		return -1;
	r->segments = segs;
	return 0;
}

size_t
smslen_capacity(enum smslen_enc enc, size_t parts)
{
	if (parts <= 1)
		return enc == SMSLEN_GSM7 ? SMSLEN_GSM7_SINGLE :
		    SMSLEN_UCS2_SINGLE;
	return parts * (enc == SMSLEN_GSM7 ? SMSLEN_GSM7_PART :
	    SMSLEN_UCS2_PART);
}

/* 2 after a sentence or line end, 1 after a comma or space, else 0. */
static int
smslen_boundary(int32_t cp)
{
	switch (cp) {
	case '\n': case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B:
	case '.': case '!': case '?': case ';':
		return 2;
	case 0xFF0C: case 0x3001: case ',': case ' ':
		return 1;
	}
	return 0;
}

size_t
smslen_fit(const char *s, size_t len, enum smslen_enc enc, size_t max_units)
{
	size_t i = 0, units = 0, cost, best2 = 0, best1 = 0, last = 0;
	int32_t cp;
	int n, b;

	while (i < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) < 0)
			break;
		cost = enc == SMSLEN_GSM7 ? (size_t)smslen_gsm7_cost(cp) :
		    (cp > 0xFFFF ? 2 : 1);
		if (cost == 0)
			cost = 1;
		if (units + cost > max_units)
			break;
		units += cost;
		i += (size_t)n;
		last = i;
		if ((b = smslen_boundary(cp)) == 2)
			best2 = i;
		else if (b == 1)
			best1 = i;
	}
	if (i >= len)
		return len;
	if (best2 > last / 2)
		return best2;
	if (best1 > last / 2)
		return best1;
	return last;
}

int
smslen_ussd_fits(const char *utf8, size_t len)
{
	struct smslen r;

	if (smslen_measure(utf8, len, &r) != 0)
		return 0;
	return r.units <= (r.enc == SMSLEN_GSM7 ? SMSLEN_USSD_GSM7 :
	    SMSLEN_USSD_UCS2);
}
