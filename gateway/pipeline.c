/* Inbound message → one transaction, grouped; see pipeline.h. */
#include "gateway/pipeline.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/casework/casework.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/scheduler.h"
#include "gateway/sender.h"
#include "gateway/xmalloc.h"
#include "parsers/mask.h"
#include "store/store.h"

/* A submitted message: its fields copied into one allocation. */
struct pipeline_job {
	struct pipeline_in in;
	pipeline_apply_fn *apply;	/* an effect, not a message */
	pipeline_done_fn *done;
	void *arg;
	unsigned flags;			/* PIPELINE_DONE_* */
	enum pipeline_rc rc;
	int64_t id;
	uint64_t ticket;		/* store_synced must reach it */
	struct pipeline_job *next;
	char data[];
};

struct pipeline {
	struct event *batch;
	struct event *synced;		/* the store's sync moved */
	struct pipeline_job *head, **tail;
	size_t pending;
	/* Committed, answered once on disk: in commit (ticket) order. */
	struct pipeline_job *wait, **wait_tail;
	size_t syncing;
	struct store *store;
	struct casework *cw;
	const struct clock *clock;
	struct sender *sender;
	struct scheduler *scheduler;
	int dedup_window;
	int hmac_window;
	int64_t webhook_purged;		/* when expired signatures last went */
	int ckpt_failing;		/* as last said in the log */
	size_t regroups;		/* groups applied again, one by one */
	size_t groups_failed;		/* groups that stored no message */
	int failing;			/* the last group stored none ... */
	char failing_why[160];		/* ... for this reason */
	size_t refused;			/* refused, the queue full */
	size_t refused_said;		/* ... when the log last said so */
	int refusing;			/* since the queue was last full */
};

/* A group commit, or a sync of the WAL, longer than this is logged. */
#define PIPELINE_SLOW_MS 50

static void pipeline_batch_cb(evutil_socket_t, short, void *);
static void pipeline_synced_cb(evutil_socket_t, short, void *);

struct pipeline *
pipeline_new(struct event_base *base, struct store *st, struct casework *cw,
    const struct clock *clk, struct sender *sender, struct scheduler *sched,
    int dedup_window, int hmac_window)
{
	struct pipeline *p = xcalloc(1, sizeof *p);

	p->tail = &p->head;
	p->wait_tail = &p->wait;
	if (base && (p->batch = evtimer_new(base, pipeline_batch_cb, p)) ==
	    NULL)
		fatalx("pipeline: evtimer_new");
	if (base && store_sync_fd(st) >= 0 && ((p->synced = event_new(base,
	    store_sync_fd(st), EV_READ | EV_PERSIST, pipeline_synced_cb, p)) ==
	    NULL || event_add(p->synced, NULL) != 0))
		fatalx("pipeline: the store's sync event");
	p->store = st;
	p->cw = cw;
	p->clock = clk;
	p->sender = sender;
	p->scheduler = sched;
	p->dedup_window = dedup_window;
	p->hmac_window = hmac_window;
	return p;
}

/* Every job of a list answered PIPELINE_FAILED, and freed. */
static void
pipeline_fail_list(struct pipeline_job **list, size_t *count)
{
	struct pipeline_job *j;

	while ((j = *list) != NULL) {
		*list = j->next;
		(*count)--;
		j->done(j->arg, PIPELINE_FAILED, 0);
		free(j);
	}
}

void
pipeline_drop(struct pipeline *p)
{
	/* Never acknowledged: the providers send them again (those already
	 * committed are then duplicates). */
	pipeline_fail_list(&p->head, &p->pending);
	p->tail = &p->head;
	pipeline_fail_list(&p->wait, &p->syncing);
	p->wait_tail = &p->wait;
}

void
pipeline_free(struct pipeline *p)
{
	struct pipeline_job *j;

	if (p == NULL)
		return;
	/* Whatever pipeline_drop did not answer goes unanswered. */
	while ((j = p->head) != NULL) {
		p->head = j->next;
		free(j);
	}
	while ((j = p->wait) != NULL) {
		p->wait = j->next;
		free(j);
	}
	if (p->batch)
		event_free(p->batch);
	if (p->synced)
		event_free(p->synced);
	free(p);
}

size_t
pipeline_pending(const struct pipeline *p)
{
	return p->pending;
}

size_t
pipeline_syncing(const struct pipeline *p)
{
	return p->syncing;
}

