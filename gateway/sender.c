/* The outbound queue drain; see sender.h. */
#include "gateway/sender.h"

#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/channels/channel.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "parsers/phone.h"
#include "gateway/quiet.h"
#include "gateway/xmalloc.h"
#include "parsers/fnv.h"
#include "parsers/mask.h"
#include "parsers/smslen.h"
#include "store/store.h"

#define SENDER_MAX_ROUTES 8
#define SENDER_DOWN_AFTER 3		/* failures in a row */
#define SENDER_DOWN_MIN 30
#define SENDER_DOWN_MAX 600
#define SENDER_NO_ROUTE_WAIT 30
/* During quiet hours a reply goes only this fresh (seconds). */
#define SENDER_NIGHT_REPLY_S (15 * 60)

struct sender_chan {
	struct sender_route r;
	int fails;			/* temporary failures in a row */
	int64_t down_until;		/* clock time; 0 when up */
	double tokens;			/* rate limit bucket */
	int reserved;			/* claimed in this batch, not yet sent */
	struct timespec refilled;
};

/* A message handed to a channel whose result has not come back. */
struct sender_flight {
	int64_t id;
	int64_t created_at;
	int attempts;
	int chan;
	/* For the per-number limits: a message in flight counts as sent. */
	char to[sizeof ((struct store_outbound *)0)->to];
	uint64_t text_hash;		/* sender_text_hash */
};

#define SENDER_BATCH 32		/* messages claimed per transaction */
#define SENDER_MERGE_MAX 8	/* messages joined to one */

/* A claimed message, its channel and its final (maybe merged) text. */
struct sender_go {
	struct store_outbound m;
	int chan;
	char text[STORE_TEXT_MAX];
};

/* A result not yet written (sender_flush). */
struct sender_result {
	struct sender_flight flight;
	enum chan_result r;
	int expired;			/* RETRY past max_age: failed */
	int64_t at, due;
	char ref[STORE_REF_MAX];
	char err[128];
};

/* A claimed message to put back, not yet written (sender_unclaim). */
struct sender_back {
	int64_t id, created_at, due;
};

struct sender {
	struct store *store;
	const struct clock *clock;
	struct sender_cfg cfg;
	struct sender_chan chans[SENDER_MAX_ROUTES];
	size_t nchans;
	struct sender_flight *flights;
	size_t nflights, capflights;
	struct sender_result *results;
	size_t nresults, capresults;
	struct sender_back *backs;	/* put-backs whose write failed */
	size_t nbacks, capbacks;
	struct sender_go *go;		/* SENDER_BATCH, reused each pass */
	/* A claim committed by a pass from the loop, not yet on disk: the
	 * first nheld of go wait for store_synced to reach held_ticket. */
	size_t nheld;
	uint64_t held_ticket;
	struct event *wake;
	unsigned int seed;		/* jitter */
	int running;
	int again;			/* more to expire: run again at once */
	size_t claims;			/* claim transactions begun */
	int stopping;			/* sender_stop: no more claims */
	void (*idle)(void *);		/* ... then this, once */
	void *idle_arg;
};

int64_t
sender_backoff(int attempts, double r)
{
	int64_t d = 30;

	while (--attempts > 0 && d < 3600)
		d *= 2;
	if (d > 3600)
		d = 3600;
	return d + (int64_t)((double)d * 0.2 * r);
}

static double
sender_mono(const struct timespec *a)
{
	return (double)a->tv_sec + (double)a->tv_nsec / 1e9;
}

