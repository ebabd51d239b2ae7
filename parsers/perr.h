/*
 * Parse errors shared by the pure parsers: a code the caller can test and
 * the byte offset where understanding stopped, which the gateway turns
 * into a precise reply from the templates.
 */
#ifndef BX_PERR_H
#define BX_PERR_H

#include <stddef.h>

enum perr_code {
	PERR_NONE = 0,
	PERR_EMPTY,		/* nothing but spaces and separators */
	PERR_TOO_LONG,		/* input over the parser's bound */
	PERR_BAD_UTF8,		/* not valid UTF-8, or a control character */
	PERR_TOO_MANY,		/* more parts in one message than allowed */
	PERR_UNKNOWN_COMMAND,	/* no keyword recognized */
	PERR_MISSING_STUDENT,	/* keyword without a 学号 */
	PERR_BAD_STUDENT,	/* something that is not a 学号 */
	PERR_MISSING_TARGET,	/* keyword without a 学号 or 案号 */
	PERR_BAD_TARGET,	/* neither a 学号 nor a 案号 */
	PERR_MISSING_DAYS,	/* 学号 without 天数 */
	PERR_BAD_DAYS,		/* 天数 not a number */
	PERR_DAYS_RANGE,	/* 天数 outside 1..60 */
	PERR_MISSING_OUTCOME,	/* VIS without 结果 */
	PERR_BAD_OUTCOME,	/* 结果 not one of 返 拒 外 病 失 转 */
	PERR_MISSING_CLOSURE,	/* CLOSE without 去向 */
	PERR_BAD_CLOSURE,	/* 去向 not 转学, 延缓入学 or 送教上门 */
	PERR_BAD_PLACE,		/* SUM with something that is not a place code */
	PERR_SEVERAL_STUDENTS,	/* a second 学号 where more arguments follow */
	PERR_NOMEM,
	PERR_COUNT
};

struct perr {
	enum perr_code code;
	size_t off;		/* byte offset into the normalized text */
};

/* A stable lower-case name ("missing_days"), also the template suffix. */
const char *perr_name(enum perr_code);

#endif
