/*
 * evhttp routes: inbound webhook, admin clock, health. Requests are checked
 * in a fixed order (method, size, form, token, fields) and every refusal is
 * a one-line JSON reason with nothing stored.
 */
#include "gateway/http.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"
#include "gateway/timefmt.h"
#include "gateway/xmalloc.h"
#include "parsers/form.h"
#include "parsers/phone.h"
#include "parsers/utf8.h"
#include "store/store.h"

/* evhttp's own cap, well above ours, so that we can answer with a reason. */
#define HTTP_HARD_MAX_BODY (64 * 1024)
#define HTTP_MAX_HEADERS (16 * 1024)
#define HTTP_ID_MAX 64
#define HTTP_TIMEOUT 30

struct http {
	struct gw *g;
	struct evhttp *eh;
	int port;
};

static void
http_json(struct evhttp_request *req, int code, const char *reason,
    json_t *o)
{
	struct evbuffer *b = evbuffer_new();
	char *s = json_dumps(o, JSON_COMPACT);

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json; charset=utf-8");
	if (b && s) {
		evbuffer_add_printf(b, "%s\n", s);
		evhttp_send_reply(req, code, reason, b);
	} else {
		evhttp_send_error(req, 500, "out of memory");
	}
	free(s);
	if (b)
		evbuffer_free(b);
	json_decref(o);
}

static void
http_error(struct evhttp_request *req, int code, const char *reason,
    const char *why)
{
	http_json(req, code, reason, json_pack("{ss ss}", "status", "error",
	    "reason", why));
}

/* Constant-time comparison of a presented secret with the configured one. */
static int
http_secret_ok(const char *given, const char *want)
{
	size_t lg = strlen(given), lw = strlen(want), i;
	unsigned char d = lg != lw;

	if (lw == 0)
		return 0;
	for (i = 0; i < lw; i++)
		d |= (unsigned char)(want[i] ^ (i < lg ? given[i] : 0));
	return d == 0;
}

/* The Bearer token of the request, or NULL. */
static const char *
http_bearer(struct evhttp_request *req)
{
	const char *a = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");

	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0)
		return NULL;
	return a + 7;
}

/*
 * Reads the form of req: the body of a POST, the query of a GET. Answers
 * the request itself and returns -1 when it is refused.
 */
static int
http_read_form(struct http *h, struct evhttp_request *req, struct form *f)
{
	size_t max = h->g->cfg->http_max_body, len;
	const char *q, *ct;
	struct evbuffer *body;
	char why[96];
	enum form_rc rc;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
		if (q == NULL)
			q = "";
		len = strlen(q);
	} else {
		ct = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Content-Type");
		if (ct && strncasecmp(ct, "application/x-www-form-urlencoded",
		    33) != 0) {
			http_error(req, 415, "Unsupported Media Type",
			    "body must be application/x-www-form-urlencoded");
			return -1;
		}
		body = evhttp_request_get_input_buffer(req);
		len = evbuffer_get_length(body);
		q = len <= max ? (const char *)evbuffer_pullup(body, -1) : NULL;
	}
	if (len > max) {
		snprintf(why, sizeof why, "request over %zu bytes", max);
		http_error(req, 413, "Payload Too Large", why);
		return -1;
	}
	if ((rc = form_decode(f, q ? q : "", q ? len : 0)) != FORM_OK) {
		http_error(req, 400, "Bad Request", form_rc_str(rc));
		return -1;
	}
	return 0;
}

/* A form field that must be valid text of at most max bytes; NULL if absent. */
static const char *
http_field(struct evhttp_request *req, const struct form *f, const char *key,
    size_t max, int *bad)
{
	char why[96];
	size_t vlen;
	const char *v = form_get(f, key, &vlen);

	*bad = 0;
	if (v == NULL)
		return NULL;
	if (vlen > max) {
		snprintf(why, sizeof why, "field %s over %zu bytes", key, max);
		http_error(req, 413, "Payload Too Large", why);
		*bad = 1;
	} else if (!utf8_valid_text(v, vlen)) {
		snprintf(why, sizeof why, "field %s is not valid UTF-8 text",
		    key);
		http_error(req, 400, "Bad Request", why);
		*bad = 1;
	}
	return v;
}

