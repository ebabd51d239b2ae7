/*
 * Roster CSV (RFC 4180 quoting). csv_to_utf8() takes a whole file as read:
 * strips a UTF-8 BOM, and converts a file that is not valid UTF-8 from
 * GB18030 (what Excel writes on Chinese Windows). csv_read() then yields one
 * row at a time with the line number it started on. Bounded: a file over
 * CSV_MAX_FILE, a row over CSV_MAX_LINE bytes or CSV_MAX_FIELDS fields is an
 * error, not a truncation.
 */
#ifndef BX_CSV_H
#define BX_CSV_H

#include <stddef.h>

#define CSV_MAX_FILE (32u << 20)
#define CSV_MAX_LINE 4096
#define CSV_MAX_FIELDS 16

enum csv_rc {
	CSV_OK = 0,
	CSV_EOF,
	CSV_ERR_QUOTE,		/* unterminated or misplaced quote */
	CSV_ERR_LINE_TOO_LONG,
	CSV_ERR_TOO_MANY_FIELDS,
	CSV_ERR_ENCODING,	/* neither UTF-8 nor GB18030 */
	CSV_ERR_TOO_BIG,
	CSV_ERR_NOMEM
};

/* *out is malloc'd and owned by the caller; *from_gb set when converted. */
enum csv_rc csv_to_utf8(const char *in, size_t len, char **out,
    size_t *outlen, int *from_gb);

struct csv_reader {
	const char *p, *end;
	size_t line;		/* next line to read, from 1 */
};

struct csv_row {
	size_t line;		/* where the row starts */
	size_t n;
	const char *f[CSV_MAX_FIELDS];	/* point into buf; trimmed */
	char buf[CSV_MAX_LINE + CSV_MAX_FIELDS];
};

void csv_reader_init(struct csv_reader *r, const char *text, size_t len);
/*
 * CSV_OK with a row, CSV_EOF, or an error with r->line at the bad line.
 * Blank lines and rows whose every cell is empty or spaces (Excel writes
 * ",,,," for cells that were only formatted) are skipped, not rows.
 */
enum csv_rc csv_read(struct csv_reader *r, struct csv_row *row);
const char *csv_rc_str(enum csv_rc);

#endif
