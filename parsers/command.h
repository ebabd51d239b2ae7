/*
 * The SMS command language: raw SMS text in, a list of commands or the
 * first precise error out. The text is normalized first (normalize.h); a
 * message may hold several commands separated by new lines or ';'.
 * Pure: patterns are compiled once in struct command_parser, which is
 * read-only after command_parser_new() and may be shared.
 *
 * This is the first slice of the language (ABS and its aliases); the rest
 * of the keywords arrive with the command-language issue.
 */
#ifndef BX_COMMAND_H
#define BX_COMMAND_H

#include <stddef.h>

#include "parsers/perr.h"

#define CMD_MAX 8		/* commands in one message */
#define CMD_STUDENT_MAX 24	/* "G" + 18, or up to 20 digits, NUL */
#define CMD_NOTE_MAX 192
#define CMD_DAYS_MAX 60

enum cmd_kind {
	CMD_ABS
};

struct cmd {
	enum cmd_kind kind;
	size_t off;			/* where it starts in the normalized text */
	char student[CMD_STUDENT_MAX];	/* upper-cased */
	int days;
	const char *reason;		/* static reason code, or NULL */
	char note[CMD_NOTE_MAX];	/* free text after the arguments */
};

struct cmd_list {
	size_t n;
	struct cmd v[CMD_MAX];
	enum cmd_kind failed_kind;	/* with an argument error: which command */
	int failed_has_kind;
};

struct command_parser;

struct command_parser *command_parser_new(void);	/* NULL on failure */
void command_parser_free(struct command_parser *);

/*
 * Parses text[0..len). Returns PERR_NONE with out filled, or an error with
 * err->off set; on error out->n counts the commands before the bad one.
 */
enum perr_code command_parse(const struct command_parser *, const char *text,
    size_t len, struct cmd_list *out, struct perr *err);

/* 1..60 from "3", "十二", "两"; -1 if not a number, -2 if out of range. */
int command_days_value(const char *s, size_t len);
const char *cmd_kind_name(enum cmd_kind);

#endif
