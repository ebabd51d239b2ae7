/*
 * AT line classifier: final result codes, errors with codes, the prompt,
 * URCs, information responses, malformed numbers, long lines, binary
 * garbage, whitespace, and transcripts shaped like those in the SIM800,
 * Quectel EC2x/UC20, Huawei E3372 and Telit manuals.
 */
#include "parsers/at.h"
#include "tests/testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A literal that may hold NULs: its bytes, not its strlen. */
#define BYTES(s) .in = (s), .len = sizeof(s) - 1

/* One line and everything at_classify should say about it; fields left
 * out of a row must come back 0 or "". */
struct at_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	enum at_kind kind;
	int code, index, stat, length;
	const char *mem, *text;
};

/* in, printable, for failure messages. */
static const char *
at_show(const char *in, size_t len)
{
	static char buf[128];
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < sizeof buf; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o,
			    "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Classifies an exact-size heap copy (so ASan and valgrind see any read
 * past len) into a struct full of junk (so a field left unset shows).
 */
static void
at_check(const struct at_case *c)
{
	size_t len = c->len ? c->len : strlen(c->in);
	char *copy = malloc(len ? len : 1);
	const char *show;
	struct at_line l;
	enum at_kind k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, c->in, len);
	memset(&l, 0x5a, sizeof l);
	k = at_classify(copy, len, &l);
	free(copy);
	show = at_show(c->in, len);
	ck_assert_msg(k == c->kind, "\"%s\": got %s, want %s", show,
	    at_kind_name(k), at_kind_name(c->kind));
	ck_assert_msg(l.kind == k, "\"%s\": out->kind", show);
	ck_assert_msg(l.code == c->code, "\"%s\": code %d, want %d", show,
	    l.code, c->code);
	ck_assert_msg(l.index == c->index, "\"%s\": index %d, want %d", show,
	    l.index, c->index);
	ck_assert_msg(l.stat == c->stat, "\"%s\": stat %d, want %d", show,
	    l.stat, c->stat);
	ck_assert_msg(l.length == c->length, "\"%s\": length %d, want %d",
	    show, l.length, c->length);
	ck_assert_ptr_nonnull(memchr(l.mem, '\0', sizeof l.mem));
	ck_assert_ptr_nonnull(memchr(l.text, '\0', sizeof l.text));
	ck_assert_str_eq(l.mem, c->mem ? c->mem : "");
	ck_assert_str_eq(l.text, c->text ? c->text : "");
}

static const struct at_case final_cases[] = {
	{ .in = "OK", .kind = AT_OK },
	{ .in = "ERROR", .kind = AT_ERROR },
	{ .in = "+CMS ERROR: 500", .kind = AT_CMS_ERROR, .code = 500 },
	{ .in = "+CME ERROR: 10", .kind = AT_CME_ERROR, .code = 10 },
	/* Exact words only. */
	{ .in = "OKAY", .kind = AT_OTHER },
	{ .in = "ERRORS", .kind = AT_OTHER },
	{ .in = "ok", .kind = AT_OTHER },
	{ .in = "Ok", .kind = AT_OTHER },
	{ .in = "error", .kind = AT_OTHER },
	{ .in = "OK OK", .kind = AT_OTHER },
	{ .in = "O K", .kind = AT_OTHER },
	/* V.250 verbose codes we do not model, and ATV0 numeric ones. */
	{ .in = "NO CARRIER", .kind = AT_OTHER },
	{ .in = "BUSY", .kind = AT_OTHER },
	{ .in = "NO ANSWER", .kind = AT_OTHER },
	{ .in = "NO DIALTONE", .kind = AT_OTHER },
	{ .in = "CONNECT", .kind = AT_OTHER },
	{ .in = "0", .kind = AT_OTHER },
	{ .in = "4", .kind = AT_OTHER },
};

