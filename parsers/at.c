/*
 * AT line classifier; see at.h. Syntax from 3GPP TS 27.007 §9.2 (+CME
 * ERROR), §7.2 (+CREG), §8.1 (+CPIN), §8.5 (+CSQ) and TS 27.005 §3.2.5
 * (+CMS ERROR), §3.4.1 (+CMTI, +CMT, +CDSI, +CDS), §4.1-4.3 (+CMGL, +CMGR,
 * +CMGS), PDU mode only: text-mode forms (quoted <stat>, timestamps) are
 * AT_OTHER.
 *
 * Rules: the line is trimmed of spaces, tabs and stray CRs; the prefix
 * must match exactly (case included) up to its colon; spaces around
 * fields are tolerated. Fields are split on commas; a quoted string runs
 * to the next quote (27.007 strings escape quotes as \22) and may hold
 * bytes >= 0x80 (an <alpha> in UTF-8), nothing else may hold a control
 * byte or a byte >= 0x80. Numbers are decimal digits only, bounded per
 * field. Anything that does not fit is AT_OTHER with every field zero:
 * never a half-filled struct.
 */
#include "parsers/at.h"

#include <string.h>

#define AT_FIELDS_MAX 8		/* +CREG with n=5 has 7 */
#define AT_CODE_MAX 65535	/* +CMS/+CME error codes */
#define AT_INDEX_MAX 65535	/* storage index */
#define AT_LENGTH_MAX 255	/* TPDU octets (at most 164 in practice) */
#define AT_MR_MAX 255		/* TP-MR is one octet */
#define AT_STAT_MAX 4		/* +CMGL/+CMGR PDU-mode <stat> */
#define AT_RSSI_MAX 199		/* 0-31, 99; 100-199 on TD-SCDMA (Quectel) */
#define AT_BER_MAX 99		/* 0-7, 99 */
#define AT_CREG_N_MAX 5
#define AT_CREG_STAT_MAX 99	/* 0-11 in 27.007; vendors add e.g. 90 */

struct at_field {
	const char *p;		/* contents, without the quotes */
	size_t n;
	int quoted;
};

static int
at_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Printable ASCII, the only bytes allowed outside quoted strings. */
static int
at_is_print(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static int
at_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Digits only, value <= max; 0 or -1. */
static int
at_num(const char *p, size_t n, int max, int *out)
{
	int v = 0, d;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!at_is_digit((unsigned char)p[i]))
			return -1;
		d = p[i] - '0';
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
at_field_num(const struct at_field *f, int max, int *out)
{
	return f->quoted ? -1 : at_num(f->p, f->n, max, out);
}

/* An optional <alpha>: empty, or a quoted string. */
static int
at_field_alpha(const struct at_field *f)
{
	return f->quoted || f->n == 0;
}

/*
 * Splits p[0..n) on commas outside quotes into at most max fields, each
 * trimmed. Returns the count (>= 1), or -1 for a bad byte, an unclosed
 * quote, text after a closing quote, or too many fields.
 */
static int
at_fields(const char *p, size_t n, struct at_field *f, int max)
{
	size_t i = 0, start, end;
	int nf = 0;
	unsigned char c;

	for (;;) {
		if (nf == max)
			return -1;
		while (i < n && at_is_space((unsigned char)p[i]))
			i++;
		if (i < n && p[i] == '"') {
			start = ++i;
			while (i < n && p[i] != '"') {
				c = (unsigned char)p[i++];
				if (c < 0x20 || c == 0x7f)
					return -1;
			}
			if (i == n)
				return -1;
			f[nf].p = p + start;
			f[nf].n = i - start;
			f[nf].quoted = 1;
			i++;
			while (i < n && at_is_space((unsigned char)p[i]))
				i++;
		} else {
			start = i;
			while (i < n && p[i] != ',') {
				c = (unsigned char)p[i++];
				if (c == '"' || (!at_is_print(c) && c != '\t'))
					return -1;
			}
			end = i;
			while (end > start &&
			    at_is_space((unsigned char)p[end - 1]))
				end--;
			f[nf].p = p + start;
			f[nf].n = end - start;
			f[nf].quoted = 0;
		}
		nf++;
		if (i == n)
			return nf;
		if (p[i] != ',')
			return -1;
		i++;
	}
}

/* <mem>: "SM", "ME", "MT", "SR", ...: 1-3 capitals or digits, quoted. */
static int
at_mem(const struct at_field *f, char *mem, size_t memsz)
{
	size_t i;

	if (!f->quoted || f->n == 0 || f->n >= memsz)
		return -1;
	for (i = 0; i < f->n; i++)
		if (!((f->p[i] >= 'A' && f->p[i] <= 'Z') ||
		    at_is_digit((unsigned char)f->p[i])))
			return -1;
	memcpy(mem, f->p, f->n);
	mem[f->n] = '\0';
	return 0;
}

/* +CMS ERROR / +CME ERROR: a number, or (with AT+CMEE=2) words. */
static int
at_parse_error(const char *p, size_t n, struct at_line *out)
{
	size_t i, k;

	if (n == 0)
		return -1;
	if (at_is_digit((unsigned char)p[0]))
		return at_num(p, n, AT_CODE_MAX, &out->code);
	if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')))
		return -1;
	for (i = 0; i < n; i++)
		if (!at_is_print((unsigned char)p[i]))
			return -1;
	out->code = -1;
	/* Informative only, so a long message is cut rather than refused. */
	k = n < sizeof out->text - 1 ? n : sizeof out->text - 1;
	memcpy(out->text, p, k);
	out->text[k] = '\0';
	return 0;
}

static int
at_parse_cpin(const char *p, size_t n, struct at_line *out)
{
	size_t i;

	if (n == 0 || n >= sizeof out->text)
		return -1;
	for (i = 0; i < n; i++)
		if (!at_is_print((unsigned char)p[i]))
			return -1;
	memcpy(out->text, p, n);
	out->text[n] = '\0';
	return 0;
}

/* +CMTI: <mem>,<index> and +CDSI: <mem>,<index> */
static int
at_parse_mem_index(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 2)
		return -1;
	if (at_mem(&f[0], out->mem, sizeof out->mem) != 0)
		return -1;
	return at_field_num(&f[1], AT_INDEX_MAX, &out->index);
}

