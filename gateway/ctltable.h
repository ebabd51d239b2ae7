/*
 * baoxuectl's listings: rows of text cells gathered, then printed with
 * their columns aligned (a CJK character counts as two). The table owns
 * its cells; ctl_table_free releases them.
 */
#ifndef BX_CTLTABLE_H
#define BX_CTLTABLE_H

#include <stddef.h>
#include <stdio.h>

#define CTL_TABLE_COLS 9
#define CTL_TABLE_CELL 128

struct ctl_table {
	int ncols;
	char head[CTL_TABLE_COLS][CTL_TABLE_CELL];
	char (*cells)[CTL_TABLE_COLS][CTL_TABLE_CELL];
	size_t n, cap;
};

/* The header from "a,b,c" (a template's text): its columns, at most
 * CTL_TABLE_COLS. */
void ctl_table_init(struct ctl_table *, const char *cols);
/* A new row of empty cells (exits when memory runs out: a listing). */
char (*ctl_table_row(struct ctl_table *))[CTL_TABLE_CELL];
void ctl_table_print(const struct ctl_table *, FILE *);
void ctl_table_free(struct ctl_table *);

#endif