static const struct at_case error_cases[] = {
	/* 27.005 §3.2.5 codes, from smstools3's table. */
	{ .in = "+CMS ERROR: 300", .kind = AT_CMS_ERROR, .code = 300 },
	{ .in = "+CMS ERROR: 304", .kind = AT_CMS_ERROR, .code = 304 },
	{ .in = "+CMS ERROR: 322", .kind = AT_CMS_ERROR, .code = 322 },
	{ .in = "+CMS ERROR: 330", .kind = AT_CMS_ERROR, .code = 330 },
	{ .in = "+CMS ERROR: 512", .kind = AT_CMS_ERROR, .code = 512 },
	{ .in = "+CMS ERROR: 0", .kind = AT_CMS_ERROR, .code = 0 },
	{ .in = "+CMS ERROR: 0330", .kind = AT_CMS_ERROR, .code = 330 },
	{ .in = "+CMS ERROR: 65535", .kind = AT_CMS_ERROR, .code = 65535 },
	{ .in = "+CMS ERROR:500", .kind = AT_CMS_ERROR, .code = 500 },
	{ .in = "+CME ERROR: 3", .kind = AT_CME_ERROR, .code = 3 },
	{ .in = "+CME ERROR: 11", .kind = AT_CME_ERROR, .code = 11 },
	{ .in = "+CME ERROR: 100", .kind = AT_CME_ERROR, .code = 100 },
	/* AT+CMEE=2: words instead of numbers. */
	{ .in = "+CME ERROR: SIM PIN required", .kind = AT_CME_ERROR,
	    .code = -1, .text = "SIM PIN required" },
	{ .in = "+CME ERROR: SIM not inserted", .kind = AT_CME_ERROR,
	    .code = -1, .text = "SIM not inserted" },
	{ .in = "+CME ERROR: operation not allowed", .kind = AT_CME_ERROR,
	    .code = -1, .text = "operation not allowed" },
	{ .in = "+CMS ERROR: SIM not inserted", .kind = AT_CMS_ERROR,
	    .code = -1, .text = "SIM not inserted" },
	{ .in = "+CMS ERROR: unknown error", .kind = AT_CMS_ERROR,
	    .code = -1, .text = "unknown error" },
	/* Cut to the buffer: the kind does not depend on the words. */
	{ .in = "+CME ERROR: operation not allowed right now, SIM busy",
	    .kind = AT_CME_ERROR, .code = -1,
	    .text = "operation not allowed right now" },
	{ .in = "+CMS ERROR: 65536", .kind = AT_OTHER },
	{ .in = "+CMS ERROR: 99999999999999999999", .kind = AT_OTHER },
	{ .in = "+CME ERROR: ", .kind = AT_OTHER },
	{ .in = "+CME ERROR:", .kind = AT_OTHER },
	{ .in = "+CME ERROR: 10a", .kind = AT_OTHER },
	{ .in = "+CME ERROR: -1", .kind = AT_OTHER },
	{ .in = "+CME ERROR: 1 0", .kind = AT_OTHER },
	{ .in = "+CME ERROR: 10,1", .kind = AT_OTHER },
	{ .in = "+CME ERROR: \"SIM busy\"", .kind = AT_OTHER },
	{ .in = "+cme error: 10", .kind = AT_OTHER },
	{ .in = "+CME ERROR 10", .kind = AT_OTHER },
	{ .in = "+CMEERROR: 10", .kind = AT_OTHER },
	{ .in = "ERROR: 10", .kind = AT_OTHER },
	{ .in = "+CMS ERROR: SIM\xe5\x8d\xa1", .kind = AT_OTHER },
};

static const struct at_case prompt_cases[] = {
	{ .in = "> ", .kind = AT_PROMPT },
	{ .in = ">", .kind = AT_PROMPT },
	{ .in = ">  ", .kind = AT_PROMPT },
	{ .in = " > ", .kind = AT_PROMPT },
	{ .in = ">\r", .kind = AT_PROMPT },
	{ .in = ">>", .kind = AT_OTHER },
	{ .in = "> >", .kind = AT_OTHER },
	/* With echo on, the PDU we type shows after the prompt. */
	{ .in = "> 0011000D91683108108300F00008AA", .kind = AT_OTHER },
	{ .in = ">\x1a", .kind = AT_OTHER },
	{ .in = "<", .kind = AT_OTHER },
};

