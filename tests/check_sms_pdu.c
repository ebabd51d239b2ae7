/*
 * SMS TPDU codec (3GPP TS 23.040, PROTOCOLS.md §5.2-5.3): golden vectors made
 * outside this project (tests/data/sms-pdu-vectors.json), hand-built PDUs
 * for every field and coding, our encoder against hand-computed bytes, our
 * encoder through our decoder, and malformed input.
 */
#include "parsers/sms_pdu.h"
#include "parsers/smslen.h"
#include "parsers/utf8.h"
#include "tests/testutil.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define PARTS_MAX 8
#define WHOLE_MAX 8192
/* 2025-03-03 08:00:00 +08:00, the stamp of every vector in the file. */
#define SCTS_VECTORS 1740960000

static json_t *vectors;		/* the "vectors" array, loaded by main */

static const char *
jstr(json_t *v, const char *key)
{
	return json_string_value(json_object_get(v, key));
}

/* Decodes and checks what must hold for any successful decode. */
static int
decode(const char *hex, struct sms_pdu *p)
{
	int rc = sms_pdu_decode(hex, strlen(hex), p);

	ck_assert(rc == 0 || rc == -1);
	if (rc == 0) {
		ck_assert_uint_lt(p->textlen, SMS_PDU_TEXT_MAX);
		ck_assert_uint_eq(strlen(p->text), p->textlen);
		ck_assert(utf8_count(p->text, p->textlen) >= 0);
		ck_assert(memchr(p->addr, '\0', sizeof p->addr) != NULL);
		ck_assert(memchr(p->smsc, '\0', sizeof p->smsc) != NULL);
		ck_assert(!p->concat || (p->seq >= 1 && p->seq <= p->total));
	}
	return rc;
}

/* Concatenation values from a UDH given as hex ("050003RRTTSS" or
 * "060804RRRRTTSS"). */
static void
udh_concat(const char *hex, unsigned *ref, unsigned *total, unsigned *seq)
{
	unsigned b[7] = { 0 };
	size_t i;

	for (i = 0; i < 7 && hex[2 * i]; i++)
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &b[i]), 1);
	if (b[1] == 0x00) {
		*ref = b[3];
		*total = b[4];
		*seq = b[5];
	} else {
		ck_assert_uint_eq(b[1], 0x08);
		*ref = b[3] << 8 | b[4];
		*total = b[5];
		*seq = b[6];
	}
}

/* --- the golden vectors ------------------------------------------------- */

START_TEST(test_vectors_loaded)
{
	ck_assert_ptr_nonnull(vectors);
	ck_assert_uint_ge(json_array_size(vectors), 15);
}
END_TEST

START_TEST(test_vector)
{
	json_t *v = json_array_get(vectors, (size_t)_i);
	const char *kind = jstr(v, "kind"), *udh = jstr(v, "udh");
	const char *text = jstr(v, "text_part");
	static struct sms_pdu p;
	unsigned ref, total, seq;

	ck_assert_ptr_nonnull(kind);
	ck_assert_int_eq(decode(jstr(v, "pdu"), &p), 0);
	ck_assert_int_eq(p.dcs, json_integer_value(json_object_get(v, "dcs")));
	ck_assert_str_eq(p.smsc, "");
	if (strcmp(kind, "SMS-DELIVER") == 0) {
		ck_assert_int_eq(p.type, SMS_PDU_DELIVER);
		ck_assert_str_eq(p.addr, jstr(v, "sender"));
		ck_assert_int_eq(p.addr_international, 1);
		ck_assert_int_eq(p.scts, SCTS_VECTORS);
		if (text == NULL)
			text = jstr(v, "text");
		ck_assert_str_eq(p.text, text);
	} else {
		ck_assert_str_eq(kind, "SMS-SUBMIT");
		ck_assert_int_eq(p.type, SMS_PDU_SUBMIT);
		ck_assert_str_eq(p.addr, jstr(v, "destination"));
		ck_assert_int_eq(p.addr_international, 1);
		ck_assert_uint_eq(p.mr, 0);
		ck_assert_int_eq(p.status_report_requested, 0);
		/* Each part's text lies in the whole; the test below joins. */
		ck_assert_uint_gt(p.textlen, 0);
		ck_assert_ptr_nonnull(strstr(jstr(v, "whole_text"), p.text));
	}
	if (udh != NULL) {
		udh_concat(udh, &ref, &total, &seq);
		ck_assert_int_eq(p.concat, 1);
		ck_assert_uint_eq(p.ref, ref);
		ck_assert_uint_eq(p.total, total);
		ck_assert_uint_eq(p.seq, seq);
	} else if (strcmp(kind, "SMS-DELIVER") == 0) {
		ck_assert_int_eq(p.concat, 0);
	}
}
END_TEST

/*
 * Parts of one message, joined in the order of their sequence numbers,
 * give whole_text (for a single SUBMIT, its own text).
 */
