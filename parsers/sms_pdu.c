/*
 * SMS TPDUs for modem PDU mode; see sms_pdu.h. Follows 3GPP TS 23.040
 * §9.2.2.1 (SMS-DELIVER), §9.2.2.2 (SMS-SUBMIT), §9.2.2.3
 * (SMS-STATUS-REPORT), §9.1.2.5 (addresses), §9.2.3.11 (time stamps),
 * §9.2.3.24 (UDH), and 3GPP TS 23.038 §4 (data coding scheme) and §6.2.1
 * (GSM 7-bit default alphabet and extension table). Every length read from
 * the PDU is checked against the bytes actually present; nothing is
 * allocated. Never does I/O.
 */
#include "parsers/sms_pdu.h"

#include <string.h>

#include "parsers/smslen.h"
#include "parsers/utf8.h"

#define SMS_PDU_MAX_OCTETS 200	/* SMSC (12) + the longest TPDU, rounded */
#define SMS_PDU_UD_MAX 140	/* octets of TP-UD we send */
#define SMS_PDU_DIGITS_MAX 20	/* semi-octets of TP-OA/DA/RA */
#define SMS_PDU_VP_RELATIVE 0xAA	/* (170 - 166) days = 4 days */

/*
 * GSM 03.38 default alphabet (23.038 §6.2.1.1): code value -> Unicode.
 * 0x1B is the escape to the extension table, never a character.
 */
static const uint16_t sms_pdu_gsm7_basic[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};
#define SMS_PDU_ESC 0x1B

/* Extension table (23.038 §6.2.1.1), reached by 0x1B + code. */
static const struct {
	uint8_t code;
	uint16_t cp;
} sms_pdu_gsm7_ext[] = {
	{ 0x0A, 0x000C }, { 0x14, 0x005E }, { 0x28, 0x007B },
	{ 0x29, 0x007D }, { 0x2F, 0x005C }, { 0x3C, 0x005B },
	{ 0x3D, 0x007E }, { 0x3E, 0x005D }, { 0x40, 0x007C },
	{ 0x65, 0x20AC },
};
#define SMS_PDU_NEXT (sizeof sms_pdu_gsm7_ext / sizeof sms_pdu_gsm7_ext[0])

/* Bounded UTF-8 output. */
struct sms_pdu_buf {
	char *s;
	size_t cap, len;	/* cap counts the NUL */
};

/* Bounded input octets. */
struct sms_pdu_rd {
	const uint8_t *b;
	size_t n, off;
};

static int
sms_pdu_put(struct sms_pdu_buf *o, int32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (o->len + n >= o->cap)
		return -1;
	memcpy(o->s + o->len, u, n);
	o->len += n;
	o->s[o->len] = '\0';
	return 0;
}

static int
sms_pdu_get(struct sms_pdu_rd *r, unsigned *v)
{
	if (r->off >= r->n)
		return -1;
	*v = r->b[r->off++];
	return 0;
}

/* Borrows n octets from the reader, or fails if fewer remain. */
static const uint8_t *
sms_pdu_take(struct sms_pdu_rd *r, size_t n)
{
	const uint8_t *p;

	if (n > r->n - r->off)
		return NULL;
	p = r->b + r->off;
	r->off += n;
	return p;
}

static int
sms_pdu_xdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Semi-octet digit (23.040 §9.1.2.3); 0xF only as the odd filler. */
static int
sms_pdu_bcd_char(unsigned nib)
{
	static const char map[] = "0123456789*#abc";

	return nib < 15 ? map[nib] : -1;
}

/*
 * Unpacks nsept septets starting at bit first_bit of b[0..n) (23.038
 * §6.1.2.1.1: bit 0 of the first octet is the first bit of the first
 * septet).
 */
static int
sms_pdu_unpack7(const uint8_t *b, size_t n, size_t first_bit, size_t nsept,
    uint8_t *sept)
{
	size_t k, bit, i;
	unsigned sh, v;

	for (k = 0; k < nsept; k++) {
		bit = first_bit + k * 7;
		i = bit / 8;
		sh = (unsigned)(bit % 8);
		if (i >= n)
			return -1;
		v = (unsigned)b[i] >> sh;
		if (sh > 1) {
			if (i + 1 >= n)
				return -1;
			v |= (unsigned)b[i + 1] << (8 - sh);
		}
		sept[k] = (uint8_t)(v & 0x7F);
	}
	return 0;
}

