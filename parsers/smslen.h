/*
 * SMS length arithmetic (3GPP TS 23.038 / 23.040; PROTOCOLS.md §3): which
 * alphabet a text needs, how many units it costs, and how many segments it
 * takes when concatenated with an 8-bit reference UDH. GSM-7 extension
 * characters cost two septets and UCS-2 characters outside the BMP two code
 * units; neither pair is ever split across segments.
 */
#ifndef BX_SMSLEN_H
#define BX_SMSLEN_H

#include <stddef.h>

enum smslen_enc { SMSLEN_GSM7, SMSLEN_UCS2 };

#define SMSLEN_GSM7_SINGLE 160
#define SMSLEN_GSM7_PART 153
#define SMSLEN_UCS2_SINGLE 70
#define SMSLEN_UCS2_PART 67
#define SMSLEN_MAX_SEGMENTS 255
/* One USSD screen: 160 octets, so 182 GSM-7 septets or 80 UCS-2 units
 * (PROTOCOLS.md §4.3). */
#define SMSLEN_USSD_GSM7 182
#define SMSLEN_USSD_UCS2 80

struct smslen {
	enum smslen_enc enc;
	size_t units;		/* septets or UTF-16 code units */
	size_t segments;	/* 0 for an empty text */
	size_t chars;		/* code points */
};

/* Returns 0, or -1 for invalid UTF-8 or more than 255 segments. */
int smslen_measure(const char *utf8, size_t len, struct smslen *r);
/* 1 if the text fits one USSD screen in the alphabet it needs, else 0. */
int smslen_ussd_fits(const char *utf8, size_t len);
/*
 * How many bytes of s[0..len) fit in max_units units of the given alphabet
 * (never splitting a character, an escape or a surrogate pair), preferring
 * to end just after a line or sentence boundary (\n 。！？；. ! ? ;) or,
 * failing that, a comma or space, when one lies in the last half. Returns
 * len if all of it fits.
 */
size_t smslen_fit(const char *s, size_t len, enum smslen_enc enc,
    size_t max_units);
/* Units one part may hold when a text of that alphabet takes n parts. */
size_t smslen_capacity(enum smslen_enc enc, size_t parts);

/* Septets a code point costs in GSM-7: 1, 2 (extension), or 0 (not GSM). */
int smslen_gsm7_cost(int cp);

#endif
