/*
 * The channel interface: a transport that carries one outbound SMS at a
 * time and reports the result. Channels never decide (routing, retries and
 * quiet hours belong to the sender); they carry. A channel may report the
 * result from inside send() (outbox) or later from the event loop (HTTP
 * providers, SMPP, modem); the sender handles both.
 */
#ifndef BX_CHANNEL_H
#define BX_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct channel;

enum chan_result {
	CHAN_SENT,		/* accepted by the next hop */
	CHAN_RETRY,		/* temporary failure: try again later */
	CHAN_FAILED		/* permanent rejection */
};

/* One message handed to a channel; borrowed for the duration of send(). */
struct chan_msg {
	int64_t id;		/* outbound row id */
	const char *to;		/* E.164 */
	const char *text;	/* exactly what the phone shows */
	const char *kind;
	int segments;
	int64_t now;
};

/* ref: the provider's message reference, or NULL; err: why, or NULL. */
typedef void chan_result_fn(void *arg, int64_t msg_id, enum chan_result,
    const char *ref, const char *err);

struct channel_ops {
	const char *type;
	/* 0 if the message was taken (its result will be reported), -1 if not. */
	int (*send)(struct channel *, const struct chan_msg *);
	/* How many more messages the channel can take now (0: none); the
	 * sender claims a batch before sending it and counts against this. */
	int (*ready)(const struct channel *);
	void (*free)(struct channel *);
	/* A short state for /healthz; may be NULL. */
	void (*status)(const struct channel *, char *buf, size_t sz);
	/* After a batch's sends: a channel that holds results until what it
	 * wrote is durable (the outbox: one fsync for the batch) reports
	 * them here. May be NULL. */
	void (*flush)(struct channel *);
};

struct channel {
	char name[32];
	const struct channel_ops *ops;
	void *impl;
	chan_result_fn *result_cb;
	void *result_arg;
	void *result_arg2;		/* the listener's own use */
};

/* Reports a result to whoever listens (the sender). */
void channel_report(struct channel *, int64_t msg_id, enum chan_result,
    const char *ref, const char *err);
/* The channel's flush, if it has one. */
void channel_flush(struct channel *);
void channel_free(struct channel *);

struct config_channel;
struct curl_ev;
struct event_base;

/* An HTTP provider (type = http) over curl_ev (borrowed). */
struct channel *httpprov_new(const struct config_channel *, struct curl_ev *,
    const char *signature, char *err, size_t errsz);

/* What a modem hands its owner (the daemon wires them to the pipeline and
 * the store): an inbound message (return 0 once it is committed, and the
 * modem deletes it from the SIM), and a delivery report by reference. */
struct modem_event;
typedef int modem_inbound_fn(void *arg, const char *channel,
    const struct modem_event *);
/* to: the number the report names, as the modem gave it ("" if none). */
typedef void modem_dlr_fn(void *arg, const char *channel, const char *ref,
    const char *to, const char *status);

/* A GSM/LTE modem on a serial device (type = modem). */
struct channel *modem_new(const struct config_channel *, struct event_base *,
    modem_inbound_fn *, modem_dlr_fn *, void *arg, char *err, size_t errsz);

/* The outbox: appends JSON lines to path, and to stdout with console.
 * db names the database whose queue it carries (store_instance): each
 * line records it, and a line of another database is not this one's.
 * Copied. */
struct channel *outbox_new(const char *name, const char *path, int console,
    const char *db, char *err, size_t errsz);

#endif
