/*
 * evhttp routes: inbound webhook, admin clock, health. Requests are checked
 * in a fixed order (method, size, form, token, fields) and every refusal is
 * a one-line JSON reason with nothing stored.
 */
#include "gateway/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netdb.h>
#include <unistd.h>

#include "gateway/channels/channel.h"
#include "gateway/conncap.h"
#include "gateway/gw.h"
#include "gateway/hmac.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"
#include "gateway/http_int.h"
#include "gateway/httpfront.h"
#include "gateway/timefmt.h"
#include "gateway/ussd.h"
#include "gateway/xmalloc.h"
#include "parsers/form.h"
#include "parsers/phone.h"
#include "parsers/utf8.h"
#include "store/store.h"

#define HTTP_MAX_HEADERS (16 * 1024)
#define HTTP_ID_MAX 64
#define HTTP_TIMEOUT 30
/* Room for the text field as UTF-8: from UTF-16 up to 3/2 its bytes,
 * from GB18030 up to twice. */
#define HTTP_TEXT_MAX GB18030_UTF8_MAX(FORM_MAX_BYTES)

struct http {
	struct gw *g;
	struct httpfront *front;	/* the HTTP thread */
	struct evhttp *eh;		/* ... on its event base */
	int port;
	struct ussd *ussd;		/* USSD sessions */
	struct conncap *cap;		/* connections open at once */
};

/* A JSON answer already serialized (len bytes, a newline added). */
void
http_send(struct http *h, struct evhttp_request *req, int code,
    const char *reason, struct evbuffer *body)
{
	httpfront_reply(h->front, req, code, reason, body);
}

/* A JSON answer already serialized (len bytes, a newline added). */
static void
http_json_text(struct http *h, struct evhttp_request *req, int code,
    const char *reason, const char *text, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL || evbuffer_add(b, text, len) != 0 ||
	    evbuffer_add(b, "\n", 1) != 0) {
		if (b)
			evbuffer_free(b);
		http_send(h, req, 500, "out of memory", NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json; charset=utf-8");
	http_send(h, req, code, reason, b);
}

static void
http_json(struct http *h, struct evhttp_request *req, int code,
    const char *reason, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s)
		http_json_text(h, req, code, reason, s, strlen(s));
	else
		http_send(h, req, 500, "out of memory", NULL);
	free(s);
	json_decref(o);
}

void
http_error(struct http *h, struct evhttp_request *req, int code,
    const char *reason, const char *why)
{
	http_json(h, req, code, reason, json_pack("{ss ss}", "status",
	    "error", "reason", why));
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

/* A form with no field, its 8 kB buffer not zeroed: form_get reads only
 * the fields form_decode set. The caller frees. */
static struct form *
http_form_new(void)
{
	struct form *f = xmalloc(sizeof *f);

	f->n = 0;
	return f;
}

/*
 * Whether the Content-Type ct names the media type type (lower case):
 * compared whole and in any case, parameters after ';' aside
 * (RFC 9110 §8.3.1). text/json and a type ending in "+json" are JSON
 * too.
 */
static int
http_media_is(const char *ct, const char *type)
{
	size_t n = 0, tl = strlen(type);

	if (ct == NULL)
		return 0;
	while (ct[n] && ct[n] != ';' && ct[n] != ' ' && ct[n] != '\t')
		n++;
	if (n == tl && strncasecmp(ct, type, n) == 0)
		return 1;
	return !strcmp(type, "application/json") && ((n == 9 &&
	    strncasecmp(ct, "text/json", 9) == 0) || (n > 5 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0));
}

/* 413: a body over max_body. */
static void
http_too_large(struct http *h, struct evhttp_request *req)
{
	char why[96];

	snprintf(why, sizeof why, "request over %zu bytes",
	    h->g->cfg->http_max_body);
	http_error(h, req, 413, "Payload Too Large", why);
}

/* A form decoded from a request: only text may hold a NUL byte (UCS-2);
 * any other value is read as a C string, which a NUL would cut. Answers
 * and returns -1 when the form is refused. */
static int
http_form_ok(struct http *h, struct evhttp_request *req, struct form *f,
    const char *s, size_t len)
{
	enum form_rc rc;
	const char *k;
	char why[96];

	if ((rc = form_decode(f, s, len)) != FORM_OK) {
		http_error(h, req, 400, "Bad Request", form_rc_str(rc));
		return -1;
	}
	if ((k = form_nul_field(f, "text")) != NULL) {
		snprintf(why, sizeof why, "field %.32s holds a NUL byte", k);
		http_error(h, req, 400, "Bad Request", why);
		return -1;
	}
	return 0;
}

/*
 * Reads the form of req: the body of a POST, the query of a GET. Answers
 * the request itself and returns -1 when it is refused.
 */
int
http_read_form(struct http *h, struct evhttp_request *req, struct form *f)
{
	size_t max = h->g->cfg->http_max_body, len;
	const char *q, *ct;
	struct evbuffer *body;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
		if (q == NULL)
			q = "";
		len = strlen(q);
	} else {
		ct = evhttp_find_header(evhttp_request_get_input_headers(req),
		    "Content-Type");
		if (ct && !http_media_is(ct,
		    "application/x-www-form-urlencoded")) {
			http_error(h, req, 415, "Unsupported Media Type",
			    "body must be application/x-www-form-urlencoded");
			return -1;
		}
		body = evhttp_request_get_input_buffer(req);
		len = evbuffer_get_length(body);
		q = len <= max ? (const char *)evbuffer_pullup(body, -1) : NULL;
	}
	if (len > max) {
		http_too_large(h, req);
		return -1;
	}
	return http_form_ok(h, req, f, q ? q : "", q ? len : 0);
}