static const struct at_case urc_cases[] = {
	{ .in = "+CMTI: \"SM\",3", .kind = AT_CMTI, .mem = "SM", .index = 3 },
	{ .in = "+CMTI: \"ME\",0", .kind = AT_CMTI, .mem = "ME" },
	{ .in = "+CMTI: \"MT\",12", .kind = AT_CMTI, .mem = "MT",
	    .index = 12 },
	{ .in = "+CMTI: \"SM\",65535", .kind = AT_CMTI, .mem = "SM",
	    .index = 65535 },
	{ .in = "+CMTI: \"SM\",65536", .kind = AT_OTHER },
	{ .in = "+CMTI: SM,3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"sm\",3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"\",3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SMSM\",3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\"", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",3,1", .kind = AT_OTHER },
	{ .in = "+CMTI: 3", .kind = AT_OTHER },
	{ .in = "+CMTIX: \"SM\",3", .kind = AT_OTHER },
	{ .in = "+CMT: ,24", .kind = AT_CMT, .length = 24 },
	{ .in = "+CMT: \"\",24", .kind = AT_CMT, .length = 24 },
	{ .in = "+CMT: \"Mom\",151", .kind = AT_CMT, .length = 151 },
	{ .in = "+CMT: \"A, B\",30", .kind = AT_CMT, .length = 30 },
	{ .in = "+CMT: \"\xe5\xbc\xa0\xe8\x80\x81\xe5\xb8\x88\",40",
	    .kind = AT_CMT, .length = 40 },
	{ .in = "+CMT: ,0", .kind = AT_CMT },
	{ .in = "+CMT: ,255", .kind = AT_CMT, .length = 255 },
	{ .in = "+CMT: ,256", .kind = AT_OTHER },
	{ .in = "+CMT: 24", .kind = AT_OTHER },
	{ .in = "+CMT: Mom,24", .kind = AT_OTHER },
	{ .in = "+CMT: ,", .kind = AT_OTHER },
	/* Text mode is not ours. */
	{ .in = "+CMT: \"+8613800138000\",,\"24/03/01,08:15:30+32\"",
	    .kind = AT_OTHER },
	{ .in = "+CMT: \"+8613800138000\",\"\",\"24/03/01,08:15:30+32\"",
	    .kind = AT_OTHER },
	{ .in = "+CDS: 25", .kind = AT_CDS, .length = 25 },
	{ .in = "+CDS: 6", .kind = AT_CDS, .length = 6 },
	{ .in = "+CDS: 6,12,\"+8613800138000\",145,\"24/03/01,08:15:30+32\","
	    "\"24/03/01,08:15:35+32\",0", .kind = AT_OTHER },
	{ .in = "+CDS:", .kind = AT_OTHER },
	{ .in = "+CDSI: \"SR\",2", .kind = AT_CDSI, .mem = "SR", .index = 2 },
	{ .in = "+CDSI: \"SM\",7", .kind = AT_CDSI, .mem = "SM", .index = 7 },
	{ .in = "+CDSI: \"SR\"", .kind = AT_OTHER },
	{ .in = "RING", .kind = AT_RING },
	{ .in = "RINGING", .kind = AT_OTHER },
	{ .in = "+CRING: VOICE", .kind = AT_OTHER },
	{ .in = "+CLIP: \"+8613800138000\",145,\"\",0,\"\",0",
	    .kind = AT_OTHER },
};

