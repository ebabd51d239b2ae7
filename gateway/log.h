/*
 * Logging to stderr: "2026-11-22T09:40:12Z INFO  message". log_warn adds
 * strerror(errno), log_warnx does not. fatal/fatalx log and exit(1): only
 * for start-up that cannot go on and broken invariants, never for input.
 * Message bodies are logged at debug level only; names and phones go
 * through mask.h first.
 */
#ifndef BX_LOG_H
#define BX_LOG_H

#include <stddef.h>

enum log_level { LOGL_ERROR, LOGL_WARN, LOGL_INFO, LOGL_DEBUG };

void log_set_level(enum log_level);
/*
 * The daemon buffers stderr (log_buffered, before the first line) and
 * holds info and debug lines while it handles a group of messages
 * (log_hold ... log_release): one write for the group instead of one per
 * line (measured: 3 % of the daemon's CPU at 4,000 msg/s), and only the
 * lines of what committed: log_cut drops the lines held since a mark
 * (log_mark) when what they tell is rolled back. Warnings and errors are
 * written at once (warnings are held too in a pass that would be done
 * again: log_hold_warnings); a kill -9 loses at most the held lines of the group
 * in hand, which was not acknowledged either. Held lines beyond 128 kB
 * are written early, and can no longer be cut.
 */
void log_buffered(void);
void log_hold(void);
/* While on (inside a hold), warnings are held too: for work that will be
 * done again, and say so again, should it fail. */
void log_hold_warnings(int on);
size_t log_mark(void);
void log_cut(size_t mark);
void log_release(void);
int log_level_parse(const char *);	/* enum log_level or -1 */
int log_debug_enabled(void);

void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