/*
 * Answers the committed messages up to ticket upto (all, or those whose
 * answer is plain), in commit order.
 */
static void
pipeline_answer_upto(struct pipeline *p, uint64_t upto, int plain_only)
{
	struct pipeline_job *j, **at = &p->wait;

	while ((j = *at) != NULL && j->ticket <= upto) {
		if (plain_only && !(j->flags & PIPELINE_DONE_PLAIN)) {
			at = &j->next;
			continue;
		}
		if ((*at = j->next) == NULL)
			p->wait_tail = at;
		p->syncing--;
		j->done(j->arg, j->rc, j->id);
		free(j);
	}
}

/*
 * Answers the committed messages whose commit is now on disk. A failed
 * sync stops the daemon, their answers unsent: the kernel may have
 * dropped the pages it could not write, so what was committed since the
 * last good sync may be gone, and a later sync that succeeds would not
 * say otherwise. Nobody was told about it; the providers send it again,
 * and the restart recovers whatever the WAL holds.
 */
static void
pipeline_answer_synced(struct pipeline *p)
{
	uint64_t upto;
	long ms;

	if (store_synced(p->store, &upto) != STORE_OK)
		fatalx("stopping: the database's log could not be written to "
		    "disk (%s); %zu message(s) committed since are not "
		    "answered and will be sent again", store_errmsg(p->store),
		    p->syncing);
	/* A slow disk, as a slow group commit is said (the time it
	 * waited for the disk was the commit's before). */
	if ((ms = store_sync_slowest(p->store)) > PIPELINE_SLOW_MS)
		log_info("the database's log took %ld ms to reach the disk; "
		    "%zu message(s) waited for it", ms, p->syncing);
	pipeline_answer_upto(p, upto, 0);
}

/*
 * While a group is applied, the plain answers of the groups before it
 * whose sync has returned: not held until this group is done (a group
 * of a few hundred messages takes milliseconds, as long as a sync).
 * A failed sync answers nothing here; pipeline_answer_synced stops.
 */
static void
pipeline_answer_early(struct pipeline *p)
{
	uint64_t upto;

	if (p->wait != NULL && store_synced_peek(p->store, &upto) ==
	    STORE_OK && upto >= p->wait->ticket)
		pipeline_answer_upto(p, upto, 1);
}

static void
pipeline_synced_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pipeline_answer_synced(arg);
}

/*
 * One message's effects inside the caller's transaction. A refusal
 * (duplicate, replay) is decided by look-ups alone and writes nothing of
 * its own (expired signatures are purged all the same), so a group needs
 * no savepoint per message; on PIPELINE_FAILED the caller undoes what was
 * written.
 */