static const struct at_case info_cases[] = {
	{ .in = "+CMGL: 1,0,,24", .kind = AT_CMGL, .index = 1, .stat = 0,
	    .length = 24 },
	{ .in = "+CMGL: 0,1,\"\",23", .kind = AT_CMGL, .stat = 1,
	    .length = 23 },
	{ .in = "+CMGL: 2,3,,33", .kind = AT_CMGL, .index = 2, .stat = 3,
	    .length = 33 },
	{ .in = "+CMGL: 7,2,\"Office\",28", .kind = AT_CMGL, .index = 7,
	    .stat = 2, .length = 28 },
	{ .in = "+CMGL: 1,5,,24", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,24", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,,", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,x,24", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,\"REC UNREAD\",\"+8613800138000\",,"
	    "\"24/03/01,08:15:30+32\"", .kind = AT_OTHER },
	{ .in = "+CMGR: 0,,23", .kind = AT_CMGR, .length = 23 },
	{ .in = "+CMGR: 1,\"\",156", .kind = AT_CMGR, .stat = 1,
	    .length = 156 },
	{ .in = "+CMGR: 3,,0", .kind = AT_CMGR, .stat = 3 },
	{ .in = "+CMGR: 1,156", .kind = AT_OTHER },
	{ .in = "+CMGR: \"REC READ\",\"+8613800138000\",,"
	    "\"24/03/01,08:15:30+32\"", .kind = AT_OTHER },
	{ .in = "+CMGS: 12", .kind = AT_CMGS, .code = 12 },
	{ .in = "+CMGS: 0", .kind = AT_CMGS },
	{ .in = "+CMGS: 255", .kind = AT_CMGS, .code = 255 },
	{ .in = "+CMGS: 256", .kind = AT_OTHER },
	{ .in = "+CMGS: 7,\"24/03/01,08:15:30+32\"", .kind = AT_CMGS,
	    .code = 7 },
	{ .in = "+CMGS: 7,", .kind = AT_OTHER },
	{ .in = "+CMGS:", .kind = AT_OTHER },
	{ .in = "+CSQ: 20,99", .kind = AT_CSQ, .code = 20, .index = 99 },
	{ .in = "+CSQ: 99,99", .kind = AT_CSQ, .code = 99, .index = 99 },
	{ .in = "+CSQ: 31,0", .kind = AT_CSQ, .code = 31 },
	{ .in = "+CSQ: 0,7", .kind = AT_CSQ, .index = 7 },
	{ .in = "+CSQ: 125,99", .kind = AT_CSQ, .code = 125, .index = 99 },
	{ .in = "+CSQ: 200,99", .kind = AT_OTHER },
	{ .in = "+CSQ: 20,100", .kind = AT_OTHER },
	{ .in = "+CSQ: 20", .kind = AT_OTHER },
	{ .in = "+CSQ: 20,99,1", .kind = AT_OTHER },
	{ .in = "+CSQ: ,99", .kind = AT_OTHER },
	{ .in = "+CREG: 1", .kind = AT_CREG, .stat = 1 },
	{ .in = "+CREG: 0,1", .kind = AT_CREG, .stat = 1 },
	{ .in = "+CREG: 0,5", .kind = AT_CREG, .stat = 5 },
	{ .in = "+CREG: 1,2", .kind = AT_CREG, .stat = 2 },
	{ .in = "+CREG: 2,5,\"00C3\",\"0FA1\"", .kind = AT_CREG, .stat = 5 },
	{ .in = "+CREG: 2,1,\"D509\",\"80D413D\",7", .kind = AT_CREG,
	    .stat = 1 },
	/* The URC with n=2: <stat> first, then the quoted <lac>. */
	{ .in = "+CREG: 1,\"00C3\",\"0FA1\"", .kind = AT_CREG, .stat = 1 },
	{ .in = "+CREG: 5,\"D509\",\"80D413D\",7", .kind = AT_CREG,
	    .stat = 5 },
	{ .in = "+CREG: 3,,,,0,13", .kind = AT_CREG, .stat = 3 },
	{ .in = "+CREG: 9,1", .kind = AT_OTHER },
	{ .in = "+CREG: 0,100", .kind = AT_OTHER },
	{ .in = "+CREG: \"1\"", .kind = AT_OTHER },
	{ .in = "+CREG:", .kind = AT_OTHER },
	{ .in = "+CREG: 1,2,3,4,5,6,7,8,9", .kind = AT_OTHER },
	{ .in = "+CEREG: 1", .kind = AT_OTHER },
	{ .in = "+CGREG: 0,1", .kind = AT_OTHER },
	{ .in = "+CPIN: READY", .kind = AT_CPIN, .text = "READY" },
	{ .in = "+CPIN: SIM PIN", .kind = AT_CPIN, .text = "SIM PIN" },
	{ .in = "+CPIN: SIM PUK", .kind = AT_CPIN, .text = "SIM PUK" },
	{ .in = "+CPIN: SIM PIN2", .kind = AT_CPIN, .text = "SIM PIN2" },
	{ .in = "+CPIN: PH-SIM PIN", .kind = AT_CPIN, .text = "PH-SIM PIN" },
	{ .in = "+CPIN: NOT INSERTED", .kind = AT_CPIN,
	    .text = "NOT INSERTED" },
	{ .in = "+CPIN: NOT READY", .kind = AT_CPIN, .text = "NOT READY" },
	{ .in = "+CPIN:READY", .kind = AT_CPIN, .text = "READY" },
	{ .in = "+CPIN:", .kind = AT_OTHER },
	{ .in = "+CPIN: ", .kind = AT_OTHER },
	{ .in = "+CPIN READY", .kind = AT_OTHER },
};

