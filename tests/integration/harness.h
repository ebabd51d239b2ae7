/* The integration harness; see harness.c. */
#ifndef BX_HARNESS_H
#define BX_HARNESS_H

#include <check.h>
#include <jansson.h>
#include <stddef.h>

#include "tests/integration/proc.h"
#include "tests/testutil.h"

#define SIG "【后柳镇控辍保学】"
#define TOKEN "in-secret"
#define ADMIN "admin-secret"

extern char *dir;
extern char conf[1024], db[1024], outbox[1024], logpath[1024];
extern struct proc daemon_p;
extern int conf_port;		/* listen port for write_conf; 0: any */
/*
 * A free loopback port for a program that must be told its port (Kannel,
 * a daemon restarted on the same one), below the kernel's range of
 * ephemeral ports: a client connecting to it while nothing listens
 * (between a kill and the restart) can otherwise be given it as its own
 * source port, and connect to itself, and the restart cannot bind. Never
 * the same one twice in a process.
 */
int fixed_port(void);

struct resp {
	long code;
	char body[4096];
	size_t len;
};

const char *env(const char *name);
/* The test config: manual clock from 2026-09-01T09:00+08:00 (or start),
 * port 0, outbox channel; extra is appended as more INI text. */
void write_conf(const char *clock_mode);
void write_conf_at(const char *clock_mode, const char *start,
    const char *extra);
/* Writes the config, imports the demo roster and starts baoxued. */
void start_daemon(const char *clock_mode);
/* The same with the config already written. */
void start_daemon_configured(void);
void setup_dirs(void);
void setup_manual(void);
/* Stops baoxued (asserting a clean exit, no sanitizer report), rm -r. */
void teardown(void);

/* One request; body NULL means GET. */
void http(const char *method, const char *path, const char *body,
    const char *bearer, const char *ctype, struct resp *r);
void post(const char *path, const char *body, struct resp *r);
/* POST with extra header lines ("Name: value"). */
void http_headers(const char *path, const char *body, const char **hdrs,
    int n, struct resp *r);
/* Waits until the outbox has n lines (the sender runs after the ack). */
void wait_outbox(int n);
json_t *outbox_line(int n);
const char *jstr(json_t *o, const char *k);
long long jint(const char *body, const char *k);
long long rows(const char *sql);
void wait_rows(const char *sql, long long n);
/* Recipients of outbox lines of kind whose text contains needle, sorted
 * and comma-joined. */
void outbox_recipients(const char *needle, const char *kind, char *out,
    size_t outsz);

/* x-www-form-urlencoded escaping of UTF-8 text. */
void form_escape(const char *in, char *out, size_t outsz);
/* POST /sms/inbound from a number with plain UTF-8 text; asserts 200. */
void sms_text(const char *from, const char *text);
/* Moves the daemon's manual clock to 2026-09-01T09:00+08:00 + hours. */
void clock_to(int hours);
/*
 * Brings the outbox up to date: moving the clock by nothing makes the
 * daemon run everything due before it answers, and the outbox channel
 * writes synchronously.
 */
void settle(void);

#endif
