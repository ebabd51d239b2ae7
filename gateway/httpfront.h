/*
 * HTTP's sockets on a thread of their own. evhttp reads, parses and
 * writes on the front's event base, in its thread; each complete request
 * is handed to the loop, which routes it, reads it and answers it as
 * before (the store, the pipeline and casework stay the loop's alone);
 * the answer is handed back, and the front sends it.
 *
 * The request object is shared, one thread at a time: evhttp leaves a
 * request it has handed out alone until it is answered. libevent 2.1
 * stops reading a connection while its request is out, so a client that
 * goes (even with a reset) is noticed only when the answer is written,
 * and that failed write frees the request and its connection
 * (check_daemon test_clients_leave_before_the_answer). A libevent that
 * noticed sooner would detach the request on this thread while the loop
 * reads it: to check again on an upgrade. So the loop may read the
 * request and add its output headers, but must never send on it, nor
 * touch its connection: it answers only through httpfront_reply.
 *
 * Hand-overs go in batches: a queue each way under one mutex, and a pipe
 * that is written only when a queue was empty, so that a burst of
 * requests wakes the loop once (and makes one group commit).
 */
#ifndef BX_HTTPFRONT_H
#define BX_HTTPFRONT_H

#include <stddef.h>

struct conncap;
struct evbuffer;
struct event_base;
struct evhttp_request;
struct httpfront;

/* Runs on the loop, once per request. connections: the HTTP connections
 * open as it arrived, counted for a request to count_path only, else -1. */
typedef void httpfront_route_fn(void *arg, struct evhttp_request *,
    int connections);

/*
 * The front and its event base (not yet running): the caller sets up its
 * evhttp on httpfront_base, with httpfront_request_cb as the callback
 * (its argument the front), then calls httpfront_start. NULL with err
 * set on failure.
 */
struct httpfront *httpfront_new(struct event_base *loop,
    httpfront_route_fn *route, void *arg, const char *count_path,
    char *err, size_t errsz);
struct event_base *httpfront_base(struct httpfront *);
void httpfront_request_cb(struct evhttp_request *, void *front);
/* Starts the thread; cap (may be NULL) counts the connections, and from
 * now on belongs to that thread. 0, or -1 with err set. */
int httpfront_start(struct httpfront *, struct conncap *cap, char *err,
    size_t errsz);
/*
 * From the loop: sends code and reason with body (taken; NULL sends
 * evhttp's own error page) on the front's thread. The request is the
 * front's again once this is called.
 */
void httpfront_reply(struct httpfront *, struct evhttp_request *, int code,
    const char *reason, struct evbuffer *body);
/* Stops the thread, once the answers handed over before are written
 * (given 100 ms; no connection is taken meanwhile). A request still with
 * the loop goes unanswered: its client retries. The evhttp and the cap
 * are the caller's again, to free before httpfront_free. */
void httpfront_stop(struct httpfront *);
void httpfront_free(struct httpfront *);

#endif