static const struct at_case number_cases[] = {
	{ .in = "+CMGL: 4294967297,0,,24", .kind = AT_OTHER },
	{ .in = "+CMGL: 2147483648,0,,24", .kind = AT_OTHER },
	{ .in = "+CMGL: -1,0,,24", .kind = AT_OTHER },
	{ .in = "+CMGL: +1,0,,24", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,,2x4", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,,24.0", .kind = AT_OTHER },
	{ .in = "+CMGL: 1,0,,\"24\"", .kind = AT_OTHER },
	{ .in = "+CSQ: 0x1f,99", .kind = AT_OTHER },
	{ .in = "+CSQ: 2147483648,99", .kind = AT_OTHER },
	{ .in = "+CSQ: 20,-1", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",+3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",3.0", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",1e3", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",99999999999999999999999", .kind = AT_OTHER },
	{ .in = "+CMTI: \"SM\",\xd9\xa3", .kind = AT_OTHER },	/* Arabic 3 */
	{ .in = "+CMTI: \"SM\",\xef\xbc\x93", .kind = AT_OTHER }, /* full 3 */
	{ .in = "+CMTI: \"SM\",007", .kind = AT_CMTI, .mem = "SM",
	    .index = 7 },
	{ .in = "+CMGR: 0,,", .kind = AT_OTHER },
	{ .in = "+CDS: ", .kind = AT_OTHER },
	{ .in = "+CDS: 2 5", .kind = AT_OTHER },
	{ .in = "+CMGS: 1 2", .kind = AT_OTHER },
	{ .in = "+CREG: 1 1", .kind = AT_OTHER },
};

static const struct at_case space_cases[] = {
	{ .in = "", .kind = AT_EMPTY },
	{ .in = " ", .kind = AT_EMPTY },
	{ .in = "   \t ", .kind = AT_EMPTY },
	{ .in = "\r", .kind = AT_EMPTY },
	{ .in = "\r\r", .kind = AT_EMPTY },
	{ .in = "  OK", .kind = AT_OK },
	{ .in = "OK  ", .kind = AT_OK },
	{ .in = "\tOK\t", .kind = AT_OK },
	{ .in = "OK\r", .kind = AT_OK },		/* CR CR LF modems */
	{ .in = "\rOK", .kind = AT_OK },
	{ .in = " ERROR ", .kind = AT_ERROR },
	{ .in = "RING ", .kind = AT_RING },
	{ .in = "+CSQ:  20 , 99 ", .kind = AT_CSQ, .code = 20, .index = 99 },
	{ .in = "+CSQ:\t20,\t99", .kind = AT_CSQ, .code = 20, .index = 99 },
	{ .in = "+CMTI:\"SM\",3", .kind = AT_CMTI, .mem = "SM", .index = 3 },
	{ .in = "+CMTI: \"SM\" , 3", .kind = AT_CMTI, .mem = "SM",
	    .index = 3 },
	{ .in = "+CREG: 0, 1", .kind = AT_CREG, .stat = 1 },
	{ .in = "+CMGL: 1, 0, , 24", .kind = AT_CMGL, .index = 1,
	    .length = 24 },
	{ .in = "+CME ERROR:  10  ", .kind = AT_CME_ERROR, .code = 10 },
	{ .in = "  +CPIN: READY  ", .kind = AT_CPIN, .text = "READY" },
	{ .in = "+CPIN:  SIM PIN ", .kind = AT_CPIN, .text = "SIM PIN" },
	{ .in = "+ CSQ: 20,99", .kind = AT_OTHER },
	{ .in = "+CSQ : 20,99", .kind = AT_OTHER },
	{ .in = "\vOK", .kind = AT_OTHER },
	{ .in = "\nOK", .kind = AT_OTHER },
	{ .in = "OK\xc2\xa0", .kind = AT_OTHER },	/* no-break space */
};

static const struct at_case garbage_cases[] = {
	{ BYTES("OK\0"), .kind = AT_OTHER },
	{ BYTES("\0OK"), .kind = AT_OTHER },
	{ BYTES("\0"), .kind = AT_OTHER },
	{ BYTES("O\0K"), .kind = AT_OTHER },
	{ BYTES("\xff\xfe\0OK"), .kind = AT_OTHER },
	{ .in = "\xff", .kind = AT_OTHER },
	{ .in = "\x1a", .kind = AT_OTHER },
	{ .in = "\x1b[0m", .kind = AT_OTHER },
	{ .in = "\xef\xbb\xbfOK", .kind = AT_OTHER },	/* BOM */
	{ .in = "+CMTI: \"SM\",3\x01", .kind = AT_OTHER },
	{ .in = "+CMTI: \"S\x01\",3", .kind = AT_OTHER },
	{ BYTES("+CMTI: \"SM\",\0003"), .kind = AT_OTHER },
	{ BYTES("+CMT: \"a\0b\",24"), .kind = AT_OTHER },
	{ .in = "+CMT: \"a\x7f\",24", .kind = AT_OTHER },
	{ .in = "+CMT: \"unterminated,24", .kind = AT_OTHER },
	{ .in = "+CMT: \"a\"b,24", .kind = AT_OTHER },
	{ .in = "+CMT: a\"b\",24", .kind = AT_OTHER },
	{ .in = "+CMT: \"\"\"\",24", .kind = AT_OTHER },
	{ .in = "+CPIN: READY\x7f", .kind = AT_OTHER },
	{ .in = "+CPIN: RE\xc3\x89" "DY", .kind = AT_OTHER },
	{ .in = "+CPIN: \x01", .kind = AT_OTHER },
	{ .in = "+CSQ: 20,99\x1a", .kind = AT_OTHER },
	/* Echoes of our own commands. */
	{ .in = "AT", .kind = AT_OTHER },
	{ .in = "AT+CMGF=0", .kind = AT_OTHER },
	{ .in = "AT+CMGS=23", .kind = AT_OTHER },
	{ .in = "AT+CNMI=2,1,0,2,0", .kind = AT_OTHER },
	{ .in = "ATE0", .kind = AT_OTHER },
	/* PDU lines (PROTOCOLS.md §5.2 and 23.040 examples). */
	{ .in = "0011000D91683108108300F00008AA205F2080015E08FF1A660E5929"
	    "4E095E747EA74E8C73ED674E540C5B668BF75047", .kind = AT_OTHER },
	{ .in = "07911326040000F0040B911346610089F60000208062917314080CC8F7"
	    "1D14969741F977FD07", .kind = AT_OTHER },
	/* Banners and vendor URCs. */
	{ .in = "RDY", .kind = AT_OTHER },
	{ .in = "Call Ready", .kind = AT_OTHER },
	{ .in = "SMS Ready", .kind = AT_OTHER },
	{ .in = "+CFUN: 1", .kind = AT_OTHER },
	{ .in = "+QIND: SMS DONE", .kind = AT_OTHER },
	{ .in = "+QIND: PB DONE", .kind = AT_OTHER },
	{ .in = "^RSSI:17", .kind = AT_OTHER },
	{ .in = "^HCSQ:\"LTE\",44,37,161,25", .kind = AT_OTHER },
	{ .in = "^SYSSTART", .kind = AT_OTHER },
	{ .in = "+CPMS: \"SM\",3,30,\"SM\",3,30,\"SM\",3,30",
	    .kind = AT_OTHER },
	{ .in = "+CNMI: (0-2),(0,1,3),(0),(0,1),(0,1)", .kind = AT_OTHER },
	{ .in = "+CUSD: 0,\"Balance 12.50\",15", .kind = AT_OTHER },
	{ .in = "Quectel", .kind = AT_OTHER },
	{ .in = "Revision: EC25EFAR06A06M4G", .kind = AT_OTHER },
	{ .in = "+", .kind = AT_OTHER },
	{ .in = "+:", .kind = AT_OTHER },
	{ .in = ":", .kind = AT_OTHER },
};

START_TEST(test_finals)
{
	at_check(&final_cases[_i]);
}
END_TEST

START_TEST(test_errors)
{
	at_check(&error_cases[_i]);
}
END_TEST

START_TEST(test_prompt)
{
	at_check(&prompt_cases[_i]);
}
END_TEST

START_TEST(test_urcs)
{
	at_check(&urc_cases[_i]);
}
END_TEST

START_TEST(test_info)
{
	at_check(&info_cases[_i]);
}
END_TEST

START_TEST(test_numbers)
{
	at_check(&number_cases[_i]);
}
END_TEST

START_TEST(test_spaces)
{
	at_check(&space_cases[_i]);
}
END_TEST

START_TEST(test_garbage)
{
	at_check(&garbage_cases[_i]);
}
END_TEST

/* Exactly the four final result codes end a command. */
START_TEST(test_is_final)
{
	int k;

	for (k = AT_EMPTY; k <= AT_OTHER; k++) {
		int want = k == AT_OK || k == AT_ERROR || k == AT_CMS_ERROR ||
		    k == AT_CME_ERROR;

		ck_assert_int_eq(at_is_final((enum at_kind)k), want);
		ck_assert_str_ne(at_kind_name((enum at_kind)k), "?");
	}
	ck_assert_int_eq(at_is_final((enum at_kind)(AT_OTHER + 1)), 0);
	ck_assert_str_eq(at_kind_name((enum at_kind)(AT_OTHER + 1)), "?");
	ck_assert_str_eq(at_kind_name(AT_CMTI), "+CMTI");
}
END_TEST

/* Only len bytes are read: what follows in the buffer is not the line. */
START_TEST(test_len_bounds_input)
{
	struct at_line l;

	ck_assert_int_eq(at_classify("OKAY", 2, &l), AT_OK);
	ck_assert_int_eq(at_classify("RING\n+CMTI", 4, &l), AT_RING);
	ck_assert_int_eq(at_classify("+CSQ: 20,99", 8, &l), AT_OTHER);
	ck_assert_int_eq(at_classify("+CMTI: \"SM\",35", 13, &l), AT_CMTI);
	ck_assert_int_eq(l.index, 3);
	ck_assert_int_eq(at_classify("+CPIN: READY", 9, &l), AT_CPIN);
	ck_assert_str_eq(l.text, "RE");
	ck_assert_int_eq(at_classify(NULL, 0, &l), AT_EMPTY);
}
END_TEST

/* Long lines: bounded copies, bounded numbers, no quadratic work. */
START_TEST(test_long_lines)
{
	static char buf[200000];
	struct at_line l;
	size_t n;

	/* A wall of hex, as a PDU line run together would be. */
	memset(buf, 'A', sizeof buf);
	ck_assert_int_eq(at_classify(buf, sizeof buf, &l), AT_OTHER);
	/* OK padded with spaces to the same size. */
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 1000, "OK", 2);
	ck_assert_int_eq(at_classify(buf, sizeof buf, &l), AT_OK);
	/* Leading zeros do not overflow: the value is what counts. */
	n = (size_t)snprintf(buf, sizeof buf, "+CMTI: \"SM\",");
	memset(buf + n, '0', 100000);
	n += 100000;
	buf[n++] = '7';
	ck_assert_int_eq(at_classify(buf, n, &l), AT_CMTI);
	ck_assert_int_eq(l.index, 7);
	memcpy(buf + n - 6, "100000", 6);	/* but 100000 is too big */
	ck_assert_int_eq(at_classify(buf, n, &l), AT_OTHER);
	/* A long CPIN value is refused, never cut. */
	n = (size_t)snprintf(buf, sizeof buf, "+CPIN: %s",
	    "0123456789012345678901234567890");
	ck_assert_int_eq(at_classify(buf, n, &l), AT_CPIN);
	ck_assert_uint_eq(strlen(l.text), sizeof l.text - 1);
	n = (size_t)snprintf(buf, sizeof buf, "+CPIN: %s",
	    "01234567890123456789012345678901");
	ck_assert_int_eq(at_classify(buf, n, &l), AT_OTHER);
	ck_assert_str_eq(l.text, "");
	/* A long text error keeps its kind, its text cut. */
	n = (size_t)snprintf(buf, sizeof buf, "+CME ERROR: ");
	memset(buf + n, 'x', 50000);
	n += 50000;
	ck_assert_int_eq(at_classify(buf, n, &l), AT_CME_ERROR);
	ck_assert_int_eq(l.code, -1);
	ck_assert_uint_eq(strlen(l.text), sizeof l.text - 1);
	/* A long <alpha> is fine: only its quotes matter. */
	n = (size_t)snprintf(buf, sizeof buf, "+CMT: \"");
	memset(buf + n, 'a', 50000);
	n += 50000;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "\",24");
	ck_assert_int_eq(at_classify(buf, n, &l), AT_CMT);
	ck_assert_int_eq(l.length, 24);
	/* Thousands of commas are too many fields, not a crash. */
	n = (size_t)snprintf(buf, sizeof buf, "+CREG: 1");
	memset(buf + n, ',', 10000);
	n += 10000;
	ck_assert_int_eq(at_classify(buf, n, &l), AT_OTHER);
}
END_TEST

