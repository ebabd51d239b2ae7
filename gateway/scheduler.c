/* The ladder's clock; see scheduler.h. */
#include "gateway/scheduler.h"

#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/casework/casework.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/sender.h"
#include "gateway/xmalloc.h"
#include "store/store.h"

/* A bound on one run in manual-clock mode, so that a bug cannot spin the
 * loop forever. */
#define SCHEDULER_MAX_STEPS 100000
/* A slice's work, after which the loop answers what came meanwhile: each
 * ladder step is a transaction (scheduler_commit), and a digest slice
 * adds recipients for this long (a county's text is about 20 ms, a
 * school's 1, bench_review). */
#define SCHEDULER_SLICE_STEPS 16
#define SCHEDULER_DIGEST_MS 20

struct scheduler {
	struct store *store;
	const struct clock *clock;
	struct casework *cw;
	struct sender *sender;
	struct event *timer;
	int running;
	int more;		/* the last slice left work due */
	int digest_weekday, digest_minute;
	int64_t digest_last;	/* the latest week done, once read */
	int64_t digest_retry;	/* after a failed slice: not before */
	int64_t ladder_retry;	/* after a failed step: not before */
	int64_t handover_retry;	/* after a failed handover: not before */
	int64_t handover_failed; /* whose (people.id; INT64_MAX: the
				 * table could not be read), skipped till
				 * then while those after go on */
	int64_t content_secs;	/* words kept this long; 0: for ever */
	int64_t retention_next;	/* the next pass, not before */
	struct store_wiped wiped;	/* by the pass under way */
};

/* A failed digest slice is tried again after this long. */
#define SCHEDULER_DIGEST_RETRY 60
/* And a failed ladder step; the digest and retention go on meanwhile. */
#define SCHEDULER_LADDER_RETRY 60

#define SCHEDULER_WEEK (7 * 86400)

/* The scheduler looks at least this often, whatever it has due: what
 * another process committed (baoxuectl import --replace: tasks to
 * remind, people to tell of a handover) wakes nothing here. */
#define SCHEDULER_LOOK_EVERY 3600

/* Retention passes, each reading only what aged since the last: words
 * are kept content_days and at most this much longer. */
#define SCHEDULER_RETENTION_EVERY 3600
/* Rows of each table a retention slice looks at: a few ms. */
#define SCHEDULER_RETENTION_BATCH 256
/* A row stamped this far after now has a date the clock cannot vouch
 * for: reported, not wiped. */
#define SCHEDULER_RETENTION_AHEAD 3600

/*
 * A step's transaction, its WAL sync left to the store's sync thread: a
 * step only queues SMS, and the sender sends them only once its own
 * later claim is on disk (sender.c), which puts this one there too. A
 * crash before takes the step back whole, and it runs again. Synced in
 * place, each step held the loop for the disk: a few ms, up to tens under
 * load or on an SD card, sixteen times a slice when the morning's
 * reminders fall due together.
 */
static enum store_rc
scheduler_commit(struct scheduler *s)
{
	uint64_t ticket;

	return store_commit_deferred(s->store, &ticket);
}

/* The latest time <= now at which a weekly digest was due. */
static int64_t
scheduler_digest_due(const struct scheduler *s, int64_t now)
{
	int64_t due = casework_week_start(now) +
	    (int64_t)(s->digest_weekday - 1) * 86400 +
	    (int64_t)s->digest_minute * 60;

	return due > now ? due - SCHEDULER_WEEK : due;
}

/*
 * One slice of the weekly digest: the latest due one not yet sent goes
 * out (a daemon down on Monday sends it when it is back), to a few
 * recipients a transaction, with the place the run has reached, so that
 * a restart goes on from there and nobody gets it twice. A run of an
 * older week that was left unfinished gives way to the latest. The very
 * first start only marks the current week, so a new installation does
 * not send a digest of the week before it existed. 1 if this slice
 * queued digests, 0 if none was due; *more when recipients remain.
 */