/* 400: a field that is not text in the charset it is said to be in. */
static void
http_not_text(struct http *h, struct evhttp_request *req, const char *key,
    const char *charset)
{
	char why[96];

	snprintf(why, sizeof why, "field %s is not valid %s text", key,
	    charset);
	http_error(h, req, 400, "Bad Request", why);
}

/* A form field of at most max bytes, as sent; NULL if absent, and *bad
 * set (the request answered 413) if longer. */
static const char *
http_field_bytes(struct http *h, struct evhttp_request *req,
    const struct form *f, const char *key, size_t max, size_t *vlen,
    int *bad)
{
	char why[96];
	const char *v = form_get(f, key, vlen);

	*bad = 0;
	if (v != NULL && *vlen > max) {
		snprintf(why, sizeof why, "field %s over %zu bytes", key, max);
		http_error(h, req, 413, "Payload Too Large", why);
		*bad = 1;
	}
	return v;
}

/* A form field that must be valid text of at most max bytes; NULL if absent. */
const char *
http_field(struct http *h, struct evhttp_request *req, const struct form *f,
    const char *key, size_t max, int *bad)
{
	size_t vlen;
	const char *v = http_field_bytes(h, req, f, key, max, &vlen, bad);

	if (v != NULL && !*bad && !utf8_valid_text(v, vlen)) {
		http_not_text(h, req, key, "UTF-8");
		*bad = 1;
	}
	return v;
}

/*
 * A form field of at most max bytes in the charset its request is said
 * to be in: GB18030 (gb), converted to UTF-8 in buf[bufsz]
 * (GB18030_UTF8_MAX(max) is room enough), or UTF-8 (http_field). NULL if
 * absent; *bad set, and the request answered, if refused.
 */
static const char *
http_field_cs(struct http *h, struct evhttp_request *req,
    const struct form *f, const char *key, size_t max, int gb, char *buf,
    size_t bufsz, int *bad)
{
	size_t vlen, n;
	const char *v;

	if (!gb)
		return http_field(h, req, f, key, max, bad);
	if ((v = http_field_bytes(h, req, f, key, max, &vlen, bad)) == NULL ||
	    *bad)
		return v;
	if (gb18030_to_utf8(v, vlen, buf, bufsz, &n) != 0 ||
	    !utf8_valid_text(buf, n)) {
		http_not_text(h, req, key, "GB18030");
		*bad = 1;
	}
	return buf;
}

/*
 * Whether a POST's body is said to be GB18030 (or GBK, GB2312): the
 * charset parameter of its Content-Type (RFC 9110 §8.3.1: name in any
 * case, value a token or a quoted string). Any other charset leaves its
 * fields read as UTF-8, as they always were.
 */
static int
http_body_is_gb(struct evhttp_request *req)
{
	const char *ct, *p, *e;
	char cs[32];
	size_t n;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET ||
	    (ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type")) == NULL)
		return 0;
	for (p = strchr(ct, ';'); p != NULL; p = strchr(p, ';')) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		p += 7;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		if (*p == '"')
			e = strchr(++p, '"');
		else
			e = p + strcspn(p, "; \t");
		if (e == NULL || (n = (size_t)(e - p)) >= sizeof cs)
			return 0;
		memcpy(cs, p, n);
		cs[n] = '\0';
		return gb18030_is_label(cs);
	}
	return 0;
}

/*
 * The signed-webhook check: X-Baoxue-Timestamp (Unix seconds, within the
 * window of the daemon's clock) and X-Baoxue-Signature, the hex
 * HMAC-SHA256 of "timestamp.raw" under the shared secret, compared in
 * constant time. sig gets the signature and its time for the replay
 * check. NULL when good, else why not.
 */
static const char *
http_hmac_check(struct http *h, struct evhttp_request *req, const char *raw,
    size_t rawlen, struct http_sig *sig)
{
	const struct gw_config *cfg = h->g->cfg;
	struct evkeyvalq *hd = evhttp_request_get_input_headers(req);
	const char *ts = evhttp_find_header(hd, "X-Baoxue-Timestamp");
	const char *given = evhttp_find_header(hd, "X-Baoxue-Signature");
	char hex[HMAC_HEX_MAX], *end;
	long long t;

	if (ts == NULL || given == NULL)
		return "missing X-Baoxue-Timestamp or X-Baoxue-Signature";
	if (!strncmp(given, "sha256=", 7))
		given += 7;
	t = strtoll(ts, &end, 10);
	/* Range first: the subtraction must not overflow on hostile input. */
	if (*ts == '\0' || *end || t < 0 || t > INT64_MAX / 2 ||
	    llabs(t - clock_now(&h->g->clock)) > cfg->hmac_window)
		return "stale or bad timestamp";
	if (hmac_sign(cfg->hmac_secret, ts, raw, rawlen, hex) != 0)
		return "signature could not be computed";
	if (strlen(given) != strlen(hex) ||
	    CRYPTO_memcmp(hex, given, strlen(hex)) != 0)
		return "bad signature";
	snprintf(sig->hex, sizeof sig->hex, "%s", hex);
	sig->at = t;
	return NULL;
}

