/*
 * The writer alone (a benchmark, not a test): the load benchmark's kind of
 * traffic applied straight through the pipeline's group commit, with no
 * HTTP, no sockets and no load driver on the two cores. How fast the one
 * SQLite writer goes on this machine is the ceiling for anything done on
 * the HTTP side. bench/apply.sh runs it on bench_load's county.
 *
 *   bench_apply -c CONF [-n COUNT] [-g GROUP]
 *	COUNT messages (default 50,000) in groups of GROUP (default 64):
 *	about 60 % ABS that open a case, 10 % ABS on an open case, 20 % RET,
 *	10 % commands the daemon refuses; each from the class's head
 *	teacher, with a provider id of its own.
 */
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench/county.h"
#include "gateway/config.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"

struct apply {
	unsigned seed;
	unsigned char state[STUDENTS];	/* 0 fresh, 1 open, 2 returned */
	int open[STUDENTS], nopen, next_fresh;
	long done, accepted, duplicate, failed;
};

static unsigned
rnd(struct apply *a)
{
	a->seed = a->seed * 1103515245u + 12345u;
	return a->seed >> 8;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
done_cb(void *arg, enum pipeline_rc rc, int64_t id)
{
	struct apply *a = arg;

	(void)id;
	a->done++;
	if (rc == PIPELINE_ACCEPTED)
		a->accepted++;
	else if (rc == PIPELINE_DUPLICATE)
		a->duplicate++;
	else
		a->failed++;
}

/* The next message: its text and sender, by the mix above. */
static void
next_message(struct apply *a, char *text, size_t textsz, char *from,
    size_t fromsz)
{
	unsigned r = rnd(a) % 100;
	char no[16], ph[16];
	int i, k;

	if (r < 70 && (r < 60 || a->nopen == 0) &&
	    a->next_fresh < STUDENTS) {
		i = a->next_fresh++;
		a->state[i] = 1;
		a->open[a->nopen++] = i;
		student_no(i, no, sizeof no);
		snprintf(text, textsz, "ABS %s 3", no);
	} else if (r < 90 && a->nopen > 0) {
		k = (int)(rnd(a) % (unsigned)a->nopen);
		i = a->open[k];
		student_no(i, no, sizeof no);
		if (r < 70)
			snprintf(text, textsz, "ABS %s 4", no);
		else {
			snprintf(text, textsz, "RET %s", no);
			a->state[i] = 2;
			a->open[k] = a->open[--a->nopen];
		}
	} else {
		i = (int)(rnd(a) % STUDENTS);
		snprintf(text, textsz, "HELLO");
	}
	head_teacher_phone(student_class(i), ph, sizeof ph);
	snprintf(from, fromsz, "+86%s", ph);
}

int
main(int argc, char **argv)
{
	static struct apply a = { .seed = 1 };
	const char *conf = NULL;
	long count = 50000, sent = 0;
	int group = 64, ch, k;
	struct gw_config *cfg;
	struct event_base *base;
	struct gw *g;
	char err[512], text[64], from[24], id[32];
	double t0, c0, secs, cpu;

	while ((ch = getopt(argc, argv, "c:n:g:")) != -1)
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'n': count = atol(optarg); break;
		case 'g': group = atoi(optarg); break;
		default: return 2;
		}
	if (conf == NULL || count <= 0 || group <= 0 ||
	    group > PIPELINE_MAX_BATCH) {
		fprintf(stderr, "usage: bench_apply -c CONF [-n COUNT] "
		    "[-g GROUP (1-%d)]\n", PIPELINE_MAX_BATCH);
		return 2;
	}
	if ((cfg = calloc(1, sizeof *cfg)) == NULL ||
	    config_load(conf, cfg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_apply: %s\n", err);
		return 1;
	}
	log_set_level(cfg->log_level);
	log_buffered();
	if ((base = event_base_new()) == NULL ||
	    (g = gw_new(base, cfg, err, sizeof err)) == NULL) {
		fprintf(stderr, "bench_apply: %s\n", err);
		return 1;
	}
	t0 = now_s();
	c0 = cpu_s();
	while (sent < count) {
		for (k = 0; k < group && sent < count; k++, sent++) {
			struct pipeline_in in = { "http", id, from, NULL, text,
			    0, NULL, 0 };

			next_message(&a, text, sizeof text, from, sizeof from);
			snprintf(id, sizeof id, "a%ld", sent);
			in.textlen = strlen(text);
			/* Plain, as the HTTP answers are. */
			if (pipeline_submit(g->pipeline, &in,
			    PIPELINE_DONE_PLAIN, done_cb, &a) != 0)
				abort();	/* a group is far below the queue */
		}
		while (pipeline_pending(g->pipeline) > 0)
			event_base_loop(base, EVLOOP_ONCE);
	}
	/* The last groups' answers wait for their commits' sync. */
	while (pipeline_syncing(g->pipeline) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	secs = now_s() - t0;
	cpu = cpu_s() - c0;
	printf("writer alone: %ld messages in groups of %d in %.2f s\n",
	    count, group, secs);
	printf("  applied and committed              %8.0f msg/s\n",
	    a.done / secs);
	printf("  CPU per message (all threads)      %8.3f ms (%.0f%% of a "
	    "core)\n", cpu * 1000 / a.done, cpu * 100 / secs);
	printf("  accepted / duplicate / failed      %ld / %ld / %ld\n",
	    a.accepted, a.duplicate, a.failed);
	gw_free(g);
	event_base_free(base);
	free(cfg);
	return a.done == count && a.failed == 0 ? 0 : 1;
}
