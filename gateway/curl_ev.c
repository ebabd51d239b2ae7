/*
 * libcurl multi on libevent: one persistent event per socket libcurl asks
 * about, one timer for libcurl's timeout, curl_multi_socket_action() on
 * either, then curl_multi_info_read() for finished transfers. Modelled on
 * curl's docs/examples/multi-event.c.
 */
#include "gateway/curl_ev.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "gateway/xmalloc.h"

struct curl_ev {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	int running;
	int in_flight;
	struct curl_ev_req *reqs;	/* list of transfers in flight */
};

struct curl_ev_req {
	struct curl_ev *cev;
	CURL *easy;
	struct curl_slist *headers;
	curl_ev_done_fn *done;
	void *arg;
	char *body;
	size_t len;
	int truncated;
	struct curl_ev_req *next, **prevp;
};

/* Per-socket state attached with curl_multi_assign. */
struct curl_ev_sock {
	struct event *ev;
	curl_socket_t fd;
};

static void curl_ev_check(struct curl_ev *);

static size_t
curl_ev_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct curl_ev_req *r = arg;
	size_t k = size * n, room = CURL_EV_MAX_BODY - r->len;

	if (k > room) {
		k = room;
		r->truncated = 1;
	}
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return size * n;	/* keep reading; the rest is dropped */
}

static void
curl_ev_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct curl_ev *cev = arg;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) |
	    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(cev->multi, fd, flags, &cev->running);
	curl_ev_check(cev);
}

static void
curl_ev_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct curl_ev *cev = arg;

	(void)fd;
	(void)what;
	curl_multi_socket_action(cev->multi, CURL_SOCKET_TIMEOUT, 0,
	    &cev->running);
	curl_ev_check(cev);
}

/* CURLMOPT_SOCKETFUNCTION: watch (or stop watching) one socket. */
static int
curl_ev_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
    void *sockp)
{
	struct curl_ev *cev = userp;
	struct curl_ev_sock *s = sockp;
	short kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s) {
			event_free(s->ev);
			free(s);
			curl_multi_assign(cev->multi, fd, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->fd = fd;
		curl_multi_assign(cev->multi, fd, s);
	} else {
		event_free(s->ev);
	}
	s->ev = event_new(cev->base, fd, kind, curl_ev_event_cb, cev);
	if (s->ev == NULL || event_add(s->ev, NULL) != 0)
		log_warnx("curl_ev: cannot watch socket %d", (int)fd);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer; -1 deletes it. */
static int
curl_ev_timerfunc_cb(CURLM *multi, long ms, void *userp)
{
	struct curl_ev *cev = userp;
	struct timeval tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(cev->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(cev->timer, &tv);
	return 0;
}

static void
curl_ev_req_free(struct curl_ev_req *r)
{
	if (r->next)
		r->next->prevp = r->prevp;
	*r->prevp = r->next;
	curl_multi_remove_handle(r->cev->multi, r->easy);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	r->cev->in_flight--;
	free(r->body);
	free(r);
}

/* Reaps finished transfers and calls their owners. */
static void
curl_ev_check(struct curl_ev *cev)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(cev->multi, &left)) != NULL) {
		struct curl_ev_req *r;
		long status = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&r);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
		    &status);
		r->done(r->arg, msg->data.result, status, r->body, r->len);
		curl_ev_req_free(r);
	}
}

struct curl_ev *
curl_ev_new(struct event_base *base)
{
	struct curl_ev *cev = xcalloc(1, sizeof *cev);

	cev->base = base;
	if ((cev->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	if ((cev->timer = evtimer_new(base, curl_ev_timer_cb, cev)) == NULL)
		fatalx("curl_ev: evtimer_new");
	curl_multi_setopt(cev->multi, CURLMOPT_SOCKETFUNCTION,
	    curl_ev_socket_cb);
	curl_multi_setopt(cev->multi, CURLMOPT_SOCKETDATA, cev);
	curl_multi_setopt(cev->multi, CURLMOPT_TIMERFUNCTION,
	    curl_ev_timerfunc_cb);
	curl_multi_setopt(cev->multi, CURLMOPT_TIMERDATA, cev);
	return cev;
}

void
curl_ev_free(struct curl_ev *cev)
{
	if (cev == NULL)
		return;
	while (cev->reqs)
		curl_ev_req_free(cev->reqs);
	curl_multi_cleanup(cev->multi);
	event_free(cev->timer);
	free(cev);
}

int
curl_ev_start(struct curl_ev *cev, CURL *easy, struct curl_slist *headers,
    long timeout_ms, curl_ev_done_fn *done, void *arg)
{
	struct curl_ev_req *r = xcalloc(1, sizeof *r);

	r->cev = cev;
	r->easy = easy;
	r->headers = headers;
	r->done = done;
	r->arg = arg;
	r->body = xcalloc(1, CURL_EV_MAX_BODY + 1);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, curl_ev_write_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	if (headers)
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	r->next = cev->reqs;
	if (r->next)
		r->next->prevp = &r->next;
	r->prevp = &cev->reqs;
	cev->reqs = r;
	cev->in_flight++;
	if (curl_multi_add_handle(cev->multi, easy) != CURLM_OK) {
		curl_ev_req_free(r);
		return -1;
	}
	return 0;
}

int
curl_ev_in_flight(const struct curl_ev *cev)
{
	return cev->in_flight;
}