/* The raw bytes a signature covers: the body, or the query of a GET. */
static const char *
http_raw(struct evhttp_request *req, size_t *len)
{
	const char *q;
	struct evbuffer *b;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
		*len = q ? strlen(q) : 0;
		return q ? q : "";
	}
	b = evhttp_request_get_input_buffer(req);
	*len = evbuffer_get_length(b);
	return *len ? (const char *)evbuffer_pullup(b, -1) : "";
}

/*
 * The shared token: the form's token field, a Bearer header, or for a
 * POST the token in its URL (many providers, USSD aggregators among them,
 * let one configure only a URL). Compared in constant time.
 */
static int
http_token_ok(struct http *h, struct evhttp_request *req,
    const struct form *f)
{
	const char *token, *q;
	struct form *qf = NULL;
	int ok;

	if ((token = form_get(f, "token", NULL)) == NULL)
		token = http_bearer(req);
	if (token == NULL && evhttp_request_get_command(req) ==
	    EVHTTP_REQ_POST && (q = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(req))) != NULL &&
	    strlen(q) <= FORM_MAX_BYTES) {
		qf = xcalloc(1, sizeof *qf);
		if (form_decode(qf, q, strlen(q)) == FORM_OK &&
		    form_nul_field(qf, NULL) == NULL)
			token = form_get(qf, "token", NULL);
	}
	ok = token != NULL && http_secret_ok(token, h->g->cfg->http_token);
	free(qf);
	return ok;
}

int
http_authorized(struct http *h, struct evhttp_request *req,
    const struct form *f, struct http_sig *sig)
{
	const char *why, *raw;
	size_t rawlen;

	sig->hex[0] = '\0';
	sig->at = 0;
	if (h->g->cfg->hmac_secret[0]) {
		/* A signed webhook: the signature is the authentication. */
		raw = http_raw(req, &rawlen);
		if ((why = http_hmac_check(h, req, raw, rawlen, sig)) !=
		    NULL) {
			log_info("inbound refused: %s", why);
			http_error(h, req, 401, "Unauthorized", why);
			return -1;
		}
		return 0;
	}
	if (!http_token_ok(h, req, f)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		http_error(h, req, 401, "Unauthorized", "bad or missing token");
		return -1;
	}
	return 0;
}

struct gw *
http_gw(const struct http *h)
{
	return h->g;
}

/* What the text field is written in. */
enum http_cs { HTTP_CS_UTF8, HTTP_CS_UTF16, HTTP_CS_GB };

/*
 * Kannel's charset field (%C) says what the text is, whatever its bytes
 * look like: many a Chinese text in UTF-16BE is valid UTF-8 too (你好 is
 * "O`Y}"), and so is GB18030's 缺 alone (C8 B1, U+0231); a name with no
 * decoder here leaves it UTF-8. Without one, a body said to be GB18030
 * (body_gb), or coding=15 (GB, as CMPP's Msg_Fmt), makes it GB18030;
 * coding=2 (UCS-2) makes it UTF-16 only when the bytes are not UTF-8
 * already (Kannel's mo-recode). UTF-16, UCS-2 and no label at all take
 * their order from a byte order mark, and are big-endian without one
 * (RFC 2781); UTF-16BE and UTF-16LE are as said.
 */
static enum http_cs
http_text_cs(const char *charset, const char *coding, int body_gb,
    const char *v, size_t vlen, enum utf16_order *order)
{
	static const struct {
		const char *name;
		enum utf16_order order;
	} labels[] = {
		{ "UTF-16BE", UTF16_BE }, { "UTF-16LE", UTF16_LE },
		{ "UTF-16", UTF16_BOM }, { "UCS-2", UTF16_BOM },
		{ "ISO-10646-UCS-2", UTF16_BOM },
	};
	size_t i;

	*order = UTF16_BOM;
	if (charset != NULL) {
		for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
			if (!strcasecmp(charset, labels[i].name)) {
				*order = labels[i].order;
				return HTTP_CS_UTF16;
			}
		return gb18030_is_label(charset) ? HTTP_CS_GB : HTTP_CS_UTF8;
	}
	if (body_gb || (coding && !strcmp(coding, "15")))
		return HTTP_CS_GB;
	if (coding && !strcmp(coding, "2") && !utf8_valid_text(v, vlen))
		return HTTP_CS_UTF16;
	return HTTP_CS_UTF8;
}

/* The text field as UTF-8, in buf[bufsz] when it had to be converted. */
static const char *
http_text(struct http *h, struct evhttp_request *req, const struct form *f,
    int body_gb, char *buf, size_t bufsz, int *bad)
{
	const char *coding = form_get(f, "coding", NULL);
	const char *charset = form_get(f, "charset", NULL);
	size_t vlen, outlen;
	const char *v = form_get(f, "text", &vlen);
	enum utf16_order order;

	*bad = 0;
	if (v == NULL)
		return NULL;
	switch (http_text_cs(charset, coding, body_gb, v, vlen, &order)) {
	case HTTP_CS_UTF16:
		if (utf16_to_utf8(v, vlen, order, buf, bufsz, &outlen) != 0 ||
		    !utf8_valid_text(buf, outlen)) {
			http_error(h, req, 400, "Bad Request",
			    "field text is not valid UCS-2");
			*bad = 1;
			return NULL;
		}
		return buf;
	case HTTP_CS_GB:
		return http_field_cs(h, req, f, "text", FORM_MAX_BYTES, 1, buf,
		    bufsz, bad);
	case HTTP_CS_UTF8:
		break;
	}
	return http_field(h, req, f, "text", FORM_MAX_BYTES, bad);
}

