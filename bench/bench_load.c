/*
 * Load benchmark (not a test) for POST /sms/inbound; bench/load.sh runs it.
 *
 *   bench_load ready PORT
 *	waits (10 s at most) until the daemon listens.
 *   bench_load freeport
 *	prints a free loopback TCP port.
 *   bench_load hold -p PORT -P PID [-n N] [-b BYTES]
 *	N clients at once, each holding a request half sent (BYTES of its
 *	body): the daemon's RSS before, while they hold, and at its peak.
 *   bench_load sent DB COUNT
 *	marks the queue's first COUNT rows sent (a fixture for `reports`).
 *   bench_load reports -p PORT -t TOKEN -d DB -P PID [-n COUNT] [-c CONNS]
 *	sends delivery reports for outbound ids 1..COUNT, closed loop, and
 *	prints reports/s, latency, the daemon's CPU per report and the rows
 *	delivered against the reports acknowledged.
 *   bench_load drain -d DB -P PID [-n COUNT] [-s SECS]
 *	watches the queue until COUNT rows (by default all) are sent:
 *	rows/s, CPU per row.
 *   bench_load roster DIR
 *	writes DIR/places.csv, people.csv, students.csv: a county of 100,000
 *	students and 8,000 people, for `baoxuectl import DIR`.
 *   bench_load drive -p PORT -t TOKEN -d DB -P PID [-n COUNT] [-c CONNS]
 *       [-r RATE] [-k SECRET] [-E]
 *	sends COUNT messages over CONNS keep-alive connections, as fast as the
 *	daemon answers (closed loop) or at RATE per second (open loop: latency
 *	counts from the moment a message was due, so a stall is not hidden),
 *	then prints msgs/s (for an open loop also the answers in each second
 *	while the offer lasted, slowest and median, and how many were still
 *	unanswered when it ended), latency p50/p99, the daemon's peak RSS,
 *	and the rows it finds in DB checked against what the daemon
 *	acknowledged:
 *	inbound rows, case changes, and every reply, task and notice.
 *	With -k, every request is signed as a provider signs a webhook
 *	(X-Baoxue-Timestamp, X-Baoxue-Signature: gateway/hmac.h); a retry
 *	is signed afresh. -E: libevent's HTTP client instead of the plain
 *	one (struct conn).
 *
 * The mix is what a Monday morning looks like: mostly ABS from the class's
 * head teacher and RET for students with an open case, some commands the
 * daemon must refuse, and some provider retries (the same id again).  A
 * student is never in two requests at once, so the expected effect of each
 * acknowledged message is known exactly.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/county.h"
#include "gateway/hmac.h"

static FILE *
create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

static int
roster(const char *dir)
{
	FILE *pl = create(dir, "places.csv"), *pe = create(dir, "people.csv"),
	    *st = create(dir, "students.csv");
	char no[16], ph[16], k[16];
	int t, v, s, c, i, n = 0, phone = 0;

	fprintf(pl, "code,name,kind,parent\nC,县,county,\n");
	fprintf(pe, "phone,name,role,scope\n");
	fprintf(pe, "1360%07d,局,bureau,C\n1360%07d,县,county,C\n",
	    phone, phone + 1);
	phone += 2, n += 2;
	for (t = 0; t < TOWNSHIPS; t++) {
		fprintf(pl, "T%02d,镇%d,township,C\n", t, t);
		fprintf(pe, "1360%07d,镇长,township_head,T%02d\n", phone++, t);
		fprintf(pe, "1360%07d,干部,township_official,T%02d\n",
		    phone++, t);
		n += 2;
		for (v = 0; v < VILLAGES; v++) {
			fprintf(pl, "V%02d%02d,村%d,village,T%02d\n", t, v, v,
			    t);
			fprintf(pe, "1360%07d,村长,village_head,V%02d%02d\n",
			    phone++, t, v);
			fprintf(pe, "1360%07d,村干部,village_cadre,V%02d%02d\n",
			    phone++, t, v);
			n += 2;
		}
		for (s = 0; s < SCHOOLS; s++) {
			fprintf(pl, "S%02d%02d,校%d,school,T%02d\n", t, s, s, t);
			fprintf(pe, "1360%07d,校长,principal,S%02d%02d\n",
			    phone++, t, s);
			n++;
			for (i = 0; i < TEACHERS_PER_SCHOOL; i++, n++)
				fprintf(pe, "1360%07d,教师,teacher,S%02d%02d\n",
				    phone++, t, s);
			for (c = 0; c < CLASSES; c++)
				fprintf(pl, "K%02d%02d%d,班%d,class,S%02d%02d\n",
				    t, s, c, c, t, s);
		}
	}
	for (c = 0; c < NCLASS; c++, n++) {
		head_teacher_phone(c, ph, sizeof ph);
		class_code(c, k, sizeof k);
		fprintf(pe, "%s,班主任,head_teacher,%s\n", ph, k);
	}
	fprintf(st, "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n");
	for (i = 0; i < STUDENTS; i++) {
		int cls = student_class(i), tw = cls / (SCHOOLS * CLASSES);

		student_no(i, no, sizeof no);
		class_code(cls, k, sizeof k);
		fprintf(st, "%s,学生,%s,%s,V%02d%02d,1390%07d,%s\n", no,
		    i % 2 ? "男" : "女", k, tw, i / NCLASS % VILLAGES, i,
		    i % 10 == 0 ? "left_behind" : "");
	}
	if (fclose(pl) || fclose(pe) || fclose(st)) {
		perror("write");
		return 1;
	}
	fprintf(stderr, "roster: %d places, %d people, %d students in %s\n",
	    1 + TOWNSHIPS * (1 + VILLAGES + SCHOOLS * (1 + CLASSES)), n,
	    STUDENTS, dir);
	return 0;
}

/* ---- drive ---- */

