/*
 * The one inbound flow: record (dedup), parse, apply, render, enqueue, all
 * in ONE transaction; only after COMMIT is the message acknowledged, and
 * the sender woken. A crash at any point loses nothing and repeats nothing.
 *
 * Group commit: messages submitted while the loop is busy are applied
 * together in the next transaction; should one of them fail, the group is
 * applied again with each message inside its own savepoint, so that one
 * failing message does not undo its neighbours. Each one's callback runs
 * once the COMMIT is on disk: the WAL's sync is made by the store's sync
 * thread while the loop applies the next group (store_commit_deferred).
 * A queue deeper than max_queue is refused (the caller answers 503 and
 * the provider retries).
 */
#ifndef BX_PIPELINE_H
#define BX_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct casework;
struct clock;
struct sender;
struct scheduler;

struct pipeline_in {
	const char *channel;		/* configured channel or "http" */
	const char *provider_id;	/* dedup key; NULL if none */
	const char *from;		/* E.164, already normalized */
	const char *to;			/* or NULL */
	const char *text;		/* valid UTF-8 */
	size_t textlen;
	const char *signature;		/* HMAC of a signed webhook, or NULL:
					 * a second use is a replay */
	int64_t signed_at;		/* its timestamp (Unix seconds) */
};

enum pipeline_rc {
	PIPELINE_ACCEPTED,
	PIPELINE_DUPLICATE,	/* same provider id seen: nothing changed */
	PIPELINE_REPLAY,	/* a signature seen before: refused */
	PIPELINE_FAILED		/* rolled back: the provider should retry */
};

struct pipeline;
struct event_base;

/* The result of a submitted message, after its transaction. */
typedef void pipeline_done_fn(void *arg, enum pipeline_rc, int64_t inbound_id);

/* dedup_window: seconds within which a message with no provider id and
 * the same sender and text is a duplicate (0: off). hmac_window: how long
 * a webhook signature is remembered against replays. */
struct pipeline *pipeline_new(struct event_base *, struct store *,
    struct casework *, const struct clock *, struct sender *,
    struct scheduler *, int dedup_window, int hmac_window);
/* Runs every waiting message's done with PIPELINE_FAILED, as the daemon
 * stops (while whoever answers is still there, and frees what done
 * owns). pipeline_free frees what is left without calling done. */
void pipeline_drop(struct pipeline *);
void pipeline_free(struct pipeline *);
/* One message in its own transaction, now (modems, tests). */
enum pipeline_rc pipeline_inbound(struct pipeline *,
    const struct pipeline_in *, int64_t *inbound_id);
/*
 * Queues a message (copied) for the next group commit; done runs once,
 * after it. 0, or -1 when the queue is full (done is not called).
 *
 * A done given PIPELINE_DONE_PLAIN touches neither the store nor the log
 * (an HTTP answer): it runs as soon as its commit is seen on disk, even
 * between two messages of the next group while that group is applied.
 * Any other runs between groups only, where the store holds no
 * transaction (a USSD answer reads the session's state).
 */
#define PIPELINE_DONE_PLAIN 0x1
int pipeline_submit(struct pipeline *, const struct pipeline_in *,
    unsigned flags, pipeline_done_fn *done, void *arg);
/*
 * Another inbound effect (a delivery report) for the next group commit:
 * apply runs inside the group's transaction, on the loop, writes through
 * the store and returns PIPELINE_ACCEPTED, or PIPELINE_FAILED to have
 * what it wrote undone (its neighbours kept; it may run again, so it
 * must start afresh each time). done then runs as for a message, with
 * inbound_id 0, once the commit is on disk. 0, or -1 when the queue is
 * full (neither is called). flags as pipeline_submit's.
 */
typedef enum pipeline_rc pipeline_apply_fn(void *arg);
int pipeline_submit_effect(struct pipeline *, pipeline_apply_fn *apply,
    unsigned flags, pipeline_done_fn *done, void *arg);
/* Messages (and effects) waiting for the next commit. */
size_t pipeline_pending(const struct pipeline *);
/* Messages (and effects) committed whose commit is not yet on disk, so
 * not answered. */
size_t pipeline_syncing(const struct pipeline *);
/* Groups in which a message failed, so that all of them were applied
 * again each in its own savepoint (shown by /healthz). */
size_t pipeline_regroups(const struct pipeline *);
/* Messages refused because the queue was full (answered 503), since
 * start (shown by /healthz). The log says when refusing starts and
 * when there is room again, not once a message. */
size_t pipeline_refused(const struct pipeline *);
/* Groups that stored no message since start; *why: the last one's
 * reason while no group has stored one since, else NULL. */
size_t pipeline_failing(const struct pipeline *, const char **why);
#define PIPELINE_MAX_QUEUE 4096
#define PIPELINE_MAX_BATCH 512

#endif
