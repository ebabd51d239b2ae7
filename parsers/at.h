/*
 * One line from a modem (3GPP TS 27.007 / 27.005), classified: final
 * result codes (OK, ERROR, +CMS ERROR: n, +CME ERROR: n), the "> " prompt,
 * unsolicited result codes (+CMTI, +CMT, +CDS, +CDSI, RING), information
 * responses (+CMGL, +CMGR, +CMGS, +CSQ, +CREG, +CPIN), and anything else
 * (a PDU line, an echo). Exact matches on the prefixes, numbers bounded.
 * Pure. Returns the kind (never fails: unknown lines are AT_OTHER).
 */
#ifndef BX_AT_H
#define BX_AT_H

#include <stddef.h>

enum at_kind {
	AT_EMPTY,
	AT_OK,
	AT_ERROR,
	AT_CMS_ERROR,	/* code */
	AT_CME_ERROR,	/* code (numeric; text errors give code -1) */
	AT_PROMPT,	/* "> " waiting for the PDU */
	AT_CMTI,	/* +CMTI: "SM",3 → mem, index */
	AT_CMT,		/* +CMT: ,<length> → length; the PDU is the next line */
	AT_CDS,		/* +CDS: <length> → length; the PDU is the next line */
	AT_CDSI,	/* +CDSI: "SR",2 → mem, index */
	AT_CMGL,	/* +CMGL: <index>,<stat>,,<length> → index, stat, length */
	AT_CMGR,	/* +CMGR: <stat>,,<length> → stat, length */
	AT_CMGS,	/* +CMGS: <mr> → code = mr */
	AT_CSQ,		/* +CSQ: <rssi>,<ber> → code = rssi, index = ber */
	AT_CREG,	/* +CREG: [<n>,]<stat> → stat */
	AT_CPIN,	/* +CPIN: READY | SIM PIN | ... → text */
	AT_RING,
	AT_OTHER	/* anything else: a PDU, an echo, a banner */
};

struct at_line {
	enum at_kind kind;
	int code;		/* error code, +CMGS mr, +CSQ rssi */
	int index;		/* storage index, +CSQ ber */
	int stat;		/* +CMGL/+CMGR stat, +CREG stat */
	int length;		/* +CMT/+CDS/+CMGL/+CMGR TPDU length */
	char mem[4];		/* +CMTI/+CDSI storage ("SM", "ME", "SR") */
	char text[32];		/* +CPIN value */
};

/* line without its CR LF; len bytes (may contain anything). */
enum at_kind at_classify(const char *line, size_t len, struct at_line *out);
/* Is this a final result code (ends the command in flight)? */
int at_is_final(enum at_kind);
/* Short name for logs and test messages ("+CMTI", "OK"); "?" if out of
 * range. Static storage. */
const char *at_kind_name(enum at_kind);

#endif
