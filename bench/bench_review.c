/*
 * Benchmark (not a test): SUM/digest and the statistics table on a
 * generated county of 100,000 students and 5,000 cases.
 *   bench_review [-a] [DBPATH]   (default: a temp file, removed at the end)
 * Prints the time of each query, median of five runs. The plans are the
 * daemon's: it never runs ANALYZE. -a runs it first (as this benchmark
 * did before 2026-11-23), and the planner then takes other paths: a
 * school's digest 7.7 against 0.7-0.8 ms. (The county's was 22 against
 * 313-324 until the store read a county's digest from the period's facts
 * itself, whatever the planner would do.)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define TOWNSHIPS 20
#define VILLAGES 20		/* per township */
#define SCHOOLS 10		/* per township */
#define CLASSES 6		/* per school */
#define STUDENTS 100000
#define CASES 5000

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
exec(sqlite3 *h, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, err);
		exit(1);
	}
}

static void
generate(const char *path, int analyze)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char sql[256];
	int t, v, sc, c, i;
	unsigned seed = 42;

	sqlite3_open(path, &h);
	exec(h, "PRAGMA foreign_keys=OFF; BEGIN");
	exec(h, "INSERT INTO places VALUES('C','县','county',NULL)");
	for (t = 0; t < TOWNSHIPS; t++) {
		snprintf(sql, sizeof sql, "INSERT INTO places VALUES('T%02d',"
		    "'镇%d','township','C')", t, t);
		exec(h, sql);
		for (v = 0; v < VILLAGES; v++) {
			snprintf(sql, sizeof sql, "INSERT INTO places VALUES("
			    "'V%02d%02d','村%d','village','T%02d')", t, v, v, t);
			exec(h, sql);
		}
		for (sc = 0; sc < SCHOOLS; sc++) {
			snprintf(sql, sizeof sql, "INSERT INTO places VALUES("
			    "'S%02d%02d','校%d','school','T%02d')", t, sc, sc, t);
			exec(h, sql);
			for (c = 0; c < CLASSES; c++) {
				snprintf(sql, sizeof sql, "INSERT INTO places "
				    "VALUES('K%02d%02d%d','班%d','class',"
				    "'S%02d%02d')", t, sc, c, c, t, sc);
				exec(h, sql);
			}
		}
		snprintf(sql, sizeof sql, "INSERT INTO people(phone, name, "
		    "role, scope) VALUES('+86139%08d','官','village_head',"
		    "'V%02d00')", t, t);
		exec(h, sql);
	}
	exec(h, "INSERT INTO inbound(channel, sender, text, received_at) "
	    "VALUES('bench', '+8613900000000', 'x', 0)");
	sqlite3_prepare_v2(h, "INSERT INTO students(student_no, name, gender, "
	    "class, village) VALUES(?1, '学生', 'M', ?2, ?3)", -1, &st, NULL);
	for (i = 0; i < STUDENTS; i++) {
		char no[16], cl[16], vi[16];

		t = rand_r(&seed) % TOWNSHIPS;
		snprintf(no, sizeof no, "%08d", 30000000 + i);
		snprintf(cl, sizeof cl, "K%02d%02d%d", t,
		    rand_r(&seed) % SCHOOLS, rand_r(&seed) % CLASSES);
		snprintf(vi, sizeof vi, "V%02d%02d", t,
		    rand_r(&seed) % VILLAGES);
		sqlite3_bind_text(st, 1, no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, cl, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, vi, -1, SQLITE_TRANSIENT);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	exec(h, "INSERT INTO student_categories SELECT id, 'left_behind' "
	    "FROM students WHERE id % 7 = 0");
	exec(h, "INSERT INTO absences(student_id, reporter_id, days, "
	    "inbound_id, reported_at) SELECT id, 1, 1 + id % 5, 1, "
	    "1788000000 + (id % 30) * 86400 FROM students WHERE id % 5 = 0");
	exec(h, "INSERT INTO cases(student_id, status, level, dropout, reason, "
	    "days_absent, absent_since, opened_at, closed_at, last_action, "
	    "last_action_at) SELECT id, CASE WHEN id % 3 = 0 THEN 'returned' "
	    "ELSE 'open' END, 1 + id % 4, id % 11 = 0, 'illness', 3, "
	    "1788000000, 1788000000 + (id % 30) * 86400, CASE WHEN id % 3 = 0 "
	    "THEN 1790000000 END, 'open', 1788000000 FROM students "
	    "WHERE id % 20 = 0");
	exec(h, "INSERT INTO tasks(case_id, level, kind, assignee_id, status, "
	    "created_at, due_at) SELECT id, 1, 'visit', 1, 'open', "
	    "1788000000, 1788300000 FROM cases WHERE status = 'open'");
	exec(h, "COMMIT");
	if (analyze)
		exec(h, "ANALYZE");
	sqlite3_close(h);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define TIME(label, expr) do {						\
	double t_[5];							\
	int k_;								\
	for (k_ = 0; k_ < 5; k_++) {					\
		double s_ = ms_now();					\
		if ((expr) != STORE_OK) {				\
			fprintf(stderr, "%s failed\n", label);		\
			return 1;					\
		}							\
		t_[k_] = ms_now() - s_;					\
	}								\
	qsort(t_, 5, sizeof t_[0], cmp);				\
	printf("%-36s %8.1f ms\n", label, t_[2]);			\
} while (0)

int
main(int argc, char **argv)
{
	char path[256], err[300];
	struct store *st;
	struct store_digest d;
	struct store_report_row *rows = NULL;
	size_t n;
	int analyze = argc > 1 && strcmp(argv[1], "-a") == 0;
	int tmp = argc < 2 + analyze;

	snprintf(path, sizeof path, "%s", tmp ? "/tmp/bench_review.db" :
	    argv[1 + analyze]);
	unlink(path);
	if ((st = store_open(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	store_close(st);
	generate(path, analyze);
	st = store_open(path, err, sizeof err);
	printf("county: %d townships, %d villages, %d schools, %d students, "
	    "%d cases\n", TOWNSHIPS, TOWNSHIPS * VILLAGES, TOWNSHIPS * SCHOOLS,
	    STUDENTS, STUDENTS / 20);
	TIME("SUM / digest, one village", store_digest(st, "V0000",
	    1788000000, 1788604800, &d));
	TIME("SUM / digest, one school", store_digest(st, "S0000",
	    1788000000, 1788604800, &d));
	TIME("SUM / digest, one township", store_digest(st, "T00",
	    1788000000, 1788604800, &d));
	TIME("SUM / digest, the county", store_digest(st, "C", 1788000000,
	    1788604800, &d));
	TIME("report by school, the county", (free(rows), store_report(st,
	    "school", NULL, 1788000000, 1790592000, 2, 1, &rows, &n)));
	TIME("report by village, the county", (free(rows), store_report(st,
	    "village", NULL, 1788000000, 1790592000, 2, 1, &rows, &n)));
	free(rows);
	store_close(st);
	if (tmp)
		store_unlink(path);
	return 0;
}