/*
 * Septets to UTF-8. An escape followed by a code the extension table lacks
 * shows the default-alphabet character (23.038 §6.2.1.1 note); an escape
 * with nothing after it, or two escapes, show a space.
 */
static int
sms_pdu_gsm7_text(const uint8_t *sept, size_t n, struct sms_pdu_buf *o)
{
	size_t i, j;
	int32_t cp;

	for (i = 0; i < n; i++) {
		if (sept[i] != SMS_PDU_ESC) {
			cp = sms_pdu_gsm7_basic[sept[i]];
		} else if (i + 1 == n || sept[i + 1] == SMS_PDU_ESC) {
			cp = ' ';
			i += i + 1 < n;
		} else {
			i++;
			cp = sms_pdu_gsm7_basic[sept[i]];
			for (j = 0; j < SMS_PDU_NEXT; j++)
				if (sms_pdu_gsm7_ext[j].code == sept[i])
					cp = sms_pdu_gsm7_ext[j].cp;
		}
		if (sms_pdu_put(o, cp) != 0)
			return -1;
	}
	return 0;
}

/*
 * UTF-16BE to UTF-8, pairs combined. A surrogate without its partner (a
 * sender that split a pair across parts) becomes U+FFFD rather than losing
 * the message; U+0000 is dropped so the text stays a C string.
 */
static int
sms_pdu_ucs2_text(const uint8_t *b, size_t n, struct sms_pdu_buf *o)
{
	size_t i;
	int32_t u, lo;

	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		u = (int32_t)(b[i] << 8 | b[i + 1]);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			lo = (int32_t)(b[i + 2] << 8 | b[i + 3]);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
				i += 2;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD;
		if (u != 0 && sms_pdu_put(o, u) != 0)
			return -1;
	}
	return 0;
}

static int
sms_pdu_hex_text(const uint8_t *b, size_t n, struct sms_pdu_buf *o)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++)
		if (sms_pdu_put(o, hx[b[i] >> 4]) != 0 ||
		    sms_pdu_put(o, hx[b[i] & 15]) != 0)
			return -1;
	return 0;
}

/*
 * TP-OA/DA/RA (23.040 §9.1.2.5): digit count, type of address, semi-octets
 * (or GSM-7 packed for an alphanumeric address, TON 101).
 */
static int
sms_pdu_address(struct sms_pdu_rd *r, char *out, size_t outsz, int *intl)
{
	uint8_t sept[SMS_PDU_DIGITS_MAX * 4 / 7 + 1];
	char tmp[SMS_PDU_DIGITS_MAX * 3 + 2];
	struct sms_pdu_buf o = { tmp, sizeof tmp, 0 };
	const uint8_t *d;
	unsigned ndig, toa, i;
	size_t len = 0;
	int c;

	if (sms_pdu_get(r, &ndig) != 0 || sms_pdu_get(r, &toa) != 0 ||
	    ndig > SMS_PDU_DIGITS_MAX ||
	    (d = sms_pdu_take(r, (ndig + 1) / 2)) == NULL)
		return -1;
	*intl = 0;
	tmp[0] = '\0';
	if ((toa & 0x70) == 0x50) {
		if (sms_pdu_unpack7(d, (ndig + 1) / 2, 0, ndig * 4 / 7,
		    sept) != 0 ||
		    sms_pdu_gsm7_text(sept, ndig * 4 / 7, &o) != 0)
			return -1;
		len = o.len;
		/* Cut on a character boundary if it does not fit. */
		if (len >= outsz) {
			len = outsz - 1;
			while (len > 0 && ((unsigned char)tmp[len] & 0xC0) ==
			    0x80)
				len--;
		}
	} else {
		if ((toa & 0x70) == 0x10 && ndig > 0) {
			tmp[len++] = '+';
			*intl = 1;
		}
		for (i = 0; i < ndig; i++) {
			c = sms_pdu_bcd_char(i % 2 ? d[i / 2] >> 4 :
			    d[i / 2] & 15u);
			if (c < 0)
				return -1;
			tmp[len++] = (char)c;
		}
	}
	memcpy(out, tmp, len);
	out[len] = '\0';
	return 0;
}

