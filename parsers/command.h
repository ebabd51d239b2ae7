/*
 * The SMS command language (command.def): raw SMS text in, a list of
 * parts out, each either a command or the precise error that stopped it.
 * The text is normalized first (normalize.h). A message may hold several
 * parts separated by new lines, ';' or '，' (a comma only where the next
 * part starts with a keyword); one bad part does not discard the others.
 * A part's note that begins with a command and its 学号 or 案号 (病 ABS
 * 1002 2) is a part of its own. Several 学号 after a command that takes
 * nothing else (RET 1001 1002) are a part each, the note after them each
 * one's; where more arguments follow, a second 学号 is an error
 * (PERR_SEVERAL_STUDENTS), never dropped.
 * Trailing text after a blank line or a "--" line (a phone's signature) is
 * ignored unless it starts with a keyword.
 *
 * Pure: patterns are compiled once in struct command_parser, which is
 * read-only after command_parser_new() and may be shared; command_parse()
 * allocates nothing but PCRE2 match data.
 */
#ifndef BX_COMMAND_H
#define BX_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/perr.h"

#define CMD_MAX 10		/* parts handled in one message */
#define CMD_STUDENT_MAX 24	/* "G" + 18, or up to 20 digits, NUL */
#define CMD_PLACE_MAX 32
#define CMD_NOTE_MAX 192
#define CMD_DAYS_MAX 60
#define CMD_CASE_MAX 999999999u

enum cmd_kind {
	CMD_NONE = 0,		/* keyword not recognized */
#define CMD(id, kw, alias, a1, a2, a3) CMD_##id,
#include "parsers/command.def"
#undef CMD
	CMD_KIND_COUNT
};

struct cmd {
	enum cmd_kind kind;		/* CMD_NONE with PERR_UNKNOWN_COMMAND */
	enum perr_code err;		/* PERR_NONE if understood */
	size_t off;			/* part start in the normalized text */
	size_t err_off;			/* with err: where it stopped */
	enum cmd_kind suggest;		/* unknown keyword: did you mean */
	char student[CMD_STUDENT_MAX];	/* upper-cased; "" if a case no */
	uint32_t case_no;		/* 案号 (#12, K12, 案#12); 0 if a 学号 */
	int days;			/* ABS, LEAVE */
	const char *reason;		/* static reason code, or NULL */
	const char *outcome;		/* VIS: static outcome code; CLOSE:
					 * how the case ends */
	char place[CMD_PLACE_MAX];	/* SUM: "" for the sender's scope */
	enum cmd_kind topic;		/* HELP: the command asked about,
					 * CMD_NONE for the sender's list */
	char note[CMD_NOTE_MAX];	/* free text after the arguments */
};

struct cmd_list {
	size_t n;			/* parts, understood or not */
	size_t nerr;			/* parts with err != PERR_NONE */
	size_t dropped;			/* parts beyond CMD_MAX, not parsed */
	struct cmd v[CMD_MAX];
};

struct command_parser;

struct command_parser *command_parser_new(void);	/* NULL on failure */
void command_parser_free(struct command_parser *);

/*
 * Parses text[0..len). Returns PERR_NONE with out filled (parts may still
 * carry errors), or a message-level error (PERR_EMPTY, PERR_TOO_LONG,
 * PERR_BAD_UTF8, PERR_NOMEM) with out->n == 0 and err->off set.
 */
enum perr_code command_parse(const struct command_parser *, const char *text,
    size_t len, struct cmd_list *out, struct perr *err);

/* The same for text already normalized (normalize_text() gave it
 * PERR_NONE): for a caller that looks at the text first itself. */
enum perr_code command_parse_normalized(const struct command_parser *,
    const char *norm, size_t nlen, struct cmd_list *out, struct perr *err);

/* 1..60 from "3", "十二", "两"; -1 if not a number, -2 if out of range. */
int command_days_value(const char *s, size_t len);
/* "ABS", "LEAVE", ...; "" for CMD_NONE. */
const char *cmd_kind_name(enum cmd_kind);
/* The kind whose ASCII keyword s[0..len) is (any case), or CMD_NONE. */
enum cmd_kind cmd_keyword_kind(const char *s, size_t len);
/* A word this parser reads as the reason / outcome code ("illness" ->
 * "生病"), for building command texts; NULL for an unknown code. */
const char *cmd_reason_word(const char *code);
const char *cmd_outcome_word(const char *code);
/* Lower-case name for template keys: "abs", "leave", ... */
const char *cmd_kind_key(enum cmd_kind);

#endif
