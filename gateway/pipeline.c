/* Inbound message → one transaction; see pipeline.h. */
#include "gateway/pipeline.h"

#include <stdlib.h>

#include "gateway/casework/casework.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/scheduler.h"
#include "gateway/sender.h"
#include "gateway/xmalloc.h"
#include "parsers/mask.h"
#include "store/store.h"

struct pipeline {
	struct store *store;
	struct casework *cw;
	const struct clock *clock;
	struct sender *sender;
	struct scheduler *scheduler;
	int dedup_window;
	int hmac_window;
};

struct pipeline *
pipeline_new(struct store *st, struct casework *cw, const struct clock *clk,
    struct sender *sender, struct scheduler *sched, int dedup_window,
    int hmac_window)
{
	struct pipeline *p = xcalloc(1, sizeof *p);

	p->store = st;
	p->cw = cw;
	p->clock = clk;
	p->sender = sender;
	p->scheduler = sched;
	p->dedup_window = dedup_window;
	p->hmac_window = hmac_window;
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	free(p);
}

enum pipeline_rc
pipeline_inbound(struct pipeline *p, const struct pipeline_in *in,
    int64_t *inbound_id)
{
	struct store_inbound rec = {
		in->channel, in->provider_id, in->from, in->to, in->text,
		clock_now(p->clock)
	};
	enum store_rc rc;
	char masked[32];

	*inbound_id = 0;
	if (store_begin(p->store) != STORE_OK)
		goto fail;
	if (in->signature) {
		rc = store_webhook_seen(p->store, in->signature,
		    rec.received_at, rec.received_at - 2 * p->hmac_window);
		if (rc == STORE_DUP) {
			store_rollback(p->store);
			log_warnx("inbound on %s refused: a replayed signature",
			    in->channel);
			return PIPELINE_REPLAY;
		}
		if (rc != STORE_OK)
			goto fail;
	}
	/* Gateways that give no id retry all the same: the same sender and
	 * text within the window is the same message. */
	if (in->provider_id == NULL && p->dedup_window > 0) {
		rc = store_inbound_recent(p->store, in->channel, in->from,
		    in->text, rec.received_at - p->dedup_window, inbound_id);
		if (rc == STORE_OK) {
			store_rollback(p->store);
			log_info("inbound duplicate of %lld on %s (same text "
			    "within %d s)", (long long)*inbound_id,
			    in->channel, p->dedup_window);
			return PIPELINE_DUPLICATE;
		}
		if (rc != STORE_NOTFOUND)
			goto fail;
	}
	rc = store_inbound_record(p->store, &rec, inbound_id);
	if (rc == STORE_DUP) {
		store_rollback(p->store);
		log_info("inbound duplicate of %lld on %s (provider id seen)",
		    (long long)*inbound_id, in->channel);
		return PIPELINE_DUPLICATE;
	}
	if (rc != STORE_OK)
		goto fail;
	mask_phone(in->from, masked, sizeof masked);
	log_info("inbound %lld on %s from %s, %zu bytes",
	    (long long)*inbound_id, in->channel, masked, in->textlen);
	log_debug("inbound %lld text: %.*s", (long long)*inbound_id,
	    (int)in->textlen, in->text);
	if (casework_inbound(p->cw, *inbound_id, in->from, in->text,
	    in->textlen, rec.received_at) != 0)
		goto fail;
	if (store_commit(p->store) != STORE_OK)
		goto fail;
	if (p->sender)
		sender_wake(p->sender);
	if (p->scheduler)
		scheduler_wake(p->scheduler);
	return PIPELINE_ACCEPTED;
fail:
	log_warnx("inbound on %s not stored: %s", in->channel,
	    store_errmsg(p->store));
	store_rollback(p->store);
	*inbound_id = 0;
	return PIPELINE_FAILED;
}