START_TEST(test_vectors_whole)
{
	json_t *v = json_array_get(vectors, (size_t)_i), *w;
	const char *whole = jstr(v, "whole_text");
	static struct sms_pdu p;
	static char joined[WHOLE_MAX], texts[PARTS_MAX][SMS_PDU_TEXT_MAX];
	unsigned have = 0, total = 1;
	size_t j;

	if (whole == NULL)
		return;
	for (j = 0; j < (size_t)_i; j++) {
		w = json_array_get(vectors, j);
		if (jstr(w, "whole_text") && !strcmp(jstr(w, "whole_text"),
		    whole) && !strcmp(jstr(w, "kind"), jstr(v, "kind")))
			return;		/* checked with an earlier row */
	}
	for (j = (size_t)_i; j < json_array_size(vectors); j++) {
		w = json_array_get(vectors, j);
		if (!jstr(w, "whole_text") || strcmp(jstr(w, "whole_text"),
		    whole) || strcmp(jstr(w, "kind"), jstr(v, "kind")))
			continue;
		ck_assert_int_eq(decode(jstr(w, "pdu"), &p), 0);
		if (!p.concat)
			p.seq = p.total = 1;
		ck_assert_uint_le(p.total, PARTS_MAX);
		total = p.total;
		ck_assert(!(have & 1u << (p.seq - 1)));
		have |= 1u << (p.seq - 1);
		strcpy(texts[p.seq - 1], p.text);
	}
	ck_assert_uint_eq(have, (1u << total) - 1);
	joined[0] = '\0';
	for (j = 0; j < total; j++)
		strcat(joined, texts[j]);
	ck_assert_str_eq(joined, whole);
}
END_TEST

/* --- hand-built PDUs ---------------------------------------------------- */

struct dec_case {
	const char *what;
	const char *hex;
	enum sms_pdu_type type;
	const char *smsc, *addr;
	int intl, dcs;
	unsigned mr, status;
	int srr;
	int64_t scts;
	int concat;
	unsigned ref, total, seq;
	const char *text;
};

/* Common SMS-DELIVER prefix: empty SMSC, first octet, TP-OA, TP-PID. */
#define DLV "00040D91683109000010F100"
#define DLV_UDH "00440D91683109000010F100"
#define TS "52303080000023"		/* 2025-03-03 08:00:00 +08:00 */
#define DA "0D91683108108300F0"		/* +8613800138000 */