/*
 * A request waiting for its group commit. It is answered whatever
 * happened to its client meanwhile: evhttp keeps a request it handed out
 * until then (httpfront.h), and frees it when the answer cannot be
 * written to a client that went (the provider's retry then meets the
 * dedup key).
 */
struct http_wait {
	struct http *h;
	struct evhttp_request *req;
};

static void
http_done_cb(void *arg, enum pipeline_rc rc, int64_t inbound_id)
{
	struct http_wait *w = arg;
	struct http *h = w->h;
	struct evhttp_request *req = w->req;

	if (rc == PIPELINE_FAILED)
		http_error(h, req, 503, "Service Unavailable",
		    "not stored; retry later");
	else if (rc == PIPELINE_REPLAY)
		http_error(h, req, 401, "Unauthorized", "replayed signature");
	else {
		/* Every acknowledgement: two fixed words and a number, so
		 * no JSON library allocations on the hot path. */
		char body[64];
		int n = snprintf(body, sizeof body,
		    "{\"status\":\"%s\",\"inbound_id\":%lld}",
		    rc == PIPELINE_ACCEPTED ? "accepted" : "duplicate",
		    (long long)inbound_id);

		http_json_text(h, req, 200, "OK", body, (size_t)n);
	}
	free(w);
}

/* Hands a checked message to the group commit, or refuses it when the
 * queue is full (back-pressure: the provider retries later). */
static void
http_submit(struct http *h, struct evhttp_request *req,
    const struct pipeline_in *in)
{
	struct http_wait *w = xcalloc(1, sizeof *w);

	w->h = h;
	w->req = req;
	if (pipeline_submit(h->g->pipeline, in,
	    PIPELINE_DONE_PLAIN, http_done_cb, w) != 0) {
		free(w);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "1");
		http_error(h, req, 503, "Service Unavailable",
		    "too busy; retry later");
	}
}

static void
http_inbound(struct http *h, struct evhttp_request *req)
{
	/* Not zeroed (24 kB a request): an empty form reads as empty, and
	 * the text buffer is written before it is read. */
	struct form *f = http_form_new();
	const char *from, *text, *id, *to;
	char from164[PHONE_MAX], to164[24];
	/* Fields of a body in GB18030, as UTF-8. */
	char frombuf[GB18030_UTF8_MAX(PHONE_INPUT_MAX)];
	char tobuf[GB18030_UTF8_MAX(PHONE_INPUT_MAX)];
	char idbuf[GB18030_UTF8_MAX(HTTP_ID_MAX)];
	struct http_sig sig = { "", 0 };
	char *textbuf = xmalloc(HTTP_TEXT_MAX);
	struct pipeline_in in;
	int bad, gb;

	if (http_read_form(h, req, f) != 0 ||
	    http_authorized(h, req, f, &sig) != 0)
		goto out;
	/* The body's charset covers every field; Kannel's charset and
	 * coding only the text (http_text_cs). */
	gb = http_body_is_gb(req);
	if ((from = http_field_cs(h, req, f, "from", PHONE_INPUT_MAX, gb,
	    frombuf, sizeof frombuf, &bad)), bad)
		goto out;
	if ((text = http_text(h, req, f, gb, textbuf, HTTP_TEXT_MAX, &bad)),
	    bad)
		goto out;
	if ((id = http_field_cs(h, req, f, "id", HTTP_ID_MAX, gb, idbuf,
	    sizeof idbuf, &bad)), bad)
		goto out;
	if ((to = http_field_cs(h, req, f, "to", PHONE_INPUT_MAX, gb, tobuf,
	    sizeof tobuf, &bad)), bad)
		goto out;
	if (from == NULL || text == NULL) {
		http_error(h, req, 400, "Bad Request", from == NULL ?
		    "missing field: from" : "missing field: text");
		goto out;
	}
	if (phone_normalize(from, from164, sizeof from164) != 0) {
		http_error(h, req, 400, "Bad Request",
		    "field from is not a phone number");
		goto out;
	}
	if (to && *to && phone_normalize(to, to164, sizeof to164) != 0) {
		/* Service numbers (10690...) are not E.164: keep digits only. */
		if (strspn(to, "0123456789") != strlen(to) || strlen(to) > 20) {
			http_error(h, req, 400, "Bad Request",
			    "field to is not a phone or service number");
			goto out;
		}
		snprintf(to164, sizeof to164, "%s", to);
	}
	in = (struct pipeline_in){ "http", id && *id ? id : NULL, from164,
	    to && *to ? to164 : NULL, text, strlen(text),
	    sig.hex[0] ? sig.hex : NULL, sig.at };
	http_submit(h, req, &in);
out:
	free(textbuf);
	free(f);
}

