/*
 * SMS TPDUs for modem PDU mode (3GPP TS 23.040 §9.2; 27.005 §3): decoding
 * SMS-DELIVER (what +CMT/+CMGR/+CMGL show), SMS-SUBMIT (to check what we
 * send) and SMS-STATUS-REPORT (+CDS), and encoding SMS-SUBMIT, split into
 * concatenated parts when long. Pure: hex strings in, structs out; no I/O.
 * Text is UTF-8 on our side: GSM 7-bit default alphabet with the extension
 * table (23.038 §6.2.1), 8-bit data, and UCS-2 (UTF-16BE, surrogate pairs
 * kept together) on the air.
 * Returns 0, or -1 for anything malformed (never reads past the input).
 */
#ifndef BX_SMS_PDU_H
#define BX_SMS_PDU_H

#include <stddef.h>
#include <stdint.h>

#define SMS_PDU_ADDR_MAX 24
#define SMS_PDU_TEXT_MAX 1024	/* one part's text as UTF-8, generously */
#define SMS_PDU_HEX_MAX 360	/* 2 * (12 SMSC + 164 TPDU) + NUL */

enum sms_pdu_type {
	SMS_PDU_DELIVER,	/* TP-MTI 00, MS to SC direction reversed */
	SMS_PDU_SUBMIT,		/* TP-MTI 01 */
	SMS_PDU_STATUS_REPORT	/* TP-MTI 10 */
};

enum sms_pdu_dcs {
	SMS_PDU_GSM7 = 0,
	SMS_PDU_8BIT = 4,
	SMS_PDU_UCS2 = 8
};

struct sms_pdu {
	enum sms_pdu_type type;
	char smsc[SMS_PDU_ADDR_MAX];	/* "" when the field is empty */
	/* DELIVER: the sender (TP-OA); SUBMIT: the destination (TP-DA);
	 * STATUS-REPORT: the recipient (TP-RA). International numbers get a
	 * '+'; alphanumeric addresses are decoded from GSM-7. */
	char addr[SMS_PDU_ADDR_MAX];
	int addr_international;
	int dcs;			/* enum sms_pdu_dcs (the alphabet) */
	unsigned mr;			/* SUBMIT, STATUS-REPORT: message ref */
	int status_report_requested;	/* SUBMIT: TP-SRR */
	unsigned status;		/* STATUS-REPORT: TP-ST */
	int64_t scts;			/* DELIVER/STATUS-REPORT: UTC seconds */
	/* Concatenation (UDH IE 0x00 8-bit ref or 0x08 16-bit ref). */
	int concat;
	unsigned ref, total, seq;
	char text[SMS_PDU_TEXT_MAX];	/* UTF-8; 8-bit data as hex digits */
	size_t textlen;
};

/* Decodes a PDU as a modem shows it: hex, SMSC field first. */
int sms_pdu_decode(const char *hex, size_t len, struct sms_pdu *out);

/* One SMS-SUBMIT ready for AT+CMGS=<tpdu_octets>, then hex, then Ctrl-Z. */
struct sms_pdu_part {
	char hex[SMS_PDU_HEX_MAX];	/* with an empty SMSC field ("00") */
	int tpdu_octets;		/* length for AT+CMGS, SMSC excluded */
};

/*
 * Encodes text to a destination (E.164 with '+', or national digits):
 * GSM-7 when every character allows it, else UCS-2; more than one part
 * with a concatenation UDH (8-bit reference ref) when it does not fit one.
 * Status reports requested when srr. Returns the number of parts (>= 1)
 * or -1 (bad number, text empty or needing more than max parts).
 */
int sms_pdu_encode_submit(const char *dest, const char *utf8, size_t len,
    unsigned ref, int srr, struct sms_pdu_part *parts, size_t max);

#endif
