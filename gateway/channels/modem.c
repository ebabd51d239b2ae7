/*
 * The modem channel's glue (STYLE.md §8): the tty opened non-blocking in
 * raw mode, a bufferevent on its fd feeding modem_sess, the session's
 * output written back, its events turned into channel results, inbound
 * messages for the pipeline and delivery reports, and one timer for the
 * session's deadline. The session runs on real (monotonic) time: modem
 * timeouts are about the device, not the daemon's clock. A device that
 * goes away is reopened with backoff.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "gateway/channels/channel.h"
#include "gateway/channels/modem_sess.h"
#include "gateway/config.h"
#include "gateway/log.h"
#include "gateway/xmalloc.h"

#define MODEM_READ_MAX (64 * 1024)
#define MODEM_REOPEN_MAX 60

struct modem {
	struct channel *ch;
	struct event_base *base;
	char device[PATH_MAX];
	int baud;
	struct modem_sess *sess;
	struct bufferevent *bev;
	struct event *timer;
	int backoff;
	modem_inbound_fn *inbound;
	modem_dlr_fn *dlr;
	void *arg;
};

static int64_t
modem_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static speed_t
modem_speed(int baud)
{
	switch (baud) {
	case 9600:	return B9600;
	case 19200:	return B19200;
	case 38400:	return B38400;
	case 57600:	return B57600;
	case 230400:	return B230400;
	case 460800:	return B460800;
	case 921600:	return B921600;
	default:	return B115200;
	}
}

static void modem_pump(struct modem *);
static void modem_schedule_reopen(struct modem *);

static void
modem_close(struct modem *m)
{
	if (m->bev) {
		bufferevent_free(m->bev);	/* closes the fd */
		m->bev = NULL;
	}
}

/* Bytes fed to the session between two pumps: every event comes from a
 * line of 16 bytes or more (a PDU, +CMGS with its OK), so one chunk makes
 * at most 8 of the MODEM_EVENTS the session keeps. */
#define MODEM_FEED_CHUNK 128

static void
modem_read_cb(struct bufferevent *bev, void *arg)
{
	struct modem *m = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t buf[MODEM_FEED_CHUNK];
	int n;

	/* Small pieces, each followed by its events: the session keeps only
	 * a few, and a long listing or a burst of reports would overflow
	 * them if fed at once. */
	while (m->bev && (n = evbuffer_remove(in, buf, sizeof buf)) > 0) {
		modem_sess_feed(m->sess, buf, (size_t)n, modem_now());
		modem_pump(m);
	}
}

static void
modem_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct modem *m = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		log_warnx("modem %s: device %s went away; reopening", m->ch->name,
		    m->device);
		modem_sess_closed(m->sess, modem_now());
		modem_close(m);
		modem_pump(m);
		modem_schedule_reopen(m);
	}
}

static int
modem_open(struct modem *m)
{
	struct termios t;
	int fd;

	if ((fd = open(m->device, O_RDWR | O_NOCTTY | O_NONBLOCK)) < 0) {
		log_warn("modem %s: open %s", m->ch->name, m->device);
		return -1;
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, modem_speed(m->baud));
		cfsetospeed(&t, modem_speed(m->baud));
		t.c_cflag |= CLOCAL | CREAD;
		(void)tcsetattr(fd, TCSANOW, &t);
	}
	/* Answers to a previous owner's commands may still be waiting:
	 * they would be taken for answers to ours. */
	(void)tcflush(fd, TCIOFLUSH);
	m->bev = bufferevent_socket_new(m->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (m->bev == NULL) {
		close(fd);
		return -1;
	}
	bufferevent_setcb(m->bev, modem_read_cb, NULL, modem_event_cb, m);
	bufferevent_setwatermark(m->bev, EV_READ, 0, MODEM_READ_MAX);
	bufferevent_enable(m->bev, EV_READ | EV_WRITE);
	log_info("modem %s: %s opened", m->ch->name, m->device);
	m->backoff = 0;
	modem_sess_open(m->sess, modem_now());
	modem_pump(m);
	return 0;
}

static void
modem_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct modem *m = arg;

	(void)fd;
	(void)what;
	if (m->bev == NULL) {
		if (modem_open(m) != 0)
			modem_schedule_reopen(m);
		return;
	}
	modem_sess_tick(m->sess, modem_now());
	modem_pump(m);
}

static void
modem_schedule_reopen(struct modem *m)
{
	struct timeval tv = { 0, 0 };

	m->backoff = m->backoff ? m->backoff * 2 : 1;
	if (m->backoff > MODEM_REOPEN_MAX)
		m->backoff = MODEM_REOPEN_MAX;
	tv.tv_sec = m->backoff;
	evtimer_add(m->timer, &tv);
}