/* +CMT: [<alpha>],<length> */
static int
at_parse_cmt(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 2 || !at_field_alpha(&f[0]))
		return -1;
	return at_field_num(&f[1], AT_LENGTH_MAX, &out->length);
}

/* +CDS: <length> */
static int
at_parse_cds(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 1)
		return -1;
	return at_field_num(&f[0], AT_LENGTH_MAX, &out->length);
}

/* +CMGL: <index>,<stat>,[<alpha>],<length> */
static int
at_parse_cmgl(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 4 || !at_field_alpha(&f[2]))
		return -1;
	if (at_field_num(&f[0], AT_INDEX_MAX, &out->index) != 0 ||
	    at_field_num(&f[1], AT_STAT_MAX, &out->stat) != 0)
		return -1;
	return at_field_num(&f[3], AT_LENGTH_MAX, &out->length);
}

/* +CMGR: <stat>,[<alpha>],<length> */
static int
at_parse_cmgr(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 3 || !at_field_alpha(&f[1]))
		return -1;
	if (at_field_num(&f[0], AT_STAT_MAX, &out->stat) != 0)
		return -1;
	return at_field_num(&f[2], AT_LENGTH_MAX, &out->length);
}

/* +CMGS: <mr>[,<ackpdu>] (the ack PDU only with AT+CSMS=1) */
static int
at_parse_cmgs(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];
	int nf = at_fields(p, n, f, AT_FIELDS_MAX);

	if (nf < 1 || nf > 2)
		return -1;
	if (nf == 2 && !f[1].quoted && f[1].n == 0)
		return -1;
	return at_field_num(&f[0], AT_MR_MAX, &out->code);
}

/* +CSQ: <rssi>,<ber> */
static int
at_parse_csq(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];

	if (at_fields(p, n, f, AT_FIELDS_MAX) != 2)
		return -1;
	if (at_field_num(&f[0], AT_RSSI_MAX, &out->code) != 0)
		return -1;
	return at_field_num(&f[1], AT_BER_MAX, &out->index);
}

/*
 * +CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>...]] answers AT+CREG?; the URC is
 * +CREG: <stat>[,<lac>,<ci>[,<AcT>...]]. <lac> is a string (quoted, or
 * empty when omitted), so a bare number second means the first form.
 */