enum kind { K_ABS_NEW, K_ABS_AGAIN, K_RET, K_BAD, K_DUP, K_N };
static const char *const kind_names[K_N] = {
	"ABS (opens a case)", "ABS (case already open)", "RET",
	"refused (bad command)", "provider retry (same id)"
};

struct conn;

struct msg {
	struct conn *conn;
	enum kind kind;
	int student;		/* -1: none */
	double due;		/* ms: when it was sent (closed) or due (open) */
	char body[256];
	struct msg *next;	/* the connection's queue */
};

/*
 * One keep-alive connection. With -E, libevent's HTTP client; by default
 * a plain one: the request written in one piece, the answer's status,
 * Content-Length and body read back, one request on the wire at a time
 * (as evhttp's client, no pipelining). The plain one costs the driver
 * less CPU, which on two shared cores is CPU the daemon gets back.
 */
struct conn {
	struct evhttp_connection *evcon;	/* -E */
	struct bufferevent *bev;		/* else */
	struct msg *head, **tail;	/* head is on the wire if busy */
	int busy;
	struct drive *d;
	int inflight;
};

struct drive {
	struct event_base *base;
	struct conn *conns;
	int nconns, next_conn;
	const char *token;
	const char *secret;	/* -k: sign every request */
	int evhttp;		/* -E: libevent's HTTP client */
	struct sockaddr_in addr;
	long count, sent, done;
	double rate;		/* 0: closed loop */
	double t0;
	struct event *tick;
	unsigned seed;
	unsigned char *state;	/* per student: 0 fresh, 1 open, 2 busy */
	int *open_list;		/* students with an open case */
	int *open_at;		/* per student: its index there, or -1 */
	int nopen;
	double *lat;
	long nlat;
	/* Open loop: answers 200 counted by the second they came in (from
	 * t0), and how many were still out when the last one fell due. */
	long *per_sec;
	long nsecs;
	long backlog;
	int offer_over;
	long sent_kind[K_N], ok_kind[K_N], dup_200, dup_ok, rejected503, failed;
	long last_id;
	long run;		/* this run's id prefix: time and pid */
	char last_body[256];	/* the last acknowledged message, for DUP */
	int have_last;
};

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static unsigned
rnd(struct drive *d)
{
	d->seed = d->seed * 1103515245u + 12345u;
	return d->seed >> 8;
}

static void send_one(struct drive *d, double due);

static void
open_remove(struct drive *d, int i)
{
	int k = d->open_at[i], last;

	/* O(1): a linear search here made the driver, not the daemon, the
	 * bottleneck once some 100,000 cases were open. */
	if (k < 0)
		return;
	last = d->open_list[--d->nopen];
	d->open_list[k] = last;
	d->open_at[last] = k;
	d->open_at[i] = -1;
}

static void
open_add(struct drive *d, int i)
{
	d->open_at[i] = d->nopen;
	d->open_list[d->nopen++] = i;
}

static void answered(struct msg *m, int code, const char *body);

static void
response(struct evhttp_request *req, void *arg)
{
	struct msg *m = arg;
	int code = req ? evhttp_request_get_response_code(req) : 0;
	char body[128] = "";

	if (req) {
		struct evbuffer *b = evhttp_request_get_input_buffer(req);
		size_t n = evbuffer_get_length(b);

		if (n >= sizeof body)
			n = sizeof body - 1;
		evbuffer_copyout(b, body, n);
		body[n] = '\0';
	}
	answered(m, code, body);
}

/* The plain client: writes the request at the head of the queue. */
static void
conn_write(struct conn *c)
{
	struct msg *m = c->head;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t len = strlen(m->body);
	char sig[HMAC_HEX_MAX + 96] = "";

	if (c->d->secret) {
		char ts[24], hex[HMAC_HEX_MAX];

		snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
		if (hmac_sign(c->d->secret, ts, m->body, len, hex))
			abort();
		snprintf(sig, sizeof sig, "X-Baoxue-Timestamp: %s\r\n"
		    "X-Baoxue-Signature: %s\r\n", ts, hex);
	}
	c->busy = 1;
	if (evbuffer_add_printf(out, "POST /sms/inbound HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nContent-Type: application/"
	    "x-www-form-urlencoded\r\nContent-Length: %zu\r\n%s\r\n%s",
	    len, sig, m->body) < 0)
		abort();
}

/*
 * The plain client: an answer is its head, Content-Length and body. 1
 * with the status and the body's start (NUL-ended) when a whole answer
 * was in, and taken out; 0 when it is not in yet.
 */
