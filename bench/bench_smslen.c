/*
 * Measures SMS length (encoding, units, segments) of the texts users are
 * sent, over and over on one thread for about two seconds of wall time,
 * and prints nanoseconds per text. Each reply and notice is measured when
 * it is queued and again when it is sent. The texts are the template
 * files' lines that are not comments ("#"), placeholders left as they
 * are: about as long as what they become.
 *
 *	bench_smslen templates/zh-CN/(each .txt)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/smslen.h"

#define BENCH_MAX_TEXTS 1024

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static char *texts[BENCH_MAX_TEXTS];
	size_t lens[BENCH_MAX_TEXTS], n = 0, i, segs = 0, ucs2 = 0;
	char line[4096];
	struct smslen r;
	double t0, t;
	long rounds = 0;
	int a;

	for (a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "r");

		if (f == NULL) {
			perror(argv[a]);
			return 1;
		}
		while (n < BENCH_MAX_TEXTS && fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '#' || line[0] == '\0')
				continue;
			if ((texts[n] = strdup(line)) == NULL)
				return 1;
			lens[n++] = strlen(line);
		}
		fclose(f);
	}
	if (n == 0) {
		fprintf(stderr, "usage: bench_smslen FILE...\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (smslen_measure(texts[i], lens[i], &r) == 0 &&
		    r.enc == SMSLEN_UCS2)
			ucs2++;
	t0 = bench_now();
	do {
		for (i = 0; i < n; i++)
			if (smslen_measure(texts[i], lens[i], &r) == 0)
				segs += r.segments;
		rounds++;
	} while ((t = bench_now() - t0) < 2.0);
	printf("smslen: %zu texts (%zu UCS-2), %.0f ns per text "
	    "(%zu segments counted)\n", n, ucs2, t * 1e9 / (double)(rounds *
	    (long)n), segs);
	for (i = 0; i < n; i++)
		free(texts[i]);
	return 0;
}
