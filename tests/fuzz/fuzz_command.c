/*
 * libFuzzer harness for the SMS command parser (issue 3): any bytes in,
 * no crash, leak or undefined behaviour out, and the result keeps its
 * invariants. Also drives normalize_text(), smslen_measure(), the menu
 * reply scanner and the task-code reader on the same input. The parser is compiled once, lazily, and kept for the process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parsers/command.h"
#include "parsers/normalize.h"
#include "parsers/reply.h"
#include "parsers/smslen.h"
#include "parsers/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

static struct command_parser *fuzz_parser;

/* NUL-terminated within its array, and valid UTF-8 up to the NUL. */
static void
fuzz_check_str(const char *s, size_t sz)
{
	const char *nul = memchr(s, '\0', sz);

	FUZZ_CHECK(nul != NULL);
	FUZZ_CHECK(utf8_count(s, (size_t)(nul - s)) >= 0);
}

static void
fuzz_check_part(const struct cmd *c)
{
	const char *p;

	FUZZ_CHECK((unsigned)c->kind < CMD_KIND_COUNT);
	FUZZ_CHECK((unsigned)c->err < PERR_COUNT);
	FUZZ_CHECK((unsigned)c->suggest < CMD_KIND_COUNT);
	FUZZ_CHECK(c->off < NORMALIZE_MAX_IN);
	FUZZ_CHECK(c->err_off <= NORMALIZE_MAX_IN);
	FUZZ_CHECK(c->err == PERR_NONE || c->err_off >= c->off);
	/* Message-level codes never describe a part. */
	FUZZ_CHECK(c->err != PERR_EMPTY && c->err != PERR_TOO_LONG &&
	    c->err != PERR_BAD_UTF8 && c->err != PERR_TOO_MANY);
	FUZZ_CHECK((c->kind == CMD_NONE) == (c->err == PERR_UNKNOWN_COMMAND));
	FUZZ_CHECK(c->suggest == CMD_NONE || c->kind == CMD_NONE);
	fuzz_check_str(c->student, sizeof c->student);
	fuzz_check_str(c->place, sizeof c->place);
	fuzz_check_str(c->note, sizeof c->note);
	for (p = c->student; *p; p++)
		FUZZ_CHECK((*p >= '0' && *p <= '9') || *p == 'G' || *p == 'X');
	for (p = c->place; *p; p++)
		FUZZ_CHECK(!(*p >= 'a' && *p <= 'z'));
	FUZZ_CHECK(c->case_no <= CMD_CASE_MAX);
	FUZZ_CHECK(c->case_no == 0 || c->student[0] == '\0');
	FUZZ_CHECK(c->days >= 0 && c->days <= CMD_DAYS_MAX);
	if (c->err != PERR_NONE)
		return;
	switch (c->kind) {
	case CMD_ABS:
	case CMD_LEAVE:
		FUZZ_CHECK(c->days >= 1);
		/* FALLTHROUGH */
	case CMD_RET:
	case CMD_DROP:
		FUZZ_CHECK(strlen(c->student) >= 4);
		break;
	case CMD_VIS:
		FUZZ_CHECK(c->outcome != NULL && c->outcome[0] != '\0');
		/* FALLTHROUGH */
	case CMD_ACK:
	case CMD_CASE:
	case CMD_NOTICE:
		FUZZ_CHECK((c->case_no != 0) != (c->student[0] != '\0'));
		break;
	default:
		break;
	}
	FUZZ_CHECK(c->reason == NULL || c->reason[0] != '\0');
	FUZZ_CHECK(c->kind == CMD_VIS || c->outcome == NULL);
}

static void
fuzz_parse(const char *in, size_t size)
{
	static struct cmd_list l, again;
	struct perr e;
	enum perr_code rc;
	size_t i, nerr = 0;

	rc = command_parse(fuzz_parser, in, size, &l, &e);
	FUZZ_CHECK((unsigned)rc < PERR_COUNT);
	FUZZ_CHECK(e.code == rc);
	if (rc != PERR_NONE) {
		FUZZ_CHECK(rc == PERR_EMPTY || rc == PERR_TOO_LONG ||
		    rc == PERR_BAD_UTF8 || rc == PERR_NOMEM);
		FUZZ_CHECK(l.n == 0 && l.nerr == 0 && l.dropped == 0);
		return;
	}
	FUZZ_CHECK(l.n >= 1 && l.n <= CMD_MAX);
	FUZZ_CHECK(l.dropped == 0 || l.n == CMD_MAX);
	FUZZ_CHECK(l.dropped <= NORMALIZE_MAX_IN);
	for (i = 0; i < l.n; i++) {
		fuzz_check_part(&l.v[i]);
		nerr += l.v[i].err != PERR_NONE;
		if (i > 0)
			FUZZ_CHECK(l.v[i].off > l.v[i - 1].off);
	}
	FUZZ_CHECK(l.nerr == nerr);
	/* Pure: the same text gives the same parts. */
	FUZZ_CHECK(command_parse(fuzz_parser, in, size, &again, &e) == rc);
	FUZZ_CHECK(again.n == l.n && again.nerr == l.nerr &&
	    again.dropped == l.dropped);
	FUZZ_CHECK(memcmp(again.v, l.v, l.n * sizeof l.v[0]) == 0);
}

