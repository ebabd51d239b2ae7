/*
 * Roster import: DIR/places.csv, people.csv and students.csv in ONE
 * transaction. Rows are upserts (a re-import updates names, classes and
 * villages; nothing is deleted). The first bad line aborts everything with
 * "DIR/file.csv:LINE: reason". Files may be UTF-8 (with or without BOM) or
 * GB18030 as saved by Excel.
 */
#ifndef BX_IMPORT_H
#define BX_IMPORT_H

#include <stddef.h>

struct store;

struct import_counts {
	size_t places, people, students;
};

int roster_import(struct store *, const char *dir, struct import_counts *,
    char *err, size_t errsz);

#endif