/* One delivery report; returns 1 applied, 0 held or ignored, -1 error. */
static int
http_dlr_apply(struct http *h, const char *channel, const char *ref,
    int64_t id, const char *status)
{
	int64_t now = clock_now(&h->g->clock);
	enum store_rc rc;

	if (status == NULL)
		return 0;	/* intermediate: buffered, at the SMSC */
	rc = ref ? store_outbound_dlr_ref(h->g->store, channel, ref, NULL,
	    status, now) : store_outbound_dlr(h->g->store, id, status, now);
	if (rc == STORE_ERR || rc == STORE_BUSY)
		return -1;
	if (ref)
		log_info("delivery report %s for %s's %s: %s",
		    rc == STORE_DUP ? "held" : rc == STORE_OK ? "applied" :
		    "unknown", channel, ref, status);
	else
		log_info("delivery report %s for outbound %lld: %s",
		    rc == STORE_DUP ? "held" : rc == STORE_OK ? "applied" :
		    "unknown", (long long)id, status);
	return rc == STORE_OK;
}

/* Kannel's DLR types: 1 delivered; 2 and 16 failed; 4 and 8 on the way
 * (*status NULL). -1 if type is not one (1-31, digits only). */
static int
http_dlr_kannel(const char *type, const char **status)
{
	char *end;
	long t;

	if (type == NULL || !isdigit((unsigned char)type[0]))
		return -1;
	errno = 0;
	t = strtol(type, &end, 10);
	if (*end || errno || t < 1 || t > 31)
		return -1;
	*status = t & 1 ? "delivered" : t & (2 | 16) ? "failed" : NULL;
	return 0;
}

/* Whether this daemon has a channel of that name. */
static int
http_channel_known(const struct http *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->g->nchannels; i++)
		if (!strcmp(h->g->channels[i]->name, name))
			return 1;
	return 0;
}

/* A generic JSON report's status: delivered, failed, or NULL. */
static const char *
http_dlr_json_status(json_t *o)
{
	json_t *v = json_object_get(o, "status");
	const char *s;

	if (v == NULL)
		v = json_object_get(o, "report_status");
	if (json_is_boolean(json_object_get(o, "success")))
		return json_is_true(json_object_get(o, "success")) ?
		    "delivered" : "failed";
	if ((s = json_string_value(v)) == NULL)
		return NULL;
	if (!strcasecmp(s, "delivered") || !strcasecmp(s, "DELIVRD") ||
	    !strcasecmp(s, "SUCCESS"))
		return "delivered";
	if (!strcasecmp(s, "failed") || !strcasecmp(s, "UNDELIV") ||
	    !strcasecmp(s, "FAIL") || !strcasecmp(s, "REJECTD") ||
	    !strcasecmp(s, "EXPIRED"))
		return "failed";
	return NULL;
}

/*
 * A request's delivery reports, applied in the next group commit: Kannel's
 * one (id, status) or a provider's JSON (root: one object or an array,
 * for channel). Owns root.
 */
struct http_dlr_job {
	struct http *h;
	struct evhttp_request *req;
	json_t *root;
	char channel[CONFIG_NAME_MAX];
	int64_t id;
	const char *status;		/* Kannel's, static */
	int applied;			/* rows, in the last application */
};

/* A report's reference in a provider's JSON object, or NULL. */
static const char *
http_dlr_ref(json_t *o)
{
	static const char *const keys[] = { "message_id", "biz_id", "sid" };
	const char *ref = NULL;
	size_t k;

	for (k = 0; ref == NULL && k < sizeof keys / sizeof *keys; k++)
		ref = json_string_value(json_object_get(o, keys[k]));
	return ref;
}

/* Inside the group's transaction; may run twice (a neighbour failed). */
static enum pipeline_rc
http_dlr_job_apply(void *arg)
{
	struct http_dlr_job *dj = arg;
	const char *ref;
	size_t i, n;
	json_t *o;
	int r;

	dj->applied = 0;
	if (dj->root == NULL) {
		if ((r = http_dlr_apply(dj->h, NULL, NULL, dj->id,
		    dj->status)) < 0)
			return PIPELINE_FAILED;
		dj->applied = r;
		return PIPELINE_ACCEPTED;
	}
	n = json_is_array(dj->root) ? json_array_size(dj->root) : 1;
	for (i = 0; i < n; i++) {
		o = json_is_array(dj->root) ? json_array_get(dj->root, i) :
		    dj->root;
		if ((ref = http_dlr_ref(o)) == NULL)
			continue;
		if ((r = http_dlr_apply(dj->h, dj->channel, ref, 0,
		    http_dlr_json_status(o))) < 0)
			return PIPELINE_FAILED;
		dj->applied += r;
	}
	return PIPELINE_ACCEPTED;
}

/* Delivery reports on disk: answered (plain: no store, no log). */
static void
http_dlr_done(void *arg, enum pipeline_rc rc, int64_t unused)
{
	struct http_dlr_job *dj = arg;
	char body[64];
	int n;

	(void)unused;
	if (rc == PIPELINE_FAILED)
		http_error(dj->h, dj->req, 503, "Service Unavailable",
		    "not stored; retry later");
	else {
		n = snprintf(body, sizeof body,
		    "{\"status\":\"ok\",\"applied\":%d}", dj->applied);
		http_json_text(dj->h, dj->req, 200, "OK", body, (size_t)n);
	}
	json_decref(dj->root);
	free(dj);
}