static const struct dec_case dec_cases[] = {
	/*
	 * SMS-STATUS-REPORT, 23.040 §9.2.2.3, built octet by octet:
	 *   08 91 683108200105F0  SMSC: 8 octets, international, +8613800210500
	 *   06                    TP-MTI 10 (status report), TP-MMS set,
	 *                         TP-UDHI/TP-SRQ clear
	 *   2A                    TP-MR 42, the reference of our SUBMIT
	 *   0D 91 683109000030F1  TP-RA: 13 digits, international
	 *   52303080000023        TP-SCTS 2025-03-03 08:00:00 +08:00
	 *   52303080100023        TP-DT   2025-03-03 08:01:00 +08:00
	 *   00                    TP-ST: short message received by the SME
	 *   (no TP-PI: no optional parameters follow)
	 */
	{ "status report, delivered",
	    "0891683108200105F0062A0D91683109000030F1" TS "52303080100023"
	    "00", SMS_PDU_STATUS_REPORT, "+8613800210500", "+8613900000031",
	    1, 0, 42, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, "" },
	/*
	 *   00                    no SMSC
	 *   06 07                 status report, TP-MR 7
	 *   0B 81 3109000030F1    TP-RA: 11 digits, unknown type: 13900000031
	 *   523030800000 8A       TP-SCTS 08:00:00 with TZ 0x8A: low nibble
	 *                         1010 = sign (bit 3) + tens 2, high nibble
	 *                         8: -28 quarter hours = UTC-7 -> 15:00 UTC
	 *   523030801000 8A       TP-DT
	 *   46                    TP-ST 0x46: permanent error, SM validity
	 *                         period expired
	 *   06                    TP-PI: TP-DCS and TP-UDL present
	 *   00                    TP-DCS GSM-7
	 *   02 CF25               TP-UDL 2 septets: "OK" packed
	 */
	{ "status report, expired, optional parameters",
	    "0006070B813109000030F15230308000008A5230308010008A46060002CF25",
	    SMS_PDU_STATUS_REPORT, "", "13900000031", 0, SMS_PDU_GSM7, 7,
	    0x46, 0, 1741014000, 0, 0, 0, 0, "OK" },
	{ "status report, TP-PI with nothing",
	    "0006070B813109000030F15230308000008A5230308010008A2000",
	    SMS_PDU_STATUS_REPORT, "", "13900000031", 0, 0, 7, 0x20, 0,
	    1741014000, 0, 0, 0, 0, "" },
	/* TP-OA 0B D0: 11 semi-octets = 6 septets, alphanumeric "Baoxue" */
	{ "alphanumeric sender",
	    "00040BD0C2F01B5F2F030000" TS "02CF25", SMS_PDU_DELIVER, "",
	    "Baoxue", 0, 0, 0, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, "OK" },
	{ "national sender, SMSC with filler",
	    "04810180F6" "04" "0B813109000030F1" "0000" TS "02CF25",
	    SMS_PDU_DELIVER, "10086", "13900000031", 0, 0, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "OK" },
	{ "semi-octets * and #",
	    "000404A1A1B20000" TS "02CF25", SMS_PDU_DELIVER, "", "1*2#", 0,
	    0, 0, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, "OK" },
	{ "UTC time zone", DLV "00" "52303080000000" "0AE8329BFD4697D9EC37",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    1740988800, 0, 0, 0, 0, "hellohello" },
	{ "8-bit data as hex", DLV "04" TS "040102ABFF", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, SMS_PDU_8BIT, 0, 0, 0, SCTS_VECTORS, 0, 0, 0,
	    0, "0102ABFF" },
	{ "DCS F0: GSM-7 flash", DLV "F0" TS "0AE8329BFD4697D9EC37",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "hellohello" },
	{ "DCS F4: 8-bit class 0", DLV "F4" TS "09E8329BFD4697D9EC37",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_8BIT, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "E8329BFD4697D9EC37" },
	{ "DCS 18: UCS-2 class 0", DLV "18" TS "024E2D", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0, SCTS_VECTORS, 0, 0, 0,
	    0, "\xe4\xb8\xad" },
	{ "DCS 48: UCS-2, marked for deletion", DLV "48" TS "024E2D",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "\xe4\xb8\xad" },
	{ "DCS 24: compressed, shown as data", DLV "24" TS "024E2D",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_8BIT, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "4E2D" },
	{ "DCS 0C: reserved alphabet, shown as data", DLV "0C" TS "024E2D",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_8BIT, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "4E2D" },
	{ "DCS E0: message waiting, UCS-2", DLV "E0" TS "024E2D",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "\xe4\xb8\xad" },
	{ "DCS C0: message waiting, GSM-7", DLV "C0" TS "02CF25",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "OK" },
	/* 7-octet UDH = 56 bits = 8 septets exactly: no fill bits. */
	{ "GSM-7, 16-bit reference, no fill",
	    DLV_UDH "00" TS "0A06080412340201C834", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, 0, 0, 0, 0, SCTS_VECTORS, 1, 0x1234, 2, 1,
	    "Hi" },
	/* 11-octet UDH (unknown IE 0x70, then 0x00) = 88 bits -> 13
	 * septets, 3 fill bits. */
	{ "GSM-7, unknown IE skipped, 3 fill bits",
	    DLV_UDH "00" TS "0F0A7003AABBCC0003420302" "40A601",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    SCTS_VECTORS, 1, 0x42, 3, 2, "Hi" },
	{ "concat with seq 0 ignored (23.040 9.2.3.24.1)",
	    DLV_UDH "08" TS "080500034203004E2D", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0, SCTS_VECTORS, 0, 0, 0,
	    0, "\xe4\xb8\xad" },
	{ "concat with seq > total ignored",
	    DLV_UDH "08" TS "080500034202034E2D", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0, SCTS_VECTORS, 0, 0, 0,
	    0, "\xe4\xb8\xad" },
	{ "UDH only, no text", DLV_UDH "08" TS "06050003420201",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0,
	    SCTS_VECTORS, 1, 0x42, 2, 1, "" },
	{ "lone high surrogate", DLV "08" TS "04D83D0041", SMS_PDU_DELIVER,
	    "", "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0, SCTS_VECTORS, 0,
	    0, 0, 0, "\xef\xbf\xbd" "A" },
	{ "lone low surrogate at the end", DLV "08" TS "040041DE00",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "A\xef\xbf\xbd" },
	{ "U+0000 dropped", DLV "08" TS "0400410000", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, SMS_PDU_UCS2, 0, 0, 0, SCTS_VECTORS, 0, 0, 0,
	    0, "A" },
	{ "escape + code not in the extension table", DLV "00" TS "029B20",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "A" },
	{ "escape at the end", DLV "00" TS "02C10D", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, 0, 0, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, "A " },
	{ "two escapes", DLV "00" TS "039B4D10", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, 0, 0, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, " A" },
	{ "empty GSM-7 text", DLV "00" TS "00", SMS_PDU_DELIVER, "",
	    "+8613900000011", 1, 0, 0, 0, 0, SCTS_VECTORS, 0, 0, 0, 0, "" },
	{ "lower-case hex", "00040d91683109000010f10000" TS "02cf25",
	    SMS_PDU_DELIVER, "", "+8613900000011", 1, 0, 0, 0, 0,
	    SCTS_VECTORS, 0, 0, 0, 0, "OK" },
	/* SMS-SUBMIT with each TP-VPF: none, enhanced, relative, absolute. */
	{ "submit, no VP", "000100" DA "00000AE8329BFD4697D9EC37",
	    SMS_PDU_SUBMIT, "", "+8613800138000", 1, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, "hellohello" },
	{ "submit, enhanced VP", "000905" DA "000001000000000000"
	    "0AE8329BFD4697D9EC37", SMS_PDU_SUBMIT, "", "+8613800138000", 1,
	    0, 5, 0, 0, 0, 0, 0, 0, 0, "hellohello" },
	{ "submit, relative VP, SRR", "0031FF" DA "0000AA0AE8329BFD4697D9EC37",
	    SMS_PDU_SUBMIT, "", "+8613800138000", 1, 0, 255, 0, 1, 0, 0, 0, 0,
	    0, "hellohello" },
	{ "submit, absolute VP", "001900" DA "0000" TS
	    "0AE8329BFD4697D9EC37", SMS_PDU_SUBMIT, "", "+8613800138000", 1,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, "hellohello" },
};

