/*
 * Roster import: DIR/places.csv, people.csv and students.csv in ONE
 * transaction, as a township clerk saves them from Excel: UTF-8 with or
 * without BOM or GB18030, CRLF, quoted fields, English or Chinese headers
 * in any order (extra columns such as 序号 are ignored), codes or Chinese
 * names in the cells (村长, 留守儿童, 镇). Rows are upserts by key (place
 * code; phone + role + scope; 学号): a re-import updates in place and keeps
 * every case. Every problem is reported as "file:line: what is wrong" —
 * all of them — and nothing is written unless the whole import is clean.
 */
#ifndef BX_IMPORT_H
#define BX_IMPORT_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct import_counts {
	size_t places, people, students;
	/* roster_import_replace: rows that left the roster, and the open
	 * tasks and cases handed to a successor, and the SMS queued to
	 * numbers now off the roster that were withdrawn. */
	long left_people, left_students, handed_tasks, handed_cases;
	long withdrawn;
};

/* One line of output: error 1 for a problem, 0 for a note (progress,
 * ignored columns). */
typedef void import_report_fn(void *arg, int error, const char *line);

/*
 * Returns 0 when the import was clean and committed, the number of
 * problems (> 0) when it was refused and rolled back, -1 when the database
 * failed. report may be NULL.
 */
int roster_import(struct store *, const char *dir, struct import_counts *,
    import_report_fn *report, void *arg);

/*
 * The same, with the files taken as the whole roster of the place replace
 * and everything inside it (people by scope, students by class): the role
 * rows and students there that the files leave out leave the roster, as
 * store_roster_leave says (store.h): their open work passes to the holder
 * of the same role and place in the files, and an import that would leave
 * work without one, or a student with an open case, is refused with a
 * problem for each. now stamps the leaving. replace NULL: roster_import.
 */
int roster_import_replace(struct store *, const char *dir,
    const char *replace, int64_t now, struct import_counts *,
    import_report_fn *report, void *arg);

#endif