/* Every byte value, alone and after "OK": nothing but the trimmed ones
 * changes the answer. */
START_TEST(test_every_byte)
{
	struct at_line l;
	char b[3];
	int c;

	for (c = 0; c < 256; c++) {
		int blank = c == ' ' || c == '\t' || c == '\r';

		b[0] = (char)c;
		ck_assert_int_eq(at_classify(b, 1, &l),
		    blank ? AT_EMPTY : c == '>' ? AT_PROMPT : AT_OTHER);
		b[0] = 'O';
		b[1] = 'K';
		b[2] = (char)c;
		ck_assert_int_eq(at_classify(b, 3, &l),
		    blank ? AT_OK : AT_OTHER);
	}
}
END_TEST

/* A refused line leaves no field set, whatever was there before. */
START_TEST(test_no_half_fill)
{
	static const char *const bad[] = {
		"+CMTI: \"SM\",3,1", "+CMGL: 1,0,,256", "+CSQ: 20,100",
		"+CREG: 9,1", "+CMGS: 7,", "+CME ERROR: 10a",
	};
	struct at_line l, zero;
	size_t i;

	memset(&zero, 0, sizeof zero);
	zero.kind = AT_OTHER;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&l, 0x5a, sizeof l);
		ck_assert_int_eq(at_classify(bad[i], strlen(bad[i]), &l),
		    AT_OTHER);
		ck_assert(memcmp(&l, &zero, sizeof l) == 0);
	}
}
END_TEST