static int
take_answer(struct evbuffer *in, int *code, char *body, size_t bodysz)
{
	struct evbuffer_ptr end;
	char head[1024], *cl;
	size_t hlen, blen, n;

	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0)
		return 0;
	hlen = (size_t)end.pos + 4;
	/* The daemon's answers have a few short headers. */
	if (hlen >= sizeof head)
		abort();
	evbuffer_copyout(in, head, hlen);
	head[hlen] = '\0';
	if (sscanf(head, "HTTP/1.%*d %d", code) != 1)
		*code = 0;
	cl = strcasestr(head, "\r\nContent-Length:");
	blen = cl ? strtoul(cl + 17, NULL, 10) : 0;
	if (evbuffer_get_length(in) < hlen + blen)
		return 0;
	evbuffer_drain(in, hlen);
	n = blen < bodysz ? blen : bodysz - 1;
	evbuffer_copyout(in, body, n);
	body[n] = '\0';
	evbuffer_drain(in, blen);
	return 1;
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char body[128];
	int code;
	struct msg *m;

	while (c->busy) {
		if (!take_answer(in, &code, body, sizeof body))
			return;
		m = c->head;
		if ((c->head = m->next) == NULL)
			c->tail = &c->head;
		c->busy = 0;
		if (c->head)
			conn_write(c);
		answered(m, code, body);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	struct msg *m;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	/* The daemon closed or failed the connection: every request on
	 * it fails, as evhttp's client reports them (code 0). */
	while ((m = c->head) != NULL) {
		c->head = m->next;
		answered(m, 0, "");
	}
	c->tail = &c->head;
	c->busy = 0;
}

static void
answered(struct msg *m, int code, const char *body)
{
	struct drive *d = m->conn->d;

	m->conn->inflight--;
	d->done++;
	if (code == 200) {
		double now = ms_now();
		long sec = (long)((now - d->t0) / 1000.0);

		d->lat[d->nlat++] = now - m->due;
		if (d->per_sec && sec >= 0 && sec < d->nsecs)
			d->per_sec[sec]++;
		if (m->kind == K_DUP) {
			d->dup_200++;
			if (strstr(body, "\"duplicate\""))
				d->dup_ok++;
		} else if (strstr(body, "\"accepted\"")) {
			d->ok_kind[m->kind]++;
			memcpy(d->last_body, m->body, sizeof d->last_body);
			d->have_last = 1;
		}
	} else if (code == 503)
		d->rejected503++;
	else {
		d->failed++;
		if (d->failed <= 3)
			fprintf(stderr, "bench_load: HTTP %d %s\n", code, body);
	}
	if (m->student >= 0) {
		/* What the daemon did: "accepted" (a 200 "duplicate" did
		 * nothing). */
		int applied = code == 200 && strstr(body, "\"accepted\"");
		int opened = applied && m->kind == K_ABS_NEW;
		int closed = applied && m->kind == K_RET;

		if (m->kind == K_ABS_NEW)
			d->state[m->student] = opened ? 1 : 0;
		else if (m->kind == K_RET)
			d->state[m->student] = closed ? 0 : 1;
		else
			d->state[m->student] = 1;
		if (opened)
			open_add(d, m->student);
		if (closed)
			open_remove(d, m->student);
	}
	free(m);
	if (d->done == d->count) {
		event_base_loopexit(d->base, NULL);
		return;
	}
	if (d->rate == 0 && d->sent < d->count)
		send_one(d, ms_now());
}

/* A command the daemon must refuse, from a registered teacher. */
static void
compose_bad(struct drive *d, struct msg *m)
{
	static const char *const bad[] = {
		"ABS 39999999 3", "HELLO", "ABS 30000001 99", "RET",
		"ABS 30000002 0"
	};
	char ph[16];
	int i;

	m->kind = K_BAD;
	head_teacher_phone(rnd(d) % NCLASS, ph, sizeof ph);
	snprintf(m->body, sizeof m->body, "from=%s&text=%s&id=b%ld-%ld&"
	    "token=%s", ph, bad[rnd(d) % 5], d->run, ++d->last_id, d->token);
	for (i = 0; m->body[i]; i++)	/* form encoding */
		if (m->body[i] == ' ')
			m->body[i] = '+';
}

/* A student with an open case and nothing in flight, or -1. */
static int
open_pick(struct drive *d)
{
	int tries, i;

	for (tries = 0; d->nopen > 0 && tries < 8; tries++) {
		i = d->open_list[rnd(d) % (unsigned)d->nopen];
		if (d->state[i] == 1)
			return i;
	}
	return -1;
}

/* A student with no case and nothing in flight, or -1: once nearly every
 * student of the county has a case open (a long run), there is none. */
static int
free_pick(struct drive *d)
{
	int tries, i;

	for (tries = 0; tries < 256; tries++) {
		i = (int)(rnd(d) % STUDENTS);
		if (d->state[i] == 0)
			return i;
	}
	return -1;
}

/* Picks the next message; students in flight are never picked twice. */
static void
compose(struct drive *d, struct msg *m)
{
	unsigned r = rnd(d) % 100;
	char no[16], ph[16];

	m->student = -1;
	if (r < 5 && d->have_last) {
		m->kind = K_DUP;
		memcpy(m->body, d->last_body, sizeof m->body);
		return;
	}
	if (r < 12) {
		compose_bad(d, m);
		return;
	}
	if (r < 42 && (m->student = open_pick(d)) >= 0)
		m->kind = r < 32 ? K_RET : K_ABS_AGAIN;
	else if ((m->student = free_pick(d)) >= 0)
		m->kind = K_ABS_NEW;
	else if ((m->student = open_pick(d)) >= 0)
		m->kind = K_RET;	/* the county is full: students return */
	else {
		compose_bad(d, m);
		return;
	}
	d->state[m->student] = 2;
	student_no(m->student, no, sizeof no);
	head_teacher_phone(student_class(m->student), ph, sizeof ph);
	if (m->kind == K_RET)
		snprintf(m->body, sizeof m->body, "from=%s&text=RET+%s&"
		    "id=m%ld-%ld&token=%s", ph, no, d->run, ++d->last_id,
		    d->token);
	else
		snprintf(m->body, sizeof m->body, "from=%s&text=ABS+%s+%u&"
		    "id=m%ld-%ld&token=%s", ph, no, 2 + rnd(d) % 4, d->run,
		    ++d->last_id,
		    d->token);
}

