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

struct gw_config;

/* A socket bound to cfg's listen address, for http_new (which listens):
 * bound before the database is opened, so that a port in use stops the
 * start before anything is made. The descriptor, or -1 with err set. */
int http_listen_open(const struct gw_config *, char *err, size_t errsz);
/* Serves on listen_fd (taken over), or, -1, binds cfg's listen address
 * itself; NULL with err set on failure (listen_fd closed). */
struct http *http_new(struct gw *, int listen_fd, char *err, size_t errsz);
void http_free(struct http *);
int http_port(const struct http *);	/* the bound port (for port 0) */

#endif
