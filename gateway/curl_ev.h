/*
 * libcurl's multi interface driven by the libevent loop (STYLE.md §6):
 * transfers never block; many are in flight at once while the loop keeps
 * serving inbound requests. The caller builds an easy handle (URL, body,
 * headers), curl_ev sets the private pointer, timeouts, NOSIGNAL and a
 * bounded response buffer, and calls done_cb exactly once.
 */
#ifndef BX_CURL_EV_H
#define BX_CURL_EV_H

#include <curl/curl.h>
#include <stddef.h>

struct event_base;
struct curl_ev;

#define CURL_EV_MAX_BODY 16384

/*
 * Called when a transfer ends: code is the libcurl result, status the
 * HTTP status (0 if none), body the response (NUL-terminated, truncated
 * at CURL_EV_MAX_BODY). The easy handle is cleaned up after the call.
 */
typedef void curl_ev_done_fn(void *arg, CURLcode code, long status,
    const char *body, size_t len);

struct curl_ev *curl_ev_new(struct event_base *);
/* Cancels every transfer in flight (done_cb is not called), then frees. */
void curl_ev_free(struct curl_ev *);
/* Starts a transfer; takes ownership of easy (and of headers, which may
 * be NULL). timeout_ms bounds the whole transfer. 0, or -1 (nothing was
 * started, easy and headers are freed). */
int curl_ev_start(struct curl_ev *, CURL *easy, struct curl_slist *headers,
    long timeout_ms, curl_ev_done_fn *done_cb, void *arg);
int curl_ev_in_flight(const struct curl_ev *);

#endif
