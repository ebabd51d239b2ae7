/*
 * The daemon context the unit suites share: a temp dir, a configuration
 * with the manual clock, the templates and one outbox channel, the real
 * gw_new() and the demo roster. A suite may change f->cfg between
 * gwfix_config() and gwfix_start(), and stop and start again (a restart).
 */
#ifndef BX_GWFIX_H
#define BX_GWFIX_H

#include <stdint.h>

#include "gateway/config.h"

struct event_base;
struct gw;

struct gwfix {
	char *dir;
	char db[1024], outbox[1024];
	struct gw_config cfg;
	struct event_base *base;
	struct gw *g;
};

/* TZ Asia/Shanghai, a temp dir and the configuration (clock at t0). */
void gwfix_config(struct gwfix *, int64_t t0);
/* gw_new() on f->cfg; with roster, the demo roster is imported. */
void gwfix_start(struct gwfix *, int roster);
/* gwfix_config, the demo's signature (【后柳镇控辍保学】, whose nine
 * characters the SMS length tests count), gwfix_start with the demo
 * roster. */
void gwfix_demo(struct gwfix *, int64_t t0);
void gwfix_stop(struct gwfix *);
/* Stops what runs and removes the temp dir. */
void gwfix_free(struct gwfix *);
/* One SMS in its own transaction; asserts it was accepted. */
void gwfix_sms(struct gwfix *, const char *from, const char *text);
/* The manual clock set to t and what is due run; asserts it ran. */
void gwfix_at(struct gwfix *, int64_t t);

#endif