/* Token bucket: may ch send one more message now? */
static int
sender_rate_ok(struct sender_chan *c)
{
	struct timespec now;

	if (c->r.rate <= 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	c->tokens += (sender_mono(&now) - sender_mono(&c->refilled)) *
	    c->r.rate;
	if (c->tokens > c->r.rate)
		c->tokens = c->r.rate;
	c->refilled = now;
	return c->tokens >= 1.0;
}

static int
sender_prefix_ok(const struct sender_chan *c, const char *to)
{
	return c->r.prefixes[0] == '\0' || phone_prefixed(c->r.prefixes, to);
}

/*
 * When a channel that serves to is next up: 0 if one is up now (busy or
 * free) or none serves it, else the earliest end of their time down.
 */
static int64_t
sender_up_at(const struct sender *s, const char *to, int64_t now)
{
	int64_t up = INT64_MAX;
	size_t i;

	for (i = 0; i < s->nchans; i++) {
		const struct sender_chan *c = &s->chans[i];

		if (!sender_prefix_ok(c, to))
			continue;
		if (c->down_until <= now)
			return 0;
		if (c->down_until < up)
			up = c->down_until;
	}
	return up == INT64_MAX ? 0 : up;
}

/*
 * The channel for a message: the first in configuration order that serves
 * its prefix and is up and ready; -1 if none. *serves says whether one
 * serves it at all (so the message waits rather than fails), *up_at
 * when one is next up if all that do are down (sender_up_at).
 */
static int
sender_route(struct sender *s, const char *to, int64_t now, int *serves,
    int64_t *up_at)
{
	char last[32];
	size_t i;

	*serves = 0;
	*up_at = sender_up_at(s, to, now);
	/* A person who texts one of our modems hears back from it (a number
	 * they know), when it serves them and can send now. */
	if (s->nchans > 1 && store_inbound_last_channel(s->store, to, last,
	    sizeof last) == STORE_OK)
		for (i = 0; i < s->nchans; i++) {
			struct sender_chan *c = &s->chans[i];

			if (strcmp(c->r.ch->name, last) != 0 ||
			    !sender_prefix_ok(c, to))
				continue;
			*serves = 1;
			if (c->down_until <= now &&
			    c->r.ch->ops->ready(c->r.ch) > c->reserved &&
			    sender_rate_ok(c))
				return (int)i;
		}
	for (i = 0; i < s->nchans; i++) {
		struct sender_chan *c = &s->chans[i];

		if (!sender_prefix_ok(c, to))
			continue;
		*serves = 1;
		if (c->down_until > now)
			continue;
		if (c->r.ch->ops->ready(c->r.ch) > c->reserved &&
		    sender_rate_ok(c))
			return (int)i;
	}
	return -1;
}

static struct sender_flight *
sender_flight_find(struct sender *s, int64_t id, size_t *at)
{
	size_t i;

	for (i = 0; i < s->nflights; i++)
		if (s->flights[i].id == id) {
			*at = i;
			return &s->flights[i];
		}
	return NULL;
}

/*
 * A channel's verdict, kept in memory until sender_flush records it: the
 * results of a pass are written in one transaction (one fsync, not one per
 * message), and a result whose write failed is kept and written later
 * rather than forgotten with its row left 'sending'.
 */
static void
sender_result_cb(void *arg, int64_t id, enum chan_result r, const char *ref,
    const char *err)
{
	struct sender_chan *c = arg;
	struct sender *s = (struct sender *)c->r.ch->result_arg2;
	struct sender_flight *f;
	struct sender_result *res;
	int64_t now = clock_now(s->clock);
	size_t at;

	if ((f = sender_flight_find(s, id, &at)) == NULL) {
		log_warnx("sender: result for outbound %lld, which is not in "
		    "flight; ignored", (long long)id);
		return;
	}
	if (s->nresults == s->capresults) {
		s->capresults = s->capresults ? s->capresults * 2 : 16;
		s->results = realloc(s->results, s->capresults *
		    sizeof *s->results);
		if (s->results == NULL)
			fatal("sender: realloc");
	}
	res = &s->results[s->nresults++];
	*res = (struct sender_result){ .flight = *f, .r = r, .at = now };
	s->flights[at] = s->flights[--s->nflights];
	snprintf(res->ref, sizeof res->ref, "%s", ref ? ref : "");
	snprintf(res->err, sizeof res->err, "%s", err ? err : "");
	/* The channel's health is memory, not the database: decided now. */
	if (r == CHAN_SENT) {
		c->fails = 0;
		c->down_until = 0;
	} else if (r == CHAN_RETRY && ++c->fails >= SENDER_DOWN_AFTER) {
		int64_t d = SENDER_DOWN_MIN;
		int k;

		for (k = SENDER_DOWN_AFTER; k < c->fails && d < SENDER_DOWN_MAX;
		    k++)
			d *= 2;
		c->down_until = now + (d < SENDER_DOWN_MAX ? d :
		    SENDER_DOWN_MAX);
		log_warnx("channel %s: %d failures in a row, skipped for %lld "
		    "s", c->r.ch->name, c->fails,
		    (long long)(c->down_until - now));
	}
	if (r == CHAN_RETRY) {
		res->due = now + sender_backoff(f->attempts,
		    (double)rand_r(&s->seed) / ((double)RAND_MAX + 1));
		if (res->due - f->created_at > s->cfg.max_age)
			res->r = CHAN_FAILED, res->expired = 1;
	}
	if (!s->running)
		sender_wake(s);
}

/*
 * A channel's error as the log says it: what the channel made of it
 * ("HTTP 400", a libcurl error), not the provider's words after the
 * first ':', which may quote the number or the text; those only at
 * debug (and in the queue's row: baoxuectl sms --full).
 */
static const char *
sender_logged(const char *err, char *buf, size_t sz)
{
	if (err == NULL || err[0] == '\0')
		return "-";
	if (log_debug_enabled())
		return err;
	snprintf(buf, sz, "%.*s", (int)strcspn(err, ":"), err);
	return buf;
}

/* Writes one result inside the caller's transaction. */
static enum store_rc
sender_record(struct sender *s, const struct sender_result *res)
{
	const char *name = s->chans[res->flight.chan].r.ch->name;
	const char *ref = res->ref[0] ? res->ref : NULL;
	const char *err = res->err[0] ? res->err : NULL;
	int64_t id = res->flight.id;
	char said[64];
	enum store_rc rc;

	switch (res->r) {
	case CHAN_SENT:
		if ((rc = store_outbound_sent(s->store, id, res->at, ref,
		    name)) == STORE_NOTFOUND)
			return rc;
		if (rc == STORE_OK)
			rc = store_outbound_merged_result(s->store, id, 1,
			    res->at, ref, name);
		log_info("outbound %lld sent via %s (%s)", (long long)id, name,
		    ref ? ref : "-");
		return rc;
	case CHAN_RETRY:
		if ((rc = store_outbound_retry(s->store, id, res->due,
		    err ? err : "temporary failure")) == STORE_NOTFOUND)
			return rc;
		/* Merged messages wait again on their own. */
		if (rc == STORE_OK)
			rc = store_outbound_merged_result(s->store, id, 0,
			    res->due, NULL, NULL);
		log_warnx("outbound %lld via %s will be retried in %lld s: %s",
		    (long long)id, name, (long long)(res->due - res->at),
		    sender_logged(err, said, sizeof said));
		return rc;
	case CHAN_FAILED:
	default:
		if (res->expired) {
			err = "not accepted in time";
			log_warnx("outbound %lld failed: not accepted within "
			    "%lld h (%s)", (long long)id,
			    (long long)(s->cfg.max_age / 3600),
			    sender_logged(res->err, said, sizeof said));
		} else
			log_warnx("outbound %lld rejected by %s: %s",
			    (long long)id, name,
			    sender_logged(err, said, sizeof said));
		rc = store_outbound_failed(s->store, id, err ? err : "rejected");
		/* What was merged into it is not lost with it. */
		if (rc == STORE_OK)
			rc = store_outbound_merged_failed(s->store, id,
			    res->at - s->cfg.max_age, res->at, err);
		return rc;
	}
}

/* Records the results held in memory in one transaction; 0 or -1 (they
 * are kept and tried again at the next wake). */
static int
sender_flush(struct sender *s)
{
	enum store_rc rc;
	uint64_t ticket;
	size_t i;

	if (s->nresults == 0)
		return 0;
	if (store_begin(s->store) != STORE_OK)
		goto fail;
	for (i = 0; i < s->nresults; i++) {
		rc = sender_record(s, &s->results[i]);
		/*
		 * The row is no longer ours (changed by hand while in
		 * flight, or by another process): its result is said, not
		 * written, and the rest are. Kept, it would fail every
		 * flush from now on, and every message sent meanwhile would
		 * stay "sending", to be sent again at the next start.
		 */
		if (rc == STORE_NOTFOUND) {
			log_warnx("outbound %lld: its result (%s) not recorded: "
			    "the message is no longer marked as being sent",
			    (long long)s->results[i].flight.id,
			    s->results[i].r == CHAN_SENT ? "sent" :
			    s->results[i].r == CHAN_RETRY ? "to retry" :
			    "failed");
			continue;
		}
		if (rc != STORE_OK)
			goto fail;
	}
	/*
	 * Not waited for on disk: nothing is told outside on the strength
	 * of it, and a crash before the sync thread's next fdatasync (a
	 * millisecond or two) leaves these messages "sending", to go again
	 * at the next start, as a crash just before this commit would.
	 */
	if (store_commit_deferred(s->store, &ticket) != STORE_OK)
		goto fail;
	s->nresults = 0;
	return 0;
fail:
	log_warnx("sender: recording %zu result(s): %s; kept, tried again "
	    "shortly", s->nresults, store_errmsg(s->store));
	store_rollback(s->store);
	return -1;
}

/*
 * A claimed message no channel took within max_age of being queued
 * fails, inside the caller's transaction; what was merged into it and is
 * younger than max_age at "at" goes again on its own.
 */
static enum store_rc
sender_expire(struct sender *s, int64_t id, int64_t at)
{
	enum store_rc rc;

	log_warnx("outbound %lld failed: no channel took it within %lld h",
	    (long long)id, (long long)(s->cfg.max_age / 3600));
	if ((rc = store_outbound_failed(s->store, id,
	    "not accepted in time")) != STORE_OK)
		return rc;
	return store_outbound_merged_failed(s->store, id, at - s->cfg.max_age,
	    at, "not accepted in time");
}

/*
 * Puts the claimed messages held in backs back, not counting the
 * attempt, with whatever was merged into them: one transaction. 0, or
 * -1 with them kept: they are tried again at the next pass, as results
 * are, rather than left 'sending' until the next start.
 */
static int
sender_putback(struct sender *s)
{
	const struct sender_back *b;
	size_t i;

	if (s->nbacks == 0)
		return 0;
	if (store_begin(s->store) != STORE_OK)
		goto fail;
	for (i = 0; i < s->nbacks; i++) {
		b = &s->backs[i];
		/* A channel that keeps refusing it (too long for a modem,
		 * say) must not keep it forever: max_age holds here too. */
		if (b->due - b->created_at > s->cfg.max_age) {
			if (sender_expire(s, b->id, b->due) != STORE_OK)
				goto fail;
			continue;
		}
		if (store_outbound_defer(s->store, b->id, b->due) !=
		    STORE_OK || store_outbound_merged_result(s->store, b->id,
		    0, b->due, NULL, NULL) != STORE_OK)
			goto fail;
	}
	if (store_commit(s->store) != STORE_OK)
		goto fail;
	s->nbacks = 0;
	return 0;
fail:
	log_warnx("sender: putting back %zu message(s): %s; kept, tried "
	    "again shortly", s->nbacks, store_errmsg(s->store));
	store_rollback(s->store);
	return -1;
}

/* Claimed messages no channel took: back in the queue, due then. */
static void
sender_unclaim(struct sender *s, const struct sender_go *go, size_t n,
    int64_t due)
{
	size_t i;

	if (s->nbacks + n > s->capbacks) {
		s->capbacks = s->nbacks + n > 2 * s->capbacks ?
		    s->nbacks + n : 2 * s->capbacks;
		s->backs = realloc(s->backs, s->capbacks * sizeof *s->backs);
		if (s->backs == NULL)
			fatal("sender: realloc");
	}
	for (i = 0; i < n; i++)
		s->backs[s->nbacks++] = (struct sender_back){ go[i].m.id,
		    go[i].m.created_at, due };
	(void)sender_putback(s);
}

/* One timer for the next message due (system clock only). */
static void
sender_arm(struct sender *s)
{
	struct timeval tv = { 0, 0 };
	int64_t now = clock_now(s->clock), due = INT64_MAX, d;

	if (s->nresults > 0 || s->nbacks > 0) {
		/* Results or put-backs whose write failed: again in a second. */
		tv.tv_sec = 1;
		evtimer_add(s->wake, &tv);
		return;
	}
	if (s->clock->manual)
		return;
	if (s->cfg.quiet && quiet_is(s->cfg.quiet, now)) {
		/* Replies go now; the rest waits for the morning. */
		if (store_outbound_next_due(s->store, 1, &d) == STORE_OK)
			due = d;
		if (store_outbound_next_due(s->store, 0, &d) == STORE_OK &&
		    (d = quiet_until(s->cfg.quiet, now > d ? now : d)) < due)
			due = d;
	} else if (store_outbound_next_due(s->store, 0, &d) == STORE_OK) {
		due = d;
	}
	if (due == INT64_MAX)
		return;
	tv.tv_sec = due > now ? (time_t)(due - now) : 0;
	if (due <= now) {
		/* Due now but nothing could go (rate, in flight): soon. */
		tv.tv_usec = 100000;
	}
	evtimer_add(s->wake, &tv);
}

/* Texts in flight told apart without keeping them. */
static uint64_t
sender_text_hash(const char *t)
{
	return fnv1a64(FNV1A64_INIT, t, strlen(t));
}

/*
 * Per-number limits of the channel: 0 if m may go now, else the time it
 * may. At the daily cap everything waits; near it (four fifths) notices
 * and digests wait so that replies and escalations still get through.
 * A message in flight counts as sent: a provider's answer takes a while,
 * and the same text sent again meanwhile would reach the phone twice.
 */
static int64_t
sender_limited(struct sender *s, const struct sender_chan *c,
    const struct store_outbound *m, int64_t now)
{
	int64_t n, oldest, until = 0, flying = 0;
	uint64_t hash = c->r.same_text > 0 ? sender_text_hash(m->text) : 0;
	int same = 0;
	size_t i;

	for (i = 0; i < s->nflights; i++) {
		const struct sender_flight *f = &s->flights[i];

		if (&s->chans[f->chan] != c || strcmp(f->to, m->to) != 0)
			continue;
		flying++;
		if (c->r.same_text > 0 && f->text_hash == hash)
			same = 1;
	}
	if (c->r.daily > 0 && store_outbound_sent_to(s->store, m->to,
	    c->r.ch->name, now - 86400, NULL, &n, &oldest) == STORE_OK &&
	    (n + flying >= c->r.daily || (m->priority >= 2 &&
	    (n + flying) * 5 >= (int64_t)c->r.daily * 4)))
		until = n > 0 ? oldest + 86400 : now + SENDER_NO_ROUTE_WAIT;
	if (c->r.same_text > 0 && store_outbound_sent_to(s->store, m->to,
	    c->r.ch->name, now - c->r.same_text, m->text, &n, &oldest) ==
	    STORE_OK && n > 0 && oldest + c->r.same_text > until)
		until = oldest + c->r.same_text;
	/* Looked at again once the one in flight is recorded. */
	if (same && until < now + SENDER_NO_ROUTE_WAIT)
		until = now + SENDER_NO_ROUTE_WAIT;
	return until > now ? until : 0;
}

/* joined gets text and then body, without its signature, on a line of
 * its own; 0, or -1 if that does not fit in textsz. */
static int
sender_join(const struct sender *s, char *joined, const char *text,
    const char *body, size_t textsz)
{
	size_t sl = s->cfg.signature ? strlen(s->cfg.signature) : 0;

	if (sl && !strncmp(body, s->cfg.signature, sl))
		body += sl;
	return (size_t)snprintf(joined, textsz, "%s\n%s", text, body) <
	    textsz ? 0 : -1;
}

/*
 * Other notices to the same number that are due now join m as one SMS,
 * as long as it stays within max_segments; text gets the joined text.
 * Runs inside the caller's transaction; 0 or -1.
 */
static int
sender_merge(struct sender *s, struct store_outbound *m, int64_t now,
    char *text, size_t textsz)
{
	struct store_outbound *others = xcalloc(SENDER_MERGE_MAX,
	    sizeof *others);
	char *joined = xcalloc(1, textsz);
	struct smslen len;
	size_t n = 0, i;
	int rc = -1;

	snprintf(text, textsz, "%s", m->text);
	if (store_outbound_mergeable(s->store, now, m->to, m->id, others,
	    SENDER_MERGE_MAX, &n) != STORE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if (sender_join(s, joined, text, others[i].text, textsz) != 0 ||
		    smslen_measure(joined, strlen(joined), &len) != 0 ||
		    len.segments > (size_t)s->cfg.max_segments)
			continue;
		if (store_outbound_absorb(s->store, others[i].id, m->id) !=
		    STORE_OK)
			goto fail;
		snprintf(text, textsz, "%s", joined);
		log_debug("outbound %lld joins %lld in one SMS",
		    (long long)others[i].id, (long long)m->id);
	}
	rc = 0;
fail:
	free(joined);
	free(others);
	return rc;
}

/*
 * A message offered before goes again as it was, with what is still
 * merged into it (after a crash: the outbox, and a provider that knows
 * its ids, must see the same SMS) and nothing new: joining a notice to
 * an SMS already on the phone would count it as sent with it. text gets
 * the text; 0 or -1.
 */
static int
sender_as_before(struct sender *s, const struct store_outbound *m,
    char *text, size_t textsz)
{
	struct store_outbound *others = xcalloc(SENDER_MERGE_MAX,
	    sizeof *others);
	char *joined = xcalloc(1, textsz);
	size_t n = 0, i;
	int rc = -1;

	snprintf(text, textsz, "%s", m->text);
	if (store_outbound_carried(s->store, m->id, others, SENDER_MERGE_MAX,
	    &n) != STORE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		/* It fitted when it was joined (merging takes no more
		 * than SENDER_MERGE_MAX); should it not now (the signature
		 * changed), it goes alone. */
		if (sender_join(s, joined, text, others[i].text, textsz) != 0) {
			if (store_outbound_unabsorb(s->store, others[i].id) !=
			    STORE_OK)
				goto fail;
			continue;
		}
		snprintf(text, textsz, "%s", joined);
	}
	rc = 0;
fail:
	free(joined);
	free(others);
	return rc;
}

/*
 * Claims up to SENDER_BATCH due messages in one transaction, each with its
 * channel and final text; those that must wait are put back in the same
 * transaction. *last is 1 when nothing more is due (or nothing can go).
 * Returns 0 or -1.
 */
static int
sender_claim_batch(struct sender *s, int64_t now, struct sender_go *go,
    size_t *ngo, int *last, uint64_t *ticket)
{
	int quiet = s->cfg.quiet && quiet_is(s->cfg.quiet, now);
	char masked[32];
	enum store_rc rc;
	int64_t wait;
	int ci, serves, expired = 0;
	int64_t up_at;
	size_t k;

	*ngo = 0;
	*last = 1;
	for (k = 0; k < s->nchans; k++)
		s->chans[k].reserved = 0;
	if (store_begin(s->store) != STORE_OK)
		goto fail;
	s->claims++;
	while (*ngo < SENDER_BATCH) {
		struct sender_go *g = &go[*ngo];
		struct store_outbound *m = &g->m;

		rc = store_outbound_claim(s->store, now, "", quiet, m);
		if (rc == STORE_NOTFOUND)
			break;
		if (rc != STORE_OK)
			goto fail;
		/*
		 * Its channels were down all that time, or the daemon was
		 * stopped: days late, it would tell of what has moved on
		 * since (the case's ladder and digests say it anew).
		 */
		if (now - m->created_at > s->cfg.max_age) {
			if (sender_expire(s, m->id, now) != STORE_OK)
				goto fail;
			/* A long outage's backlog: a batch at a time, the
			 * loop free in between. */
			if (++expired == SENDER_BATCH) {
				s->again = 1;
				break;
			}
			continue;
		}
		/*
		 * At night a reply goes to someone who has just texted and
		 * is awake: one made long ago (retried, held by a limit)
		 * waits for the morning like a notice, or it would wake
		 * whoever texted in the afternoon.
		 */
		if (quiet && now - m->created_at > SENDER_NIGHT_REPLY_S) {
			if (store_outbound_defer(s->store, m->id,
			    quiet_until(s->cfg.quiet, now)) != STORE_OK)
				goto fail;
			continue;
		}
		/* Limits and merging count what was sent to a number: one
		 * message per number in a batch, the next one in the next. */
		for (k = 0; k < *ngo && strcmp(go[k].m.to, m->to) != 0; k++)
			;
		if (k < *ngo) {
			if (store_outbound_defer(s->store, m->id, m->due_at) !=
			    STORE_OK)
				goto fail;
			*last = 0;
			break;
		}
		if ((ci = sender_route(s, m->to, now, &serves, &up_at)) < 0 &&
		    up_at > now) {
			/*
			 * Every channel that serves it is down: it waits
			 * until the first is up again, and the claim goes on
			 * with what other channels serve. It used to stop
			 * the batch, so a channel down for minutes held up
			 * the numbers another one serves.
			 */
			if (store_outbound_defer(s->store, m->id, up_at) !=
			    STORE_OK)
				goto fail;
			*last = 0;
			continue;
		}
		if (ci < 0) {
			/* No channel free for it now: it waits, and the
			 * batch stops (what is behind it mostly waits too).
			 * Alone in the batch, the claim is simply undone:
			 * no commit while a channel is busy or down. */
			if (!serves) {
				mask_phone(m->to, masked, sizeof masked);
				log_warnx("outbound %lld: no channel serves "
				    "%s", (long long)m->id, masked);
			}
			if (*ngo == 0 && serves) {
				store_rollback(s->store);
				return 0;
			}
			if (store_outbound_defer(s->store, m->id, serves ?
			    m->due_at : now + SENDER_NO_ROUTE_WAIT) != STORE_OK)
				goto fail;
			break;
		}
		if ((wait = sender_limited(s, &s->chans[ci], m, now)) != 0) {
			log_info("outbound %lld waits until %lld: number at "
			    "its limit on %s", (long long)m->id,
			    (long long)wait, s->chans[ci].r.ch->name);
			if (store_outbound_defer(s->store, m->id, wait) !=
			    STORE_OK)
				goto fail;
			continue;
		}
		if (m->attempts > 1) {
			if (sender_as_before(s, m, g->text, sizeof g->text))
				goto fail;
		} else if (s->chans[ci].r.merge &&
		    strcmp(m->kind, "reply") != 0) {
			if (sender_merge(s, m, now, g->text, sizeof g->text))
				goto fail;
		} else
			snprintf(g->text, sizeof g->text, "%s", m->text);
		s->chans[ci].tokens -= 1.0;
		s->chans[ci].reserved++;
		g->chan = ci;
		(*ngo)++;
	}
	if (*ngo == SENDER_BATCH)
		*last = 0;
	if ((ticket ? store_commit_deferred(s->store, ticket) :
	    store_commit(s->store)) != STORE_OK)
		goto fail;
	return 0;
fail:
	log_warnx("sender: claim: %s", store_errmsg(s->store));
	store_rollback(s->store);
	*ngo = 0;
	return -1;
}

/* Hands one claimed message to its channel; 0 or -1 (not taken). */
static int
sender_send(struct sender *s, const struct sender_go *g, int64_t now)
{
	const struct store_outbound *m = &g->m;
	struct sender_chan *c = &s->chans[g->chan];
	struct smslen len;
	struct chan_msg cm;
	char masked[32];
	size_t at;

	if (smslen_measure(g->text, strlen(g->text), &len) != 0)
		len.segments = 0;
	cm = (struct chan_msg){ m->id, m->to, g->text, m->kind,
	    (int)len.segments, now };
	mask_phone(m->to, masked, sizeof masked);
	log_debug("outbound %lld %s to %s via %s, %zu segment(s), attempt %d",
	    (long long)m->id, m->kind, masked, c->r.ch->name, len.segments,
	    m->attempts);
	if (s->nflights == s->capflights) {
		s->capflights = s->capflights ? s->capflights * 2 : 16;
		s->flights = realloc(s->flights, s->capflights *
		    sizeof *s->flights);
		if (s->flights == NULL)
			fatal("sender: realloc");
	}
	s->flights[s->nflights] = (struct sender_flight){ m->id,
	    m->created_at, m->attempts, g->chan, "", 0 };
	snprintf(s->flights[s->nflights].to, sizeof s->flights[0].to, "%s",
	    m->to);
	if (c->r.same_text > 0)
		s->flights[s->nflights].text_hash = sender_text_hash(m->text);
	s->nflights++;
	if (c->r.ch->ops->send(c->r.ch, &cm) == 0)
		return 0;
	if (sender_flight_find(s, m->id, &at))
		s->flights[at] = s->flights[--s->nflights];
	return -1;
}

size_t
sender_claims(const struct sender *s)
{
	return s->claims;
}

/*
 * Whether any channel could take a message now. When none can (down, too
 * few tokens for a pass, or as many in flight as it takes), a pass would
 * begin a transaction only to find that out for every message, and under
 * load the sender is woken after every group commit. *wait_us: when one
 * may again (a channel at its in-flight limit wakes the sender with its
 * results).
 */
static int
sender_any_free(struct sender *s, int64_t now, long *wait_us)
{
	long w = 1000000, d;
	size_t i;

	for (i = 0; i < s->nchans; i++) {
		struct sender_chan *c = &s->chans[i];

		if (c->down_until > now) {
			d = (long)(c->down_until - now) * 1000000;
		} else if (c->r.ch->ops->ready(c->r.ch) <= 0) {
			continue;
		} else {
			(void)sender_rate_ok(c);	/* refills the bucket */
			if ((d = sender_pass_wait_us(c->tokens, c->r.rate)) ==
			    0)
				return 1;
		}
		if (d < w)
			w = d;
	}
	*wait_us = w;
	return 0;
}

long
sender_pass_wait_us(double tokens, int rate)
{
	double burst;

	if (rate <= 0)
		return 0;
	burst = rate / 10 < 1 ? 1 : rate / 10 > SENDER_BATCH ? SENDER_BATCH :
	    rate / 10;
	if (tokens >= burst)
		return 0;
	return (long)((burst - tokens) / rate * 1e6) + 1;
}

/*
 * Hands the first ngo of s->go to their channels, then records what they
 * answered at once; what a channel does not take goes back to the queue
 * (*last is set when none was taken). Returns how many were taken.
 */
static int
sender_go_out(struct sender *s, size_t ngo, int64_t now, int *last)
{
	size_t i, nback = 0;
	int n = 0;

	/*
	 * A message its channel does not take (a text the outbox cannot
	 * write, a request too large) waits on its own, and the rest go: it
	 * used to put back every message behind it, again at each pass,
	 * until it expired 48 h later. Those put back gather at the front
	 * of go.
	 */
	for (i = 0; i < ngo; i++) {
		if (sender_send(s, &s->go[i], now) == 0)
			n++;
		else
			s->go[nback++] = s->go[i];
	}
	if (nback > 0) {
		sender_unclaim(s, s->go, nback, now + SENDER_NO_ROUTE_WAIT);
		/* None taken: the channels take nothing now. */
		if (nback == ngo)
			*last = 1;
	}
	for (i = 0; i < s->nchans; i++)
		if (s->chans[i].reserved > 0)
			channel_flush(s->chans[i].r.ch);
	/* Results a channel gave at once (outbox) in one commit. */
	(void)sender_flush(s);
	return n;
}

/*
 * Whether the held claim is on disk: 1 it is, 0 not yet, -1 the sync
 * failed (the pipeline stops the daemon; the claim goes again at the next
 * start, as it was). With wait, until it is or fails.
 */
static int
sender_held_synced(struct sender *s, int wait)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t upto;

	for (;;) {
		if (store_synced_peek(s->store, &upto) != STORE_OK)
			return -1;
		if (upto >= s->held_ticket)
			return 1;
		if (!wait)
			return 0;
		nanosleep(&ms, NULL);
	}
}