START_TEST(test_decode_golden)
{
	const struct dec_case *c = &dec_cases[_i];
	static struct sms_pdu p;

	ck_assert_msg(decode(c->hex, &p) == 0, "%s", c->what);
	ck_assert_int_eq(p.type, c->type);
	ck_assert_str_eq(p.smsc, c->smsc);
	ck_assert_str_eq(p.addr, c->addr);
	ck_assert_int_eq(p.addr_international, c->intl);
	ck_assert_int_eq(p.dcs, c->dcs);
	ck_assert_uint_eq(p.mr, c->mr);
	ck_assert_uint_eq(p.status, c->status);
	ck_assert_int_eq(p.status_report_requested, c->srr);
	ck_assert_int_eq(p.scts, c->scts);
	ck_assert_int_eq(p.concat, c->concat);
	ck_assert_uint_eq(p.ref, c->ref);
	ck_assert_uint_eq(p.total, c->total);
	ck_assert_uint_eq(p.seq, c->seq);
	ck_assert_str_eq(p.text, c->text);
}
END_TEST

/* Every default-alphabet code decodes to a character smslen counts as one
 * septet, and every extension code to one it counts as two. */
START_TEST(test_gsm7_tables_agree)
{
	static const unsigned ext[] = { 0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C,
	    0x3D, 0x3E, 0x40, 0x65 };
	uint8_t sept[160], ud[140];
	char hex[512];
	static struct sms_pdu p;
	size_t n = 0, i, j, off;
	int32_t cp;
	int len;

	for (i = 0; i < 128; i++)
		if (i != 0x1B)
			sept[n++] = (uint8_t)i;
	for (i = 0; i < 2; i++) {
		memset(ud, 0, sizeof ud);
		if (i == 1) {
			n = 0;
			for (j = 0; j < NROWS(ext); j++) {
				sept[n++] = 0x1B;
				sept[n++] = (uint8_t)ext[j];
			}
		}
		for (j = 0; j < n * 7; j++)
			if (sept[j / 7] >> (j % 7) & 1)
				ud[j / 8] |= (uint8_t)(1 << (j % 8));
		off = (size_t)snprintf(hex, sizeof hex, DLV "00" TS "%02X",
		    (unsigned)n);
		for (j = 0; j < (n * 7 + 7) / 8; j++)
			off += (size_t)snprintf(hex + off, sizeof hex - off,
			    "%02X", ud[j]);
		ck_assert_int_eq(decode(hex, &p), 0);
		ck_assert_int_eq(utf8_count(p.text, p.textlen),
		    i == 0 ? 127 : NROWS(ext));
		for (j = 0; j < p.textlen; j += (size_t)len) {
			len = utf8_next(p.text + j, p.textlen - j, &cp);
			ck_assert_int_gt(len, 0);
			ck_assert_int_eq(smslen_gsm7_cost(cp), i == 0 ? 1 : 2);
		}
	}
}
END_TEST

/* --- UTF-16 from HTTP providers ------------------------------------------ */

/* UTF-16 in a webhook's text field (Kannel's %C with charset=UTF-16): a
 * byte order mark says the order and is dropped; without one it is
 * big-endian (RFC 2781 §4.3). An explicit UTF-16BE/LE keeps a leading
 * U+FEFF as the character it then is. */
struct u16_case {
	const char *in;
	size_t len;
	enum utf16_order order;
	const char *want;		/* NULL: refused */
};

static const struct u16_case u16_cases[] = {
	{ "\xFE\xFF\x4F\x60", 4, UTF16_BOM, "\xE4\xBD\xA0" },
	{ "\xFF\xFE\x60\x4F\x7D\x59", 6, UTF16_BOM,
	    "\xE4\xBD\xA0\xE5\xA5\xBD" },
	{ "\x4F\x60", 2, UTF16_BOM, "\xE4\xBD\xA0" },
	{ "\xFF\xFE", 2, UTF16_BOM, "" },
	{ "\x60\x4F", 2, UTF16_LE, "\xE4\xBD\xA0" },
	{ "\x4F\x60", 2, UTF16_BE, "\xE4\xBD\xA0" },
	{ "\xFE\xFF\x4F\x60", 4, UTF16_BE, "\xEF\xBB\xBF\xE4\xBD\xA0" },
	{ "\xFF\xFE\x60", 3, UTF16_BOM, NULL },
	{ "\xFF\xFE\x00\xD8", 4, UTF16_BOM, NULL },
	{ "\x00\xD8\x41\x00", 4, UTF16_LE, NULL },
	{ "\x3D\xD8\x00\xDE", 4, UTF16_LE, "\xF0\x9F\x98\x80" },
};

