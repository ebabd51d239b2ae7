/* The outbound queue drain; see sender.h. */
#include "gateway/sender.h"

#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/channels/channel.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/quiet.h"
#include "gateway/xmalloc.h"
#include "parsers/mask.h"
#include "parsers/smslen.h"
#include "store/store.h"

struct sender {
	struct event_base *base;
	struct store *store;
	const struct clock *clock;
	const struct quiet *quiet;
	struct channel **chans;
	size_t nchans;
	struct event *wake;	/* zero-delay, and the next-due timer */
	int running;
};

static void
sender_result_cb(void *arg, int64_t id, enum chan_result r, const char *ref,
    const char *err)
{
	struct sender *s = arg;
	int64_t now = clock_now(s->clock);
	enum store_rc rc = STORE_OK;

	if (store_begin(s->store) != STORE_OK) {
		log_warnx("sender: outbound %lld: begin: %s", (long long)id,
		    store_errmsg(s->store));
		return;
	}
	switch (r) {
	case CHAN_SENT:
		rc = store_outbound_sent(s->store, id, now, ref);
		log_info("outbound %lld sent (%s)", (long long)id,
		    ref ? ref : "-");
		break;
	case CHAN_RETRY:
	case CHAN_FAILED:
		rc = r == CHAN_FAILED ?
		    store_outbound_failed(s->store, id, err ? err : "rejected") :
		    store_outbound_retry(s->store, id, now,
		    err ? err : "temporary failure");
		log_warnx("outbound %lld %s: %s", (long long)id,
		    r == CHAN_FAILED ? "failed" : "will be retried",
		    err ? err : "-");
		break;
	}
	if (rc == STORE_ERR || rc == STORE_BUSY ||
	    store_commit(s->store) != STORE_OK) {
		log_warnx("sender: outbound %lld: %s", (long long)id,
		    store_errmsg(s->store));
		store_rollback(s->store);
	}
	if (r != CHAN_SENT)
		sender_wake(s);
}

static struct channel *
sender_pick(struct sender *s)
{
	size_t i;

	for (i = 0; i < s->nchans; i++)
		if (s->chans[i]->ops->ready(s->chans[i]))
			return s->chans[i];
	return NULL;
}

/* Claims one due message for ch; 1 claimed, 0 none, -1 error. */
static int
sender_claim(struct sender *s, struct channel *ch, int64_t now,
    struct store_outbound *m)
{
	enum store_rc rc;

	if (store_begin(s->store) != STORE_OK)
		return -1;
	rc = store_outbound_claim(s->store, now, ch->name,
	    s->quiet && quiet_is(s->quiet, now), m);
	if (rc == STORE_OK && now - m->created_at > SENDER_MAX_AGE) {
		rc = store_outbound_failed(s->store, m->id, "expired");
		log_warnx("outbound %lld failed: not accepted within %d h",
		    (long long)m->id, SENDER_MAX_AGE / 3600);
		if (rc == STORE_OK && store_commit(s->store) == STORE_OK)
			return sender_claim(s, ch, now, m);
		store_rollback(s->store);
		return -1;
	}
	if (rc == STORE_NOTFOUND) {
		store_rollback(s->store);
		return 0;
	}
	if (rc != STORE_OK || store_commit(s->store) != STORE_OK) {
		log_warnx("sender: claim: %s", store_errmsg(s->store));
		store_rollback(s->store);
		return -1;
	}
	return 1;
}

/* One timer for the next message due (system clock only). */
static void
sender_arm(struct sender *s)
{
	struct timeval tv = { 0, 0 };
	int64_t now = clock_now(s->clock), due = INT64_MAX, d;

	if (s->clock->manual)
		return;
	if (s->quiet && quiet_is(s->quiet, now)) {
		/* Replies go now; the rest waits for the morning. */
		if (store_outbound_next_due(s->store, 1, &d) == STORE_OK)
			due = d;
		if (store_outbound_next_due(s->store, 0, &d) == STORE_OK &&
		    (d = quiet_until(s->quiet, now > d ? now : d)) < due)
			due = d;
	} else if (store_outbound_next_due(s->store, 0, &d) == STORE_OK) {
		due = d;
	}
	if (due == INT64_MAX)
		return;
	tv.tv_sec = due > now ? (time_t)(due - now) : 0;
	evtimer_add(s->wake, &tv);
}

int
sender_run(struct sender *s)
{
	struct store_outbound *m;
	struct channel *ch;
	struct smslen len;
	struct chan_msg cm;
	char masked[32];
	int n = 0, r;

	if (s->running)
		return 0;
	s->running = 1;
	m = xcalloc(1, sizeof *m);
	while ((ch = sender_pick(s)) != NULL) {
		int64_t now = clock_now(s->clock);

		if ((r = sender_claim(s, ch, now, m)) <= 0)
			break;
		if (smslen_measure(m->text, strlen(m->text), &len) != 0)
			len.segments = 0;
		cm = (struct chan_msg){ m->id, m->to, m->text, m->kind,
		    (int)len.segments, now };
		mask_phone(m->to, masked, sizeof masked);
		log_debug("outbound %lld %s to %s via %s, %zu segment(s), "
		    "attempt %d", (long long)m->id, m->kind, masked, ch->name,
		    len.segments, m->attempts);
		if (ch->ops->send(ch, &cm) != 0) {
			if (store_begin(s->store) == STORE_OK &&
			    store_outbound_retry(s->store, m->id, now,
			    "channel refused") >= 0 &&
			    store_commit(s->store) == STORE_OK)
				continue;
			store_rollback(s->store);
			break;
		}
		n++;
	}
	free(m);
	s->running = 0;
	sender_arm(s);
	return n;
}

static void
sender_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sender_run(arg);
}

void
sender_wake(struct sender *s)
{
	struct timeval tv = { 0, 0 };

	evtimer_add(s->wake, &tv);
}

struct sender *
sender_new(struct event_base *base, struct store *st, const struct clock *clk,
    const struct quiet *quiet, struct channel **chans, size_t n)
{
	struct sender *s = xcalloc(1, sizeof *s);
	size_t i;
	int requeued = 0;

	s->base = base;
	s->store = st;
	s->clock = clk;
	s->quiet = quiet;
	s->chans = chans;
	s->nchans = n;
	if ((s->wake = evtimer_new(base, sender_wake_cb, s)) == NULL)
		fatalx("sender: evtimer_new");
	for (i = 0; i < n; i++) {
		chans[i]->result_cb = sender_result_cb;
		chans[i]->result_arg = s;
	}
	if (store_outbound_requeue_sending(st, &requeued) != STORE_OK)
		log_warnx("sender: requeue: %s", store_errmsg(st));
	else if (requeued)
		log_warnx("sender: %d message(s) were being sent at the last "
		    "stop; queued again", requeued);
	return s;
}

void
sender_free(struct sender *s)
{
	if (s == NULL)
		return;
	event_free(s->wake);
	free(s);
}
