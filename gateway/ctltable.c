/* baoxuectl's aligned listings; see ctltable.h. */
#include "gateway/ctltable.h"

#include <stdlib.h>
#include <string.h>

#include "parsers/utf8.h"

void
ctl_table_init(struct ctl_table *t, const char *cols)
{
	char buf[CTL_TABLE_COLS * CTL_TABLE_CELL], *p, *save;

	memset(t, 0, sizeof *t);
	snprintf(buf, sizeof buf, "%s", cols);
	for (p = strtok_r(buf, ",", &save); p && t->ncols < CTL_TABLE_COLS;
	    p = strtok_r(NULL, ",", &save))
		snprintf(t->head[t->ncols++], CTL_TABLE_CELL, "%s", p);
}

char (*ctl_table_row(struct ctl_table *t))[CTL_TABLE_CELL]
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
		if (t->cells == NULL) {
			fprintf(stderr, "baoxuectl: out of memory\n");
			exit(1);
		}
	}
	memset(t->cells[t->n], 0, sizeof t->cells[t->n]);
	return t->cells[t->n++];
}

void
ctl_table_print(const struct ctl_table *t, FILE *f)
{
	size_t w[CTL_TABLE_COLS] = { 0 }, r;
	int i;

	for (i = 0; i < t->ncols; i++) {
		w[i] = utf8_columns(t->head[i]);
		for (r = 0; r < t->n; r++)
			if (utf8_columns(t->cells[r][i]) > w[i])
				w[i] = utf8_columns(t->cells[r][i]);
	}
	for (r = 0; r <= t->n; r++) {
		const char (*row)[CTL_TABLE_CELL] = r == 0 ? t->head :
		    (const char (*)[CTL_TABLE_CELL])t->cells[r - 1];
		int last = t->ncols - 1;

		/* No spaces at the end of a line whose last cells are empty. */
		while (last > 0 && row[last][0] == '\0')
			last--;
		for (i = 0; i <= last; i++)
			fprintf(f, "%s%*s", row[i], i < last ?
			    (int)(w[i] - utf8_columns(row[i])) + 2 : 0, "");
		fprintf(f, "\n");
	}
}

void
ctl_table_free(struct ctl_table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->n = t->cap = 0;
}