static int
scheduler_digest(struct scheduler *s, int64_t now, int *more)
{
	struct store_digest_pos pos;
	int64_t due, last, week;
	enum store_rc rc, prc;
	int r;

	*more = 0;
	if (s->digest_weekday == 0 || now < s->digest_retry)
		return 0;
	due = scheduler_digest_due(s, now);
	rc = store_digest_run_last(s->store, &last);
	if (rc == STORE_OK)
		s->digest_last = last;
	if (rc == STORE_OK && last >= due)
		return 0;
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		goto failed;
	if (store_begin(s->store) != STORE_OK)
		goto failed;
	if (rc == STORE_NOTFOUND) {
		if (store_digest_run_put(s->store, due, now) != STORE_OK ||
		    scheduler_commit(s) != STORE_OK)
			goto fail;
		s->digest_last = due;
		return 0;
	}
	if ((prc = store_digest_pos_get(s->store, &pos)) != STORE_OK &&
	    prc != STORE_NOTFOUND)
		goto fail;
	if (prc == STORE_OK && pos.week != due)
		log_info("weekly digest: the run of an older week stopped "
		    "after %lld; this week's goes instead",
		    (long long)pos.sent);
	if (prc == STORE_NOTFOUND || pos.week != due) {
		memset(&pos, 0, sizeof pos);
		pos.week = due;
	}
	week = casework_week_start(due);
	if ((r = casework_digest_step(s->cw, week - SCHEDULER_WEEK, week, now,
	    &pos, SCHEDULER_DIGEST_MS)) < 0 ||
	    (r == 1 && store_digest_pos_put(s->store, &pos) != STORE_OK) ||
	    (r == 0 && (store_digest_pos_clear(s->store) != STORE_OK ||
	    store_digest_run_put(s->store, due, now) != STORE_OK)) ||
	    scheduler_commit(s) != STORE_OK)
		goto fail;
	if (r == 0) {
		s->digest_last = due;
		log_info("weekly digest: %lld sent", (long long)pos.sent);
	}
	*more = r;
	return 1;
fail:
	store_rollback(s->store);
failed:
	s->digest_retry = now + SCHEDULER_DIGEST_RETRY;
	return -1;
}

/* Whose handover rows the scheduler may take now: after the one that
 * failed, until its minute is up (handover_failed). */
static int64_t
scheduler_handover_after(const struct scheduler *s, int64_t now)
{
	return now < s->handover_retry ? s->handover_failed : 0;
}

/*
 * Who took work over at an import is told, one person a transaction
 * (baoxuectl left them in handover_pending). An empty table, the usual
 * case, is one look-up. One who cannot be told is tried again in a
 * minute, and those after them go on meanwhile. 1 if anyone was told, 0
 * if nobody was due, -1 if one failed.
 */
static int
scheduler_handover(struct scheduler *s, int64_t now, int *more)
{
	int64_t id = 0, after = scheduler_handover_after(s, now);
	int on_roster, steps, told = 0, failed = 0;
	enum store_rc rc;

	for (steps = 0; steps < SCHEDULER_SLICE_STEPS; steps++) {
		if ((rc = store_handover_next(s->store, after, &id,
		    &on_roster)) == STORE_NOTFOUND)
			return failed ? -1 : told;
		if (rc != STORE_OK) {
			log_warnx("scheduler: who is to be told of a handover "
			    "not read, tried again in a minute: %s",
			    store_errmsg(s->store));
			s->handover_failed = INT64_MAX;
			s->handover_retry = now + SCHEDULER_LADDER_RETRY;
			return -1;
		}
		after = id;
		if (store_begin(s->store) != STORE_OK ||
		    casework_handover(s->cw, id, on_roster, now) != 0 ||
		    store_handover_done(s->store, id) != STORE_OK ||
		    scheduler_commit(s) != STORE_OK) {
			store_rollback(s->store);
			log_warnx("scheduler: person %lld not told of a "
			    "handover, tried again in a minute: %s",
			    (long long)id, store_errmsg(s->store)[0] ?
			    store_errmsg(s->store) : "casework refused it");
			/* The last who failed: those before wait too. */
			s->handover_failed = id;
			s->handover_retry = now + SCHEDULER_LADDER_RETRY;
			failed = 1;
			continue;
		}
		told = 1;
	}
	*more = 1;
	return failed ? -1 : 1;
}

/*
 * One slice of the retention pass (store_retention_step): words older
 * than content_days wiped, a batch of each table a transaction, its sync
 * left to the sync thread like a ladder step's (a crash takes the slice
 * back, and the next pass does it again). *more while rows remain.
 */