static void
send_one(struct drive *d, double due)
{
	struct msg *m = calloc(1, sizeof *m);
	struct evhttp_request *req;
	struct conn *c;

	if (m == NULL)
		abort();
	c = &d->conns[d->next_conn];
	d->next_conn = (d->next_conn + 1) % d->nconns;
	m->conn = c;
	m->due = due;
	compose(d, m);
	if (!d->evhttp) {
		d->sent++;
		d->sent_kind[m->kind]++;
		c->inflight++;
		*c->tail = m;
		c->tail = &m->next;
		if (!c->busy)
			conn_write(c);
		return;
	}
	if ((req = evhttp_request_new(response, m)) == NULL)
		abort();
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    "127.0.0.1");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/x-www-form-urlencoded");
	evbuffer_add(evhttp_request_get_output_buffer(req), m->body,
	    strlen(m->body));
	if (d->secret) {
		char ts[24], sig[HMAC_HEX_MAX];

		snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
		if (hmac_sign(d->secret, ts, m->body, strlen(m->body), sig))
			abort();
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "X-Baoxue-Timestamp", ts);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "X-Baoxue-Signature", sig);
	}
	d->sent++;
	d->sent_kind[m->kind]++;
	c->inflight++;
	if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_POST,
	    "/sms/inbound") != 0)
		abort();
}

/* Open loop: every millisecond, send what has fallen due since t0. */
static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct drive *d = arg;
	double now = ms_now();
	long want = (long)((now - d->t0) * d->rate / 1000.0);

	(void)fd, (void)what;
	if (want > d->count)
		want = d->count;
	while (d->sent < want)
		send_one(d, d->t0 + (double)d->sent * 1000.0 / d->rate);
	if (d->sent >= d->count) {
		/* The offer is over: what the daemon has not answered yet is
		 * how far behind it fell (about rate x latency if it kept
		 * up; growing with the run's length if it did not). */
		d->backlog = d->sent - d->done;
		d->offer_over = 1;
		event_del(d->tick);
	}
}

/*
 * Whether an open loop's rate was sustained. "Answered per second" over
 * the whole run includes the drain after the last message fell due (a
 * daemon that keeps up with 50 ms of latency shows 9,975 of 10,000 over
 * 20 s), so the seconds while the offer lasted are given alone: their
 * slowest and their median (the first, which starts the connections, and
 * the last, partly empty, left out), with the backlog when the offer
 * ended.
 */
