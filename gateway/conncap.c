/* The cap on open HTTP connections; see conncap.h. */
#include "gateway/conncap.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "gateway/log.h"
#include "gateway/xmalloc.h"

/* How long the listener rests after accept(2) fails for want of
 * descriptors. */
#define CONNCAP_REST_S 1

/* /healthz's count is taken again only this long after the last. */
#define CONNCAP_SHOWN_MS 100

/* A connection as the cap knows it, by descriptor: the socket (a
 * descriptor is used again once closed) and since when it has brought
 * no whole request. */
struct conncap_conn {
	ino_t ino;
	int64_t since;		/* monotonic ms; 0: not seen yet */
	int busy;		/* its request is with the loop ... */
	ino_t busy_ino;		/* ... on this socket, not a later one */
};

struct conncap {
	struct evconnlistener *listener;
	struct event_base *base;
	struct event *retry;	/* counts again while paused */
	struct timeval shown_at;	/* conncap_open's last count */
	int shown;
	int port, max;
	int est;		/* the last count, plus accepts since */
	int paused;
	int blind;		/* /proc/self/fd unreadable: no cap */
	int slow_s;		/* conncap_set_slow; 0: none closed */
	struct conncap_conn *conns;	/* by descriptor */
	size_t nconns;
};

static int64_t
conncap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

/* The entry of fd, the table grown to it; NULL without memory (the
 * connection is then not watched). */
static struct conncap_conn *
conncap_conn(struct conncap *c, int fd)
{
	struct conncap_conn *p;
	size_t n;

	if (fd < 0)
		return NULL;
	if ((size_t)fd >= c->nconns) {
		n = (size_t)fd + 64;
		if ((p = realloc(c->conns, n * sizeof *p)) == NULL)
			return NULL;
		memset(p + c->nconns, 0, (n - c->nconns) * sizeof *p);
		c->conns = p;
		c->nconns = n;
	}
	return &c->conns[fd];
}

/*
 * A connection counted: seen for the first time, it starts its time; a
 * slow one, with evict set, is shut down (evhttp then reads the end of
 * it, and frees it: it is never closed under evhttp's feet). 1 if shut
 * down, else 0.
 */
static int
conncap_watch(struct conncap *c, int fd, int64_t now, int evict)
{
	struct conncap_conn *e = conncap_conn(c, fd);
	struct stat sb;

	if (e == NULL || fstat(fd, &sb) != 0)
		return 0;
	if (e->since == 0 || e->ino != sb.st_ino) {
		e->ino = sb.st_ino;
		e->since = now;
		return 0;
	}
	/* Waiting for its answer (a commit slow to reach the disk) is not
	 * being slow: shut down, its message stored, its 200 would be lost. */
	if ((e->busy && e->busy_ino == sb.st_ino) || !evict ||
	    c->slow_s <= 0 || now - e->since <
	    (int64_t)c->slow_s * 1000)
		return 0;
	e->since = now;
	return shutdown(fd, SHUT_RDWR) == 0;
}

static int
conncap_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return -1;
}

/* The count of conncap_count; each connection also to conncap_watch when
 * c is given. *closed: how many it shut down. */
static int
conncap_scan(int port, struct conncap *c, int evict, int *closed)
{
	struct sockaddr_storage ss;
	int64_t now = c ? conncap_now() : 0;
	struct dirent *e;
	socklen_t sl;
	int n = 0, fd, type, listening;
	char *end;
	long v;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		v = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '\0' || v == dirfd(d))
			continue;
		fd = (int)v;
		/* Not a socket: ENOTSOCK, one system call. */
		sl = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
		    conncap_port_of(&ss) != port)
			continue;
		sl = sizeof type;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) != 0 ||
		    type != SOCK_STREAM)
			continue;
		/* Not the listener. Not "has a peer": a connection its
		 * client reset has none, and holds its socket all the same
		 * until evhttp writes the answer. */
		sl = sizeof listening;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
		    &sl) == 0 && !listening) {
			n++;
			if (c && conncap_watch(c, fd, now, evict))
				(*closed)++;
		}
	}
	closedir(d);
	return n;
}

int
conncap_count(int port)
{
	return conncap_scan(port, NULL, 0, NULL);
}

/*
 * Counts now. When the count cannot be had: -1 and no cap from then on
 * if /proc is missing or closed to us; at the cap if the process is out
 * of descriptors or memory for a moment (the listener then waits, and
 * the count is tried again).
 */
static int
conncap_recount(struct conncap *c, int evict)
{
	int n, closed = 0;

	if (c->blind)
		return -1;
	if ((n = conncap_scan(c->port, c, evict, &closed)) < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			return c->est = c->max;
		c->blind = 1;
		log_warnx("cannot count connections (/proc/self/fd): %s; "
		    "max_connections is not enforced", strerror(errno));
		return -1;
	}
	/* Still counted: evhttp closes them once it reads their end. */
	if (closed > 0)
		log_warnx("%d connections open: closed %d connection(s) that "
		    "brought no whole request in %d s", n, closed, c->slow_s);
	c->est = n;
	return n;
}