static enum pipeline_rc
pipeline_apply(struct pipeline *p, const struct pipeline_in *in,
    int64_t *inbound_id)
{
	struct store_inbound rec = {
		in->channel, in->provider_id, in->from, in->to, in->text,
		clock_now(p->clock)
	};
	enum store_rc rc;
	char masked[32], keyed[256];

	*inbound_id = 0;
	/* Expired signatures go once a second, not with each signed
	 * message (a statement less for each; the load benchmark shows no
	 * difference beyond its noise). A purge undone with a group that
	 * failed waits a second more, harmlessly: a request signed that
	 * long ago is refused at the edge. */
	if (in->signature && rec.received_at != p->webhook_purged) {
		if (store_webhook_purge(p->store, rec.received_at -
		    2 * p->hmac_window) != STORE_OK)
			goto fail;
		p->webhook_purged = rec.received_at;
	}
	if (in->signature) {
		rc = store_webhook_known(p->store, in->signed_at,
		    in->signature);
		if (rc != STORE_OK && rc != STORE_DUP)
			goto fail;
		/* A provider re-sending a request whose 200 it lost is a
		 * duplicate, not an attack: answered as one. Without an id,
		 * the signature (over the body) says it is the same sender
		 * and text, stored when the signature was first seen, within
		 * the window of its time; answered so, a replay changes
		 * nothing either. */
		if (rc == STORE_DUP && (in->provider_id ?
		    (rc = store_inbound_find(p->store, in->channel,
		    in->provider_id, inbound_id)) == STORE_OK :
		    (rc = store_inbound_recent(p->store, in->channel, in->from,
		    in->text, in->signed_at - p->hmac_window, inbound_id)) ==
		    STORE_OK)) {
			log_info("inbound duplicate of %lld on %s (signed "
			    "retry)", (long long)*inbound_id, in->channel);
			return PIPELINE_DUPLICATE;
		}
		if (rc == STORE_DUP || rc == STORE_NOTFOUND) {
			*inbound_id = 0;
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
			log_info("inbound duplicate of %lld on %s (same text "
			    "within %d s)", (long long)*inbound_id,
			    in->channel, p->dedup_window);
			return PIPELINE_DUPLICATE;
		}
		if (rc != STORE_NOTFOUND)
			goto fail;
	}
	/* Writes nothing when the provider id was seen. */
	rc = store_inbound_record(p->store, &rec, inbound_id);
	/* Seen from another sender: not a retry (a retry has its sender)
	 * but ids colliding, two providers on one channel or a counter
	 * started again. Kept under the id and its sender, where its own
	 * retry finds it. */
	if (rc == STORE_DUP && in->provider_id != NULL &&
	    (rc = store_inbound_from(p->store, *inbound_id, in->from)) !=
	    STORE_NOTFOUND) {
		if (rc == STORE_OK)
			rc = STORE_DUP;
	} else if (rc == STORE_NOTFOUND) {
		snprintf(keyed, sizeof keyed, "%.200s@%.40s", in->provider_id,
		    in->from);
		rec.provider_id = keyed;
		rc = store_inbound_record(p->store, &rec, inbound_id);
		if (rc == STORE_OK)
			log_warnx("inbound %lld on %s: its provider id was "
			    "another sender's; kept as a message of its own",
			    (long long)*inbound_id, in->channel);
	}
	if (rc == STORE_DUP) {
		log_info("inbound duplicate of %lld on %s (provider id seen)",
		    (long long)*inbound_id, in->channel);
		return PIPELINE_DUPLICATE;
	}
	if (rc != STORE_OK || (in->signature && store_webhook_add(p->store,
	    in->signed_at, in->signature) != STORE_OK))
		goto fail;
	mask_phone(in->from, masked, sizeof masked);
	log_info("inbound %lld on %s from %s, %zu bytes",
	    (long long)*inbound_id, in->channel, masked, in->textlen);
	log_debug("inbound %lld text: %.*s", (long long)*inbound_id,
	    (int)in->textlen, in->text);
	if (casework_inbound(p->cw, *inbound_id, in->from, in->text,
	    in->textlen, rec.received_at) != 0)
		goto fail;
	return PIPELINE_ACCEPTED;
fail:
	*inbound_id = 0;
	return PIPELINE_FAILED;
}

/* Said by the caller, which knows whether the message is tried again.
 * Not the provider's id: a field from outside, which may hold a newline
 * (a forged log line). */
static void
pipeline_not_stored(struct pipeline *p, const struct pipeline_in *in)
{
	char masked[32];

	mask_phone(in->from, masked, sizeof masked);
	log_warnx("inbound on %s from %s not stored: %s", in->channel,
	    masked, store_errmsg(p->store));
}

/*
 * The background checkpoint (store/checkpoint.c) reports only through
 * store_checkpoint_status, and while it fails the WAL grows without
 * bound: said in the log as it starts failing and as it succeeds again,
 * looked at after the commits that ask it to run.
 */
static void
pipeline_watch_checkpoint(struct pipeline *p)
{
	char why[128];
	int frames, failing;

	failing = store_checkpoint_status(p->store, &frames, why,
	    sizeof why) != STORE_OK;
	if (failing && !p->ckpt_failing)
		log_warnx("background checkpoint failing: %s; the WAL holds "
		    "%d pages and grows until one succeeds", why, frames);
	else if (!failing && p->ckpt_failing)
		log_info("background checkpoint succeeds again (%d pages in "
		    "the WAL)", frames);
	p->ckpt_failing = failing;
}

static void
pipeline_woke(struct pipeline *p)
{
	pipeline_watch_checkpoint(p);
	if (p->sender)
		sender_wake(p->sender);
	if (p->scheduler)
		scheduler_wake(p->scheduler);
}