/*
 * POST|GET /sms/dlr: Kannel's dlr-url (id = our outbound id, status = its
 * DLR type) or a provider's JSON report (one object or an array of them,
 * with message_id/biz_id/sid and status/success) for ?channel=NAME.
 * Reports for ids not known yet are held, not dropped.
 */
static void
http_dlr(struct http *h, struct evhttp_request *req)
{
	struct form *f = http_form_new();
	struct http_dlr_job *dj = NULL;
	struct http_sig sig;
	const char *ct, *channel, *ids, *raw;
	size_t rawlen;
	char *end;
	int json;

	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	json = http_media_is(ct, "application/json");
	if (json) {
		/* The form is the query; the body is JSON. */
		const char *q = evhttp_uri_get_query(
		    evhttp_request_get_evhttp_uri(req));

		if (http_form_ok(h, req, f, q ? q : "", q ? strlen(q) : 0) !=
		    0)
			goto out;
	} else if (http_read_form(h, req, f) != 0) {
		goto out;
	}
	/* As a message is: signed when hmac_secret is set (a dlr-url's
	 * token is in its query, for logs and proxies to keep). */
	if (http_authorized(h, req, f, &sig) != 0)
		goto out;
	dj = xcalloc(1, sizeof *dj);
	dj->h = h;
	dj->req = req;
	if (json) {
		raw = http_raw(req, &rawlen);
		channel = form_get(f, "channel", NULL);
		if (rawlen > h->g->cfg->http_max_body) {
			http_too_large(h, req);
			goto out;
		}
		if (channel == NULL || !http_channel_known(h, channel) ||
		    (dj->root = json_loadb(raw, rawlen, 0, NULL)) == NULL) {
			http_error(h, req, 400, "Bad Request", channel == NULL ?
			    "missing query field: channel" :
			    !http_channel_known(h, channel) ?
			    "no such channel (query field channel)" :
			    "body is not a JSON report");
			goto out;
		}
		snprintf(dj->channel, sizeof dj->channel, "%s", channel);
	} else {
		ids = form_get(f, "id", NULL);
		errno = 0;
		dj->id = ids && isdigit((unsigned char)ids[0]) ?
		    strtoll(ids, &end, 10) : 0;
		if (dj->id <= 0 || *end || errno) {
			http_error(h, req, 400, "Bad Request",
			    "missing or bad field: id");
			goto out;
		}
		if (http_dlr_kannel(form_get(f, "status", NULL),
		    &dj->status) != 0) {
			http_error(h, req, 400, "Bad Request", "missing or bad "
			    "field: status (a Kannel DLR type, 1 to 31)");
			goto out;
		}
	}
	/*
	 * Applied with the next group commit, and answered once that is on
	 * disk, as a message is: a provider's burst of reports (one for
	 * each SMS it took) shares transactions, and the loop does not wait
	 * for the disk.
	 */
	if (pipeline_submit_effect(h->g->pipeline, http_dlr_job_apply,
	    PIPELINE_DONE_PLAIN, http_dlr_done, dj) != 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "1");
		http_error(h, req, 503, "Service Unavailable",
		    "too busy; retry later");
		goto out;
	}
	dj = NULL;
out:
	if (dj)
		json_decref(dj->root);
	free(dj);
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
	int sent, ladder;

	if (g->cfg->admin_token[0] == '\0') {
		http_error(h, req, 403, "Forbidden", "admin_token not configured");
		goto out;
	}
	if (tok == NULL || !http_secret_ok(tok, g->cfg->admin_token)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		http_error(h, req, 401, "Unauthorized", "bad or missing token");
		goto out;
	}
	if (!g->clock.manual) {
		http_error(h, req, 403, "Forbidden",
		    "the clock is in system mode");
		goto out;
	}
	if (http_read_form(h, req, f) != 0)
		goto out;
	adv = form_get(f, "advance", NULL);
	set = form_get(f, "set", NULL);
	if ((adv == NULL) == (set == NULL)) {
		http_error(h, req, 400, "Bad Request",
		    "give exactly one of advance=SECONDS or set=ISO-8601");
		goto out;
	}
	if (adv) {
		secs = strtoll(adv, &end, 10);
		if (*adv == '\0' || *end || secs < 0 || secs > 3650LL * 86400) {
			http_error(h, req, 400, "Bad Request",
			    "advance must be 0 to 315360000 seconds");
			goto out;
		}
		t = clock_now(&g->clock) + secs;
	} else if (timefmt_parse(set, &t) != 0) {
		/* A form's '+' is a space: +08:00 sent as typed. */
		http_error(h, req, 400, "Bad Request", strchr(set, ' ') ?
		    "set is not an ISO-8601 time (a '+' sent as typed arrives "
		    "as a space: send %2B, or use curl --data-urlencode)" :
		    "set is not an ISO-8601 time");
		goto out;
	}
	if (clock_set(&g->clock, t) != 0) {
		http_error(h, req, 400, "Bad Request",
		    "the clock cannot go backwards");
		goto out;
	}
	timefmt_format(t, now, sizeof now);
	log_info("clock set to %s", now);
	/* The clock was set whatever the ladder did: said apart. */
	ladder = gw_run_due_sent(g, &sent);
	http_json(h, req, 200, "OK", json_pack("{ss ss si ss}", "status", "ok",
	    "now", now, "sent", sent, "ladder", ladder < 0 ? "failed" : "ok"));