/* Looks again for the held claim's sync in a millisecond (a second if it
 * failed): the sync thread's fdatasync takes one to a few. */
static void
sender_hold(struct sender *s, int synced)
{
	struct timeval tv = { synced < 0 ? 1 : 0, synced < 0 ? 0 : 1000 };

	evtimer_add(s->wake, &tv);
}

/*
 * A pass. wait: the claims' commits are waited for on the spot, as a
 * caller counting what went needs (sender_run). Otherwise (a pass the
 * loop runs) a claim not yet on disk is held, the loop goes on, and the
 * pass goes on once it is.
 */
static int
sender_pass(struct sender *s, int wait)
{
	size_t ngo;
	int n = 0, last = 0, held = 0, synced;
	uint64_t ticket;
	long wait_us;

	if (s->running)
		return 0;
	s->running = 1;
	(void)sender_flush(s);
	(void)sender_putback(s);
	if (s->stopping) {
		/* A claim held for the disk goes now (a millisecond or two),
		 * as the stop waits for what is in flight. */
		if (s->nheld > 0 && sender_held_synced(s, 1) == 1) {
			ngo = s->nheld;
			s->nheld = 0;
			(void)sender_go_out(s, ngo, clock_now(s->clock), &last);
		}
		s->running = 0;
		if (s->nflights == 0 && s->nresults == 0 && s->idle) {
			void (*idle)(void *) = s->idle;

			if (s->nheld > 0)
				log_warnx("sender: %zu message(s) claimed, not "
				    "sent (the disk failed): queued again at "
				    "the next start", s->nheld);
			s->idle = NULL;
			idle(s->idle_arg);
		} else if (s->nresults > 0) {
			struct timeval tv = { 1, 0 };	/* record again */

			evtimer_add(s->wake, &tv);
		}
		return 0;
	}
	if (s->nheld > 0) {
		if ((synced = sender_held_synced(s, wait)) <= 0) {
			s->running = 0;
			sender_hold(s, synced);
			return 0;
		}
		/* Then a claim again, even if nothing more was due at this
		 * one: what was queued meanwhile woke this pass. */
		ngo = s->nheld;
		s->nheld = 0;
		n += sender_go_out(s, ngo, clock_now(s->clock), &last);
		held = 1;
	}
	/*
	 * Nothing can go now (too few tokens for a pass, channels busy or
	 * down): no claim to find that out message by message, and no pass
	 * of a message or two after each held claim (bench/load.sh TRACE=1:
	 * twice the outbox's fsyncs). After a held claim the wait is the
	 * token bucket's, in real time whatever the clock.
	 */
	if (!last && s->nresults == 0 && !sender_any_free(s,
	    clock_now(s->clock), &wait_us)) {
		struct timeval tv = { wait_us / 1000000, wait_us % 1000000 };

		s->running = 0;
		if (held || !s->clock->manual)
			evtimer_add(s->wake, &tv);
		return n;
	}
	while (!last) {
		int64_t now = clock_now(s->clock);

		if (sender_claim_batch(s, now, s->go, &ngo, &last, wait ?
		    NULL : &ticket) != 0)
			break;
		if (!wait && ngo > 0) {
			s->held_ticket = ticket;
			if ((synced = sender_held_synced(s, 0)) <= 0) {
				s->nheld = ngo;
				s->running = 0;
				sender_hold(s, synced);
				return n;
			}
		}
		n += sender_go_out(s, ngo, now, &last);
	}
	s->running = 0;
	sender_arm(s);
	if (s->again) {
		s->again = 0;
		sender_wake(s);
	}
	return n;
}

