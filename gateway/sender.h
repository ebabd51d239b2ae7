/*
 * The sender drains the outbound queue: the next due message by priority
 * and age is claimed (marked sending, committed), routed to the first
 * channel that serves its number's prefix and is up and ready, and its
 * result recorded in its own transaction. A temporary failure is retried
 * with exponential backoff and jitter until the message is max_age old,
 * then it fails; a permanent rejection fails at once. A channel that keeps
 * failing is skipped for a while (failover), never losing a message. Rates
 * are per channel (messages per second), and so are per-number limits
 * (a day's cap, the same text again too soon): a number at its limit makes
 * its messages wait, lower priorities first. Notices to one number that are
 * due together go out as one SMS where the channel allows it. During quiet
 * hours only replies leave. In system-clock mode a timer wakes it for the next due message; in
 * manual mode whoever moves the clock calls sender_run().
 */
#ifndef BX_SENDER_H
#define BX_SENDER_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;
struct clock;
struct channel;
struct sender;
struct quiet;

/* How the sender uses one channel. */
struct sender_route {
	struct channel *ch;		/* borrowed */
	char prefixes[128];		/* space-separated E.164 prefixes */
	int rate;			/* messages per second, 0: no limit */
	int merge;			/* several due notices to one number
					 * go as one SMS */
	int daily;			/* per number a day; 0: no limit */
	int same_text;			/* seconds before the same text again */
};

struct sender_cfg {
	int64_t max_age;		/* seconds; default 48 h */
	const struct quiet *quiet;	/* borrowed; NULL: none */
	const char *signature;		/* borrowed; stripped when merging */
	int max_segments;		/* a merged SMS stays within this */
};

struct sender *sender_new(struct event_base *, struct store *,
    const struct clock *, const struct sender_cfg *,
    const struct sender_route *, size_t nroutes);
void sender_free(struct sender *);
/*
 * Runs soon from the event loop (after the current callback returns).
 * That pass does not wait for the disk: a claim's SMS go once its commit
 * is on disk (store_commit_deferred), and the loop goes on meanwhile.
 */
void sender_wake(struct sender *);
/*
 * As the daemon stops: nothing more is claimed, and idle(arg) runs from
 * the loop, once, when no message is in flight and every result is
 * recorded (soon, if none is). A message whose channel has it when the
 * process ends stays "sending" and is sent again at the next start: so
 * the daemon waits for them (a provider's answer, a modem's).
 */
void sender_stop(struct sender *, void (*idle)(void *), void *arg);
size_t sender_in_flight(const struct sender *);
/* Hands over everything due now, waiting for each claim's commit to be
 * on disk; returns how many were handed over. */
int sender_run(struct sender *);
/* Claim transactions begun so far (a pass with no channel free begins
 * none). */
size_t sender_claims(const struct sender *);
/*
 * When a pass may begin on a channel limited to rate messages a second
 * that holds tokens: 0 now, else in how many microseconds. A pass waits
 * for a tenth of a second's worth (1 to 32 messages): under a backlog the
 * sender is woken after every group commit, and a pass per wake claimed
 * one or two messages in two transactions, each with its fsync.
 */
long sender_pass_wait_us(double tokens, int rate);
/* Backoff before attempt n+1: 30 s doubling, at most 1 h, plus up to 20 %
 * jitter from r in [0, 1). */
int64_t sender_backoff(int attempts, double r);

#endif
