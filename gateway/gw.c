/* Building and tearing down the daemon context; see gw.h. */
#include "gateway/gw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/casework/casework.h"
#include "gateway/channels/channel.h"
#include "gateway/channels/modem_sess.h"
#include "gateway/curl_ev.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"
#include "gateway/scheduler.h"
#include "gateway/sender.h"
#include "gateway/xmalloc.h"
#include "parsers/command.h"
#include "parsers/phone.h"
#include "store/store.h"
#include "templates/render.h"

/* Whether a stored message is the whole a partial one is the rest of. */
struct gw_rest {
	const struct modem_event *e;
	int64_t id;
};

static int
gw_rest_cb(void *arg, int64_t id, const char *pid, const char *text)
{
	struct gw_rest *r = arg;

	if (!modem_sess_rest_of(r->e, pid, text))
		return 0;
	r->id = id;
	return 1;
}

/* A modem's inbound message: into the pipeline like any other. 0 once
 * committed (or refused for good), so that the modem deletes it. */
static int
gw_modem_inbound(void *arg, const char *channel, const struct modem_event *e)
{
	struct gw *g = arg;
	char from[PHONE_MAX], prefix[MODEM_ADDR_MAX + 2];
	struct gw_rest rest = { e, 0 };
	struct pipeline_in in;
	enum store_rc rc;
	int64_t id;

	if (phone_normalize(e->from, from, sizeof from) != 0) {
		/* An operator's alphanumeric sender: nobody to answer. */
		log_info("modem %s: message from a non-number sender dropped",
		    channel);
		return 0;
	}
	if (e->partial) {
		/* Parts of a whole already applied, left on the SIM by a
		 * crash or a reset between its deletes: deleted, not applied
		 * again. Among the sender's latest long SMS on this modem. */
		snprintf(prefix, sizeof prefix, "%s/", e->from);
		if ((rc = store_inbound_each_pid(g->store, channel, prefix, 64,
		    gw_rest_cb, &rest)) == STORE_ERR)
			return -1;
		if (rc == STORE_DUP) {
			log_info("modem %s: parts left on the SIM of message "
			    "%lld, applied before; deleted", channel,
			    (long long)rest.id);
			return 0;
		}
		log_warnx("modem %s: a multipart message from %s came "
		    "incomplete; processed with the parts received", channel,
		    e->provider_id);
	}
	in = (struct pipeline_in){ channel, e->provider_id, from, NULL, e->text,
	    strlen(e->text), NULL, 0 };
	return pipeline_inbound(g->pipeline, &in, &id) == PIPELINE_FAILED ?
	    -1 : 0;
}

static void
gw_modem_dlr(void *arg, const char *channel, const char *ref,
    const char *to, const char *status)
{
	struct gw *g = arg;
	char e164[PHONE_MAX];

	if (store_begin(g->store) != STORE_OK)
		return;
	/* A number we cannot read: the newest message with that MR. */
	if (store_outbound_dlr_ref(g->store, channel, ref,
	    phone_normalize(to, e164, sizeof e164) == 0 ? e164 : NULL, status,
	    clock_now(&g->clock)) == STORE_ERR ||
	    store_commit(g->store) != STORE_OK)
		store_rollback(g->store);
}

struct gw *
gw_new(struct event_base *base, const struct gw_config *cfg, char *err,
    size_t errsz)
{
	struct gw *g = xcalloc(1, sizeof *g);
	struct casework_cfg cwc = { cfg->signature, cfg->case_threshold,
	    cfg->case_special_threshold, &cfg->ladder, cfg->max_segments,
	    cfg->visits_remind_week, cfg->visits_special, cfg->cosign_days,
	    cfg->term_autumn, cfg->term_spring, cfg->answer_unregistered };
	struct sender_route routes[CONFIG_MAX_CHANNELS];
	struct sender_cfg scfg;
	size_t i;

	g->base = base;
	g->cfg = cfg;
	if (cfg->clock_manual)
		clock_init_manual(&g->clock, cfg->clock_start ?
		    cfg->clock_start : (int64_t)time(NULL));
	else
		clock_init_system(&g->clock);
	if ((g->store = store_open(cfg->database, err, errsz)) == NULL)
		goto fail;
	if ((g->catalog = catalog_load(cfg->templates, err, errsz)) == NULL)
		goto fail;
	if ((g->parser = command_parser_new()) == NULL) {
		snprintf(err, errsz, "cannot compile the command patterns");
		goto fail;
	}
	g->casework = casework_new(g->store, g->catalog, g->parser, &cwc, err,
	    errsz);
	if (g->casework == NULL)
		goto fail;
	g->curl = curl_ev_new(base);
	for (i = 0; i < cfg->nchannels; i++) {
		const struct config_channel *cc = &cfg->channels[i];

		if (cc->type == CHAN_TYPE_HTTP)
			g->channels[i] = httpprov_new(cc, g->curl,
			    cfg->signature, err, errsz);
		else if (cc->type == CHAN_TYPE_MODEM)
			g->channels[i] = modem_new(cc, base, gw_modem_inbound,
			    gw_modem_dlr, g, err, errsz);
		else
			g->channels[i] = outbox_new(cc->name, cc->path,
			    cc->console, store_instance(g->store), err, errsz);
		if (g->channels[i] == NULL)
			goto fail;
		routes[i].ch = g->channels[i];
		snprintf(routes[i].prefixes, sizeof routes[i].prefixes, "%s",
		    cc->prefixes);
		routes[i].rate = cc->rate;
		routes[i].merge = cc->merge != 0;	/* -1: default yes */
		routes[i].daily = cc->recipient_daily;
		routes[i].same_text = cc->same_text_window;
		g->nchannels++;
	}
	g->quiet.start = cfg->quiet_start;
	g->quiet.end = cfg->quiet_end;
	scfg.max_age = cfg->max_age;
	scfg.quiet = &g->quiet;
	scfg.signature = cfg->signature;
	scfg.max_segments = cfg->max_segments;
	g->sender = sender_new(base, g->store, &g->clock, &scfg, routes,
	    g->nchannels);
	g->scheduler = scheduler_new(base, g->store, &g->clock, g->casework,
	    g->sender, cfg->digest_weekday, cfg->digest_minute,
	    cfg->content_days);
	g->pipeline = pipeline_new(base, g->store, g->casework, &g->clock,
	    g->sender, g->scheduler, cfg->dedup_window, cfg->hmac_window);
	return g;
fail:
	gw_free(g);
	return NULL;
}

int
gw_run_due_sent(struct gw *g, int *sent)
{
	/* The ladder first: what it queues goes out in the same call, and
	 * so does the rest when a ladder step failed. */
	int r = scheduler_run(g->scheduler);

	*sent = sender_run(g->sender);
	return r < 0 ? -1 : 0;
}

int
gw_run_due(struct gw *g)
{
	int sent;

	return gw_run_due_sent(g, &sent) < 0 ? -1 : sent;
}

void
gw_stop(struct gw *g, void (*idle)(void *), void *arg)
{
	sender_stop(g->sender, idle, arg);
}

void
gw_free(struct gw *g)
{
	size_t i;

	if (g == NULL)
		return;
	pipeline_free(g->pipeline);
	scheduler_free(g->scheduler);
	sender_free(g->sender);
	for (i = 0; i < g->nchannels; i++)
		channel_free(g->channels[i]);
	curl_ev_free(g->curl);
	casework_free(g->casework);
	command_parser_free(g->parser);
	catalog_free(g->catalog);
	store_close(g->store);
	free(g);
}
