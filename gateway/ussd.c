/*
 * USSD sessions over HTTP (ussd.h). The menus themselves are the
 * casework's (casework/ussd.c); this file keeps the sessions, works out
 * the user's new input from the aggregator's accumulated text, and hands
 * a final action to the pipeline, answering only after it is committed.
 */
#include "gateway/ussd.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/casework/casework.h"
#include "gateway/gw.h"
#include "gateway/http_int.h"
#include "gateway/log.h"
#include "gateway/pipeline.h"
#include "gateway/xmalloc.h"
#include "parsers/fnv.h"
#include "parsers/form.h"
#include "parsers/phone.h"

#define USSD_ID_MAX 64		/* sessionId */
#define USSD_PROVIDER_MAX (USSD_ID_MAX + 64)

/*
 * One session. The aggregator's text (every input so far) is kept as its
 * length and hash only: the next request's text must start with it, and
 * what follows the '*' after it is the new input. A session of long
 * Chinese notes costs no more memory than one of digits.
 */
struct ussd_session {
	char id[USSD_ID_MAX + 1];	/* "" for a free slot */
	char phone[PHONE_MAX];
	int64_t opened;			/* when the session began */
	int64_t seen;			/* the last request, daemon clock */
	uint64_t gen;			/* changes when the slot is reused */
	size_t textlen;			/* the aggregator's text so far */
	uint64_t texthash;
	struct menu_state st;
	int final;			/* the action was handed over */
	char command[MENU_COMMAND_MAX];	/* ... this one, */
	char provider_id[USSD_PROVIDER_MAX];	/* ... under this key */
};

struct ussd {
	struct gw *g;
	struct ussd_session *s;
	size_t n;
	int timeout;
	uint64_t gen;
};

struct ussd *
ussd_new(struct gw *g)
{
	struct ussd *u = xcalloc(1, sizeof *u);

	u->g = g;
	u->n = g->cfg->ussd_sessions > 0 ? (size_t)g->cfg->ussd_sessions :
	    1024;
	u->timeout = g->cfg->ussd_timeout > 0 ? g->cfg->ussd_timeout : 180;
	u->s = xcalloc(u->n, sizeof *u->s);
	return u;
}

void
ussd_free(struct ussd *u)
{
	if (u == NULL)
		return;
	free(u->s);
	free(u);
}

static void
ussd_answer(struct http *h, struct evhttp_request *req,
    const struct menu_page *p)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL || evbuffer_add_printf(b, "%s %s", p->end ? "END" :
	    "CON", p->text) < 0) {
		if (b)
			evbuffer_free(b);
		http_send(h, req, 500, "out of memory", NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	http_send(h, req, 200, "OK", b);
}

/* The session with this id on this phone, or NULL: an aggregator that
 * gives two phones one id does not make them share, or reset, a session. */
static struct ussd_session *
ussd_find(struct ussd *u, const char *id, const char *phone)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->s[i].id[0] && !strcmp(u->s[i].id, id) &&
		    !strcmp(u->s[i].phone, phone))
			return &u->s[i];
	return NULL;
}

/* A slot for a new session: a free or idle one, else the least recent. */
static struct ussd_session *
ussd_slot(struct ussd *u, int64_t now)
{
	struct ussd_session *old = &u->s[0];
	size_t i;

	for (i = 0; i < u->n; i++) {
		struct ussd_session *s = &u->s[i];

		if (s->id[0] == '\0' || now - s->seen > u->timeout)
			return s;
		if (s->seen < old->seen)
			old = s;
	}
	log_info("ussd: %zu sessions open, the least recent is dropped",
	    u->n);
	return old;
}

/* Texts are compared by their hash. */
static uint64_t
ussd_hash(const char *s, size_t len)
{
	return fnv1a64(FNV1A64_INIT, s, len);
}

static void
ussd_open(struct ussd *u, struct ussd_session *s, const char *id,
    const char *phone, int64_t now)
{
	memset(s, 0, sizeof *s);
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->phone, sizeof s->phone, "%s", phone);
	s->opened = now;
	s->seen = now;
	s->gen = ++u->gen;
	s->texthash = ussd_hash("", 0);
	casework_menu_start(&s->st);
}

static void
ussd_close(struct ussd_session *s)
{
	s->id[0] = '\0';
}

/* A sessionId is an opaque token: letters, digits and _ . : - only. */
static int
ussd_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= USSD_ID_MAX && strspn(id,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.:-") == n;
}


/* A final request waiting for its commit; answered whatever became of
 * its client (see http.c's http_wait). */
struct ussd_wait {
	struct ussd *u;
	struct http *h;
	struct evhttp_request *req;
	struct ussd_session *s;
	uint64_t gen;
	char phone[PHONE_MAX];
};

static void
ussd_done_cb(void *arg, enum pipeline_rc rc, int64_t inbound_id)
{
	struct ussd_wait *w = arg;
	struct menu_page p;
	int ok = rc == PIPELINE_ACCEPTED || rc == PIPELINE_DUPLICATE;

	memset(&p, 0, sizeof p);
	if (casework_menu_result(w->u->g->casework, w->phone, inbound_id, ok,
	    &p) != 0) {
		p.end = 1;
		snprintf(p.text, sizeof p.text, "%s", "");
	}
	ussd_answer(w->h, w->req, &p);
	/* Not applied: not done either. The aggregator's retry of this
	 * request shows the confirm page again. */
	if (!ok && w->s->gen == w->gen) {
		w->s->final = 0;
		casework_menu_undo(&w->s->st);
	}
	free(w);
}