static void
print_sustained(struct drive *d)
{
	long n = (long)(d->count / d->rate), i, k = 0, *v;

	if (!d->offer_over || n < 3 || (v = malloc((size_t)n *
	    sizeof *v)) == NULL)
		return;
	for (i = 1; i < n && i < d->nsecs; i++)
		v[k++] = d->per_sec[i];
	for (i = 1; i < k; i++) {	/* insertion sort: a minute's worth */
		long x = v[i], j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	printf("  answered per second while offered  %8ld slowest, %ld "
	    "median (s 1-%ld)\n", v[0], v[k / 2], n - 1);
	printf("  backlog when the offer ended       %8ld messages (%.2f s "
	    "of the offer)\n", d->backlog, (double)d->backlog / d->rate);
	free(v);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A size in kB from /proc/PID/status ("VmHWM:", "VmRSS:"), or -1. */
static long
status_kb(long pid, const char *key)
{
	char path[64], line[256];
	long kb = -1;
	size_t k = strlen(key);
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, k) == 0 &&
		    sscanf(line + k, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long
peak_rss_kb(long pid)
{
	return status_kb(pid, "VmHWM:");
}

/* CPU seconds (user + system) the daemon has used so far. */
static double
cpu_secs(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "(comm)": state is field 3, utime 14 and stime 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Bytes the daemon has handed to write calls so far: WAL and database
 * mostly, also its HTTP answers and log lines (about 0.5 kB a message). */
static double
write_mb(long pid)
{
	char path[64], line[256];
	unsigned long long b = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/io", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "wchar: %llu", &b) == 1)
			break;
	fclose(f);
	return (double)b / 1e6;
}

struct counts {
	long inbound, open, update, ret;
	long replies, tasks, notices, outbound, unprompted;
};

/*
 * Who is told of a case in the roster above (README, "Cases and the dual
 * line"): the principal, the village head of the household village, the
 * township official and the county's bureau, each a person of their own;
 * the head teacher is the reporter, and the roster has no inspector.  At
 * the opening the village head's SMS is the level-1 task (one SMS a
 * person, whatever roles), the others get a notice; RET tells all of them
 * again.
 */
#define TOLD 4

static long
count(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
		exit(1);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
db_counts(const char *path, struct counts *c)
{
	sqlite3 *h;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_busy_timeout(h, 5000);
	c->inbound = count(h, "SELECT count(*) FROM inbound");
	c->open = count(h, "SELECT count(*) FROM events WHERE what = 'open'");
	c->update = count(h, "SELECT count(*) FROM events "
	    "WHERE what = 'update'");
	c->ret = count(h, "SELECT count(*) FROM events WHERE what = 'return'");
	c->replies = count(h, "SELECT count(*) FROM outbound "
	    "WHERE kind = 'reply'");
	c->tasks = count(h, "SELECT count(*) FROM outbound "
	    "WHERE kind = 'task' AND inbound_id IS NOT NULL");
	c->notices = count(h, "SELECT count(*) FROM outbound "
	    "WHERE kind = 'notice' AND inbound_id IS NOT NULL");
	c->outbound = count(h, "SELECT count(*) FROM outbound");
	/* Digests, reminders, escalations: due by the clock, not sent in
	 * answer to a message. */
	c->unprompted = count(h, "SELECT count(*) FROM outbound "
	    "WHERE inbound_id IS NULL");
	sqlite3_close(h);
}

/* One number from the database, read on a connection of its own. */
static long
db_int(const char *path, const char *sql)
{
	sqlite3 *h;
	long n;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	sqlite3_busy_timeout(h, 5000);
	n = count(h, sql);
	sqlite3_close(h);
	return n;
}

/* Students with a case left open by an earlier run start as open. */
static void
db_open_cases(const char *path, struct drive *d)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(h, "SELECT s.student_no FROM "
	    "cases c JOIN students s ON s.id = c.student_id "
	    "WHERE c.status = 'open'", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(h));
		exit(1);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = atoi((const char *)sqlite3_column_text(st, 0) + 1);

		if (i >= 0 && i < STUDENTS && d->state[i] == 0) {
			d->state[i] = 1;
			open_add(d, i);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static int
check(const char *what, long got, long want)
{
	printf("  %-34s %8ld  (expected %ld)%s\n", what, got, want,
	    got == want ? "" : "  MISMATCH");
	return got == want ? 0 : 1;
}

static int
drive(int argc, char **argv)
{
	struct drive d = { .nconns = 32, .count = 100000, .seed = 1 };
	const char *db = NULL, *host = "127.0.0.1";
	struct counts before, after;
	long pid = 0, acked;
	int port = 0, ch, i, bad = 0;
	double secs, cpu0, wmb0, self0;

	while ((ch = getopt(argc, argv, "p:t:d:P:n:c:r:s:k:E")) != -1)
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 't': d.token = optarg; break;
		case 'd': db = optarg; break;
		case 'P': pid = atol(optarg); break;
		case 'n': d.count = atol(optarg); break;
		case 'c': d.nconns = atoi(optarg); break;
		case 'r': d.rate = atof(optarg); break;
		case 's': d.seed = (unsigned)atol(optarg); break;
		case 'k': d.secret = optarg; break;
		case 'E': d.evhttp = 1; break;
		default: return 2;
		}
	if (port <= 0 || d.token == NULL || db == NULL || pid <= 0 ||
	    d.count <= 0 || d.nconns <= 0 || d.nconns > 1024) {
		fprintf(stderr, "usage: bench_load drive -p PORT -t TOKEN "
		    "-d DB -P PID [-n COUNT] [-c CONNS] [-r RATE] "
		    "[-k SECRET] [-E]\n");
		return 2;
	}
	d.base = event_base_new();
	d.state = calloc(STUDENTS, 1);
	d.open_list = calloc(STUDENTS, sizeof *d.open_list);
	d.open_at = malloc(STUDENTS * sizeof *d.open_at);
	if (d.open_at)
		memset(d.open_at, 0xff, STUDENTS * sizeof *d.open_at);
	d.lat = calloc((size_t)d.count, sizeof *d.lat);
	if (d.rate > 0) {
		/* The offer's seconds and a minute of drain after them. */
		d.nsecs = (long)(d.count / d.rate) + 60;
		if ((d.per_sec = calloc((size_t)d.nsecs, sizeof *d.per_sec)) ==
		    NULL)
			abort();
	}
	d.conns = calloc((size_t)d.nconns, sizeof *d.conns);
	if (!d.base || !d.state || !d.open_list || !d.open_at || !d.lat ||
	    !d.conns)
		abort();
	/* The id prefix makes runs against one database distinct, also two
	 * started within the same second (they once shared ids, and the
	 * second run's messages were answered "duplicate"). */
	d.run = (long)time(NULL) % 100000 * 100000L + (long)getpid() % 100000;
	db_open_cases(db, &d);
	db_counts(db, &before);
	d.addr.sin_family = AF_INET;
	d.addr.sin_port = htons((unsigned short)port);
	d.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < d.nconns; i++) {
		struct conn *c = &d.conns[i];

		c->d = &d;
		c->tail = &c->head;
		if (d.evhttp) {
			if ((c->evcon = evhttp_connection_base_new(d.base,
			    NULL, host, (unsigned short)port)) == NULL)
				abort();
			continue;
		}
		if ((c->bev = bufferevent_socket_new(d.base, -1,
		    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
		    bufferevent_socket_connect(c->bev, (struct sockaddr *)
		    &d.addr, sizeof d.addr) != 0)
			abort();
		bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	}
	cpu0 = cpu_secs(pid);
	self0 = cpu_secs((long)getpid());
	wmb0 = write_mb(pid);
	d.t0 = ms_now();
	if (d.rate > 0) {
		struct timeval ms = { 0, 1000 };

		d.tick = event_new(d.base, -1, EV_PERSIST, tick, &d);
		event_add(d.tick, &ms);
	} else
		for (i = 0; i < d.nconns && d.sent < d.count; i++)
			send_one(&d, ms_now());
	event_base_dispatch(d.base);
	secs = (ms_now() - d.t0) / 1000.0;

	acked = 0;
	for (i = 0; i < K_N; i++)
		acked += d.ok_kind[i];
	qsort(d.lat, (size_t)d.nlat, sizeof *d.lat, cmp_double);
	printf("%s: %ld messages over %d connections in %.2f s\n",
	    d.rate > 0 ? "open loop" : "closed loop", d.count, d.nconns, secs);
	if (d.rate > 0)
		printf("  offered rate                       %8.0f msg/s\n",
		    d.rate);
	printf("  answered 200                       %8.0f msg/s\n",
	    (double)d.nlat / secs);
	if (d.rate > 0)
		print_sustained(&d);
	if (d.nlat > 0)
		printf("  latency p50 / p99 / max            %8.2f / %.2f / "
		    "%.2f ms\n", d.lat[d.nlat / 2], d.lat[d.nlat * 99 / 100],
		    d.lat[d.nlat - 1]);
	printf("  503 (back-pressure) / other errors %8ld / %ld\n",
	    d.rejected503, d.failed);
	printf("  daemon peak RSS (VmHWM)            %8.1f MB\n",
	    peak_rss_kb(pid) / 1024.0);
	if (d.nlat > 0)
		printf("  daemon CPU per message             %8.3f ms (%.0f%% "
		    "of a core)\n", (cpu_secs(pid) - cpu0) * 1000 / d.nlat,
		    (cpu_secs(pid) - cpu0) * 100 / secs);
	if (d.nlat > 0)
		printf("  this driver's CPU per message      %8.3f ms (%.0f%% "
		    "of a core)\n", (cpu_secs((long)getpid()) - self0) * 1000 /
		    d.nlat, (cpu_secs((long)getpid()) - self0) * 100 / secs);
	if (d.nlat > 0)
		printf("  daemon bytes written per message   %8.1f kB\n",
		    (write_mb(pid) - wmb0) * 1000 / d.nlat);
	for (i = 0; i < K_N; i++)
		printf("  sent %-29s %8ld\n", kind_names[i], d.sent_kind[i]);
	db_counts(db, &after);
	printf("database, this run:\n");
	bad |= check("inbound rows", after.inbound - before.inbound, acked);
	bad |= check("provider retries answered duplicate", d.dup_ok,
	    d.dup_200);
	bad |= check("cases opened", after.open - before.open,
	    d.ok_kind[K_ABS_NEW]);
	bad |= check("case updates (ABS on open case)",
	    after.update - before.update, d.ok_kind[K_ABS_AGAIN]);
	bad |= check("cases returned", after.ret - before.ret,
	    d.ok_kind[K_RET]);
	bad |= check("replies (one per inbound)",
	    after.replies - before.replies, acked);
	bad |= check("tasks (one per case opened)", after.tasks - before.tasks,
	    d.ok_kind[K_ABS_NEW]);
	bad |= check("notices (dual line)", after.notices - before.notices,
	    d.ok_kind[K_ABS_NEW] * (TOLD - 1) + d.ok_kind[K_RET] * TOLD);
	bad |= check("outbound rows, answering a message",
	    (after.outbound - after.unprompted) -
	    (before.outbound - before.unprompted),
	    acked + (d.ok_kind[K_ABS_NEW] + d.ok_kind[K_RET]) * TOLD);
	printf("  %-34s %8ld\n", "outbound rows due by the clock",
	    after.unprompted - before.unprompted);
	for (i = 0; i < d.nconns; i++) {
		if (d.conns[i].evcon)
			evhttp_connection_free(d.conns[i].evcon);
		if (d.conns[i].bev)
			bufferevent_free(d.conns[i].bev);
	}
	if (d.tick)
		event_free(d.tick);
	event_base_free(d.base);
	free(d.state), free(d.open_list), free(d.open_at), free(d.lat);
	free(d.per_sec);
	free(d.conns);
	return bad;
}

/*
 * `sent`: the first COUNT rows of the queue marked sent, as a provider that
 * took them would have them (the daemon stopped meanwhile): the rows that
 * `reports` then reports on. A fixture: the outbox channel never writes a
 * report, and a provider's thousands a second are what is measured.
 */
static int
mark_sent(int argc, char **argv)
{
	sqlite3 *db;
	char sql[256], *err = NULL;
	long n;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: bench_load sent DB COUNT\n");
		return 2;
	}
	snprintf(sql, sizeof sql, "UPDATE outbound SET status = 'sent', "
	    "sent_at = strftime('%%s', 'now'), channel = 'outbox', "
	    "provider_ref = 'bench-' || id WHERE id <= %ld", n);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench_load sent: %s\n", err ? err :
		    sqlite3_errmsg(db));
		sqlite3_free(err);
		sqlite3_close(db);
		return 1;
	}
	printf("rows marked sent: %d\n", sqlite3_changes(db));
	sqlite3_close(db);
	return 0;
}

/* `reports`: one connection of the closed loop, one report on the wire. */
struct rconn {
	struct reports *r;
	struct bufferevent *bev;
	double t;			/* when its report went */
};

struct reports {
	struct event_base *base;
	const char *token;
	long next, last;		/* outbound ids still to report */
	long done, ok, failed;
	double *lat;
};

static void
report_next(struct rconn *c)
{
	struct reports *r = c->r;

	if (r->next > r->last)
		return;
	c->t = ms_now();
	/* Kannel's dlr-url: our id, type 1 (delivered). */
	if (evbuffer_add_printf(bufferevent_get_output(c->bev),
	    "GET /sms/dlr?id=%ld&status=1&token=%s HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n", r->next++, r->token) < 0)
		abort();
}

static void
report_read_cb(struct bufferevent *bev, void *arg)
{
	struct rconn *c = arg;
	struct reports *r = c->r;
	struct evbuffer *in = bufferevent_get_input(bev);
	char body[128];
	int code;

	if (!take_answer(in, &code, body, sizeof body))
		return;
	r->lat[r->done++] = ms_now() - c->t;
	if (code == 200 && strstr(body, "\"applied\":1"))
		r->ok++;
	else if (r->failed++ < 3)
		fprintf(stderr, "bench_load: HTTP %d %s\n", code, body);
	if (r->next > r->last) {
		if (r->done == r->last)
			event_base_loopbreak(r->base);
		return;
	}
	report_next(c);
}

/* A connection closed or failed: the run ends with what it has (its
 * counts then say what is missing), rather than wait for ever. */
static void
report_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct rconn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fprintf(stderr, "bench_load: a connection %s; stopping\n",
		    what & BEV_EVENT_EOF ? "was closed" : "failed");
		event_base_loopbreak(c->r->base);
	}
}

/*
 * `reports`: COUNT delivery reports (outbound ids 1..COUNT, as `sent` left
 * them) over CONNS keep-alive connections, each sent once the last was
 * answered; then the rate, latency, the daemon's CPU per report, and the
 * rows the database shows delivered against the reports answered.
 */
static int
reports(int argc, char **argv)
{
	struct reports r = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct rconn *conns;
	const char *db = NULL;
	long pid = 0, got;
	int port = 0, nconns = 64, ch, i;
	double t0, secs, cpu0;

	r.last = 20000;
	while ((ch = getopt(argc, argv, "p:t:d:P:n:c:")) != -1)
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 't': r.token = optarg; break;
		case 'd': db = optarg; break;
		case 'P': pid = atol(optarg); break;
		case 'n': r.last = atol(optarg); break;
		case 'c': nconns = atoi(optarg); break;
		default: return 2;
		}
	if (port <= 0 || r.token == NULL || db == NULL || pid <= 0 ||
	    r.last <= 0 || nconns <= 0 || nconns > 1024) {
		fprintf(stderr, "usage: bench_load reports -p PORT -t TOKEN "
		    "-d DB -P PID [-n COUNT] [-c CONNS]\n");
		return 2;
	}
	r.next = 1;
	if ((r.base = event_base_new()) == NULL ||
	    (r.lat = calloc((size_t)r.last, sizeof *r.lat)) == NULL ||
	    (conns = calloc((size_t)nconns, sizeof *conns)) == NULL)
		abort();
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cpu0 = cpu_secs(pid);
	t0 = ms_now();
	for (i = 0; i < nconns; i++) {
		conns[i].r = &r;
		if ((conns[i].bev = bufferevent_socket_new(r.base, -1,
		    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
		    bufferevent_socket_connect(conns[i].bev,
		    (struct sockaddr *)&a, sizeof a) != 0)
			abort();
		bufferevent_setcb(conns[i].bev, report_read_cb, NULL,
		    report_event_cb, &conns[i]);
		bufferevent_enable(conns[i].bev, EV_READ | EV_WRITE);
		report_next(&conns[i]);
	}
	event_base_dispatch(r.base);
	secs = (ms_now() - t0) / 1000.0;
	qsort(r.lat, (size_t)r.done, sizeof *r.lat, cmp_double);
	printf("delivery reports: %ld over %d connections in %.2f s\n",
	    r.done, nconns, secs);
	printf("  answered                           %8.0f reports/s\n",
	    (double)r.done / secs);
	if (r.done > 0) {
		printf("  latency p50 / p99 / max            %8.2f / %.2f / "
		    "%.2f ms\n", r.lat[r.done / 2], r.lat[r.done * 99 / 100],
		    r.lat[r.done - 1]);
		printf("  daemon CPU per report              %8.3f ms (%.0f%% "
		    "of a core)\n", (cpu_secs(pid) - cpu0) * 1000 / r.done,
		    (cpu_secs(pid) - cpu0) * 100 / secs);
	}
	got = db_int(db, "SELECT count(*) FROM outbound WHERE "
	    "dlr_status = 'delivered'");
	i = check("rows delivered (one per 200)", got, r.ok) |
	    check("reports answered 200, applied", r.ok, r.last);
	for (ch = 0; ch < nconns; ch++)
		bufferevent_free(conns[ch].bev);
	event_base_free(r.base);
	free(conns);
	free(r.lat);
	return i;
}

/*
 * `drain`: watches the queue (every 50 ms, on a connection of its own)
 * until COUNT rows (0: all it holds at the start) are sent or SECS pass,
 * then prints the rows sent a second and the daemon's CPU per row. Exit 1 if they were not all sent.
 */
static int
drain(int argc, char **argv)
{
	const char *db = NULL;
	const struct timespec tick = { 0, 50 * 1000000 };
	long pid = 0, want = 0, sent = 0;
	double secs = 60, t0, t, cpu0;
	int ch;

	while ((ch = getopt(argc, argv, "d:P:n:s:")) != -1)
		switch (ch) {
		case 'd': db = optarg; break;
		case 'P': pid = atol(optarg); break;
		case 'n': want = atol(optarg); break;
		case 's': secs = atof(optarg); break;
		default: return 2;
		}
	if (db == NULL || pid <= 0 || want < 0 || secs <= 0) {
		fprintf(stderr, "usage: bench_load drain -d DB -P PID [-n COUNT] "
		    "[-s SECS]\n");
		return 2;
	}
	/* 0: every row the queue holds now. */
	if (want == 0)
		want = db_int(db, "SELECT count(*) FROM outbound");
	cpu0 = cpu_secs(pid);
	t0 = t = ms_now();
	while (t - t0 < secs * 1000 && (sent = db_int(db, "SELECT count(*) "
	    "FROM outbound WHERE status = 'sent'")) < want) {
		nanosleep(&tick, NULL);
		t = ms_now();
	}
	t = (ms_now() - t0) / 1000.0;
	printf("the queue drained: %ld of %ld rows sent in %.2f s\n", sent,
	    want, t);
	printf("  rows sent                          %8.0f a second\n",
	    sent / t);
	if (sent > 0)
		printf("  daemon CPU per row                 %8.3f ms (%.0f%% "
		    "of a core)\n", (cpu_secs(pid) - cpu0) * 1000 / sent,
		    (cpu_secs(pid) - cpu0) * 100 / t);
	return sent >= want ? 0 : 1;
}

/* A loopback port nobody listens on now: bind to 0, read the choice. */
static int
freeport(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		perror("freeport");
		return 1;
	}
	printf("%d\n", ntohs(a.sin_port));
	close(fd);
	return 0;
}

/* Waits until something accepts on the loopback port (10 s at most). */
static int
ready(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int i, fd, ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	for (i = 0; i < 100; i++) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return 1;
		ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		close(fd);
		if (ok)
			return 0;
		usleep(100000);
	}
	fprintf(stderr, "bench_load: nothing listens on port %d\n", port);
	return 1;
}

