/*
 * SMS command parser over PCRE2 (UTF mode, caseless, anchored patterns
 * compiled once). Each command is read token by token so that an error
 * names exactly which argument was wrong and where.
 */
#include "parsers/command.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/normalize.h"
#include "parsers/utf8.h"
#include "parsers/vocab.h"

#define COMMAND_NORM_MAX 4096

enum command_pat { PAT_KEYWORD, PAT_STUDENT, PAT_DAYS, PAT_COUNT };

/*
 * Keyword alternatives, longest first so that 缺勤 wins over 缺. A Latin
 * keyword must not run on into more letters ("ABSENT" is not ABS).
 */
static const char *const command_patterns[PAT_COUNT] = {
	[PAT_KEYWORD] = "(?:(ABS)(?![A-Z])|(缺勤|缺))",
	[PAT_STUDENT] = " ?(G[0-9]{17}[0-9X]|[0-9]{4,20})(?![0-9A-Z])",
	[PAT_DAYS] = " ?([0-9]+|[零一二两三四五六七八九十]+) ?(?:天|日)?",
};

struct command_parser {
	pcre2_code *re[PAT_COUNT];
};

struct command_parser *
command_parser_new(void)
{
	struct command_parser *p;
	int i, ec;
	PCRE2_SIZE eo;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	for (i = 0; i < PAT_COUNT; i++) {
		p->re[i] = pcre2_compile((PCRE2_SPTR)command_patterns[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_CASELESS |
		    PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, &ec, &eo, NULL);
		if (p->re[i] == NULL) {
			command_parser_free(p);
			return NULL;
		}
		/* JIT is a speed-up only; the interpreter is used without it. */
		(void)pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE);
	}
	return p;
}

void
command_parser_free(struct command_parser *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < PAT_COUNT; i++)
		pcre2_code_free(p->re[i]);
	free(p);
}

static const char *const command_cn_digits[] = {
	"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"
};

/* One Chinese digit at s (3 bytes); returns 0..9, 2 for 两, -1 otherwise. */
static int
command_cn_digit(const char *s, size_t len)
{
	int d;

	if (len < 3)
		return -1;
	if (memcmp(s, "两", 3) == 0)
		return 2;
	for (d = 0; d < 10; d++)
		if (memcmp(s, command_cn_digits[d], 3) == 0)
			return d;
	return -1;
}

int
command_days_value(const char *s, size_t len)
{
	long v = 0;
	size_t i;
	int tens = -1, unit = -1, d;

	if (len == 0)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		for (i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			if (v < 1000)
				v = v * 10 + (s[i] - '0');
		}
		return v >= 1 && v <= CMD_DAYS_MAX ? (int)v : -2;
	}
	/* 三, 十, 十二, 二十, 二十三: at most three characters of 3 bytes. */
	if (len % 3 != 0 || len > 9)
		return -1;
	for (i = 0; i < len; i += 3) {
		if (memcmp(s + i, "十", 3) == 0) {
			if (tens >= 0)
				return -1;
			tens = unit >= 0 ? unit : 1;
			unit = -1;
		} else if ((d = command_cn_digit(s + i, len - i)) >= 0) {
			if (unit >= 0)
				return -1;
			unit = d;
		} else {
			return -1;
		}
	}
	v = (tens >= 0 ? tens * 10 : 0) + (unit >= 0 ? unit : 0);
	return v >= 1 && v <= CMD_DAYS_MAX ? (int)v : -2;
}

/* Anchored match of pattern at off; returns 1 with ovector, 0, or -1. */
static int
command_match(const struct command_parser *p, enum command_pat pat,
    const char *s, size_t len, size_t off, pcre2_match_data *md)
{
	int rc = pcre2_match(p->re[pat], (PCRE2_SPTR)s, len, off,
	    PCRE2_NO_UTF_CHECK, md, NULL);

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc > 0 ? 1 : -1;
}