/* SMSC field (24.011 RP address): length in octets, type, semi-octets. */
static int
sms_pdu_smsc(struct sms_pdu_rd *r, char *out)
{
	const uint8_t *d;
	unsigned n, toa, i, nib;
	size_t len = 0;
	int c;

	if (sms_pdu_get(r, &n) != 0 || n > 11)
		return -1;
	out[0] = '\0';
	if (n == 0)
		return 0;
	if (sms_pdu_get(r, &toa) != 0 || (d = sms_pdu_take(r, n - 1)) == NULL)
		return -1;
	if ((toa & 0x70) == 0x10 && n > 1)
		out[len++] = '+';
	for (i = 0; i < 2 * (n - 1); i++) {
		nib = i % 2 ? d[i / 2] >> 4 : d[i / 2] & 15u;
		if (nib == 15 && i == 2 * (n - 1) - 1)
			break;		/* filler after an odd count */
		if ((c = sms_pdu_bcd_char(nib)) < 0)
			return -1;
		out[len++] = (char)c;
	}
	out[len] = '\0';
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
sms_pdu_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * TP-SCTS / TP-DT (23.040 §9.2.3.11): YY MM DD hh mm ss TZ, each octet two
 * swapped decimal semi-octets; in TZ bit 3 is the sign and the value counts
 * quarter hours east of UTC. Years are taken as 20YY.
 */
static int
sms_pdu_time(struct sms_pdu_rd *r, int64_t *utc)
{
	static const int lim[6][2] = {
		{ 0, 99 }, { 1, 12 }, { 1, 31 }, { 0, 23 }, { 0, 59 }, { 0, 59 }
	};
	const uint8_t *b;
	int v[6], i, lo, hi, q;

	if ((b = sms_pdu_take(r, 7)) == NULL)
		return -1;
	for (i = 0; i < 6; i++) {
		lo = b[i] & 15;
		hi = b[i] >> 4;
		if (lo > 9 || hi > 9)
			return -1;
		v[i] = lo * 10 + hi;
		if (v[i] < lim[i][0] || v[i] > lim[i][1])
			return -1;
	}
	lo = b[6] & 15;
	hi = b[6] >> 4;
	if (hi > 9)
		return -1;
	q = (lo & 7) * 10 + hi;
	if (lo & 8)
		q = -q;
	*utc = sms_pdu_days(2000 + v[0], v[1], v[2]) * 86400 +
	    v[3] * 3600 + v[4] * 60 + v[5] - (int64_t)q * 900;
	return 0;
}

/* TP-DCS (23.038 §4) -> alphabet; a compressed text is shown as data. */
static int
sms_pdu_alphabet(unsigned dcs)
{
	unsigned a;

	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:	/* general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7:	/* marked for deletion */
		a = (dcs >> 2) & 3;
		if (dcs & 0x20)
			return SMS_PDU_8BIT;
		return a == 0 ? SMS_PDU_GSM7 : a == 2 ? SMS_PDU_UCS2 :
		    SMS_PDU_8BIT;
	case 0xE:				/* message waiting, UCS-2 */
		return SMS_PDU_UCS2;
	case 0xF:				/* data coding/message class */
		return dcs & 4 ? SMS_PDU_8BIT : SMS_PDU_GSM7;
	default:	/* 0xC, 0xD waiting; reserved groups read as GSM-7 */
		return SMS_PDU_GSM7;
	}
}

/*
 * User data header (23.040 §9.2.3.24): IEs in turn, each bounded by the
 * header length. Concatenation IEs whose numbers make no sense are ignored
 * as the specification says; unknown IEs are skipped.
 */
static int
sms_pdu_udh(const uint8_t *h, size_t n, struct sms_pdu *out)
{
	size_t i = 0;
	unsigned iei, iel, ref, total, seq;

	while (i < n) {
		if (n - i < 2)
			return -1;
		iei = h[i];
		iel = h[i + 1];
		if (iel > n - i - 2)
			return -1;
		if ((iei == 0x00 && iel != 3) || (iei == 0x08 && iel != 4))
			return -1;
		if (iei == 0x00 || iei == 0x08) {
			if (iei == 0x00)
				ref = h[i + 2];
			else
				ref = (unsigned)h[i + 2] << 8 | h[i + 3];
			total = h[i + iel];
			seq = h[i + iel + 1];
			if (total >= 1 && seq >= 1 && seq <= total) {
				out->concat = 1;
				out->ref = ref;
				out->total = total;
				out->seq = seq;
			}
		}
		i += 2 + iel;
	}
	return 0;
}

/*
 * TP-UDL and TP-UD: the rest of the TPDU must be exactly what TP-UDL
 * announces (septets for GSM-7, including the UDH and its fill bits).
 * More than the 140 octets of 23.040 is accepted when present: encoders
 * exist that put 67 UCS-2 units after a 7-octet UDH (the 16-bit reference
 * vectors in tests/data do), and the input as a whole is bounded anyway.
 */
