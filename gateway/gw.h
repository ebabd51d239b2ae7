/*
 * struct gw: the one daemon context, built from the configuration by
 * gw_new() (store, catalog, parser, casework, channels, sender, pipeline)
 * and handed explicitly to whoever needs it. No module keeps a global copy.
 */
#ifndef BX_GW_H
#define BX_GW_H

#include <stddef.h>

#include "gateway/clock.h"
#include "gateway/config.h"
#include "gateway/quiet.h"

struct event_base;
struct store;
struct catalog;
struct command_parser;
struct casework;
struct channel;
struct sender;
struct scheduler;
struct pipeline;
struct http;
struct curl_ev;

struct gw {
	struct event_base *base;
	const struct gw_config *cfg;
	struct clock clock;
	struct store *store;
	struct catalog *catalog;
	struct command_parser *parser;
	struct casework *casework;
	struct curl_ev *curl;
	struct channel *channels[CONFIG_MAX_CHANNELS];
	size_t nchannels;
	struct quiet quiet;
	struct sender *sender;
	struct scheduler *scheduler;
	struct pipeline *pipeline;
};

/* NULL with err set if anything cannot be opened or checked. */
struct gw *gw_new(struct event_base *, const struct gw_config *, char *err,
    size_t errsz);
void gw_free(struct gw *);
/* As the daemon stops: idle(arg) once no outbound message is in flight
 * (sender_stop). */
void gw_stop(struct gw *, void (*idle)(void *), void *arg);
/* After the clock moved: run all work that became due. Returns sent count,
 * or -1 when a step of the ladder failed (the rest ran all the same). */
int gw_run_due(struct gw *);
/* The same, the two apart: *sent SMS sent; 0, or -1 when a step of the
 * ladder failed. */
int gw_run_due_sent(struct gw *, int *sent);

#endif