enum pipeline_rc
pipeline_inbound(struct pipeline *p, const struct pipeline_in *in,
    int64_t *inbound_id)
{
	enum pipeline_rc rc;

	*inbound_id = 0;
	/* Held, so that a message rolled back leaves no line saying what it
	 * did. */
	log_hold();
	if (store_begin(p->store) != STORE_OK)
		rc = PIPELINE_FAILED;
	else if ((rc = pipeline_apply(p, in, inbound_id)) ==
	    PIPELINE_ACCEPTED && store_commit(p->store) != STORE_OK)
		rc = PIPELINE_FAILED;
	if (rc == PIPELINE_FAILED) {
		log_cut(0);
		pipeline_not_stored(p, in);
		*inbound_id = 0;
	}
	if (rc != PIPELINE_ACCEPTED)
		store_rollback(p->store);
	log_release();
	if (rc == PIPELINE_ACCEPTED)
		pipeline_woke(p);
	return rc;
}

static char *
pipeline_dup(char **at, const char *s, size_t len)
{
	char *d = *at;

	if (s == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	*at += len + 1;
	return d;
}

/* 1 when the queue is full: the submission is refused (503). */
static int
pipeline_full(struct pipeline *p)
{
	if (p->pending < PIPELINE_MAX_QUEUE)
		return 0;
	if (!p->refusing) {
		p->refusing = 1;
		p->refused_said = p->refused;
		log_warnx("%d messages wait for a commit: answering 503 until "
		    "there is room", PIPELINE_MAX_QUEUE);
	}
	p->refused++;
	return 1;
}

/* Queued for the next group; the first of a burst arms the batch, the
 * rest join it. */
static void
pipeline_enqueue(struct pipeline *p, struct pipeline_job *j,
    pipeline_done_fn *done, void *arg, unsigned flags)
{
	struct timeval now = { 0, 0 };

	j->done = done;
	j->arg = arg;
	j->flags = flags;
	*p->tail = j;
	p->tail = &j->next;
	p->pending++;
	if (!evtimer_pending(p->batch, NULL))
		evtimer_add(p->batch, &now);
}

int
pipeline_submit(struct pipeline *p, const struct pipeline_in *in,
    unsigned flags, pipeline_done_fn *done, void *arg)
{
	const char *f[6] = { in->channel, in->provider_id, in->from, in->to,
	    in->text, in->signature };
	size_t l[6], need = 0;
	struct pipeline_job *j;
	char *at;
	int i;

	if (pipeline_full(p))
		return -1;
	for (i = 0; i < 6; i++) {
		l[i] = f[i] ? (i == 4 ? in->textlen : strlen(f[i])) : 0;
		need += l[i] + 1;
	}
	j = xcalloc(1, sizeof *j + need);
	at = j->data;
	j->in.channel = pipeline_dup(&at, f[0], l[0]);
	j->in.provider_id = pipeline_dup(&at, f[1], l[1]);
	j->in.from = pipeline_dup(&at, f[2], l[2]);
	j->in.to = pipeline_dup(&at, f[3], l[3]);
	j->in.text = pipeline_dup(&at, f[4], l[4]);
	j->in.textlen = in->textlen;
	j->in.signature = pipeline_dup(&at, f[5], l[5]);
	j->in.signed_at = in->signed_at;
	pipeline_enqueue(p, j, done, arg, flags);
	return 0;
}

int
pipeline_submit_effect(struct pipeline *p, pipeline_apply_fn *apply,
    unsigned flags, pipeline_done_fn *done, void *arg)
{
	struct pipeline_job *j;

	if (pipeline_full(p))
		return -1;
	j = xcalloc(1, sizeof *j);
	j->apply = apply;
	pipeline_enqueue(p, j, done, arg, flags);
	return 0;
}

/*
 * Applies a group inside one transaction. Optimistic first: no savepoint
 * per message, which costs SQLite a copy of every page a message touches
 * (about an eighth of the loop). A message that fails then leaves the
 * transaction with half its effect, so the whole group is rolled back and
 * applied again with each message in its own savepoint: one bad message
 * never takes its neighbours with it. Returns 0 when the transaction is
 * open and ready to commit, -1 when every message failed with it.
 */
static int
pipeline_apply_group(struct pipeline *p, struct pipeline_job *batch,
    size_t n)
{
	struct pipeline_job *j;
	int careful = 0, ok;
	size_t mark;

again:
	/* A first pass that fails is done again, warnings and all. */
	log_hold_warnings(!careful);
	ok = store_begin(p->store) == STORE_OK;
	for (j = batch; j; j = j->next) {
		j->rc = PIPELINE_FAILED;
		j->id = 0;
		if (!ok || (careful && store_savepoint(p->store) != STORE_OK)) {
			ok = 0;
			continue;
		}
		pipeline_answer_early(p);
		mark = log_mark();
		j->rc = j->apply ? j->apply(j->arg) :
		    pipeline_apply(p, &j->in, &j->id);
		if (!careful) {
			if (j->rc != PIPELINE_FAILED)
				continue;
			/* Nothing of this pass stays, nor its lines. */
			store_rollback(p->store);
			log_cut(0);
			log_hold_warnings(0);
			p->regroups++;
			log_warnx("group of %zu message(s): one failed; "
			    "applying them again, each on its own", n);
			careful = 1;
			goto again;
		}
		if (j->rc == PIPELINE_FAILED) {
			log_cut(mark);
			if (j->apply == NULL)
				pipeline_not_stored(p, &j->in);
		}
		/* A failed ROLLBACK TO would leave half a message to
		 * commit with its neighbours: none of the group then. */
		if ((j->rc != PIPELINE_ACCEPTED &&
		    store_rollback_to(p->store) != STORE_OK) ||
		    store_release(p->store) != STORE_OK)
			ok = 0;
	}
	log_hold_warnings(0);
	return ok ? 0 : -1;
}

/*
 * Whether the group stored anything: one that stored no message (the
 * database locked past busy_timeout, a full disk, every message
 * failing) makes /healthz say so until a later group stores one.
 */
static void
pipeline_note_outcome(struct pipeline *p, const struct pipeline_job *batch,
    int ok)
{
	const struct pipeline_job *j;

	for (j = batch; ok && j; j = j->next)
		if (j->rc != PIPELINE_FAILED) {
			p->failing = 0;
			return;
		}
	if (ok)
		snprintf(p->failing_why, sizeof p->failing_why, "every "
		    "message of the group failed");
	p->failing = 1;
	p->groups_failed++;
}

/* The group commit: up to PIPELINE_MAX_BATCH messages, one transaction. */
static void
pipeline_batch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pipeline *p = arg;
	struct pipeline_job *batch = p->head, *j, **tail = &p->head;
	struct timespec t0, t1;
	uint64_t ticket = 0;
	size_t n = 0;
	int ok;

	(void)fd;
	(void)what;
	/* Detach the batch: what arrives meanwhile goes in the next one. */
	for (j = p->head; j && n < PIPELINE_MAX_BATCH; j = j->next) {
		tail = &j->next;
		n++;
	}
	p->head = *tail;
	*tail = NULL;
	if (p->head == NULL)
		p->tail = &p->head;
	p->pending -= n;
	if (p->refusing) {
		p->refusing = 0;
		log_info("room again after %zu refused (503)",
		    p->refused - p->refused_said);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	log_hold();
	ok = pipeline_apply_group(p, batch, n) == 0;
	/* The loop goes on while the WAL's sync is made (store/walsync.c). */
	if (ok && store_commit_deferred(p->store, &ticket) != STORE_OK) {
		log_warnx("group commit of %zu message(s) failed: %s", n,
		    store_errmsg(p->store));
		ok = 0;
	}
	if (!ok) {
		snprintf(p->failing_why, sizeof p->failing_why, "%s",
		    store_errmsg(p->store));
		store_rollback(p->store);
		log_cut(0);	/* none of it happened */
	}
	pipeline_note_outcome(p, batch, ok);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000 > PIPELINE_SLOW_MS)
		log_info("group commit of %zu message(s) took %ld ms", n,
		    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	/*
	 * Answered once the commit is on disk, and with it every earlier
	 * one that a duplicate or a replay was found in. A group that did
	 * not commit is answered now, all of it 503: what its refusals
	 * point at may not be on disk either, and a retry is always safe.
	 */
	while ((j = batch) != NULL) {
		batch = j->next;
		j->next = NULL;
		if (ok) {
			j->ticket = ticket;
			*p->wait_tail = j;
			p->wait_tail = &j->next;
			p->syncing++;
			continue;
		}
		j->done(j->arg, PIPELINE_FAILED, 0);
		free(j);
	}
	log_release();
	if (ok) {
		pipeline_answer_synced(p);
		pipeline_woke(p);
	}
	if (p->head) {
		struct timeval now = { 0, 0 };

		evtimer_add(p->batch, &now);
	}
}

size_t
pipeline_regroups(const struct pipeline *p)
{
	return p->regroups;
}

size_t
pipeline_refused(const struct pipeline *p)
{
	return p->refused;
}

size_t
pipeline_failing(const struct pipeline *p, const char **why)
{
	*why = p->failing ? p->failing_why : NULL;
	return p->groups_failed;
}