/* Hands the session's action to the pipeline; answers after the commit. */
static void
ussd_submit(struct ussd *u, struct http *h, struct evhttp_request *req,
    struct ussd_session *s, const struct http_sig *sig)
{
	struct ussd_wait *w = xcalloc(1, sizeof *w);
	struct pipeline_in in = { "ussd", s->provider_id, s->phone, NULL,
	    s->command, strlen(s->command), sig->hex[0] ? sig->hex : NULL,
	    sig->at };
	struct menu_page p;

	w->u = u;
	w->h = h;
	w->req = req;
	w->s = s;
	w->gen = s->gen;
	snprintf(w->phone, sizeof w->phone, "%s", s->phone);
	if (pipeline_submit(u->g->pipeline, &in, 0, ussd_done_cb, w) != 0) {
		free(w);
		s->final = 0;
		casework_menu_undo(&s->st);
		memset(&p, 0, sizeof p);
		if (casework_menu_result(u->g->casework, s->phone, 0, 0,
		    &p) != 0)
			snprintf(p.text, sizeof p.text, "%s", "");
		p.end = 1;
		ussd_answer(h, req, &p);
	}
}

/*
 * The user's new input: what the aggregator's text adds to the text of
 * the last request. *input is NULL for "nothing new" (the first request,
 * or a retry of the last one); returns 0, or -1 when the texts do not
 * follow on (a session that lost its way: start again).
 */
static int
ussd_input(const struct ussd_session *s, const char *text,
    const char **input)
{
	size_t n = strlen(text), l = s->textlen;

	*input = NULL;
	if (n == l && ussd_hash(text, n) == s->texthash)
		return 0;
	if (l == 0) {
		*input = text;
		return 0;
	}
	if (n > l && text[l] == '*' && ussd_hash(text, l) == s->texthash) {
		*input = text + l + 1;
		return 0;
	}
	return -1;
}

void
ussd_request(struct ussd *u, struct http *h, struct evhttp_request *req)
{
	struct form *f = xcalloc(1, sizeof *f);
	const char *id, *phone, *text, *input = NULL;
	char phone164[PHONE_MAX];
	struct http_sig sig;
	struct ussd_session *s;
	struct menu_page *p = xcalloc(1, sizeof *p);
	int64_t now = clock_now(&u->g->clock);
	int bad, restarted = 0;

	if (http_read_form(h, req, f) != 0 ||
	    http_authorized(h, req, f, &sig) != 0)
		goto out;
	if ((id = http_field(h, req, f, "sessionId", USSD_ID_MAX, &bad)), bad)
		goto out;
	if ((phone = http_field(h, req, f, "phoneNumber", PHONE_INPUT_MAX,
	    &bad)), bad)
		goto out;
	if ((text = http_field(h, req, f, "text", FORM_MAX_BYTES, &bad)), bad)
		goto out;
	if (id == NULL || !ussd_id_ok(id)) {
		http_error(h, req, 400, "Bad Request", id == NULL ?
		    "missing field: sessionId" : "field sessionId is not a "
		    "session id (letters, digits, _.:- up to 64)");
		goto out;
	}
	if (phone == NULL || phone_normalize(phone, phone164,
	    sizeof phone164) != 0) {
		http_error(h, req, 400, "Bad Request", phone == NULL ?
		    "missing field: phoneNumber" : "field phoneNumber is not "
		    "a phone number");
		goto out;
	}
	if (text == NULL)
		text = "";
	s = ussd_find(u, id, phone164);
	if (s && now - s->seen > u->timeout) {
		ussd_close(s);	/* stale: not this one */
		s = NULL;
	}
	if (s == NULL) {
		s = ussd_slot(u, now);
		ussd_open(u, s, id, phone164, now);
		restarted = text[0] != '\0';
	} else if (text[0] == '\0' && s->textlen > 0) {
		/* The first request of a new session under a reused id. */
		ussd_open(u, s, id, phone164, now);
	} else if (ussd_input(s, text, &input) != 0) {
		ussd_open(u, s, id, phone164, now);
		restarted = 1;
	}
	s->seen = now;
	s->textlen = strlen(text);
	s->texthash = ussd_hash(text, s->textlen);
	if (s->final && input == NULL && !restarted) {
		/* The final request again: the same key, so a duplicate. */
		ussd_submit(u, h, req, s, &sig);
		goto out;
	}
	s->final = 0;
	if (casework_menu_step(u->g->casework, &s->st, phone164, input,
	    restarted, now, p) != 0) {
		ussd_close(s);
		http_error(h, req, 503, "Service Unavailable", "menu unavailable");
		goto out;
	}
	if (p->submit) {
		s->final = 1;
		snprintf(s->command, sizeof s->command, "%s", p->command);
		/* The same session (its id, phone, start and slot) and the
		 * same inputs: a retry. An aggregator that reuses session ids
		 * does not make a later session's action a duplicate. */
		snprintf(s->provider_id, sizeof s->provider_id,
		    "%s:%lld.%llu:%016llx", s->id, (long long)s->opened,
		    (unsigned long long)s->gen, (unsigned long long)(s->texthash ^
		    ussd_hash(s->phone, strlen(s->phone))));
		ussd_submit(u, h, req, s, &sig);
		goto out;
	}
	if (p->end)
		ussd_close(s);
	ussd_answer(h, req, p);
out:
	free(p);
	free(f);
}