int
sender_run(struct sender *s)
{
	return sender_pass(s, 1);
}

static void
sender_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)sender_pass(arg, 0);
}

void
sender_stop(struct sender *s, void (*idle)(void *), void *arg)
{
	s->stopping = 1;
	s->idle = idle;
	s->idle_arg = arg;
	if (s->nflights > 0)
		log_info("sender: %zu message(s) in flight: stopping once "
		    "their results are recorded", s->nflights);
	sender_wake(s);
}

size_t
sender_in_flight(const struct sender *s)
{
	return s->nflights;
}

void
sender_wake(struct sender *s)
{
	struct timeval tv = { 0, 0 };

	evtimer_add(s->wake, &tv);
}

struct sender *
sender_new(struct event_base *base, struct store *st, const struct clock *clk,
    const struct sender_cfg *cfg, const struct sender_route *routes,
    size_t n)
{
	struct sender *s = xcalloc(1, sizeof *s);
	size_t i;
	int requeued = 0;

	s->store = st;
	s->clock = clk;
	s->cfg = *cfg;
	if (s->cfg.max_age <= 0)
		s->cfg.max_age = 48 * 3600;
	if (s->cfg.max_segments <= 0)
		s->cfg.max_segments = 3;
	s->seed = (unsigned int)time(NULL);
	s->go = xcalloc(SENDER_BATCH, sizeof *s->go);
	if ((s->wake = evtimer_new(base, sender_wake_cb, s)) == NULL)
		fatalx("sender: evtimer_new");
	for (i = 0; i < n && i < SENDER_MAX_ROUTES; i++) {
		struct sender_chan *c = &s->chans[s->nchans++];

		c->r = routes[i];
		c->tokens = c->r.rate;
		clock_gettime(CLOCK_MONOTONIC, &c->refilled);
		c->r.ch->result_cb = sender_result_cb;
		c->r.ch->result_arg = c;
		c->r.ch->result_arg2 = s;
	}
	/* Rows written by hand since the last run: in /healthz's totals. */
	if (store_outbound_recount(st) != STORE_OK)
		log_warnx("sender: the queue's totals: %s", store_errmsg(st));
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
	/* Results already given must not be lost with the process. */
	(void)sender_flush(s);
	(void)sender_putback(s);
	event_free(s->wake);
	free(s->go);
	free(s->results);
	free(s->backs);
	free(s->flights);
	free(s);
}