static void
http_inbound(struct http *h, struct evhttp_request *req)
{
	struct form *f = xcalloc(1, sizeof *f);
	const char *token, *from, *text, *id, *to;
	char from164[PHONE_MAX], to164[24];
	struct pipeline_in in;
	enum pipeline_rc rc;
	int64_t inbound_id;
	int bad;

	if (http_read_form(h, req, f) != 0)
		goto out;
	if ((token = form_get(f, "token", NULL)) == NULL)
		token = http_bearer(req);
	if (token == NULL || !http_secret_ok(token, h->g->cfg->http_token)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		http_error(req, 401, "Unauthorized", "bad or missing token");
		goto out;
	}
	if ((from = http_field(req, f, "from", PHONE_INPUT_MAX, &bad)),
	    bad)
		goto out;
	if ((text = http_field(req, f, "text", FORM_MAX_BYTES, &bad)), bad)
		goto out;
	if ((id = http_field(req, f, "id", HTTP_ID_MAX, &bad)), bad)
		goto out;
	if ((to = http_field(req, f, "to", PHONE_INPUT_MAX, &bad)), bad)
		goto out;
	if (from == NULL || text == NULL) {
		http_error(req, 400, "Bad Request", from == NULL ?
		    "missing field: from" : "missing field: text");
		goto out;
	}
	if (phone_normalize(from, from164, sizeof from164) != 0) {
		http_error(req, 400, "Bad Request",
		    "field from is not a phone number");
		goto out;
	}
	if (to && *to && phone_normalize(to, to164, sizeof to164) != 0) {
		/* Service numbers (10690...) are not E.164: keep digits only. */
		if (strspn(to, "0123456789") != strlen(to) || strlen(to) > 20) {
			http_error(req, 400, "Bad Request",
			    "field to is not a phone or service number");
			goto out;
		}
		snprintf(to164, sizeof to164, "%s", to);
	}
	in = (struct pipeline_in){ "http", id && *id ? id : NULL, from164,
	    to && *to ? to164 : NULL, text, strlen(text) };
	rc = pipeline_inbound(h->g->pipeline, &in, &inbound_id);
	if (rc == PIPELINE_FAILED)
		http_error(req, 503, "Service Unavailable",
		    "not stored; retry later");
	else
		http_json(req, 200, "OK", json_pack("{ss sI}", "status",
		    rc == PIPELINE_ACCEPTED ? "accepted" : "duplicate",
		    "inbound_id", (json_int_t)inbound_id));
out:
	free(f);
}