static void
fuzz_normalize(const char *in, size_t size)
{
	static char out[NORMALIZE_MAX_IN + 1];
	size_t olen = (size_t)-1, i;
	enum perr_code rc;

	rc = normalize_text(in, size, out, sizeof out, &olen);
	if (rc != PERR_NONE) {
		FUZZ_CHECK(rc == PERR_EMPTY || rc == PERR_TOO_LONG ||
		    rc == PERR_BAD_UTF8 || rc == PERR_NOMEM);
		FUZZ_CHECK(olen == 0);
		FUZZ_CHECK(rc != PERR_EMPTY || out[0] == '\0');
		return;
	}
	FUZZ_CHECK(size <= NORMALIZE_MAX_IN);
	FUZZ_CHECK(olen > 0 && olen < sizeof out);
	FUZZ_CHECK(out[olen] == '\0' && strlen(out) == olen);
	FUZZ_CHECK(utf8_valid_text(out, olen));
	/* Trimmed lines, single spaces, at most one empty line in a row. */
	FUZZ_CHECK(out[0] != ' ' && out[0] != '\n');
	FUZZ_CHECK(out[olen - 1] != ' ' && out[olen - 1] != '\n');
	for (i = 0; i < olen; i++) {
		FUZZ_CHECK(out[i] != '\t' && out[i] != '\r');
		if (i + 1 < olen) {
			FUZZ_CHECK(!(out[i] == ' ' && out[i + 1] == ' '));
			FUZZ_CHECK(!(out[i] == ' ' && out[i + 1] == '\n'));
			FUZZ_CHECK(!(out[i] == '\n' && out[i + 1] == ' '));
		}
		if (i + 2 < olen)
			FUZZ_CHECK(!(out[i] == '\n' && out[i + 1] == '\n' &&
			    out[i + 2] == '\n'));
	}
}

static void
fuzz_smslen(const char *in, size_t size)
{
	struct smslen r;

	if (smslen_measure(in, size, &r) != 0) {
		FUZZ_CHECK(utf8_count(in, size) < 0 ||
		    size > SMSLEN_MAX_SEGMENTS * SMSLEN_UCS2_PART);
		return;
	}
	FUZZ_CHECK(r.chars <= size);
	FUZZ_CHECK(r.units >= r.chars && r.units <= 2 * r.chars);
	FUZZ_CHECK(r.segments <= SMSLEN_MAX_SEGMENTS);
	FUZZ_CHECK((r.segments == 0) == (size == 0));
	if (r.enc == SMSLEN_GSM7)
		FUZZ_CHECK(r.units <= SMSLEN_GSM7_SINGLE ? r.segments <= 1 :
		    r.segments >= 2);
	else
		FUZZ_CHECK(r.units <= SMSLEN_UCS2_SINGLE ? r.segments <= 1 :
		    r.segments >= 2);
}

/* Menu replies (on the normalized text, as the casework reads them) and
 * task codes: bounded fields, and a code that reads back is one we make. */
static void
fuzz_reply(const char *in, size_t size)
{
	/* The menus' labels as gateway/casework/menu.c renders them. */
	static const char *const labels[] = {
		"同意返校", "拒绝返校", "外出", "生病", "联系不上", "转学",
		"收到", "已送达", NULL
	};
	static char norm[NORMALIZE_MAX_IN + 1];
	struct menu_reply r;
	char code[TASKCODE_LEN + 1];
	uint32_t v;
	size_t nlen, i;

	if (size >= TASKCODE_LEN && taskcode_read(in, TASKCODE_LEN, &v) ==
	    TASKCODE_OK) {
		FUZZ_CHECK(v < TASKCODE_SPACE);
		taskcode_make((int64_t)v, code);
		FUZZ_CHECK(strncasecmp(code, in, TASKCODE_LEN) == 0);
	}
	if (normalize_text(in, size, norm, sizeof norm, &nlen) != PERR_NONE ||
	    !reply_parse(norm, nlen, labels, &r))
		return;
	FUZZ_CHECK(r.choice >= 0 && r.choice <= 99);
	fuzz_check_str(r.note, sizeof r.note);
	fuzz_check_str(r.label, sizeof r.label);
	/* A label read is one of the menus'. */
	for (i = 0; r.label[0] && labels[i]; i++)
		if (reply_label_is(r.label, labels[i]))
			break;
	FUZZ_CHECK(r.label[0] == '\0' || labels[i] != NULL);
	FUZZ_CHECK(strlen(r.code) == 0 || strlen(r.code) == TASKCODE_LEN);
	/* A task by its case number (任务#12 3) or by its code, not both. */
	FUZZ_CHECK(r.case_no == 0 || r.code[0] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;

	if (fuzz_parser == NULL &&
	    (fuzz_parser = command_parser_new()) == NULL)
		abort();
	fuzz_parse(in, size);
	fuzz_normalize(in, size);
	fuzz_smslen(in, size);
	fuzz_reply(in, size);
	return 0;
}
