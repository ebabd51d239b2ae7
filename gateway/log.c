/* stderr logging with level and UTC timestamp; see log.h. */
#include "gateway/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static enum log_level log_level = LOGL_INFO;
static int log_held;		/* info lines wait for log_release() */

static const char *const log_names[] = { "ERROR", "WARN", "INFO", "DEBUG" };

void
log_buffered(void)
{
	static char buf[16384];

	(void)setvbuf(stderr, buf, _IOFBF, sizeof buf);
}

void
log_hold(void)
{
	log_held = 1;
}

void
log_release(void)
{
	log_held = 0;
	fflush(stderr);
}

void
log_set_level(enum log_level l)
{
	log_level = l;
}

int
log_level_parse(const char *s)
{
	int i;

	for (i = 0; i <= LOGL_DEBUG; i++)
		if (strcasecmp(s, log_names[i]) == 0)
			return i;
	return -1;
}

int
log_debug_enabled(void)
{
	return log_level >= LOGL_DEBUG;
}

static void
log_vwrite(enum log_level l, const char *err, const char *fmt, va_list ap)
{
	char ts[32], msg[1024];
	struct timeval tv;
	struct tm tm;

	if (l > log_level)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err)
		fprintf(stderr, "%s.%03dZ %-5s %s: %s\n", ts,
		    (int)(tv.tv_usec / 1000), log_names[l], msg, err);
	else
		fprintf(stderr, "%s.%03dZ %-5s %s\n", ts,
		    (int)(tv.tv_usec / 1000), log_names[l], msg);
	if (!log_held || l < LOGL_INFO)
		fflush(stderr);
}

#define LOG_FN(fn, level, witherr)					\
void									\
fn(const char *fmt, ...)						\
{									\
	const char *e = (witherr) ? strerror(errno) : NULL;		\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vwrite(level, e, fmt, ap);					\
	va_end(ap);							\
}

LOG_FN(log_warn, LOGL_WARN, 1)
LOG_FN(log_warnx, LOGL_WARN, 0)
LOG_FN(log_info, LOGL_INFO, 0)
LOG_FN(log_debug, LOGL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	const char *e = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOGL_ERROR, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOGL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