START_TEST(test_utf16_orders)
{
	const struct u16_case *c = &u16_cases[_i];
	char out[32];
	size_t n = 99;
	int rc = utf16_to_utf8(c->in, c->len, c->order, out, sizeof out, &n);

	if (c->want == NULL) {
		ck_assert_int_eq(rc, -1);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, strlen(c->want));
	ck_assert_str_eq(out, c->want);
}
END_TEST

START_TEST(test_utf16_out_of_room)
{
	char out[4];
	size_t n;

	/* 你好 is six bytes of UTF-8: refused, not cut. */
	ck_assert_int_eq(utf16_to_utf8("\xFF\xFE\x60\x4F\x7D\x59", 6,
	    UTF16_BOM, out, sizeof out, &n), -1);
	ck_assert_int_eq(utf16_to_utf8("\x4F\x60", 2, UTF16_BOM, out, 0,
	    &n), -1);
}
END_TEST

/* --- malformed input ---------------------------------------------------- */

struct bad_case {
	const char *what;
	const char *hex;
};

static const struct bad_case bad_cases[] = {
	{ "empty", "" },
	{ "odd length", "0" },
	{ "odd length, valid prefix", DLV "00" TS "02CF250" },
	{ "non-hex", "0G" },
	{ "space", DLV "00" TS "02CF25 " },
	{ "only the SMSC", "00" },
	{ "SMSC longer than 11 octets",
	    "0C91" "6831081081" "0008000000000000" },
	{ "SMSC filler not last", "0591F10000000004" },
	{ "TP-MTI 11 reserved", "00030D91683109000010F10000" TS "02CF25" },
	{ "address of 21 digits",
	    "000415916831090000101111111111F10000" TS "02CF25" },
	{ "F inside an address", "00040D91F83109000010F10000" TS "02CF25" },
	{ "address past the end", "00040D916831" },
	{ "month 13", DLV "00" "52313080000023" "02CF25" },
	{ "non-decimal time stamp", DLV "00" "5A303080000023" "02CF25" },
	{ "non-decimal time zone", DLV "00" "523030800000A3" "02CF25" },
	{ "hour 24", DLV "00" "52303042000023" "02CF25" },
	{ "UDL larger than data, GSM-7", DLV "00" TS "03CF25" },
	{ "UDL larger than data, UCS-2", DLV "08" TS "044E2D" },
	{ "UDL smaller than data", DLV "00" TS "01CF25" },
	{ "trailing octet", DLV "00" TS "02CF2500" },
	{ "odd UCS-2", DLV "08" TS "034E2D00" },
	{ "GSM-7 UDL with no data", DLV "00" TS "A1" },
	{ "UCS-2 UDL with no data", DLV "08" TS "8D" },
	{ "UDHI with no user data", DLV_UDH "00" TS "00" },
	{ "UDH longer than the user data", DLV_UDH "08" TS "040A000342" },
	{ "GSM-7 UDH longer than the septets", DLV_UDH "00" TS "020500" },
	{ "IE longer than the UDH", DLV_UDH "08" TS "08050004420301" "4E2D" },
	{ "IE header cut by the UDH",
	    DLV_UDH "08" TS "09" "06000342030170" "4E2D" },
	{ "8-bit concat IE of length 2",
	    DLV_UDH "08" TS "07" "0400024202" "4E2D" },
	{ "16-bit concat IE of length 3",
	    DLV_UDH "08" TS "080508034203014E2D" },
	{ "UCS-2 odd after the UDH", DLV_UDH "08" TS "07050003420301" "4E" },
	{ "submit without its VP", "001100" DA "0000" },
	{ "submit, absolute VP cut", "001900" DA "0000" "5230" },
	{ "status report, TP-PI says UDL, none",
	    "0006070B813109000030F1" "5230308000008A" "5230308010008A" "0004" },
	{ "status report, TP-PI says nothing, data follows",
	    "0006070B813109000030F1" "5230308000008A" "5230308010008A"
	    "000002CF25" },
	{ "longer than any PDU",
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000" },
};

START_TEST(test_decode_bad)
{
	static struct sms_pdu p;

	ck_assert_msg(decode(bad_cases[_i].hex, &p) == -1, "%s",
	    bad_cases[_i].what);
	/* A failure leaves nothing half-filled behind. */
	ck_assert_str_eq(p.text, "");
	ck_assert_str_eq(p.addr, "");
	ck_assert_uint_eq(p.textlen, 0);
}
END_TEST

/* Every prefix of a valid PDU decodes or fails cleanly. The buffer is cut
 * to the prefix's length so that ASan sees any read past it. */
static int
prefixes(const char *hex)
{
	static struct sms_pdu p;
	size_t len = strlen(hex), n;
	char *cut;
	int ok = 0, rc;

	for (n = 0; n < len; n++) {
		cut = malloc(n + 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, hex, n);
		cut[n] = '\0';
		rc = sms_pdu_decode(cut, n, &p);
		ck_assert(rc == 0 || rc == -1);
		if (rc == 0) {
			ck_assert_uint_lt(p.textlen, SMS_PDU_TEXT_MAX);
			ck_assert_uint_eq(strlen(p.text), p.textlen);
			ok++;
		}
		free(cut);
	}
	return ok;
}

START_TEST(test_prefixes_vectors)
{
	/* Strict TP-UDL: no prefix of a DELIVER or SUBMIT is valid. */
	ck_assert_int_eq(prefixes(jstr(json_array_get(vectors, (size_t)_i),
	    "pdu")), 0);
}
END_TEST

START_TEST(test_prefixes_golden)
{
	int ok = prefixes(dec_cases[_i].hex);

	/* Only a status report may stop after TP-ST (TP-PI is optional). */
	if (dec_cases[_i].type == SMS_PDU_STATUS_REPORT)
		ck_assert_int_le(ok, 1);
	else
		ck_assert_int_eq(ok, 0);
}
END_TEST

/* --- encoding: against hand-computed bytes ------------------------------ */

struct enc_case {
	const char *what;
	const char *dest, *text;
	unsigned ref;
	int srr, nparts;
	const char *hex[2];
	int octets[2];
};

#define P2TEXT                                                            \
	"Part test 000. Part test 001. Part test 002. Part test 003. "    \
	"Part test 004. Part test 005. Part test 006. Part test 007. "    \
	"Part test 008. Part test 009. Part test 010. Part test 011. "    \
	"Part test 012. Part "

static const struct enc_case enc_cases[] = {
	/* PROTOCOLS.md §5.2: "AT+CMGS=47". */
	{ "UCS-2, the worked example", "+8613800138000",
	    "张老师：明天三年级二班李同学请假", 0, 0, 1,
	    { "0011000D91683108108300F00008AA20"
	      "5F2080015E08FF1A660E59294E095E747EA74E8C73ED674E540C5B668BF75047"
	    }, { 47 } },
	/* The classic packing example: 10 septets in 9 octets. */
	{ "GSM-7 hellohello", "+8613800138000", "hellohello", 0, 0, 1,
	    { "0011000D91683108108300F00000AA0AE8329BFD4697D9EC37" },
	    { 24 } },
	{ "national number, status report", "10086", "CXLL", 0, 1, 1,
	    { "00310005810180F60000AA04432C9309" }, { 15 } },
	/*
	 * 200 septets: 153 + 47. UDH 050003A50201 is 48 bits; the text
	 * starts on septet 7 (bit 49), after one fill bit, so 'P' (0x50)
	 * comes out as 0xA0. UDL counts the 7 UDH septets: A0 = 160, 36 = 54.
	 */
	{ "GSM-7 2 parts, fill bit", "+8613800138000", P2TEXT, 0x1A5, 0, 2,
	    { "0051000D91683108108300F00000AAA0050003A50201"
	      "A061391D442FCFE920180CE60241C3723A885E9ED3413058CC058286E57410"
	      "BD3CA7836030990B040DCBE9207A794E07C1603317081A96D341F4F29C0E82"
	      "C1682E10342CA783E8E5391D0483D55C2068584E07D1CB733A0806B3B940D0"
	      "B09C0EA297E774100C767381A061391D442FCFE920180CE70241C3723A885E"
	      "9ED3413058CE058286E5",
	      "0051000D91683108108300F00000AA36050003A50202"
	      "E8207A794E07C1623017081A96D341F4F29C0E82C5622E10342CA783E8E539"
	      "1D048BC95C2068584E0701" },
	    { 155, 63 } },
};

START_TEST(test_encode_golden)
{
	const struct enc_case *c = &enc_cases[_i];
	struct sms_pdu_part parts[PARTS_MAX];
	int i;

	ck_assert_int_eq(sms_pdu_encode_submit(c->dest, c->text,
	    strlen(c->text), c->ref, c->srr, parts, PARTS_MAX), c->nparts);
	for (i = 0; i < c->nparts; i++) {
		ck_assert_str_eq(parts[i].hex, c->hex[i]);
		ck_assert_int_eq(parts[i].tpdu_octets, c->octets[i]);
	}
}
END_TEST

/* --- encoding: through our decoder -------------------------------------- */

#define HAN "中"
#define HAN10 HAN HAN HAN HAN HAN HAN HAN HAN HAN HAN
#define HAN60 HAN10 HAN10 HAN10 HAN10 HAN10 HAN10
#define EMOJI "\xf0\x9f\x98\x80"		/* U+1F600 */
#define EXTB "\xf0\xa0\x80\x80"			/* U+20000 */
#define A10 "aaaaaaaaaa"
#define A50 A10 A10 A10 A10 A10
#define A150 A50 A50 A50
#define SENT "家长说孩子要跟着去外地打工，请村里帮忙去家里看看情况。"

struct rt_case {
	const char *what;
	const char *text;
	int dcs, nparts;
	const char *first_part;	/* expected text of part 1, or NULL */
};

static const struct rt_case rt_cases[] = {
	{ "GSM-7 with every extension character",
	    "Baoxue: [ok] {x} ~ ^ \xe2\x82\xac | \\ \f \xc2\xa3 \xce\x94 "
	    "\xc3\x9f @ $ _ \xc2\xa4 \xc2\xa7 \xc2\xbf \xc3\xa0\r\n", 0, 1,
	    NULL },
	{ "UCS-2 Chinese", "张老师：明天三年级二班李同学请假【某某镇中心校】",
	    8, 1, NULL },
	{ "surrogate pairs, one part", "缺 20240001 3 " EMOJI " " EXTB, 8, 1,
	    NULL },
	{ "160 septets, one part", A150 A10, 0, 1, NULL },
	{ "161 septets, two parts", A150 A10 "a", 0, 2, A150 "aaa" },
	{ "80 escapes, one part",
	    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"
	    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", 0, 1, NULL },
	/* The escape pair would straddle septets 153/154: 152 in part 1. */
	{ "escape pair at a part boundary", A150 "aa{" A10, 0, 2,
	    A150 "aa" },
	{ "GSM-7 2 parts", P2TEXT, 0, 2, NULL },
	{ "70 Han, one part", HAN60 HAN10, 8, 1, NULL },
	{ "71 Han, two parts", HAN60 HAN10 HAN, 8, 2, HAN60 "中中中中中中中" },
	/* The pair would straddle units 67/68: 66 units in part 1. */
	{ "surrogate pair at a part boundary", HAN60 "中中中中中中" EMOJI HAN10,
	    8, 2, HAN60 "中中中中中中" },
	{ "surrogate pair just fits", HAN60 "中中中中中" EMOJI HAN10, 8, 2,
	    HAN60 "中中中中中" EMOJI },
	{ "3-part Chinese", SENT SENT SENT SENT SENT SENT, 8, 3, NULL },
	{ "one Han makes a GSM text UCS-2", A50 HAN, 8, 1, NULL },
};

/*
 * Encodes, decodes every part, and checks the parts: SUBMIT to the
 * destination, concatenation numbers, no part over its capacity, no pair
 * split (no U+FFFD appears and the texts join to the input).
 */
static int
round_trip(const char *text, unsigned ref, int srr, int *dcs,
    char first[SMS_PDU_TEXT_MAX])
{
	static struct sms_pdu_part parts[SMSLEN_MAX_SEGMENTS];
	static struct sms_pdu p;
	static char joined[WHOLE_MAX * 4];
	size_t cap, len = strlen(text), jl = 0, k;
	struct smslen m, pm;
	int n, i;

	n = sms_pdu_encode_submit("+8613800138000", text, len, ref, srr,
	    parts, SMSLEN_MAX_SEGMENTS);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(smslen_measure(text, len, &m), 0);
	ck_assert_int_eq(n, (int)m.segments);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(strlen(parts[i].hex),
		    2 * (size_t)parts[i].tpdu_octets + 2);
		for (k = 0; parts[i].hex[k]; k++)
			ck_assert(strchr("0123456789ABCDEF",
			    parts[i].hex[k]) != NULL);
		ck_assert_int_eq(decode(parts[i].hex, &p), 0);
		ck_assert_int_eq(p.type, SMS_PDU_SUBMIT);
		ck_assert_str_eq(p.smsc, "");
		ck_assert_str_eq(p.addr, "+8613800138000");
		ck_assert_uint_eq(p.mr, 0);
		ck_assert_int_eq(p.status_report_requested, srr);
		ck_assert_int_eq(p.concat, n > 1);
		if (n > 1) {
			ck_assert_uint_eq(p.ref, ref & 0xFF);
			ck_assert_uint_eq(p.total, (unsigned)n);
			ck_assert_uint_eq(p.seq, (unsigned)i + 1);
		}
		ck_assert_int_eq(p.dcs, m.enc == SMSLEN_GSM7 ? 0 : 8);
		ck_assert(strstr(p.text, "\xef\xbf\xbd") == NULL);
		ck_assert_int_eq(smslen_measure(p.text, p.textlen, &pm), 0);
		cap = n == 1 ? smslen_capacity(m.enc, 1) :
		    smslen_capacity(m.enc, 2) / 2;
		ck_assert_uint_le(pm.units, cap);
		ck_assert_uint_gt(pm.units, 0);
		if (i == 0 && first != NULL)
			strcpy(first, p.text);
		ck_assert_uint_lt(jl + p.textlen, sizeof joined);
		memcpy(joined + jl, p.text, p.textlen);
		jl += p.textlen;
		*dcs = p.dcs;
	}
	ck_assert_uint_eq(jl, len);
	ck_assert(memcmp(joined, text, len) == 0);
	return n;
}

START_TEST(test_round_trip)
{
	const struct rt_case *c = &rt_cases[_i];
	static char first[SMS_PDU_TEXT_MAX];
	int dcs;

	ck_assert_int_eq(round_trip(c->text, 0x1C3, _i % 2, &dcs, first),
	    c->nparts);
	ck_assert_int_eq(dcs, c->dcs);
	if (c->first_part != NULL)
		ck_assert_str_eq(first, c->first_part);
}
END_TEST

/* Pairs in every position around the boundaries, for both alphabets. */
START_TEST(test_round_trip_boundaries)
{
	static char text[2048];
	static const char *const pairs[] = { "{", "\xe2\x82\xac", EMOJI };
	static const char *const fill[] = { "a", "a", HAN };
	size_t i, k, o;
	int dcs, j;

	for (j = 0; j < 3; j++) {
		for (i = 0; i < 160; i++) {
			o = 0;
			for (k = 0; k < i; k++)
				o += (size_t)sprintf(text + o, "%s", fill[j]);
			for (k = 0; k < 4; k++)
				o += (size_t)sprintf(text + o, "%s%s",
				    pairs[j], fill[j]);
			round_trip(text, (unsigned)i, 1, &dcs, NULL);
			ck_assert_int_eq(dcs, j == 2 ? 8 : 0);
		}
	}
}
END_TEST

struct enc_bad_case {
	const char *what;
	const char *dest, *text;
	size_t max;
};

static const struct enc_bad_case enc_bad_cases[] = {
	{ "empty destination", "", "hi", 4 },
	{ "only a plus", "+", "hi", 4 },
	{ "letters", "abc", "hi", 4 },
	{ "space", "+86 138", "hi", 4 },
	{ "plus inside", "86+138", "hi", 4 },
	{ "21 digits", "123456789012345678901", "hi", 4 },
	{ "empty text", "+8613800138000", "", 4 },
	{ "invalid UTF-8", "+8613800138000", "ab\xff", 4 },
	{ "no room", "+8613800138000", "hi", 0 },
	{ "two parts, room for one", "+8613800138000", HAN60 HAN10 HAN, 1 },
};

START_TEST(test_encode_bad)
{
	const struct enc_bad_case *c = &enc_bad_cases[_i];
	struct sms_pdu_part parts[4];

	ck_assert_msg(sms_pdu_encode_submit(c->dest, c->text, strlen(c->text),
	    1, 0, parts, c->max) == -1, "%s", c->what);
}
END_TEST

START_TEST(test_encode_too_many_parts)
{
	static struct sms_pdu_part parts[SMSLEN_MAX_SEGMENTS + 1];
	size_t n = 255 * 67 + 1, i;
	char *t = malloc(n * 3 + 1);

	ck_assert_ptr_nonnull(t);
	for (i = 0; i < n; i++)
		memcpy(t + 3 * i, HAN, 3);
	ck_assert_int_eq(sms_pdu_encode_submit("+8613800138000", t,
	    3 * (n - 1), 1, 0, parts, NROWS(parts)), 255);
	ck_assert_int_eq(sms_pdu_encode_submit("+8613800138000", t, 3 * n, 1,
	    0, parts, NROWS(parts)), -1);
	free(t);
}
END_TEST

static json_t *
load_vectors(json_t **root)
{
	json_error_t err;

	*root = json_load_file(tu_src("tests/data/sms-pdu-vectors.json"), 0,
	    &err);
	if (*root == NULL) {
		fprintf(stderr, "sms-pdu-vectors.json: %s\n", err.text);
		return NULL;
	}
	return json_object_get(*root, "vectors");
}

int
main(void)
{
	Suite *s = suite_create("sms_pdu");
	TCase *tc;
	json_t *root;
	int nv, rc;

	vectors = load_vectors(&root);
	nv = (int)json_array_size(vectors);

	tc = tcase_create("vectors");
	tcase_add_test(tc, test_vectors_loaded);
	tcase_add_loop_test(tc, test_vector, 0, nv);
	tcase_add_loop_test(tc, test_vectors_whole, 0, nv);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_loop_test(tc, test_decode_golden, 0, NROWS(dec_cases));
	tcase_add_test(tc, test_gsm7_tables_agree);
	tcase_add_loop_test(tc, test_utf16_orders, 0, NROWS(u16_cases));
	tcase_add_test(tc, test_utf16_out_of_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_decode_bad, 0, NROWS(bad_cases));
	tcase_add_loop_test(tc, test_prefixes_vectors, 0, nv);
	tcase_add_loop_test(tc, test_prefixes_golden, 0, NROWS(dec_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_loop_test(tc, test_encode_golden, 0, NROWS(enc_cases));
	tcase_add_loop_test(tc, test_round_trip, 0, NROWS(rt_cases));
	tcase_add_test(tc, test_round_trip_boundaries);
	tcase_add_loop_test(tc, test_encode_bad, 0, NROWS(enc_bad_cases));
	tcase_add_test(tc, test_encode_too_many_parts);
	suite_add_tcase(s, tc);

	rc = tu_run(s);
	json_decref(root);
	return rc;
}
