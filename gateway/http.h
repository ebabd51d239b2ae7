/*
 * The HTTP face of the daemon (libevent evhttp):
 *   POST|GET /sms/inbound   inbound SMS webhook (form body or query)
 *   POST     /admin/clock   move the manual clock (advance= or set=)
 *   GET      /healthz       database and queue state
 * Every reply is sent after the work it acknowledges is committed.
 */
#ifndef BX_HTTP_H
#define BX_HTTP_H

#include <stddef.h>

struct gw;
struct http;

/* Binds cfg's listen address; NULL with err set on failure. */
struct http *http_new(struct gw *, char *err, size_t errsz);
void http_free(struct http *);
int http_port(const struct http *);	/* the bound port (for port 0) */

#endif
