/*
 * Parse errors shared by the pure parsers: a code and the byte offset where
 * understanding stopped, which the gateway turns into a precise reply.
 */
#ifndef BX_PERR_H
#define BX_PERR_H

#include <stddef.h>

enum perr_code {
	PERR_NONE = 0,
	PERR_EMPTY,		/* nothing but spaces */
	PERR_TOO_LONG,		/* input over the parser's bound */
	PERR_BAD_UTF8,		/* not valid UTF-8, or a control character */
	PERR_TOO_MANY,		/* more commands in one message than allowed */
	PERR_UNKNOWN_COMMAND,	/* no keyword recognized */
	PERR_MISSING_STUDENT,	/* keyword without a 学号 */
	PERR_BAD_STUDENT,	/* something that is not a 学号 */
	PERR_MISSING_DAYS,	/* 学号 without 天数 */
	PERR_BAD_DAYS,		/* 天数 not a number */
	PERR_DAYS_RANGE,	/* 天数 outside 1..60 */
	PERR_NOMEM
};

struct perr {
	enum perr_code code;
	size_t off;		/* byte offset into the normalized text */
};

const char *perr_name(enum perr_code);

#endif