/* Writes the session's output, handles its events, re-arms the timer. */
static void
modem_pump(struct modem *m)
{
	struct modem_event *e = xcalloc(1, sizeof *e);
	const uint8_t *out;
	struct timeval tv = { 0, 0 };
	size_t n;
	int64_t d, now;
	char ref[32];

	if (m->bev && (n = modem_sess_output(m->sess, &out)) > 0) {
		bufferevent_write(m->bev, out, n);
		modem_sess_consumed(m->sess, n);
	}
	while (modem_sess_event(m->sess, e)) {
		switch (e->kind) {
		case MODEM_EV_INBOUND:
			if (m->inbound(m->arg, m->ch->name, e) == 0)
				modem_sess_inbound_done(m->sess, e->token,
				    modem_now());
			else
				modem_sess_inbound_failed(m->sess, e->token);
			break;
		case MODEM_EV_SENT:
			snprintf(ref, sizeof ref, "mr-%u", e->mr);
			channel_report(m->ch, e->msg_id, CHAN_SENT, ref, NULL);
			break;
		case MODEM_EV_SEND_FAILED:
			snprintf(ref, sizeof ref, "modem error %d", e->code);
			channel_report(m->ch, e->msg_id, e->permanent ?
			    CHAN_FAILED : CHAN_RETRY, NULL, ref);
			break;
		case MODEM_EV_DLR:
			snprintf(ref, sizeof ref, "mr-%u", e->mr);
			/* 23.040 §9.2.3.15: 0-31 done, 32-63 still trying. */
			if (e->status < 32 || e->status >= 64)
				m->dlr(m->arg, m->ch->name, ref, e->to,
				    e->status < 32 ? "delivered" : "failed");
			break;
		case MODEM_EV_UNREADABLE:
			/* The only copy left: the operator may decode it by
			 * hand (it holds the text, hence a warning, not info). */
			log_warnx("modem %s: the SMS in slot %d cannot be "
			    "decoded (read the same three times); deleted so "
			    "that the SIM does not fill; its PDU: %s",
			    m->ch->name, e->code, e->text);
			break;
		case MODEM_EV_REOPEN:
			log_warnx("modem %s: no answer; reopening %s",
			    m->ch->name, m->device);
			modem_close(m);
			modem_schedule_reopen(m);
			free(e);
			return;
		}
	}
	/* The session may have more to write after handling events. */
	if (m->bev && (n = modem_sess_output(m->sess, &out)) > 0) {
		bufferevent_write(m->bev, out, n);
		modem_sess_consumed(m->sess, n);
	}
	free(e);
	if (m->bev && (d = modem_sess_deadline(m->sess)) >= 0) {
		now = modem_now();
		tv.tv_sec = d > now ? (time_t)(d - now) : 0;
		evtimer_add(m->timer, &tv);
	}
}

static int
modem_send(struct channel *ch, const struct chan_msg *msg)
{
	struct modem *m = ch->impl;
	int rc;

	rc = modem_sess_submit(m->sess, msg->id, msg->to, msg->text,
	    modem_now());
	modem_pump(m);
	return rc;
}

static int
modem_ready(const struct channel *ch)
{
	const struct modem *m = ch->impl;

	return m->bev != NULL && modem_sess_ready(m->sess);
}

static void
modem_free(struct channel *ch)
{
	struct modem *m = ch->impl;

	if (m == NULL)
		return;
	modem_close(m);
	if (m->timer)
		event_free(m->timer);
	modem_sess_free(m->sess);
	free(m);
}

static void
modem_status(const struct channel *ch, char *buf, size_t sz)
{
	const struct modem *m = ch->impl;

	snprintf(buf, sz, "%s rssi=%d creg=%d",
	    m->bev ? modem_state_name(modem_sess_state(m->sess)) : "closed",
	    modem_sess_rssi(m->sess), modem_sess_creg(m->sess));
}

static const struct channel_ops modem_ops = {
	"modem", modem_send, modem_ready, modem_free, modem_status, NULL
};

struct channel *
modem_new(const struct config_channel *cfg, struct event_base *base,
    modem_inbound_fn *inbound, modem_dlr_fn *dlr, void *arg, char *err,
    size_t errsz)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	struct modem *m = xcalloc(1, sizeof *m);
	struct modem_sess_cfg sc;

	memset(&sc, 0, sizeof sc);
	snprintf(sc.pin, sizeof sc.pin, "%s", cfg->pin);
	sc.concat_timeout = cfg->concat_timeout;
	snprintf(ch->name, sizeof ch->name, "%s", cfg->name);
	ch->ops = &modem_ops;
	ch->impl = m;
	m->ch = ch;
	m->base = base;
	snprintf(m->device, sizeof m->device, "%s", cfg->device);
	m->baud = cfg->baud;
	m->inbound = inbound;
	m->dlr = dlr;
	m->arg = arg;
	if ((m->sess = modem_sess_new(&sc)) == NULL ||
	    (m->timer = evtimer_new(base, modem_timer_cb, m)) == NULL) {
		snprintf(err, errsz, "channel %s: out of memory", cfg->name);
		channel_free(ch);
		return NULL;
	}
	/* Not there yet is not fatal: a modem may be plugged in later. */
	if (modem_open(m) != 0)
		modem_schedule_reopen(m);
	return ch;
}