out:
	free(f);
}

static void
http_healthz(struct http *h, struct evhttp_request *req, int connections)
{
	struct store_queue_stats q;
	char now[TIMEFMT_MAX];

	timefmt_format(clock_now(&h->g->clock), now, sizeof now);
	if (store_outbound_stats(h->g->store, &q) != STORE_OK) {
		http_json(h, req, 503, "Service Unavailable", json_pack(
		    "{ss ss}", "status", "error", "database",
		    store_errmsg(h->g->store)));
		return;
	}
	{
		const char *failing;
		size_t nfailed = pipeline_failing(h->g->pipeline, &failing);
		json_t *o = json_pack("{ss ss sI sI sI sI sI ss ss}",
		    "status", failing ? "error" : "ok",
		    "database", failing ? failing : "ok",
		    "queue_depth", (json_int_t)q.queued,
		    "failed", (json_int_t)q.failed, "sent", (json_int_t)q.sent,
		    "delivered", (json_int_t)q.delivered,
		    "undelivered", (json_int_t)q.undelivered,
		    "clock", h->g->clock.manual ? "manual" : "system",
		    "now", now);
		json_t *chans = json_object();
		size_t i;

		/* Channels that know their state (a modem's signal, say). */
		for (i = 0; i < h->g->nchannels; i++) {
			const struct channel *ch = h->g->channels[i];
			char st[128];

			if (ch->ops->status == NULL)
				continue;
			ch->ops->status(ch, st, sizeof st);
			json_object_set_new(chans, ch->name, json_string(st));
		}
		json_object_set_new(o, "channels", chans);
		/* A WAL that only grows means checkpoints fail: say so. */
		{
			char why[128];
			int frames;

			json_object_set_new(o, "checkpoint", json_string(
			    store_checkpoint_status(h->g->store, &frames, why,
			    sizeof why) == STORE_OK ? "ok" : why));
			json_object_set_new(o, "wal_frames",
			    json_integer(frames));
		}
		/* Messages whose effect failed made their group be applied
		 * again: a count that grows says something keeps failing. */
		json_object_set_new(o, "groups_reapplied", json_integer(
		    (json_int_t)pipeline_regroups(h->g->pipeline)));
		/* Back-pressure: messages waiting for a commit now, and
		 * those refused with 503 since start. */
		json_object_set_new(o, "inbound_waiting", json_integer(
		    (json_int_t)pipeline_pending(h->g->pipeline)));
		/* Committed, unanswered until the disk has them: a count
		 * that stays up is a slow or failing disk. */
		json_object_set_new(o, "inbound_syncing", json_integer(
		    (json_int_t)pipeline_syncing(h->g->pipeline)));
		json_object_set_new(o, "inbound_refused_busy", json_integer(
		    (json_int_t)pipeline_refused(h->g->pipeline)));
		/* Counted by the HTTP thread as the request came. */
		json_object_set_new(o, "connections",
		    json_integer(connections));
		json_object_set_new(o, "max_connections",
		    json_integer(conncap_max(h->cap)));
		/* Groups that stored nothing: while the last one did, the
		 * status is "error" and the answer 503, for a monitor. */
		json_object_set_new(o, "groups_failed",
		    json_integer((json_int_t)nfailed));
		if (failing)
			http_json(h, req, 503, "Service Unavailable", o);
		else
			http_json(h, req, 200, "OK", o);
	}
}

/* On the loop: each request the HTTP thread hands over. */
static void
http_route(void *arg, struct evhttp_request *req, int connections)
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
	} else if (!strcmp(path, "/sms/dlr")) {
		if (m == EVHTTP_REQ_POST || m == EVHTTP_REQ_GET)
			return http_dlr(h, req);
	} else if (!strcmp(path, "/ussd")) {
		if (m == EVHTTP_REQ_POST)
			return ussd_request(h->ussd, h, req);
	} else if (!strcmp(path, "/admin/clock")) {
		if (m == EVHTTP_REQ_POST)
			return http_admin_clock(h, req);
	} else if (!strcmp(path, "/healthz")) {
		if (m == EVHTTP_REQ_GET)
			return http_healthz(h, req, connections);
	} else {
		return http_error(h, req, 404, "Not Found", "no such path");
	}
	http_error(h, req, 405, "Method Not Allowed", "method not allowed here");
}

/* evhttp's bufferevent for a new connection: NULL, evhttp makes its own;
 * called only to count the connection in. */
static struct bufferevent *
http_conn_new(struct event_base *base, void *arg)
{
	struct http *h = arg;

	(void)base;
	if (h->cap)
		conncap_accepted(h->cap);
	return NULL;
}

/*
 * The listening socket, made here rather than by evhttp_bind_socket: that
 * one listens with a queue of 128, so a burst of clients past it (a
 * provider's pool reconnecting, or any past max_connections, whom the
 * paused listener leaves to the kernel) had SYNs dropped and waited a
 * second or more to retry. SOMAXCONN: the kernel's own limit
 * (net.core.somaxconn). -1 with *why set on failure.
 */
