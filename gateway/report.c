/* Writing the statistics table; see report.h. */
#include "gateway/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "parsers/utf8.h"
#include "store/store.h"
#include "templates/render.h"

/* Code, name and eight counts, then a count per reason and category. */
#define REPORT_FIXED 10
#define REPORT_COLS (REPORT_FIXED + STORE_REASONS + STORE_CATEGORIES)
#define REPORT_CELL 160

struct report_table {
	const char *kind;		/* school, village */
	char sheet[64];
	char head[REPORT_COLS][REPORT_CELL];
	struct store_report_row *rows;
	size_t n;
	struct store_report_row total;
};

/* Column i of a row (0, 1 are code and name). */
static int64_t
report_num(const struct store_report_row *r, int i)
{
	switch (i) {
	case 2: return r->enrolled;
	case 3: return r->absent;
	case 4: return r->opened;
	case 5: return r->dropouts;
	case 6: return r->cosigned;
	case 7: return r->returned;
	case 8: return r->closed;
	case 9: return r->still_out;
	}
	if (i < REPORT_FIXED + STORE_REASONS)
		return r->reason[i - REPORT_FIXED];
	return r->category[i - REPORT_FIXED - STORE_REASONS];
}

static void
report_add(struct store_report_row *t, const struct store_report_row *r)
{
	int i;

	t->enrolled += r->enrolled;
	t->absent += r->absent;
	t->opened += r->opened;
	t->dropouts += r->dropouts;
	t->cosigned += r->cosigned;
	t->returned += r->returned;
	t->closed += r->closed;
	t->still_out += r->still_out;
	for (i = 0; i < STORE_REASONS; i++)
		t->reason[i] += r->reason[i];
	for (i = 0; i < STORE_CATEGORIES; i++)
		t->category[i] += r->category[i];
}

