/*
 * The one inbound flow: record (dedup), parse, apply, render, enqueue, all
 * in ONE transaction; only after COMMIT is the message acknowledged, and
 * the sender woken. A crash at any point loses nothing and repeats nothing.
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
};

enum pipeline_rc {
	PIPELINE_ACCEPTED,
	PIPELINE_DUPLICATE,	/* same provider id seen: nothing changed */
	PIPELINE_REPLAY,	/* a signature seen before: refused */
	PIPELINE_FAILED		/* rolled back: the provider should retry */
};

struct pipeline;

/* dedup_window: seconds within which a message with no provider id and
 * the same sender and text is a duplicate (0: off). hmac_window: how long
 * a webhook signature is remembered against replays. */
struct pipeline *pipeline_new(struct store *, struct casework *,
    const struct clock *, struct sender *, struct scheduler *,
    int dedup_window, int hmac_window);
void pipeline_free(struct pipeline *);
enum pipeline_rc pipeline_inbound(struct pipeline *,
    const struct pipeline_in *, int64_t *inbound_id);

#endif
