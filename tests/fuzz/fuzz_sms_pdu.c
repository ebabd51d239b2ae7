/*
 * libFuzzer harness for the SMS TPDU decoder (issue 7). The input is decoded
 * twice: as the hex text a modem would print (so the hex reader and short
 * garbage get coverage), and converted to hex first (so the mutator works on
 * the octets and reaches the field decoders). Whatever decodes must keep the
 * struct's invariants, and a decoded text must survive our encoder and
 * decoder unchanged, whatever alphabet it came in.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/sms_pdu.h"
#include "parsers/smslen.h"
#include "parsers/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define FUZZ_HEX_MAX 4096

static void
fuzz_check_str(const char *s, size_t sz)
{
	const char *nul = memchr(s, '\0', sz);

	FUZZ_CHECK(nul != NULL);
	FUZZ_CHECK(utf8_count(s, (size_t)(nul - s)) >= 0);
}

/* Our encoder then our decoder give the text back, split into parts. */
static void
fuzz_round_trip(const struct sms_pdu *p)
{
	static struct sms_pdu_part parts[SMSLEN_MAX_SEGMENTS];
	static struct sms_pdu q;
	size_t off = 0;
	int n, i;

	n = sms_pdu_encode_submit("+8613800138000", p->text, p->textlen, 7, 1,
	    parts, SMSLEN_MAX_SEGMENTS);
	FUZZ_CHECK(n >= 1);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strlen(parts[i].hex) ==
		    2 * (size_t)parts[i].tpdu_octets + 2);
		FUZZ_CHECK(sms_pdu_decode(parts[i].hex, strlen(parts[i].hex),
		    &q) == 0);
		FUZZ_CHECK(q.type == SMS_PDU_SUBMIT && q.dcs != SMS_PDU_8BIT);
		FUZZ_CHECK(q.concat == (n > 1));
		FUZZ_CHECK(!q.concat || (q.seq == (unsigned)i + 1 &&
		    q.total == (unsigned)n));
		FUZZ_CHECK(off + q.textlen <= p->textlen);
		FUZZ_CHECK(memcmp(p->text + off, q.text, q.textlen) == 0);
		off += q.textlen;
	}
	FUZZ_CHECK(off == p->textlen);
}

static void
fuzz_decode(const char *hex, size_t len)
{
	static struct sms_pdu p;
	int rc;

	rc = sms_pdu_decode(hex, len, &p);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		FUZZ_CHECK(p.textlen == 0 && p.text[0] == '\0');
		return;
	}
	FUZZ_CHECK(len % 2 == 0);
	FUZZ_CHECK(p.type == SMS_PDU_DELIVER || p.type == SMS_PDU_SUBMIT ||
	    p.type == SMS_PDU_STATUS_REPORT);
	FUZZ_CHECK(p.dcs == SMS_PDU_GSM7 || p.dcs == SMS_PDU_8BIT ||
	    p.dcs == SMS_PDU_UCS2);
	FUZZ_CHECK(p.textlen < SMS_PDU_TEXT_MAX);
	FUZZ_CHECK(p.text[p.textlen] == '\0' && strlen(p.text) == p.textlen);
	fuzz_check_str(p.text, sizeof p.text);
	fuzz_check_str(p.addr, sizeof p.addr);
	fuzz_check_str(p.smsc, sizeof p.smsc);
	FUZZ_CHECK(!p.addr_international || p.addr[0] == '+');
	FUZZ_CHECK(!p.concat || (p.seq >= 1 && p.seq <= p.total));
	FUZZ_CHECK(p.mr <= 0xFF && p.status <= 0xFF);
	if (p.dcs != SMS_PDU_8BIT && p.textlen > 0)
		fuzz_round_trip(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hx[] = "0123456789ABCDEF";
	static char hex[FUZZ_HEX_MAX];
	size_t i, n = size < FUZZ_HEX_MAX / 2 ? size : FUZZ_HEX_MAX / 2;
	char *copy;

	/* An exact-size copy, so ASan catches any read past the end. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	fuzz_decode(copy, size);
	free(copy);

	for (i = 0; i < n; i++) {
		hex[2 * i] = hx[data[i] >> 4];
		hex[2 * i + 1] = hx[data[i] & 15];
	}
	fuzz_decode(hex, 2 * n);
	return 0;
}