/*
 * Transcripts shaped like the examples in vendor manuals, split on LF the
 * way the line reader will (so CRs may stay). "|" separates expected
 * kinds by name.
 */
struct at_capture {
	const char *what;
	const char *bytes;
	const char *kinds;
};

static const struct at_capture captures[] = {
	{ "SIM800 power-on",
	    "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n"
	    "\r\nSMS Ready\r\n",
	    "empty|other|empty|other|empty|+CPIN|empty|other|empty|other" },
	{ "SIM800 no SIM",
	    "AT+CPIN?\r\r\n+CPIN: NOT INSERTED\r\n\r\nOK\r\n",
	    "other|+CPIN|empty|OK" },
	{ "Quectel EC25 boot",
	    "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n"
	    "+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n",
	    "empty|other|empty|other|empty|+CPIN|empty|other|empty|other" },
	{ "Quectel new message, store and notify",
	    "\r\n+CMTI: \"ME\",0\r\n",
	    "empty|+CMTI" },
	{ "Read one message (PDU mode)",
	    "AT+CMGR=0\r\r\n+CMGR: 0,,24\r\n"
	    "0891683108200105F0040D91683109731147F400081240101155432304"
	    "4F60597D\r\n\r\nOK\r\n",
	    "other|+CMGR|other|empty|OK" },
	{ "List (Telit/Westermo manual example)",
	    "\r\n+CMGL: 1,1,,26\r\n07913366003000F3040B913366920547F4001300119"
	    "0412530400741AA8E5A9C5201\r\n\r\nOK\r\n",
	    "empty|+CMGL|other|empty|OK" },
	{ "Send: prompt, PDU, reference, OK",
	    "AT+CMGS=47\r\r\n> ",
	    "other|prompt" },
	{ "Send result",
	    "\r\n+CMGS: 62\r\n\r\nOK\r\n",
	    "empty|+CMGS|empty|OK" },
	{ "Send refused, weak signal",
	    "\r\n+CMS ERROR: 512\r\n",
	    "empty|+CMS ERROR" },
	{ "Direct delivery (+CMT) with empty alpha",
	    "\r\n+CMT: ,24\r\n0891683108200105F0040D91683109731147F40008124"
	    "01011554323044F60597D\r\n",
	    "empty|+CMT|other" },
	{ "Status report routed (+CDS)",
	    "\r\n+CDS: 25\r\n0891683108200105F006A30D91683109731147F4214030"
	    "21950423214030219574230000\r\n",
	    "empty|+CDS|other" },
	{ "Status report stored (+CDSI)",
	    "\r\n+CDSI: \"SR\",2\r\n",
	    "empty|+CDSI" },
	{ "Huawei E3372 signal and registration",
	    "\r\n^RSSI: 17\r\n\r\n+CSQ: 17,99\r\n\r\nOK\r\n"
	    "\r\n+CREG: 2,1,\"2540\",\"0A7C5B02\",7\r\n\r\nOK\r\n",
	    "empty|other|empty|+CSQ|empty|OK|empty|+CREG|empty|OK" },
	{ "URC in the middle of a send",
	    "AT+CMGS=23\r\r\n\r\n+CMTI: \"SM\",4\r\n> ",
	    "other|empty|+CMTI|prompt" },
	{ "Incoming call while idle",
	    "\r\nRING\r\n\r\n+CLIP: \"13800138000\",129,\"\",0,\"\",0\r\n",
	    "empty|RING|empty|other" },
	{ "PIN needed, verbose errors",
	    "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\nAT+CMGS=23\r\r\n"
	    "+CME ERROR: SIM PIN required\r\n",
	    "empty|+CPIN|empty|OK|other|+CME ERROR" },
};