static int
sms_pdu_user_data(struct sms_pdu_rd *r, int udhi, int alpha,
    struct sms_pdu *out)
{
	struct sms_pdu_buf o = { out->text, sizeof out->text, 0 };
	uint8_t sept[255];
	const uint8_t *ud;
	unsigned udl;
	size_t n, hlen = 0, hsept = 0;

	if (sms_pdu_get(r, &udl) != 0)
		return -1;
	n = r->n - r->off;
	if (n != (alpha == SMS_PDU_GSM7 ? (udl * 7 + 7) / 8 : udl))
		return -1;
	ud = sms_pdu_take(r, n);
	if (udhi) {
		if (n == 0)
			return -1;
		hlen = (size_t)ud[0] + 1;
		if (alpha == SMS_PDU_GSM7) {
			hsept = (hlen * 8 + 6) / 7;
			if (hsept > udl)
				return -1;
		} else if (hlen > udl)
			return -1;
		if (sms_pdu_udh(ud + 1, hlen - 1, out) != 0)
			return -1;
	}
	out->dcs = alpha;
	switch (alpha) {
	case SMS_PDU_GSM7:
		if (sms_pdu_unpack7(ud, n, hsept * 7, udl - hsept, sept) != 0 ||
		    sms_pdu_gsm7_text(sept, udl - hsept, &o) != 0)
			return -1;
		break;
	case SMS_PDU_UCS2:
		if (sms_pdu_ucs2_text(ud + hlen, n - hlen, &o) != 0)
			return -1;
		break;
	default:
		if (sms_pdu_hex_text(ud + hlen, n - hlen, &o) != 0)
			return -1;
		break;
	}
	out->textlen = o.len;
	return 0;
}

static int
sms_pdu_deliver(struct sms_pdu_rd *r, unsigned fo, struct sms_pdu *out)
{
	unsigned pid, dcs;

	out->type = SMS_PDU_DELIVER;
	if (sms_pdu_address(r, out->addr, sizeof out->addr,
	    &out->addr_international) != 0 ||
	    sms_pdu_get(r, &pid) != 0 || sms_pdu_get(r, &dcs) != 0 ||
	    sms_pdu_time(r, &out->scts) != 0)
		return -1;
	return sms_pdu_user_data(r, (fo & 0x40) != 0, sms_pdu_alphabet(dcs),
	    out);
}

static int
sms_pdu_submit(struct sms_pdu_rd *r, unsigned fo, struct sms_pdu *out)
{
	/* TP-VPF, bits 4-3: none, enhanced (7), relative (1), absolute (7) */
	static const size_t vplen[4] = { 0, 7, 1, 7 };
	unsigned pid, dcs;

	out->type = SMS_PDU_SUBMIT;
	out->status_report_requested = (fo & 0x20) != 0;
	if (sms_pdu_get(r, &out->mr) != 0 ||
	    sms_pdu_address(r, out->addr, sizeof out->addr,
	    &out->addr_international) != 0 ||
	    sms_pdu_get(r, &pid) != 0 || sms_pdu_get(r, &dcs) != 0 ||
	    sms_pdu_take(r, vplen[(fo >> 3) & 3]) == NULL)
		return -1;
	return sms_pdu_user_data(r, (fo & 0x40) != 0, sms_pdu_alphabet(dcs),
	    out);
}

/*
 * 23.040 §9.2.2.3: MR, RA, SCTS, DT, ST, then an optional TP-PI saying
 * which of PID, DCS and UDL+UD follow.
 */
static int
sms_pdu_status_report(struct sms_pdu_rd *r, unsigned fo, struct sms_pdu *out)
{
	unsigned pi, pid, dcs = 0;
	int64_t dt;

	out->type = SMS_PDU_STATUS_REPORT;
	if (sms_pdu_get(r, &out->mr) != 0 ||
	    sms_pdu_address(r, out->addr, sizeof out->addr,
	    &out->addr_international) != 0 ||
	    sms_pdu_time(r, &out->scts) != 0 || sms_pdu_time(r, &dt) != 0 ||
	    sms_pdu_get(r, &out->status) != 0)
		return -1;
	if (sms_pdu_get(r, &pi) != 0)
		return 0;
	if (((pi & 1) && sms_pdu_get(r, &pid) != 0) ||
	    ((pi & 2) && sms_pdu_get(r, &dcs) != 0))
		return -1;
	if (pi & 4)
		return sms_pdu_user_data(r, (fo & 0x40) != 0,
		    sms_pdu_alphabet(dcs), out);
	return r->off == r->n ? 0 : -1;
}