static void
scheduler_retention(struct scheduler *s, int64_t now, int *more)
{
	struct store_wiped w;
	struct store_wiped *t = &s->wiped;

	*more = 0;
	if (s->content_secs == 0 || now < s->retention_next)
		return;
	if (store_begin(s->store) != STORE_OK)
		goto failed;
	if (store_retention_step(s->store, now - s->content_secs,
	    now + SCHEDULER_RETENTION_AHEAD, SCHEDULER_RETENTION_BATCH, &w,
	    more) != STORE_OK ||
	    scheduler_commit(s) != STORE_OK) {
		store_rollback(s->store);
		goto failed;
	}
	t->inbound += w.inbound;
	t->outbound += w.outbound;
	t->absences += w.absences;
	t->events += w.events;
	if (*more)
		return;
	if (t->inbound + t->outbound + t->absences + t->events > 0) {
		log_info("retention: words older than %lld days wiped: "
		    "%lld SMS received, %lld sent, %lld absence notes, "
		    "%lld visit notes", (long long)(s->content_secs / 86400),
		    (long long)t->inbound, (long long)t->outbound,
		    (long long)t->absences, (long long)t->events);
		/* Old frames of the WAL may hold them too. */
		store_checkpoint_truncate(s->store);
	}
	/* Said each pass: the words after it are kept until it is old. */
	if (w.ahead_table)
		log_warnx("retention: %s row %lld is dated %lld s after now "
		    "(a clock that ran ahead?): the rows after it keep their "
		    "words until it is %lld days old", w.ahead_table,
		    (long long)w.ahead_id, (long long)(w.ahead_at - now),
		    (long long)(s->content_secs / 86400));
	memset(t, 0, sizeof *t);
	s->retention_next = now + SCHEDULER_RETENTION_EVERY;
	return;
failed:
	log_warnx("scheduler: retention pass stopped, tried again in a "
	    "minute: %s", store_errmsg(s->store));
	*more = 0;
	s->retention_next = now + 60;
}

/* A clock put back (by hand, or /admin/clock) does not leave the
 * retries and the next pass waiting for the time it was at. */
static void
scheduler_clock_back(struct scheduler *s, int64_t now)
{
	if (s->ladder_retry > now + SCHEDULER_LADDER_RETRY)
		s->ladder_retry = 0;
	if (s->retention_next > now + SCHEDULER_RETENTION_EVERY)
		s->retention_next = 0;
	if (s->handover_retry > now + SCHEDULER_LADDER_RETRY)
		s->handover_retry = 0;
}

static void
scheduler_arm(struct scheduler *s)
{
	struct store_due d;
	struct timeval tv = { 0, 0 };
	int64_t now, at;

	if (s->clock->manual)
		return;
	if (s->more) {
		/* At once, but after the events that are ready now. */
		evtimer_add(s->timer, &tv);
		return;
	}
	now = clock_now(s->clock);
	scheduler_clock_back(s, now);
	at = now + SCHEDULER_LOOK_EVERY;
	if (s->digest_weekday) {
		int64_t due = scheduler_digest_due(s, now), next;

		/* A digest fell due since the last run and has not gone yet:
		 * it goes now (or when a failed one may be tried again), not
		 * a week later. Without this, a wake between its time and the
		 * timer (every inbound message re-arms) put it off. */
		if (s->digest_last != INT64_MIN && s->digest_last < due)
			next = now > s->digest_retry ? now : s->digest_retry;
		else
			next = due + SCHEDULER_WEEK;
		if (next < at)
			at = next;
	}
	if (s->content_secs && s->retention_next < at)
		at = s->retention_next;
	/* Someone to tell of a handover: an empty table, one look-up;
	 * after a failure, those after the one who failed at once, that
	 * one after its minute. */
	{
		int64_t id;
		int on_roster;

		if (store_handover_next(s->store,
		    scheduler_handover_after(s, now), &id, &on_roster) ==
		    STORE_OK)
			at = now;
		else if (now < s->handover_retry && s->handover_retry < at)
			at = s->handover_retry;
	}
	if (store_next_due(s->store, &d) == STORE_OK) {
		/* A step that failed is tried again after a while, not in a
		 * loop: the same item stays first due. */
		if (d.at < s->ladder_retry)
			d.at = s->ladder_retry;
		if (d.at < at)
			at = d.at;
	}
	tv.tv_sec = at > now ? (time_t)(at - now) : 0;
	evtimer_add(s->timer, &tv);
}