static void
http_admin_clock(struct http *h, struct evhttp_request *req)
{
	struct gw *g = h->g;
	struct form *f = xcalloc(1, sizeof *f);
	const char *tok = http_bearer(req), *adv, *set;
	char now[TIMEFMT_MAX], *end;
	int64_t t;
	long long secs;
	int sent;

	if (g->cfg->admin_token[0] == '\0') {
		http_error(req, 403, "Forbidden", "admin_token not configured");
		goto out;
	}
	if (tok == NULL || !http_secret_ok(tok, g->cfg->admin_token)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		http_error(req, 401, "Unauthorized", "bad or missing token");
		goto out;
	}
	if (!g->clock.manual) {
		http_error(req, 403, "Forbidden",
		    "the clock is in system mode");
		goto out;
	}
	if (http_read_form(h, req, f) != 0)
		goto out;
	adv = form_get(f, "advance", NULL);
	set = form_get(f, "set", NULL);
	if ((adv == NULL) == (set == NULL)) {
		http_error(req, 400, "Bad Request",
		    "give exactly one of advance=SECONDS or set=ISO-8601");
		goto out;
	}
	if (adv) {
		secs = strtoll(adv, &end, 10);
		if (*adv == '\0' || *end || secs < 0 || secs > 3650LL * 86400) {
			http_error(req, 400, "Bad Request",
			    "advance must be 0 to 315360000 seconds");
			goto out;
		}
		t = clock_now(&g->clock) + secs;
	} else if (timefmt_parse(set, &t) != 0) {
		http_error(req, 400, "Bad Request",
		    "set is not an ISO-8601 time");
		goto out;
	}
	if (clock_set(&g->clock, t) != 0) {
		http_error(req, 400, "Bad Request",
		    "the clock cannot go backwards");
		goto out;
	}
	timefmt_format(t, now, sizeof now);
	log_info("clock set to %s", now);
	sent = gw_run_due(g);
	http_json(req, 200, "OK", json_pack("{ss ss si}", "status", "ok",
	    "now", now, "sent", sent));
out:
	free(f);
}

static void
http_healthz(struct http *h, struct evhttp_request *req)
{
	struct store_queue_stats q;
	char now[TIMEFMT_MAX];

	timefmt_format(clock_now(&h->g->clock), now, sizeof now);
	if (store_outbound_stats(h->g->store, &q) != STORE_OK) {
		http_json(req, 503, "Service Unavailable", json_pack(
		    "{ss ss}", "status", "error", "database",
		    store_errmsg(h->g->store)));
		return;
	}
	http_json(req, 200, "OK", json_pack("{ss ss sI sI sI ss ss}",
	    "status", "ok", "database", "ok",
	    "queue_depth", (json_int_t)q.queued,
	    "failed", (json_int_t)q.failed, "sent", (json_int_t)q.sent,
	    "clock", h->g->clock.manual ? "manual" : "system", "now", now));
}

static void
http_route_cb(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	const char *path = evhttp_uri_get_path(
	    evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type m = evhttp_request_get_command(req);

	if (path == NULL)
		path = "";
	if (!strcmp(path, "/sms/inbound")) {
		if (m == EVHTTP_REQ_POST || m == EVHTTP_REQ_GET)
			return http_inbound(h, req);
	} else if (!strcmp(path, "/admin/clock")) {
		if (m == EVHTTP_REQ_POST)
			return http_admin_clock(h, req);
	} else if (!strcmp(path, "/healthz")) {
		if (m == EVHTTP_REQ_GET)
			return http_healthz(h, req);
	} else {
		return http_error(req, 404, "Not Found", "no such path");
	}
	http_error(req, 405, "Method Not Allowed", "method not allowed here");
}

struct http *
http_new(struct gw *g, char *err, size_t errsz)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	h->g = g;
	if ((h->eh = evhttp_new(g->base)) == NULL) {
		snprintf(err, errsz, "evhttp_new failed");
		goto fail;
	}
	evhttp_set_max_body_size(h->eh, HTTP_HARD_MAX_BODY);
	evhttp_set_max_headers_size(h->eh, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h->eh, HTTP_TIMEOUT);
	/* Let every common method reach the router, which answers 405 with a
	 * reason (evhttp itself would answer 501 Not Implemented). */
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(h->eh, http_route_cb, h);
	bs = evhttp_bind_socket_with_handle(h->eh, g->cfg->listen_host,
	    (ev_uint16_t)g->cfg->listen_port);
	if (bs == NULL) {
		snprintf(err, errsz, "cannot listen on %s:%d",
		    g->cfg->listen_host, g->cfg->listen_port);
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == 0)
		h->port = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	log_info("listening on %s:%d", g->cfg->listen_host, h->port);
	return h;
fail:
	http_free(h);
	return NULL;
}

int
http_port(const struct http *h)
{
	return h->port;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->eh)
		evhttp_free(h->eh);
	free(h);
}
