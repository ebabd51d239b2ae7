/*
 * What the HTTP routes share (http.c), for the routes kept in their own
 * files (ussd.c). Each function that refuses a request answers it itself
 * (a one-line JSON reason) and returns -1.
 */
#ifndef BX_HTTP_INT_H
#define BX_HTTP_INT_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct evhttp_request;
struct form;
struct gw;
struct http;

struct gw *http_gw(const struct http *);
/*
 * The answer to req, sent by the HTTP thread (gateway/httpfront.h): body
 * taken (NULL: evhttp's own error page). After it, req is not the
 * caller's any more. Output headers go on req before.
 */
void http_send(struct http *, struct evhttp_request *, int code,
    const char *reason, struct evbuffer *body);
void http_error(struct http *, struct evhttp_request *, int code,
    const char *reason, const char *why);
/* The form of a POST body or GET query, bounded by [inbound.http]. */
int http_read_form(struct http *, struct evhttp_request *, struct form *);
/* A good webhook signature, for the replay check; hex "" if unsigned. */
struct http_sig {
	char hex[160];
	int64_t at;			/* X-Baoxue-Timestamp */
};
/* The webhook's authentication: the HMAC signature when a secret is set
 * (sig gets it), else the token. */
int http_authorized(struct http *, struct evhttp_request *,
    const struct form *, struct http_sig *sig);
/* A field of valid UTF-8 text of at most max bytes; NULL if absent, *bad
 * set (and the request answered) if refused. */
const char *http_field(struct http *, struct evhttp_request *,
    const struct form *, const char *key, size_t max, int *bad);

#endif