int
scheduler_slice(struct scheduler *s, int64_t now, int *more)
{
	struct store_due d;
	int steps = 0, r, failed = 0, handover_more = 0;
	enum store_rc rc;

	*more = 0;
	for (; now >= s->ladder_retry;) {
		if ((rc = store_next_due(s->store, &d)) == STORE_NOTFOUND ||
		    (rc == STORE_OK && d.at > now))
			break;
		if (steps == SCHEDULER_SLICE_STEPS) {
			*more = 1;
			return steps;
		}
		if (rc != STORE_OK) {
			log_warnx("scheduler: the ladder's next item not read: "
			    "%s", store_errmsg(s->store));
			failed = 1;
			s->ladder_retry = now + SCHEDULER_LADDER_RETRY;
			break;
		}
		if (store_begin(s->store) != STORE_OK ||
		    casework_due(s->cw, &d, now) != 0 ||
		    scheduler_commit(s) != STORE_OK) {
			store_rollback(s->store);
			log_warnx("scheduler: %s %lld due at %lld not done, "
			    "tried again in a minute: %s",
			    d.kind == STORE_DUE_CASE ? "case" :
			    d.kind == STORE_DUE_COSIGN ? "co-signature of case" :
			    "task",
			    (long long)d.id, (long long)d.at,
			    store_errmsg(s->store)[0] ?
			    store_errmsg(s->store) : "casework refused it");
			failed = 1;
			/* Put off alone, so that the items behind it go on;
			 * if even that fails, the whole ladder waits. */
			if (store_begin(s->store) != STORE_OK ||
			    store_due_later(s->store, &d, now +
			    SCHEDULER_LADDER_RETRY) != STORE_OK ||
			    scheduler_commit(s) != STORE_OK) {
				store_rollback(s->store);
				s->ladder_retry = now + SCHEDULER_LADDER_RETRY;
				break;
			}
			continue;
		}
		steps++;
	}
	/* The digest and retention go on behind a ladder item that fails:
	 * one bad row must not hold back the week's digest, nor the wiping
	 * of old words. */
	if ((r = scheduler_handover(s, now, &handover_more)) < 0)
		failed = 1;
	else
		steps += r;
	if ((r = scheduler_digest(s, now, more)) < 0)
		log_warnx("scheduler: weekly digest not sent: %s",
		    store_errmsg(s->store));
	else
		steps += r;
	*more |= handover_more;
	/* Queues nothing: not a step (the sender has nothing new). */
	if (!*more)
		scheduler_retention(s, now, more);
	return failed ? -1 : steps;
}

int
scheduler_run(struct scheduler *s)
{
	int64_t now = clock_now(s->clock);
	int steps = 0, n, failed = 0, slices = 0;

	if (s->running)
		return 0;
	s->running = 1;
	scheduler_clock_back(s, now);
	/* In real time one slice, and the timer runs the next at once; in
	 * manual-clock mode (tests, /admin/clock) everything due. A failed
	 * ladder step is left for its retry; the rest goes on. */
	do {
		if ((n = scheduler_slice(s, now, &s->more)) < 0) {
			failed = 1;
			n = 1;		/* its digest may have queued some */
		}
		steps += n;
	} while (s->more && s->clock->manual && steps < SCHEDULER_MAX_STEPS &&
	    ++slices < SCHEDULER_MAX_STEPS);
	s->running = 0;
	if (steps && s->sender)
		sender_wake(s->sender);
	scheduler_arm(s);
	return failed ? -1 : steps;
}

static void
scheduler_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scheduler *s = arg;

	(void)fd;
	(void)what;
	/* A failure is retried by the timer scheduler_arm set. */
	(void)scheduler_run(s);
}

void
scheduler_wake(struct scheduler *s)
{
	scheduler_arm(s);
}

struct scheduler *
scheduler_new(struct event_base *base, struct store *st,
    const struct clock *clk, struct casework *cw, struct sender *sender,
    int digest_weekday, int digest_minute, int content_days)
{
	struct scheduler *s = xcalloc(1, sizeof *s);

	s->digest_weekday = digest_weekday;
	s->digest_minute = digest_minute;
	s->digest_last = INT64_MIN;
	s->content_secs = (int64_t)content_days * 86400;
	s->store = st;
	s->clock = clk;
	s->cw = cw;
	s->sender = sender;
	if ((s->timer = evtimer_new(base, scheduler_timer_cb, s)) == NULL)
		fatalx("scheduler: evtimer_new");
	return s;
}

void
scheduler_free(struct scheduler *s)
{
	if (s == NULL)
		return;
	event_free(s->timer);
	free(s);
}