static int
at_parse_creg(const char *p, size_t n, struct at_line *out)
{
	struct at_field f[AT_FIELDS_MAX];
	int nf = at_fields(p, n, f, AT_FIELDS_MAX), first;

	if (nf < 1 || at_field_num(&f[0], AT_CREG_STAT_MAX, &first) != 0)
		return -1;
	if (nf >= 2 && !f[1].quoted && f[1].n > 0) {
		if (first > AT_CREG_N_MAX)
			return -1;
		return at_field_num(&f[1], AT_CREG_STAT_MAX, &out->stat);
	}
	out->stat = first;
	return 0;
}

typedef int at_parse_fn(const char *, size_t, struct at_line *);

/* Prefixes up to and including the colon; the rest goes to parse. */
static const struct at_prefix {
	const char *name;
	enum at_kind kind;
	at_parse_fn *parse;
} at_prefixes[] = {
	{ "+CMS ERROR:", AT_CMS_ERROR, at_parse_error },
	{ "+CME ERROR:", AT_CME_ERROR, at_parse_error },
	{ "+CMTI:", AT_CMTI, at_parse_mem_index },
	{ "+CMT:", AT_CMT, at_parse_cmt },
	{ "+CDSI:", AT_CDSI, at_parse_mem_index },
	{ "+CDS:", AT_CDS, at_parse_cds },
	{ "+CMGL:", AT_CMGL, at_parse_cmgl },
	{ "+CMGR:", AT_CMGR, at_parse_cmgr },
	{ "+CMGS:", AT_CMGS, at_parse_cmgs },
	{ "+CSQ:", AT_CSQ, at_parse_csq },
	{ "+CREG:", AT_CREG, at_parse_creg },
	{ "+CPIN:", AT_CPIN, at_parse_cpin },
};

/* Whole words: the line is exactly this after trimming. */
static const struct at_word {
	const char *word;
	enum at_kind kind;
} at_words[] = {
	{ "OK", AT_OK },
	{ "ERROR", AT_ERROR },
	{ ">", AT_PROMPT },
	{ "RING", AT_RING },
};

enum at_kind
at_classify(const char *line, size_t len, struct at_line *out)
{
	const char *p = line;
	size_t n = len, k, i;

	memset(out, 0, sizeof *out);
	out->kind = AT_OTHER;
	if (n == 0)
		return out->kind = AT_EMPTY;
	while (n > 0 && at_is_space((unsigned char)p[0])) {
		p++;
		n--;
	}
	while (n > 0 && at_is_space((unsigned char)p[n - 1]))
		n--;
	if (n == 0)
		return out->kind = AT_EMPTY;
	for (i = 0; i < sizeof at_words / sizeof at_words[0]; i++) {
		k = strlen(at_words[i].word);
		if (n == k && memcmp(p, at_words[i].word, k) == 0)
			return out->kind = at_words[i].kind;
	}
	for (i = 0; i < sizeof at_prefixes / sizeof at_prefixes[0]; i++) {
		const struct at_prefix *a = &at_prefixes[i];

		k = strlen(a->name);
		if (n < k || memcmp(p, a->name, k) != 0)
			continue;
		p += k;
		n -= k;
		while (n > 0 && at_is_space((unsigned char)p[0])) {
			p++;
			n--;
		}
		if (a->parse(p, n, out) != 0) {
			memset(out, 0, sizeof *out);
			return out->kind = AT_OTHER;
		}
		return out->kind = a->kind;
	}
	return out->kind;
}

int
at_is_final(enum at_kind kind)
{
	return kind == AT_OK || kind == AT_ERROR || kind == AT_CMS_ERROR ||
	    kind == AT_CME_ERROR;
}

const char *
at_kind_name(enum at_kind kind)
{
	static const char *const names[] = {
		[AT_EMPTY] = "empty", [AT_OK] = "OK", [AT_ERROR] = "ERROR",
		[AT_CMS_ERROR] = "+CMS ERROR", [AT_CME_ERROR] = "+CME ERROR",
		[AT_PROMPT] = "prompt", [AT_CMTI] = "+CMTI", [AT_CMT] = "+CMT",
		[AT_CDS] = "+CDS", [AT_CDSI] = "+CDSI", [AT_CMGL] = "+CMGL",
		[AT_CMGR] = "+CMGR", [AT_CMGS] = "+CMGS", [AT_CSQ] = "+CSQ",
		[AT_CREG] = "+CREG", [AT_CPIN] = "+CPIN", [AT_RING] = "RING",
		[AT_OTHER] = "other",
	};

	if ((unsigned)kind >= sizeof names / sizeof names[0])
		return "?";
	return names[kind];
}