static void
conncap_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conncap *c = arg;
	struct timeval tv = { 0, 100 * 1000 };
	int n;

	(void)fd;
	(void)what;
	/* At the cap: the slow ones make room. */
	n = conncap_recount(c, 1);
	if (n >= c->max) {
		evtimer_add(c->retry, &tv);
		return;
	}
	c->paused = 0;
	evconnlistener_enable(c->listener);
	if (n >= 0)	/* else blind: said so once, and no cap */
		log_info("%d connections open: accepting connections again",
		    n);
}

static void
conncap_rested_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evconnlistener_enable(arg);
}

/*
 * accept(2) failed, not for a moment: the process or the system is out
 * of descriptors (EMFILE, ENFILE) or of memory. The listening socket
 * stays readable, and libevent 2.1 would call accept again at once, for
 * ever, a line in the log each time (measured: 700,000 lines in 3 s, the
 * HTTP thread at a full core, /healthz unanswered). The listener rests a
 * second instead; the clients wait in the kernel's backlog.
 */
static void
conncap_accept_failed(struct evconnlistener *l, void *arg)
{
	struct timeval tv = { CONNCAP_REST_S, 0 };
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	evconnlistener_disable(l);
	if (event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT,
	    conncap_rested_cb, l, &tv) != 0) {
		log_warnx("cannot accept a connection: %s",
		    evutil_socket_error_to_string(err));
		evconnlistener_enable(l);
		return;
	}
	log_warnx("cannot accept a connection: %s; trying again in %d s",
	    evutil_socket_error_to_string(err), CONNCAP_REST_S);
}

struct conncap *
conncap_new(struct event_base *base, struct evconnlistener *l, int port,
    int max)
{
	struct conncap *c = xcalloc(1, sizeof *c);

	c->listener = l;
	c->base = base;
	c->port = port;
	c->max = max;
	if ((c->retry = evtimer_new(base, conncap_retry_cb, c)) == NULL) {
		free(c);
		return NULL;
	}
	evconnlistener_set_error_cb(l, conncap_accept_failed);
	return c;
}

void
conncap_free(struct conncap *c)
{
	if (c == NULL)
		return;
	event_free(c->retry);
	free(c->conns);
	free(c);
}

void
conncap_set_slow(struct conncap *c, int slow_s)
{
	c->slow_s = slow_s;
}

void
conncap_served(struct conncap *c, int fd)
{
	struct conncap_conn *e;
	struct stat sb;

	if (c->slow_s <= 0 || (e = conncap_conn(c, fd)) == NULL ||
	    fstat(fd, &sb) != 0)
		return;
	/* Its socket's: a connection gone before its answer leaves the
	 * number to another, which is not in flight. */
	e->busy = 1;
	e->busy_ino = sb.st_ino;
	/* Not yet seen by a count: its time starts there. */
	if (e->since != 0)
		e->since = conncap_now();
}

void
conncap_answered(struct conncap *c, int fd)
{
	struct conncap_conn *e;

	if (c->slow_s <= 0 || (e = conncap_conn(c, fd)) == NULL)
		return;
	e->busy = 0;
	if (e->since != 0)
		e->since = conncap_now();
}

void
conncap_accepted(struct conncap *c)
{
	struct timeval tv = { 0, 100 * 1000 };
	int n;

	/* Between counts, connections are only ever added: no count is
	 * needed until they could have reached the cap. */
	if (c->blind || ++c->est < c->max || c->paused)
		return;
	if ((n = conncap_recount(c, 0)) < c->max)
		return;
	c->paused = 1;
	evconnlistener_disable(c->listener);
	evtimer_add(c->retry, &tv);
	log_warnx("%d connections open: no more accepted until one closes",
	    n);
}

/* Asked by /healthz, which anyone may call: a count costs three system
 * calls a socket (some 1,500 at the default cap), so a stream of
 * requests gets the last one while it is fresh. */
int
conncap_open(struct conncap *c)
{
	struct timeval now = { 0, 0 }, age;

	if (event_base_gettimeofday_cached(c->base, &now) == 0 &&
	    c->shown_at.tv_sec != 0 && !timercmp(&now, &c->shown_at, <)) {
		timersub(&now, &c->shown_at, &age);
		if (age.tv_sec == 0 && age.tv_usec < CONNCAP_SHOWN_MS * 1000)
			return c->shown;
	}
	c->shown = conncap_recount(c, 0);
	c->shown_at = now;
	return c->shown;
}

void
conncap_stop(struct conncap *c)
{
	evconnlistener_disable(c->listener);
	evtimer_del(c->retry);
	c->paused = 1;
}

int
conncap_max(const struct conncap *c)
{
	return c->max;
}