int
sms_pdu_decode(const char *hex, size_t len, struct sms_pdu *out)
{
	uint8_t b[SMS_PDU_MAX_OCTETS];
	struct sms_pdu_rd r = { b, len / 2, 0 };
	unsigned fo;
	size_t i;
	int hi, lo, rc;

	memset(out, 0, sizeof *out);
	if (len == 0 || len % 2 != 0 || len / 2 > sizeof b)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if ((hi = sms_pdu_xdigit(hex[2 * i])) < 0 ||
		    (lo = sms_pdu_xdigit(hex[2 * i + 1])) < 0)
			return -1;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (sms_pdu_smsc(&r, out->smsc) != 0 || sms_pdu_get(&r, &fo) != 0)
		return -1;
	switch (fo & 3) {
	case 0:
		rc = sms_pdu_deliver(&r, fo, out);
		break;
	case 1:
		rc = sms_pdu_submit(&r, fo, out);
		break;
	case 2:
		rc = sms_pdu_status_report(&r, fo, out);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

/* --- encoding ----------------------------------------------------------- */

/* GSM-7 code of a code point: 0-127, 0x100 | ext code, or -1. */
static int
sms_pdu_gsm7_code(int32_t cp)
{
	size_t i;

	for (i = 0; i < 128; i++)
		if (i != SMS_PDU_ESC && sms_pdu_gsm7_basic[i] == cp)
			return (int)i;
	for (i = 0; i < SMS_PDU_NEXT; i++)
		if (sms_pdu_gsm7_ext[i].cp == cp)
			return 0x100 | sms_pdu_gsm7_ext[i].code;
	return -1;
}

/* Units a code point costs: septets (1 or 2) or UTF-16 units (1 or 2). */
static size_t
sms_pdu_cost(int32_t cp, int gsm)
{
	if (gsm)
		return (size_t)smslen_gsm7_cost(cp);
	return cp > 0xFFFF ? 2 : 1;
}

/* Bytes of s[0..len) that fill at most cap units, whole characters only. */
static size_t
sms_pdu_fill(const char *s, size_t len, int gsm, size_t cap)
{
	size_t i = 0, units = 0, c;
	int32_t cp;
	int n;

	while (i < len && (n = utf8_next(s + i, len - i, &cp)) > 0) {
		c = sms_pdu_cost(cp, gsm);
		if (units + c > cap)
			break;
		units += c;
		i += (size_t)n;
	}
	return i;
}

static void
sms_pdu_hex_put(char **p, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		*(*p)++ = hx[b[i] >> 4];
		*(*p)++ = hx[b[i] & 15];
	}
	**p = '\0';
}

/*
 * TP-UD of one part: the UDH (udhlen octets, may be 0), then the text of
 * s[0..len) as septets after fill bits, or as UTF-16BE. Returns TP-UDL.
 */
static size_t
sms_pdu_pack(const char *s, size_t len, int gsm, const uint8_t *udh,
    size_t udhlen, uint8_t *ud, size_t *udoct)
{
	size_t i = 0, k, bit, nsept, o = udhlen;
	unsigned v, sh;
	int32_t cp;
	int n, code;

	memset(ud, 0, SMS_PDU_UD_MAX);
	if (udhlen > 0)
		memcpy(ud, udh, udhlen);
	nsept = (udhlen * 8 + 6) / 7;	/* the UDH rounded up to septets */
	while (i < len && (n = utf8_next(s + i, len - i, &cp)) > 0) {
		i += (size_t)n;
		if (!gsm) {
			if (cp > 0xFFFF) {
				cp -= 0x10000;
				ud[o++] = (uint8_t)(0xD8 | (cp >> 18));
				ud[o++] = (uint8_t)(cp >> 10);
				cp = 0xDC00 | (cp & 0x3FF);
			}
			ud[o++] = (uint8_t)(cp >> 8);
			ud[o++] = (uint8_t)cp;
			continue;
		}
		code = sms_pdu_gsm7_code(cp);
		for (k = code > 0xFF ? 2 : 1; k > 0; k--, nsept++) {
			v = k == 2 ? SMS_PDU_ESC : (unsigned)code & 0x7F;
			bit = nsept * 7;
			sh = (unsigned)(bit % 8);
			ud[bit / 8] |= (uint8_t)(v << sh);
			if (sh > 1)
				ud[bit / 8 + 1] |= (uint8_t)(v >> (8 - sh));
		}
	}
	if (!gsm) {
		*udoct = o;
		return o;
	}
	*udoct = (nsept * 7 + 7) / 8;
	return nsept;
}

/* Destination as semi-octets; -1 unless '+'? followed by 1-20 digits. */
static int
sms_pdu_dest(const char *dest, uint8_t *a, size_t *alen)
{
	size_t i, nd;
	int intl = dest[0] == '+';

	dest += intl;
	nd = strlen(dest);
	if (nd == 0 || nd > SMS_PDU_DIGITS_MAX)
		return -1;
	a[0] = (uint8_t)nd;
	a[1] = intl ? 0x91 : 0x81;
	memset(a + 2, 0xFF, (nd + 1) / 2);
	for (i = 0; i < nd; i++) {
		if (dest[i] < '0' || dest[i] > '9')
			return -1;
		if (i % 2)
			a[2 + i / 2] = (uint8_t)((a[2 + i / 2] & 0x0F) |
			    (dest[i] - '0') << 4);
		else
			a[2 + i / 2] = (uint8_t)(0xF0 | (dest[i] - '0'));
	}
	*alen = 2 + (nd + 1) / 2;
	return 0;
}

static void
sms_pdu_part(struct sms_pdu_part *p, const uint8_t *da, size_t dalen,
    int gsm, int srr, const char *s, size_t len, const uint8_t *udh,
    size_t udhlen)
{
	uint8_t head[4 + 12], ud[SMS_PDU_UD_MAX];
	size_t udoct, udl, h = 0;
	char *q = p->hex;

	udl = sms_pdu_pack(s, len, gsm, udh, udhlen, ud, &udoct);
	head[h++] = 0x00;			/* SMSC: the SIM's default */
	head[h++] = (uint8_t)(0x01 | 0x10 | (srr ? 0x20 : 0) |
	    (udhlen ? 0x40 : 0));		/* SUBMIT, VPF relative */
	head[h++] = 0x00;			/* TP-MR: the modem's */
	memcpy(head + h, da, dalen);
	h += dalen;
	sms_pdu_hex_put(&q, head, h);
	head[0] = 0x00;				/* TP-PID */
	head[1] = gsm ? 0x00 : 0x08;		/* TP-DCS */
	head[2] = SMS_PDU_VP_RELATIVE;
	head[3] = (uint8_t)udl;
	sms_pdu_hex_put(&q, head, 4);
	sms_pdu_hex_put(&q, ud, udoct);
	p->tpdu_octets = (int)(h - 1 + 4 + udoct);
}

int
sms_pdu_encode_submit(const char *dest, const char *utf8, size_t len,
    unsigned ref, int srr, struct sms_pdu_part *parts, size_t max)
{
	uint8_t da[2 + SMS_PDU_DIGITS_MAX / 2], udh[6];
	struct smslen m;
	size_t dalen, cap, off, n, nparts = 0;
	int gsm;

	if (dest == NULL || utf8 == NULL || parts == NULL || len == 0 ||
	    sms_pdu_dest(dest, da, &dalen) != 0 ||
	    smslen_measure(utf8, len, &m) != 0)
		return -1;
	gsm = m.enc == SMSLEN_GSM7;
	if (m.units <= (gsm ? SMSLEN_GSM7_SINGLE : SMSLEN_UCS2_SINGLE)) {
		if (max < 1)
			return -1;
		sms_pdu_part(&parts[0], da, dalen, gsm, srr, utf8, len,
		    NULL, 0);
		return 1;
	}
	cap = gsm ? SMSLEN_GSM7_PART : SMSLEN_UCS2_PART;
	for (off = 0; off < len; off += n, nparts++)
		if ((n = sms_pdu_fill(utf8 + off, len - off, gsm, cap)) == 0)
			return -1;
	if (nparts > max || nparts > SMSLEN_MAX_SEGMENTS)
		return -1;
	udh[0] = 5;		/* UDHL */
	udh[1] = 0x00;		/* IEI: concatenation, 8-bit reference */
	udh[2] = 3;
	udh[3] = (uint8_t)ref;
	udh[4] = (uint8_t)nparts;
	for (off = 0, udh[5] = 1; off < len; off += n, udh[5]++) {
		n = sms_pdu_fill(utf8 + off, len - off, gsm, cap);
		sms_pdu_part(&parts[udh[5] - 1], da, dalen, gsm, srr,
		    utf8 + off, n, udh, sizeof udh);
	}
	return (int)nparts;
}
