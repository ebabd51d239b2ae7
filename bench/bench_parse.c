/*
 * Parses a corpus of SMS messages (one a line, "\n" "\r" "\\" escapes
 * allowed) over and over on one thread for about two seconds of wall time
 * and prints messages per second and nanoseconds per message, then the
 * same for the messages that take normalize's fast path (ASCII and CJK
 * U+4E00..9FFF only) and for those that need NFKC.
 *
 *	bench_parse bench/corpus.txt [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/command.h"
#include "parsers/utf8.h"

#define BENCH_MAX_MSGS 4096

struct msg {
	char *text;
	size_t len;
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Undoes the escapes of one corpus line in place; returns its length. */
static size_t
bench_unescape(char *s)
{
	size_t i, o = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] != '\0') {
			i++;
			s[o++] = s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' :
			    s[i] == 't' ? '\t' : s[i];
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

static size_t
bench_load(const char *path, struct msg *v, size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (n < max && (got = getline(&line, &cap, f)) >= 0) {
		while (got > 0 && (line[got - 1] == '\n' ||
		    line[got - 1] == '\r'))
			line[--got] = '\0';
		if (got == 0)
			continue;
		if ((v[n].text = strdup(line)) == NULL) {
			perror("strdup");
			exit(1);
		}
		v[n].len = bench_unescape(v[n].text);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Would normalize_text() skip NFKC for this text? (its own rule) */
static int
bench_fast_path(const char *s, size_t len)
{
	size_t i = 0;
	int32_t cp;
	int n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_next(s + i, len - i, &cp)) < 0 || cp < 0x4E00 ||
		    cp > 0x9FFF)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

static size_t bench_sink;

/* Parses v[0..n) round after round for secs; returns messages per second. */
static double
bench_run(const struct command_parser *p, struct msg *const *v, size_t n,
    double secs, double *ns_per_msg, unsigned long long *total)
{
	struct cmd_list l;
	struct perr e;
	unsigned long long msgs = 0;
	double t0, t;
	size_t i;

	t0 = bench_now();
	do {
		for (i = 0; i < n; i++) {
			command_parse(p, v[i]->text, v[i]->len, &l, &e);
			bench_sink += l.n + l.nerr + (size_t)e.code;
		}
		msgs += n;
		t = bench_now() - t0;
	} while (t < secs);
	*ns_per_msg = t * 1e9 / (double)msgs;
	*total = msgs;
	return (double)msgs / t;
}

static void
bench_report(const char *what, const struct command_parser *p,
    struct msg *const *v, size_t n, double secs)
{
	unsigned long long total;
	double rate, ns;

	if (n == 0)
		return;
	rate = bench_run(p, v, n, secs, &ns, &total);
	printf("%-10s %4zu msgs  %12.0f msg/s  %8.1f ns/msg  (%llu parsed)\n",
	    what, n, rate, ns, total);
}

int
main(int argc, char **argv)
{
	static struct msg msgs[BENCH_MAX_MSGS];
	static struct msg *all[BENCH_MAX_MSGS], *fast[BENCH_MAX_MSGS],
	    *slow[BENCH_MAX_MSGS];
	struct command_parser *p;
	size_t n, i, nfast = 0, nslow = 0, bytes = 0;
	double secs = 2.0, ns;
	unsigned long long total;

	if (argc < 2) {
		fprintf(stderr, "usage: %s corpus.txt [seconds]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		secs = atof(argv[2]);
	n = bench_load(argv[1], msgs, BENCH_MAX_MSGS);
	if (n == 0) {
		fprintf(stderr, "%s: no messages\n", argv[1]);
		return 1;
	}
	if ((p = command_parser_new()) == NULL) {
		fprintf(stderr, "command_parser_new failed\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		all[i] = &msgs[i];
		bytes += msgs[i].len;
		if (bench_fast_path(msgs[i].text, msgs[i].len))
			fast[nfast++] = &msgs[i];
		else
			slow[nslow++] = &msgs[i];
	}
	printf("corpus: %zu messages, %zu bytes, %zu fast path, %zu NFKC\n",
	    n, bytes, nfast, nslow);
	(void)bench_run(p, all, n, 0.2, &ns, &total);	/* warm up */
	bench_report("mixed", p, all, n, secs);
	bench_report("fast path", p, fast, nfast, secs / 4);
	bench_report("NFKC", p, slow, nslow, secs / 4);
	command_parser_free(p);
	for (i = 0; i < n; i++)
		free(msgs[i].text);
	return bench_sink == 0;	/* keeps the work observable */
}