static int
http_listen(const char *host, int port, int listening, const char **why)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	char serv[8];
	int fd = -1, on = 1, rc;

	snprintf(serv, sizeof serv, "%d", port);
	if ((rc = getaddrinfo(host, serv, &hints, &res)) != 0) {
		*why = gai_strerror(rc);
		return -1;
	}
	*why = "no address";
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof on) != 0 ||
		    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
		    (listening && listen(fd, SOMAXCONN) != 0)) {
			*why = strerror(errno);
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * Room for max_connections sockets beside what else the daemon opens:
 * the providers' connections (twice each HTTP channel's max_inflight: curl
 * keeps idle ones for reuse), and 64 more for the database, its WAL and
 * shared memory, the checkpoint's connection, pipes, SMPP and the modem.
 * The soft limit on open files is raised to the hard one, and a cap that
 * still does not fit is refused now, not met later as accept(2) failing
 * under load.
 */
#define HTTP_FD_RESERVE 64

static int
http_fd_room(const struct gw_config *cfg, char *err, size_t errsz)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)cfg->http_max_conns + HTTP_FD_RESERVE;
	size_t i;

	for (i = 0; i < cfg->nchannels; i++)
		if (cfg->channels[i].type == CHAN_TYPE_HTTP)
			need += 2 * (rlim_t)cfg->channels[i].max_inflight;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;	/* cannot tell: accept says so if it fails */
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return 0;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		snprintf(err, errsz, "[inbound.http] max_connections = %d "
		    "needs %llu open files, and the limit is %llu (ulimit -n; "
		    "LimitNOFILE= under systemd; counted: the connections, "
		    "twice the channels' max_inflight, %d more)",
		    cfg->http_max_conns, (unsigned long long)need,
		    (unsigned long long)rl.rlim_cur, HTTP_FD_RESERVE);
		return -1;
	}
	return 0;
}

int
http_listen_open(const struct gw_config *cfg, char *err, size_t errsz)
{
	const char *why;
	int fd;

	/* Bound, not listening: nobody sees the port open before the
	 * daemon handles its signals (http_new listens). */
	if ((fd = http_listen(cfg->listen_host, cfg->listen_port, 0,
	    &why)) < 0)
		snprintf(err, errsz, "cannot listen on %s:%d: %s",
		    cfg->listen_host, cfg->listen_port, why);
	return fd;
}

struct http *
http_new(struct gw *g, int listen_fd, char *err, size_t errsz)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct evhttp_bound_socket *bs = NULL;
	const char *why = NULL;
	int fd = listen_fd;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	h->g = g;
	if (http_fd_room(g->cfg, err, errsz) != 0) {
		if (fd >= 0)
			close(fd);
		free(h);
		return NULL;
	}
	h->ussd = ussd_new(g);
	if ((h->front = httpfront_new(g->base, http_route, h, "/healthz", err,
	    errsz)) == NULL)
		goto fail;
	if ((h->eh = evhttp_new(httpfront_base(h->front))) == NULL) {
		snprintf(err, errsz, "evhttp_new failed");
		goto fail;
	}
	/* Twice our own limit, so that a body somewhat over it is still
	 * answered with a reason (a larger one gets evhttp's bare 413), and
	 * small, for a connection holding a request half sent holds it in
	 * memory: at 64 kB, 1,500 such connections took the daemon to
	 * 110 MB. */
	evhttp_set_max_body_size(h->eh, 2 * g->cfg->http_max_body);
	evhttp_set_max_headers_size(h->eh, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h->eh, HTTP_TIMEOUT);
	/* Let every common method reach the router, which answers 405 with a
	 * reason (evhttp itself would answer a bare 501). */
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(h->eh, httpfront_request_cb, h->front);
	if (fd >= 0 && listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errsz, "cannot listen on %s:%d: %s",
		    g->cfg->listen_host, g->cfg->listen_port, strerror(errno));
		goto fail;
	}
	if ((fd < 0 && (fd = http_listen(g->cfg->listen_host,
	    g->cfg->listen_port, 1, &why)) < 0) ||
	    (bs = evhttp_accept_socket_with_handle(h->eh, fd)) == NULL) {
		if (fd >= 0)
			why = "evhttp refused the socket";
		snprintf(err, errsz, "cannot listen on %s:%d: %s",
		    g->cfg->listen_host, g->cfg->listen_port, why);
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == 0)
		h->port = ntohs(ss.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port);
	evhttp_set_bevcb(h->eh, http_conn_new, h);
	h->cap = conncap_new(httpfront_base(h->front),
	    evhttp_bound_socket_get_listener(bs), h->port,
	    g->cfg->http_max_conns);
	if (h->cap == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	conncap_set_slow(h->cap, g->cfg->http_slow_timeout);
	/* From here on evhttp and the cap are the HTTP thread's. */
	if (httpfront_start(h->front, h->cap, err, errsz) != 0)
		goto fail;
	log_info("listening on %s:%d", g->cfg->listen_host, h->port);
	return h;
fail:
	/* Not evhttp's yet: ours to close. */
	if (bs == NULL && fd >= 0)
		close(fd);
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
	/* The thread first: then evhttp and the cap are ours again. */
	httpfront_stop(h->front);
	/* Its timer touches evhttp's listener. */
	conncap_free(h->cap);
	if (h->eh)
		evhttp_free(h->eh);
	httpfront_free(h->front);
	ussd_free(h->ussd);
	free(h);
}