/* Headers: the fixed columns, then 原因/类别 columns, from the catalog. */
static int
report_heads(const struct catalog *cat, struct report_table *t, char *err,
    size_t errsz)
{
	char key[64], fixed[1024], name[64], *p, *save;
	struct render_var v = { "name", name };
	int i = 0, k;

	snprintf(key, sizeof key, "report_sheet_%s", t->kind);
	if (render(cat, key, NULL, 0, t->sheet, sizeof t->sheet) != 0)
		goto fail;
	snprintf(key, sizeof key, "report_cols_%s", t->kind);
	if (render(cat, key, NULL, 0, fixed, sizeof fixed) != 0)
		goto fail;
	for (p = strtok_r(fixed, ",", &save); p && i < REPORT_FIXED;
	    p = strtok_r(NULL, ",", &save))
		snprintf(t->head[i++], REPORT_CELL, "%s", p);
	if (i != REPORT_FIXED) {
		snprintf(err, errsz, "template %s: %d columns expected", key,
		    REPORT_FIXED);
		return -1;
	}
	for (k = 0; k < STORE_REASONS; k++) {
		snprintf(key, sizeof key, "reason_%s", store_report_reasons[k]);
		if (render(cat, key, NULL, 0, name, sizeof name) != 0 ||
		    render(cat, "report_reason_col", &v, 1, t->head[i++],
		    REPORT_CELL) != 0)
			goto fail;
	}
	for (k = 0; k < STORE_CATEGORIES; k++) {
		snprintf(key, sizeof key, "category_%s",
		    store_report_categories[k]);
		if (render(cat, key, NULL, 0, name, sizeof name) != 0 ||
		    render(cat, "report_category_col", &v, 1, t->head[i++],
		    REPORT_CELL) != 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errsz, "report templates missing (%s)", key);
	return -1;
}

static void
report_csv_cell(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static int
report_csv(const struct report_opts *o, struct report_table *t, int nt,
    const char *total, char *err, size_t errsz)
{
	FILE *f = fopen(o->path, "wb");
	char num[32];
	size_t r;
	int k, i;

	if (f == NULL) {
		snprintf(err, errsz, "%s: %s", o->path, strerror(errno));
		return -1;
	}
	fputs("\xEF\xBB\xBF", f);	/* BOM: Excel then reads UTF-8 */
	for (k = 0; k < nt; k++) {
		if (k)
			fputs("\r\n", f);
		report_csv_cell(f, t[k].sheet, 1);
		for (i = 0; i < REPORT_COLS; i++)
			report_csv_cell(f, t[k].head[i], i == REPORT_COLS - 1);
		for (r = 0; r <= t[k].n; r++) {
			const struct store_report_row *row = r < t[k].n ?
			    &t[k].rows[r] : &t[k].total;

			report_csv_cell(f, r < t[k].n ? row->code : "", 0);
			report_csv_cell(f, r < t[k].n ? row->name : total, 0);
			for (i = 2; i < REPORT_COLS; i++) {
				snprintf(num, sizeof num, "%lld",
				    (long long)report_num(row, i));
				report_csv_cell(f, num, i == REPORT_COLS - 1);
			}
		}
	}
	if (fclose(f) != 0) {
		snprintf(err, errsz, "%s: %s", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
report_xlsx(const struct report_opts *o, struct report_table *t, int nt,
    const char *total, char *err, size_t errsz)
{
	lxw_workbook *wb = workbook_new(o->path);
	lxw_format *bold;
	size_t r;
	int k, i;

	if (wb == NULL) {
		snprintf(err, errsz, "%s: cannot create", o->path);
		return -1;
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (k = 0; k < nt; k++) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, t[k].sheet);
		double w[REPORT_COLS];

		for (i = 0; i < REPORT_COLS; i++) {
			worksheet_write_string(ws, 0, (lxw_col_t)i,
			    t[k].head[i], bold);
			w[i] = (double)utf8_columns(t[k].head[i]);
		}
		for (r = 0; r <= t[k].n; r++) {
			const struct store_report_row *row = r < t[k].n ?
			    &t[k].rows[r] : &t[k].total;
			lxw_row_t y = (lxw_row_t)(r + 1);
			const char *name = r < t[k].n ? row->name : total;

			if (r < t[k].n)
				worksheet_write_string(ws, y, 0, row->code,
				    NULL);
			worksheet_write_string(ws, y, 1, name,
			    r < t[k].n ? NULL : bold);
			if ((double)utf8_columns(row->code) > w[0])
				w[0] = (double)utf8_columns(row->code);
			if ((double)utf8_columns(name) > w[1])
				w[1] = (double)utf8_columns(name);
			for (i = 2; i < REPORT_COLS; i++)
				worksheet_write_number(ws, y, (lxw_col_t)i,
				    (double)report_num(row, i),
				    r < t[k].n ? NULL : bold);
		}
		for (i = 0; i < REPORT_COLS; i++)
			worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
			    w[i] + 2, NULL);
		worksheet_freeze_panes(ws, 1, 2);
	}
	if (workbook_close(wb) != LXW_NO_ERROR) {
		snprintf(err, errsz, "%s: cannot write", o->path);
		return -1;
	}
	return 0;
}

int
report_write(struct store *st, const struct catalog *cat,
    const struct report_opts *o, char *err, size_t errsz)
{
	struct report_table t[2];
	char total[64];
	size_t r;
	int k, rc = -1;

	memset(t, 0, sizeof t);
	t[0].kind = "school";
	t[1].kind = "village";
	if (render(cat, "report_total", NULL, 0, total, sizeof total) != 0) {
		snprintf(err, errsz, "template report_total missing");
		return -1;
	}
	for (k = 0; k < 2; k++) {
		if (report_heads(cat, &t[k], err, errsz) != 0)
			goto out;
		if (store_report(st, t[k].kind, o->township, o->from, o->to,
		    o->threshold, o->special_threshold, &t[k].rows,
		    &t[k].n) != STORE_OK) {
			snprintf(err, errsz, "database: %s", store_errmsg(st));
			goto out;
		}
		for (r = 0; r < t[k].n; r++)
			report_add(&t[k].total, &t[k].rows[r]);
	}
	rc = o->xlsx ? report_xlsx(o, t, 2, total, err, errsz) :
	    report_csv(o, t, 2, total, err, errsz);
out:
	free(t[0].rows);
	free(t[1].rows);
	return rc;
}
