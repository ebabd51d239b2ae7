/* Roster CSV decoding; see csv.h. */
#include "parsers/csv.h"

#include <stdlib.h>
#include <string.h>

#include "parsers/utf8.h"

enum csv_rc
csv_to_utf8(const char *in, size_t len, char **out, size_t *outlen,
    int *from_gb)
{
	char *buf;
	size_t cap, n;

	*out = NULL;
	*outlen = 0;
	*from_gb = 0;
	if (len > CSV_MAX_FILE)
		return CSV_ERR_TOO_BIG;
	if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
		in += 3;
		len -= 3;
	}
	if (utf8_valid_text(in, len)) {
		if ((buf = malloc(len + 1)) == NULL)
			return CSV_ERR_NOMEM;
		memcpy(buf, in, len);
		buf[len] = '\0';
		*out = buf;
		*outlen = len;
		return CSV_OK;
	}
	cap = GB18030_UTF8_MAX(len);
	if ((buf = malloc(cap)) == NULL)
		return CSV_ERR_NOMEM;
	if (gb18030_to_utf8(in, len, buf, cap, &n) != 0 ||
	    !utf8_valid_text(buf, n)) {
		free(buf);
		return CSV_ERR_ENCODING;
	}
	*out = buf;
	*outlen = n;
	*from_gb = 1;
	return CSV_OK;
}

void
csv_reader_init(struct csv_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text + len;
	r->line = 1;
}

static void
csv_trim_field(struct csv_row *row, size_t start, size_t end, int quoted)
{
	char *f = row->buf + start;

	row->buf[end] = '\0';
	if (!quoted) {
		while (*f == ' ' || *f == '\t')
			f++;
		while (end > (size_t)(f - row->buf) &&
		    (row->buf[end - 1] == ' ' || row->buf[end - 1] == '\t'))
			row->buf[--end] = '\0';
	}
	row->f[row->n++] = f;
}

static enum csv_rc
csv_read_row(struct csv_reader *r, struct csv_row *row)
{
	size_t o = 0, fstart = 0;
	int inq = 0, quoted = 0, after_quote = 0;

	/* Skip blank lines (rows of empty cells: csv_read). */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		/* \n, \r\n and a lone \r (old Mac exports) each end a line. */
		if (*r->p == '\n' || r->p + 1 == r->end || r->p[1] != '\n')
			r->line++;
		r->p++;
	}
	if (r->p >= r->end)
		return CSV_EOF;
	row->line = r->line;
	row->n = 0;
	for (;;) {
		char c;

		if (r->p >= r->end) {
			if (inq)
				return CSV_ERR_QUOTE;
			break;
		}
		c = *r->p++;
		if (inq) {
			if (c == '"') {
				if (r->p < r->end && *r->p == '"') {
					r->p++;
				} else {
					inq = 0;
					after_quote = 1;
					continue;
				}
			} else if (c == '\n' || (c == '\r' &&
			    (r->p == r->end || *r->p != '\n'))) {
				r->line++;
			}
		} else if (c == '"') {
			/* A quote opens a field only at its start. */
			size_t k;
			for (k = fstart; k < o; k++)
				if (row->buf[k] != ' ' && row->buf[k] != '\t')
					return CSV_ERR_QUOTE;
			if (quoted)
				return CSV_ERR_QUOTE;
			o = fstart;
			inq = quoted = 1;
			continue;
		} else if (c == ',' || c == '\n' || c == '\r') {
			if (row->n == CSV_MAX_FIELDS)
				return CSV_ERR_TOO_MANY_FIELDS;
			csv_trim_field(row, fstart, o, quoted);
			o++;
			fstart = o;
			quoted = after_quote = 0;
			if (c == ',')
				continue;
			if (c == '\r' && r->p < r->end && *r->p == '\n')
				r->p++;
			r->line++;
			return CSV_OK;
		} else if (after_quote) {
			if (c == ' ' || c == '\t')
				continue;
			return CSV_ERR_QUOTE;
		}
		/* buf keeps CSV_MAX_FIELDS spare bytes for the NULs. */
		if (o >= CSV_MAX_LINE)
			return CSV_ERR_LINE_TOO_LONG;
		row->buf[o++] = c;
	}
	if (row->n == CSV_MAX_FIELDS)
		return CSV_ERR_TOO_MANY_FIELDS;
	csv_trim_field(row, fstart, o, quoted);
	return CSV_OK;
}

/* Every cell empty or spaces, quoted or not: what Excel writes for a row
 * of cells that were only formatted. */
static int
csv_row_is_blank(const struct csv_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		if (row->f[i][strspn(row->f[i], " \t")] != '\0')
			return 0;
	return 1;
}

enum csv_rc
csv_read(struct csv_reader *r, struct csv_row *row)
{
	enum csv_rc rc;

	while ((rc = csv_read_row(r, row)) == CSV_OK && csv_row_is_blank(row))
		;
	return rc;
}

const char *
csv_rc_str(enum csv_rc rc)
{
	switch (rc) {
	case CSV_OK:			return "ok";
	case CSV_EOF:			return "end of file";
	case CSV_ERR_QUOTE:		return "unbalanced or misplaced quote";
	case CSV_ERR_LINE_TOO_LONG:	return "row too long";
	case CSV_ERR_TOO_MANY_FIELDS:	return "too many fields";
	case CSV_ERR_ENCODING:		return "file is neither UTF-8 nor GB18030";
	case CSV_ERR_TOO_BIG:		return "file too large";
	case CSV_ERR_NOMEM:		return "out of memory";
	}
	return "unknown CSV error";
}
