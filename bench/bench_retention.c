/*
 * The retention pass on a grown database (a benchmark, not a test): every
 * step the daemon's scheduler would take over a database whose words are
 * all old, as after an upgrade from a version without retention, each in
 * its own transaction with the scheduler's batch.
 *
 *   bench_retention DBPATH [BATCH]	(default 256: the scheduler's)
 *
 * SMS still queued are marked sent first (bench_apply queues them and
 * sends none; the pass would stop at the first).
 * Prints the steps, the rows wiped per table, and the time of a step
 * (median, 99th percentile, slowest) and of the whole pass. It changes
 * the database: bench/retention.sh runs it on a copy it then removes.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

#define MAX_STEPS 1000000

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
mark_sent(const char *path)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open(path, &h) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(h, "UPDATE outbound SET status = 'sent', "
	    "sent_at = created_at WHERE status <> 'sent'", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "bench_retention: %s\n", sqlite3_errmsg(h));
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct store_wiped w, all;
	struct store *s;
	double *ms, t0, t;
	char err[256];
	int batch = argc > 2 ? atoi(argv[2]) : 256, more = 1;
	size_t n = 0;

	if (argc < 2 || batch < 1) {
		fprintf(stderr, "usage: bench_retention DBPATH [BATCH]\n");
		return 2;
	}
	memset(&all, 0, sizeof all);
	if (mark_sent(argv[1]) != 0)
		return 1;
	if ((s = store_open(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "bench_retention: %s\n", err);
		return 1;
	}
	if ((ms = calloc(MAX_STEPS, sizeof *ms)) == NULL)
		return 1;
	t0 = ms_now();
	while (more && n < MAX_STEPS) {
		t = ms_now();
		if (store_begin(s) != STORE_OK ||
		    store_retention_step(s, INT64_MAX, INT64_MAX, batch, &w,
		    &more) !=
		    STORE_OK || store_commit(s) != STORE_OK) {
			fprintf(stderr, "bench_retention: %s\n",
			    store_errmsg(s));
			return 1;
		}
		ms[n++] = ms_now() - t;
		all.inbound += w.inbound;
		all.outbound += w.outbound;
		all.absences += w.absences;
		all.events += w.events;
	}
	t = ms_now() - t0;
	store_close(s);
	qsort(ms, n, sizeof *ms, cmp_double);
	printf("steps of %d rows a table   %zu\n", batch, n);
	printf("wiped                     %lld SMS received, %lld sent, "
	    "%lld absence notes, %lld visit notes\n", (long long)all.inbound,
	    (long long)all.outbound, (long long)all.absences,
	    (long long)all.events);
	printf("a step (commit included)  median %.2f ms, p99 %.2f ms, "
	    "slowest %.2f ms\n", ms[n / 2], ms[n * 99 / 100], ms[n - 1]);
	printf("the whole pass            %.1f s\n", t / 1e3);
	free(ms);
	return 0;
}