static void
command_copy(char *dst, size_t dstsz, const char *src, size_t len)
{
	if (len >= dstsz)
		len = dstsz - 1;
	/* Never cut a UTF-8 sequence in half. */
	while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
		len--;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Reason code and note from the rest of an ABS: "病 发烧" → illness, 发烧. */
static void
command_reason(struct cmd *c, const char *s, size_t len)
{
	int32_t cp;
	int n;
	char first[8];

	c->reason = NULL;
	c->note[0] = '\0';
	while (len > 0 && *s == ' ')
		s++, len--;
	if (len == 0)
		return;
	if ((n = utf8_next(s, len, &cp)) > 0 && (size_t)n < sizeof first) {
		memcpy(first, s, (size_t)n);
		first[n] = '\0';
		if ((c->reason = vocab_reason(first)) != NULL) {
			s += n;
			len -= (size_t)n;
			while (len > 0 && (*s == ' ' || *s == ',' || *s == ':'))
				s++, len--;
		}
	}
	command_copy(c->note, sizeof c->note, s, len);
}

static enum perr_code
command_parse_abs(const struct command_parser *p, const char *s, size_t len,
    size_t pos, struct cmd *c, pcre2_match_data *md, size_t *erroff)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	int rc, days;

	*erroff = pos;
	while (pos < len && s[pos] == ' ')
		pos++;
	if (pos == len)
		return PERR_MISSING_STUDENT;
	if ((rc = command_match(p, PAT_STUDENT, s, len, pos, md)) <= 0) {
		*erroff = pos;
		return rc < 0 ? PERR_NOMEM : PERR_BAD_STUDENT;
	}
	command_copy(c->student, sizeof c->student, s + ov[2], ov[3] - ov[2]);
	for (char *q = c->student; *q; q++)
		if (*q == 'g' || *q == 'x')
			*q = (char)(*q - 'a' + 'A');
	pos = ov[1];
	*erroff = pos;
	while (pos < len && s[pos] == ' ')
		pos++;
	if (pos == len)
		return PERR_MISSING_DAYS;
	*erroff = pos;
	if ((rc = command_match(p, PAT_DAYS, s, len, pos, md)) <= 0)
		return rc < 0 ? PERR_NOMEM : PERR_BAD_DAYS;
	days = command_days_value(s + ov[2], ov[3] - ov[2]);
	if (days < 0)
		return days == -2 ? PERR_DAYS_RANGE : PERR_BAD_DAYS;
	c->days = days;
	command_reason(c, s + ov[1], len - ov[1]);
	return PERR_NONE;
}

/* Parses one command in s[0..len) (a line or a ';' piece). */
static enum perr_code
command_parse_one(const struct command_parser *p, const char *s, size_t len,
    struct cmd *c, pcre2_match_data *md, size_t *erroff, int *has_kind)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	int rc;

	memset(c, 0, sizeof *c);
	*erroff = 0;
	*has_kind = 0;
	if ((rc = command_match(p, PAT_KEYWORD, s, len, 0, md)) <= 0)
		return rc < 0 ? PERR_NOMEM : PERR_UNKNOWN_COMMAND;
	c->kind = CMD_ABS;
	*has_kind = 1;
	return command_parse_abs(p, s, len, ov[1], c, md, erroff);
}

enum perr_code
command_parse(const struct command_parser *p, const char *text, size_t len,
    struct cmd_list *out, struct perr *err)
{
	char norm[COMMAND_NORM_MAX];
	size_t nlen, start = 0, i, erroff;
	pcre2_match_data *md;
	enum perr_code rc;
	int has_kind;

	memset(out, 0, sizeof *out);
	err->code = PERR_NONE;
	err->off = 0;
	rc = normalize_text(text, len, norm, sizeof norm, &nlen);
	if (rc != PERR_NONE) {
		err->code = rc;
		return rc;
	}
	if ((md = pcre2_match_data_create(8, NULL)) == NULL) {
		err->code = PERR_NOMEM;
		return PERR_NOMEM;
	}
	for (i = 0; i <= nlen; i++) {
		size_t a, b;

		if (i < nlen && norm[i] != '\n' && norm[i] != ';')
			continue;
		a = start;
		b = i;
		start = i + 1;
		while (a < b && norm[a] == ' ')
			a++;
		while (b > a && norm[b - 1] == ' ')
			b--;
		if (a == b)
			continue;
		if (out->n == CMD_MAX) {
			rc = PERR_TOO_MANY;
			erroff = 0;
			err->off = a;
			break;
		}
		rc = command_parse_one(p, norm + a, b - a, &out->v[out->n],
		    md, &erroff, &has_kind);
		if (rc != PERR_NONE) {
			out->failed_has_kind = has_kind;
			out->failed_kind = out->v[out->n].kind;
			err->off = a + erroff;
			break;
		}
		out->v[out->n].off = a;
		out->n++;
	}
	pcre2_match_data_free(md);
	if (rc == PERR_NONE && out->n == 0)
		rc = PERR_EMPTY;
	err->code = rc;
	return rc;
}

const char *
cmd_kind_name(enum cmd_kind k)
{
	switch (k) {
	case CMD_ABS:
		return "ABS";
	}
	return "?";
}

const char *
perr_name(enum perr_code c)
{
	static const char *const names[] = {
		"none", "empty", "too long", "bad UTF-8", "too many commands",
		"unknown command", "missing student number",
		"bad student number", "missing days", "bad days",
		"days out of range", "out of memory"
	};

	return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "?";
}