/*
 * Many clients at once, each holding a request half sent (its headers and
 * part of a body that never comes whole), as a flood or a very slow
 * network would: the daemon's resident memory before, while they hold
 * (after 2 s) and at its peak. Those beyond the daemon's max_connections
 * wait in the kernel's backlog.
 */
static int
hold(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int port = 0, n = 1000, bytes = 15900, ch, i, up = 0, err;
	long pid = 0, rss0, rss1;
	socklen_t len;
	struct pollfd *pf;
	char head[256], *body;
	double t0;

	while ((ch = getopt(argc, argv, "p:n:b:P:")) != -1)
		switch (ch) {
		case 'p': port = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'b': bytes = atoi(optarg); break;
		case 'P': pid = atol(optarg); break;
		default: return 2;
		}
	if (port <= 0 || pid <= 0 || n <= 0 || n > 100000 || bytes < 0 ||
	    bytes > 1 << 20) {
		fprintf(stderr, "usage: bench_load hold -p PORT -P PID [-n N] "
		    "[-b BYTES]\n");
		return 2;
	}
	if ((pf = calloc((size_t)n, sizeof *pf)) == NULL ||
	    (body = malloc((size_t)bytes + 1)) == NULL)
		abort();
	memset(body, 'x', (size_t)bytes);
	snprintf(head, sizeof head, "POST /sms/inbound HTTP/1.1\r\n"
	    "Host: bench\r\nContent-Type: application/x-www-form-urlencoded"
	    "\r\nContent-Length: %d\r\n\r\n", bytes + 100);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)port);
	rss0 = status_kb(pid, "VmRSS:");
	for (i = 0; i < n; i++) {
		pf[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		pf[i].events = POLLOUT;
		if (pf[i].fd < 0 || (connect(pf[i].fd, (struct sockaddr *)&a,
		    sizeof a) != 0 && errno != EINPROGRESS)) {
			perror("hold: connect");
			return 1;
		}
	}
	/* Each connection that the kernel completes gets its half request;
	 * 2 s for all of them. */
	for (t0 = ms_now(); up < n && ms_now() - t0 < 2000;) {
		if (poll(pf, (nfds_t)n, 100) < 0)
			break;
		for (i = 0; i < n; i++) {
			if (!(pf[i].revents & POLLOUT))
				continue;
			len = sizeof err;
			if (getsockopt(pf[i].fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0) {
				(void)!write(pf[i].fd, head, strlen(head));
				(void)!write(pf[i].fd, body, (size_t)bytes);
				up++;
			}
			pf[i].events = 0;	/* done with this one */
		}
	}
	sleep(2);
	rss1 = status_kb(pid, "VmRSS:");
	printf("hold: %d clients, each a request half sent (%d bytes of "
	    "body); %d connected\n", n, bytes, up);
	printf("  daemon RSS before / holding / peak %6.1f / %.1f / %.1f MB\n",
	    rss0 / 1024.0, rss1 / 1024.0, peak_rss_kb(pid) / 1024.0);
	for (i = 0; i < n; i++)
		close(pf[i].fd);
	free(pf);
	free(body);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ready") == 0)
		return ready(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "freeport") == 0)
		return freeport();
	if (argc >= 3 && strcmp(argv[1], "roster") == 0)
		return roster(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "drive") == 0)
		return drive(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "hold") == 0)
		return hold(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "sent") == 0)
		return mark_sent(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "reports") == 0)
		return reports(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "drain") == 0)
		return drain(argc - 1, argv + 1);
	fprintf(stderr, "usage: bench_load roster DIR | bench_load drive ...\n");
	return 2;
}
