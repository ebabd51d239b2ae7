/*
 * The domain: what an inbound message means for the roster and the case
 * records, and which messages must go out because of it. Runs inside the
 * pipeline's transaction; talks to the store, the catalog and the clock's
 * time passed in, never to a socket or a channel (it enqueues, the sender
 * sends). Returns 0, or -1 on a store failure (the caller rolls back).
 */
#ifndef BX_CASEWORK_H
#define BX_CASEWORK_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_due;
struct catalog;
struct command_parser;
struct ladder;

struct casework;

struct casework_cfg {
	const char *signature;	/* prefixed to every outbound text */
	int threshold;		/* days that open a case (0: default 2) */
	int special_threshold;	/* for special-need students (0: 1) */
	const struct ladder *ladder;	/* borrowed; must outlive casework */
	int max_segments;	/* longer texts go as several SMS (0: 3) */
};

/* Checks that every template it needs is present and well-formed. */
struct casework *casework_new(struct store *, const struct catalog *,
    const struct command_parser *, const struct casework_cfg *, char *err,
    size_t errsz);
void casework_free(struct casework *);

/*
 * The scheduler's call, inside its transaction: a task reminder or a case
 * whose next ladder step is due (at d->at, which may be in the past after a
 * restart: the ledger records it then, messages go out now).
 */
int casework_due(struct casework *, const struct store_due *d, int64_t now);

/* The weekly digest for [from, to) to everyone who gets one, queued as
 * kind "digest" (inside the caller's transaction). */
int casework_digest(struct casework *, int64_t from, int64_t to, int64_t now);
/* Local midnight of the Monday of t's week. */
int64_t casework_week_start(int64_t t);

/* Applies one committed-to-be inbound message from an E.164 sender. */
int casework_inbound(struct casework *, int64_t inbound_id, const char *from,
    const char *text, size_t len, int64_t now);

#endif
