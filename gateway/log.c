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
/* Only the loop holds lines (its transactions); a line of another thread
 * (the HTTP thread's, gateway/httpfront.c) is written at once, whole, by
 * one fwrite, which stdio locks. */
static _Thread_local int log_held;	/* info lines wait for log_release() */
static _Thread_local int log_held_warn;	/* ... and warnings too */
/* The held lines, the holding thread's. log_out counts those written
 * early (the buffer full), so that a mark stays a position in all that
 * was held. */
static char log_buf[128 * 1024];
static size_t log_len, log_out;

static const char *const log_names[] = { "ERROR", "WARN", "INFO", "DEBUG" };

void
log_buffered(void)
{
	static char buf[16384];

	(void)setvbuf(stderr, buf, _IOFBF, sizeof buf);
}

static void
log_flush_held(void)
{
	if (log_len > 0)
		(void)fwrite(log_buf, 1, log_len, stderr);
	log_out += log_len;
	log_len = 0;
	fflush(stderr);
}

void
log_hold(void)
{
	/* Holds do not nest: what an earlier one left is written. */
	if (log_held)
		log_flush_held();
	log_held = 1;
	log_len = log_out = 0;
}

size_t
log_mark(void)
{
	return log_out + log_len;
}

void
log_cut(size_t mark)
{
	/* What was written early stays written. */
	if (mark < log_out)
		mark = log_out;
	if (mark - log_out < log_len)
		log_len = mark - log_out;
}

void
log_hold_warnings(int on)
{
	log_held_warn = on;
}

void
log_release(void)
{
	log_flush_held();
	log_held = 0;
	log_held_warn = 0;
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

/*
 * Appends s to line[len..max), each control character escaped: a field
 * from outside (a provider's reference, a text at debug level) cannot
 * start a line of its own. Returns the new length; what does not fit is
 * cut.
 */
static int
log_escape(char *line, size_t len, size_t max, const char *s)
{
	const char *esc;
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" :
		    c == '\t' ? "\\t" : c < 0x20 || c == 0x7f ? "?" : NULL;
		if (esc == NULL) {
			if (len + 1 > max)
				break;
			line[len++] = (char)c;
		} else {
			if (len + strlen(esc) > max)
				break;
			memcpy(line + len, esc, strlen(esc));
			len += strlen(esc);
		}
	}
	return (int)len;
}

/*
 * "2026-11-24T05:58:14.437Z INFO  " into line (32 bytes at most): the
 * date and time to the second formatted once a second by each thread, as
 * gmtime_r and strftime were a fifth of a line's instructions, and the
 * daemon writes two or three lines a message (bench/instr.sh).
 */
static int
log_prefix(char *line, enum log_level l)
{
	static _Thread_local time_t sec = -1;
	static _Thread_local char ts[24];
	static _Thread_local size_t tslen;
	struct timeval tv;
	struct tm tm;
	size_t n, k;
	int ms;

	gettimeofday(&tv, NULL);
	if (tv.tv_sec != sec) {
		gmtime_r(&tv.tv_sec, &tm);
		tslen = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		sec = tv.tv_sec;
	}
	memcpy(line, ts, tslen);
	n = tslen;
	ms = (int)(tv.tv_usec / 1000);
	line[n++] = '.';
	line[n++] = (char)('0' + ms / 100);
	line[n++] = (char)('0' + ms / 10 % 10);
	line[n++] = (char)('0' + ms % 10);
	line[n++] = 'Z';
	line[n++] = ' ';
	k = strlen(log_names[l]);
	memcpy(line + n, log_names[l], k);
	for (n += k; k < 5; k++)
		line[n++] = ' ';
	line[n++] = ' ';
	return (int)n;
}

static void
log_vwrite(enum log_level l, const char *err, const char *fmt, va_list ap)
{
	char msg[1024], line[1400];
	int n;

	if (l > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = log_prefix(line, l);
	n = log_escape(line, (size_t)n, sizeof line - 1, msg);
	if (err) {
		n = log_escape(line, (size_t)n, sizeof line - 1, ": ");
		n = log_escape(line, (size_t)n, sizeof line - 1, err);
	}
	line[n++] = '\n';
	if (!log_held || l < (log_held_warn ? LOGL_WARN : LOGL_INFO)) {
		(void)fwrite(line, 1, (size_t)n, stderr);
		fflush(stderr);
		return;
	}
	if (log_len + (size_t)n > sizeof log_buf)
		log_flush_held();
	memcpy(log_buf + log_len, line, (size_t)n);
	log_len += (size_t)n;
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
