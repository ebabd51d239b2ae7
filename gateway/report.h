/*
 * The statistics table (辍学情况统计表) as files a county clerk opens: per
 * school and per village, from store_report(), written as xlsx (one sheet
 * per table, Chinese headers, bold header row, fitted columns, totals row;
 * libxlsxwriter) or as CSV (UTF-8 with BOM so that Excel reads the
 * Chinese; the two tables one after the other). Headers come from the
 * catalog. Returns 0, or -1 with err set.
 */
#ifndef BX_REPORT_H
#define BX_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct catalog;

struct report_opts {
	int64_t from, to;		/* UTC seconds, [from, to) */
	const char *township;		/* or NULL for the county */
	int threshold, special_threshold;
	int xlsx;			/* else CSV */
	const char *path;
};

int report_write(struct store *, const struct catalog *,
    const struct report_opts *, char *err, size_t errsz);

#endif