START_TEST(test_captures)
{
	const struct at_capture *c = &captures[_i];
	const char *p = c->bytes, *end = p + strlen(p), *nl, *k = c->kinds;
	struct at_line l;
	size_t klen;
	enum at_kind got;
	int line = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		got = at_classify(p, (size_t)((nl ? nl : end) - p), &l);
		ck_assert_msg(*k != '\0', "%s: more lines than kinds", c->what);
		klen = strcspn(k, "|");
		ck_assert_msg(strlen(at_kind_name(got)) == klen &&
		    memcmp(at_kind_name(got), k, klen) == 0,
		    "%s: line %d is %s, want %.*s", c->what, line,
		    at_kind_name(got), (int)klen, k);
		k += klen + (k[klen] == '|');
		line++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	ck_assert_msg(*k == '\0', "%s: fewer lines than kinds", c->what);
}
END_TEST

static void
at_add_loop(Suite *s, const char *name, const TTest *t, int n)
{
	TCase *tc = tcase_create(name);

	tcase_add_loop_test(tc, t, 0, n);
	suite_add_tcase(s, tc);
}

static Suite *
at_suite(void)
{
	Suite *s = suite_create("at");
	TCase *tc;

	at_add_loop(s, "finals", test_finals, NROWS(final_cases));
	at_add_loop(s, "errors", test_errors, NROWS(error_cases));
	at_add_loop(s, "prompt", test_prompt, NROWS(prompt_cases));
	at_add_loop(s, "urcs", test_urcs, NROWS(urc_cases));
	at_add_loop(s, "info", test_info, NROWS(info_cases));
	at_add_loop(s, "numbers", test_numbers, NROWS(number_cases));
	at_add_loop(s, "whitespace", test_spaces, NROWS(space_cases));
	at_add_loop(s, "garbage", test_garbage, NROWS(garbage_cases));
	at_add_loop(s, "captures", test_captures, NROWS(captures));
	tc = tcase_create("is_final");
	tcase_add_test(tc, test_is_final);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_len_bounds_input);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_no_half_fill);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(at_suite());
}
