/* The modem's AT conversation; see modem_sess.h. Sans I/O. */
#include "gateway/channels/modem_sess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/at.h"
#include "parsers/fnv.h"
#include "parsers/sms_pdu.h"

#define MS_QUEUE 64
#define MS_EVENTS MODEM_EVENTS
#define MS_LINE_MAX 2048
#define MS_OUT_MAX 8192
#define MS_CONCAT 16
#define MS_PARTS MODEM_MAX_PARTS
#define MS_TOKENS 32
#define MS_RESUME 8		/* long SMS to go on with */
#define MS_PROBES 3
/* Seconds the line must be quiet after a probe's answer before init
 * starts again: a late answer to the command that timed out may still
 * be on its way, and taken for the next command's it would put every
 * answer one command behind. */
#define MS_QUIET 2
#define MS_QUIET_MAX 10		/* a modem that never stops talking */
/* Slots whose SMS would not decode, and how often in a row: a PDU garbled
 * on the serial line once is read again; one read the same MS_UNREADABLE
 * times cannot be. */
#define MS_BAD 32
#define MS_UNREADABLE 3

enum ms_cmd {
	CMD_PLAIN, CMD_CPIN, CMD_CMGL, CMD_CMGR_SR, CMD_CMGS, CMD_CMGD,
	CMD_POLL, CMD_PROBE
};

struct ms_command {
	char text[96];
	enum ms_cmd kind;
	int slot;		/* CMGD/CMGR: storage index */
	int init;		/* part of the init table */
};

/* The init table: what a modem needs before it is useful (27.005/27.007). */
static const char *const ms_init[] = {
	"AT",			/* sync; the first may be eaten by the modem */
	"ATE0",			/* no echo */
	"AT+CMEE=1",		/* numeric +CME ERROR codes */
	"AT+CPIN?",		/* SIM ready, or a PIN first */
	"AT+CMGF=0",		/* PDU mode */
	"AT+CPMS=\"SM\",\"SM\",\"SM\"",	/* storage: the SIM */
	"AT+CNMI=2,1,0,1,0",	/* +CMTI for stored SMS, +CDS reports */
	"AT+CREG?",		/* network registration */
	"AT+CSQ",		/* signal */
	"AT+CMGL=4",		/* every message already stored */
};

struct ms_concat {
	int used;
	char from[MODEM_ADDR_MAX];
	unsigned ref, total;
	unsigned have;			/* bit per part seq-1 */
	int64_t first_at;
	int64_t scts;			/* earliest part's */
	char *text[MS_PARTS];
	int64_t part_scts[MS_PARTS];
	/* Its parts' slots, and those of the same parts again (the
	 * network's duplicates): deleted with it. */
	int slots[MODEM_MAX_SLOTS];
	int nslots;
};

struct ms_token {
	int used;
	int slots[MODEM_MAX_SLOTS];
	int nslots;
};

struct modem_sess {
	struct modem_sess_cfg cfg;
	enum modem_state state;
	/* Commands: a queue and the one in flight. */
	struct ms_command q[MS_QUEUE];
	size_t qhead, qlen;
	struct ms_command cur;
	int busy;
	int64_t deadline;
	int probes;
	int64_t quiet_until;		/* probe answered: 0, or init then */
	int64_t quiet_max;		/* ... at the latest */
	/* Reading. */
	char line[MS_LINE_MAX];
	size_t linelen;
	enum { PDU_NONE, PDU_CMT, PDU_CDS, PDU_LIST, PDU_SR } expect;
	int list_slot;
	int pending[MS_TOKENS * MODEM_MAX_SLOTS];	/* slots handed out */
	size_t npending;
	struct ms_concat concat[MS_CONCAT];
	struct ms_token tokens[MS_TOKENS];
	struct ms_bad {
		int slot;		/* -1: free */
		uint32_t hash;		/* of the PDU line */
		int times;
	} bad[MS_BAD];
	unsigned bad_next;
	/* Sending: one message at a time. */
	int sending;
	int64_t send_id;
	struct sms_pdu_part parts[MS_PARTS];
	int nparts, part;
	int prompted;
	unsigned first_mr, mr;
	uint32_t send_hash;		/* of the text being sent */
	/* Long SMS whose later part failed: sent again (same id, same
	 * text), each goes on from that part, the phone having the ones
	 * before (the reference, the id's low byte, joins them). Kept
	 * until then (others are sent meanwhile, while it waits for its
	 * retry), the oldest given up for a new one. */
	struct ms_resume {
		int64_t id;		/* 0: free */
		uint32_t hash;
		int part, nparts;
		unsigned first_mr;
	} resume[MS_RESUME];
	unsigned resume_next;
	/* MRs last used by a second or later part of a long SMS: their
	 * reports are not the message's (its ref is the first part's MR),
	 * and left alone they would wait for a later message with that
	 * MR (23.040 MRs wrap at 256). */
	uint8_t later_mr[256 / 8];
	/* Output and events. */
	uint8_t out[MS_OUT_MAX];
	size_t outlen;
	struct modem_event *ev;
	size_t evhead, evlen;
	/* Status. */
	int rssi, creg;
	int64_t next_poll;
};

const char *
modem_state_name(enum modem_state s)
{
	static const char *const n[] = {
		"closed", "init", "ready", "reset", "pin_needed"
	};

	return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

struct modem_sess *
modem_sess_new(const struct modem_sess_cfg *cfg)
{
	struct modem_sess *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	if ((s->ev = calloc(MS_EVENTS, sizeof *s->ev)) == NULL) {
		free(s);
		return NULL;
	}
	s->cfg = *cfg;
	if (s->cfg.cmd_timeout <= 0)
		s->cfg.cmd_timeout = 10;
	if (s->cfg.send_timeout <= 0)
		s->cfg.send_timeout = 60;
	if (s->cfg.concat_timeout <= 0)
		s->cfg.concat_timeout = 600;
	if (s->cfg.poll_interval <= 0)
		s->cfg.poll_interval = 60;
	s->rssi = 99;
	s->creg = -1;
	s->state = MODEM_CLOSED;
	return s;
}

static void
ms_concat_clear(struct ms_concat *c)
{
	int i;

	for (i = 0; i < MS_PARTS; i++)
		free(c->text[i]);
	memset(c, 0, sizeof *c);
}

void
modem_sess_free(struct modem_sess *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < MS_CONCAT; i++)
		ms_concat_clear(&s->concat[i]);
	free(s->ev);
	free(s);
}

static struct modem_event *
ms_event(struct modem_sess *s, enum modem_ev_kind k)
{
	struct modem_event *e;

	if (s->evlen == MS_EVENTS)
		return NULL;	/* the owner reads them after every feed */
	e = &s->ev[(s->evhead + s->evlen++) % MS_EVENTS];
	memset(e, 0, sizeof *e);
	e->kind = k;
	e->code = -1;
	return e;
}

static void
ms_write(struct modem_sess *s, const char *data, size_t len)
{
	if (s->outlen + len > MS_OUT_MAX)
		return;		/* the owner drains after every call */
	memcpy(s->out + s->outlen, data, len);
	s->outlen += len;
}

/* 0 queued (or a listing already waiting), -1 the queue is full. */
static int
ms_queue(struct modem_sess *s, enum ms_cmd kind, const char *text, int slot,
    int init)
{
	struct ms_command *c;
	size_t i;

	/* One listing waiting is enough. */
	if (kind == CMD_CMGL)
		for (i = 0; i < s->qlen; i++)
			if (s->q[(s->qhead + i) % MS_QUEUE].kind == CMD_CMGL)
				return 0;
	if (s->qlen == MS_QUEUE)
		return -1;
	c = &s->q[(s->qhead + s->qlen++) % MS_QUEUE];
	memset(c, 0, sizeof *c);
	snprintf(c->text, sizeof c->text, "%s", text);
	c->kind = kind;
	c->slot = slot;
	c->init = init;
	return 0;
}

/* Puts a command at the front (a PIN before the rest of init). */
static void
ms_push_front(struct modem_sess *s, enum ms_cmd kind, const char *text)
{
	struct ms_command *c;

	if (s->qlen == MS_QUEUE)
		return;
	s->qhead = (s->qhead + MS_QUEUE - 1) % MS_QUEUE;
	s->qlen++;
	c = &s->q[s->qhead];
	memset(c, 0, sizeof *c);
	snprintf(c->text, sizeof c->text, "%s", text);
	c->kind = kind;
	c->init = 1;
}

static void ms_unpend(struct modem_sess *, int);

/* The queue goes (a reset, a SIM gone): its deletes with it, and their
 * slots are no longer handed out, so a later listing reads them again
 * (the store knows them) rather than skip them for good. */
static void
ms_drop_queue(struct modem_sess *s)
{
	size_t i;

	for (i = 0; i < s->qlen; i++) {
		const struct ms_command *c = &s->q[(s->qhead + i) % MS_QUEUE];

		if (c->kind == CMD_CMGD)
			ms_unpend(s, c->slot);
	}
	if (s->busy && s->cur.kind == CMD_CMGD)
		ms_unpend(s, s->cur.slot);
	s->qhead = s->qlen = 0;
}

/*
 * No answer, or one out of step: what was queued goes (with the command
 * in flight), and the modem is probed with AT; answered, init starts
 * again once the line is quiet (ms_complete, modem_sess_tick).
 */
static void
ms_resync(struct modem_sess *s)
{
	ms_drop_queue(s);
	s->busy = 0;
	s->state = MODEM_RESET;
	s->expect = PDU_NONE;
	ms_queue(s, CMD_PROBE, "AT", -1, 0);
}

static void
ms_start_next(struct modem_sess *s, int64_t now)
{
	char buf[128];

	if (s->busy || s->qlen == 0 || s->state == MODEM_CLOSED ||
	    s->quiet_until)
		return;
	s->cur = s->q[s->qhead];
	s->qhead = (s->qhead + 1) % MS_QUEUE;
	s->qlen--;
	s->busy = 1;
	s->prompted = 0;
	s->deadline = now + (s->cur.kind == CMD_CMGS ? s->cfg.send_timeout :
	    s->cfg.cmd_timeout);
	snprintf(buf, sizeof buf, "%s\r", s->cur.text);
	ms_write(s, buf, strlen(buf));
}

static void
ms_queue_init(struct modem_sess *s)
{
	size_t i;

	for (i = 0; i < sizeof ms_init / sizeof ms_init[0]; i++)
		ms_queue(s, !strcmp(ms_init[i], "AT+CPIN?") ? CMD_CPIN :
		    !strcmp(ms_init[i], "AT+CMGL=4") ? CMD_CMGL :
		    CMD_PLAIN, ms_init[i], -1, 1);
}

/* FNV-1a over text, from h (FNV1A32_INIT to begin). */
static uint32_t
ms_fnv(uint32_t h, const char *text)
{
	return fnv1a32(h, text, strlen(text));
}

static void ms_send_failed(struct modem_sess *, int code, int permanent);

void
modem_sess_open(struct modem_sess *s, int64_t now)
{
	ms_send_failed(s, -1, 0);	/* none survives a reopen */
	s->state = MODEM_INIT;
	s->qhead = s->qlen = 0;
	s->busy = 0;
	s->quiet_until = 0;
	s->linelen = 0;
	s->expect = PDU_NONE;
	s->probes = 0;
	s->npending = 0;	/* re-read after a reopen, dedup downstream */
	memset(s->tokens, 0, sizeof s->tokens);
	memset(s->bad, 0, sizeof s->bad);
	/* A modem left waiting for a PDU after "> " (its previous owner died
	 * there) takes our commands as PDU text: ESC cancels that (27.005
	 * §3.5.1). */
	ms_write(s, "\x1b", 1);
	ms_queue_init(s);
	s->next_poll = now + s->cfg.poll_interval;
	ms_start_next(s, now);
}

/* The message being sent failed; it goes back to the owner's queue. */
static void
ms_send_failed(struct modem_sess *s, int code, int permanent)
{
	struct modem_event *e;

	if (!s->sending)
		return;
	if (s->part > 0 && !permanent)
		s->resume[s->resume_next++ % MS_RESUME] = (struct ms_resume){
		    s->send_id, s->send_hash, s->part, s->nparts,
		    s->first_mr };
	if ((e = ms_event(s, MODEM_EV_SEND_FAILED)) != NULL) {
		e->msg_id = s->send_id;
		e->code = code;
		e->permanent = permanent;
	}
	s->sending = 0;
}

void
modem_sess_closed(struct modem_sess *s, int64_t now)
{
	(void)now;
	ms_send_failed(s, -1, 0);
	s->state = MODEM_CLOSED;
	s->busy = 0;
	s->quiet_until = 0;
	s->qhead = s->qlen = 0;
	s->outlen = 0;
	s->linelen = 0;
	s->expect = PDU_NONE;
}

/* 27.005 §3.2.5 / 24.011 causes that will not get better by retrying. */
static int
ms_cms_permanent(int code)
{
	switch (code) {
	case 1: case 21: case 28: case 29: case 30: case 50: case 96:
	case 304: case 305: case 325:
		return 1;
	}
	return 0;
}

static int
ms_slot_pending(const struct modem_sess *s, int slot)
{
	size_t i;

	for (i = 0; i < s->npending; i++)
		if (s->pending[i] == slot)
			return 1;
	return 0;
}

/* A slot is no longer handed out: a later listing may deliver what it
 * holds (the SIM reuses the lowest free index for the next SMS). */
static void
ms_unpend(struct modem_sess *s, int slot)
{
	size_t i;

	for (i = 0; i < s->npending; i++)
		if (s->pending[i] == slot) {
			s->pending[i] = s->pending[--s->npending];
			return;
		}
}

/* Hands a whole (or timed-out partial) message to the owner. */
static void
ms_deliver(struct modem_sess *s, const char *from, const char *text,
    const char *pid, const int *slots, int nslots, int partial)
{
	struct modem_event *e;
	int t, i;

	for (t = 0; t < MS_TOKENS && s->tokens[t].used; t++)
		;
	if (t == MS_TOKENS || (e = ms_event(s, MODEM_EV_INBOUND)) == NULL)
		return;		/* not now: it stays stored, read again */
	s->tokens[t].used = 1;
	s->tokens[t].nslots = 0;
	for (i = 0; i < nslots && i < MODEM_MAX_SLOTS; i++) {
		s->tokens[t].slots[s->tokens[t].nslots++] = slots[i];
		if (slots[i] >= 0 && s->npending < sizeof s->pending /
		    sizeof s->pending[0])
			s->pending[s->npending++] = slots[i];
	}
	snprintf(e->from, sizeof e->from, "%s", from);
	snprintf(e->text, sizeof e->text, "%s", text);
	snprintf(e->provider_id, sizeof e->provider_id, "%s", pid);
	e->partial = partial;
	e->token = t;
}

static void
ms_concat_flush(struct modem_sess *s, struct ms_concat *c, int partial)
{
	char *text = calloc(1, MODEM_TEXT_MAX), pid[96];
	size_t o = 0, l;
	unsigned i;

	if (text == NULL)
		return;
	for (i = 0; i < c->total && i < MS_PARTS; i++) {
		const char *p = c->text[i] ? c->text[i] : "…";

		l = strlen(p);
		if (o + l + 1 >= MODEM_TEXT_MAX)
			break;
		memcpy(text + o, p, l);
		o += l;
	}
	text[o] = '\0';
	/* A partial one names the parts it holds: the rest, given out
	 * later on their own, is another message, not its duplicate. */
	if (partial)
		snprintf(pid, sizeof pid, "%s/%lld/%u/%u/p%x", c->from,
		    (long long)c->scts, c->ref, c->total, c->have);
	else
		snprintf(pid, sizeof pid, "%s/%lld/%u/%u", c->from,
		    (long long)c->scts, c->ref, c->total);
	ms_deliver(s, c->from, text, pid, c->slots, c->nslots, partial);
	free(text);
	ms_concat_clear(c);
}

static int64_t
ms_dist(int64_t a, int64_t b)
{
	return a < b ? b - a : a - b;
}

/* One decoded SMS-DELIVER from storage slot (or -1 when pushed). */
static void
ms_got_deliver(struct modem_sess *s, const struct sms_pdu *p, int slot,
    int64_t now)
{
	struct ms_concat *c = NULL, *free_c = NULL;
	char pid[96];
	int i;

	if (!p->concat || p->total <= 1 || p->total > MS_PARTS ||
	    p->seq < 1 || p->seq > p->total) {
		/* The SMSC timestamp has one-second resolution: two texts
		 * sent in one second differ by their content (FNV-1a), a
		 * re-read of the same stored SMS does not. */
		snprintf(pid, sizeof pid, "%s/%lld/%08x/1", p->addr,
		    (long long)p->scts, (unsigned)ms_fnv(FNV1A32_INIT, p->text));
		ms_deliver(s, p->addr, p->text, pid, &slot, 1, 0);
		return;
	}
	/*
	 * The message it belongs to: one from the sender with its reference
	 * and count that holds this very part (read again, or the network's
	 * duplicate: the same time and text), else the one of those
	 * lacking it sent nearest in time. A phone may use one reference
	 * for two long SMS; a part whose number is taken by another text
	 * starts a message of its own, and its slot is never deleted with
	 * a message it is not in.
	 */
	for (i = 0; i < MS_CONCAT; i++) {
		struct ms_concat *k = &s->concat[i];
		unsigned bit = 1u << (p->seq - 1);

		if (!k->used) {
			if (free_c == NULL)
				free_c = k;
			continue;
		}
		if (k->ref != p->ref || k->total != p->total ||
		    strcmp(k->from, p->addr) != 0)
			continue;
		if (k->have & bit) {
			if (k->part_scts[p->seq - 1] == p->scts &&
			    !strcmp(k->text[p->seq - 1], p->text)) {
				c = k;
				break;
			}
			continue;
		}
		if (c == NULL || ms_dist(k->scts, p->scts) <
		    ms_dist(c->scts, p->scts))
			c = k;
	}
	if (c == NULL) {
		if ((c = free_c) == NULL)
			return;		/* stays stored; read again later */
		c->used = 1;
		snprintf(c->from, sizeof c->from, "%s", p->addr);
		c->ref = p->ref;
		c->total = p->total;
		c->first_at = now;
		c->scts = p->scts;
	}
	if (p->scts < c->scts)
		c->scts = p->scts;
	if (slot >= 0) {
		for (i = 0; i < c->nslots && c->slots[i] != slot; i++)
			;
		if (i == c->nslots && c->nslots == MODEM_MAX_SLOTS)
			return;		/* no room: stays stored, read later */
		if (i == c->nslots)
			c->slots[c->nslots++] = slot;
	}
	if (!(c->have & (1u << (p->seq - 1)))) {
		if ((c->text[p->seq - 1] = strdup(p->text)) == NULL) {
			if (slot >= 0)
				c->nslots--;	/* stays stored */
			return;
		}
		c->have |= 1u << (p->seq - 1);
		c->part_scts[p->seq - 1] = p->scts;
	}
	if (c->have == (1u << c->total) - 1)
		ms_concat_flush(s, c, 0);
}

/*
 * A stored SMS whose PDU would not decode: counted while the same line is
 * read at its slot; the MS_UNREADABLE-th time it goes to the owner as
 * unreadable and is deleted (kept, such SMS would fill the SIM and stop
 * all receiving). Another line at the slot starts the count again.
 */
static void
ms_unreadable(struct modem_sess *s, const char *line, size_t len, int slot)
{
	uint32_t h = fnv1a32(FNV1A32_INIT, line, len);
	struct modem_event *e;
	struct ms_bad *b = NULL;
	char cmd[32];
	int i;

	if (ms_slot_pending(s, slot))
		return;
	for (i = 0; i < MS_BAD; i++)
		if (s->bad[i].times > 0 && s->bad[i].slot == slot)
			b = &s->bad[i];
	for (i = 0; b == NULL && i < MS_BAD; i++)
		if (s->bad[i].times == 0)
			b = &s->bad[i];
	if (b == NULL) {
		b = &s->bad[s->bad_next++ % MS_BAD];
		b->times = 0;
	}
	if (b->times == 0 || b->slot != slot || b->hash != h) {
		b->slot = slot;
		b->hash = h;
		b->times = 0;
	}
	if (++b->times < MS_UNREADABLE)
		return;
	snprintf(cmd, sizeof cmd, "AT+CMGD=%d", slot);
	if ((e = ms_event(s, MODEM_EV_UNREADABLE)) == NULL ||
	    ms_queue(s, CMD_CMGD, cmd, slot, 0) != 0) {
		if (e != NULL)
			s->evlen--;	/* not deleted: not reported either */
		b->times--;
		return;
	}
	snprintf(e->text, sizeof e->text, "%.*s", (int)len, line);
	e->code = slot;
	b->times = 0;
	if (s->npending < sizeof s->pending / sizeof s->pending[0])
		s->pending[s->npending++] = slot;	/* until deleted */
}

/* A PDU line: what it is depends on what announced it. */
static void
ms_pdu_line(struct modem_sess *s, const char *line, size_t len, int64_t now)
{
	struct sms_pdu *p = calloc(1, sizeof *p);
	struct modem_event *e;
	int ctx = s->expect, slot = s->list_slot;

	s->expect = PDU_NONE;
	if (p == NULL)
		return;
	if (sms_pdu_decode(line, len, p) != 0) {
		if (ctx == PDU_LIST && slot >= 0)
			ms_unreadable(s, line, len, slot);
		goto out;
	}
	if (p->type == SMS_PDU_STATUS_REPORT) {
		if (!(s->later_mr[(p->mr & 0xff) / 8] & (1u << (p->mr % 8))) &&
		    (e = ms_event(s, MODEM_EV_DLR)) != NULL) {
			e->mr = p->mr;
			e->status = p->status;
			snprintf(e->to, sizeof e->to, "%s", p->addr);
		}
		if (ctx == PDU_SR && slot >= 0) {
			char cmd[32];

			snprintf(cmd, sizeof cmd, "AT+CMGD=%d", slot);
			ms_queue(s, CMD_CMGD, cmd, slot, 0);
		}
		goto out;
	}
	if (p->type != SMS_PDU_DELIVER)
		goto out;
	if (ctx == PDU_LIST && ms_slot_pending(s, slot))
		goto out;	/* handed out, not committed yet */
	ms_got_deliver(s, p, ctx == PDU_LIST ? slot : -1, now);
out:
	free(p);
}

static void
ms_complete(struct modem_sess *s, const struct at_line *l, int64_t now)
{
	struct modem_event *e;
	char buf[64];

	s->busy = 0;
	s->probes = 0;
	/* No SIM (10), a SIM failure (13), a SIM busy starting (14): as
	 * "+CPIN: NOT READY", nothing works yet; wait, poll. */
	if (s->cur.kind == CMD_CPIN && l->kind == AT_CME_ERROR &&
	    (l->code == 10 || l->code == 13 || l->code == 14)) {
		s->state = MODEM_PIN_NEEDED;
		ms_drop_queue(s);
		return;
	}
	switch (s->cur.kind) {
	case CMD_CMGS:
		if (l->kind != AT_OK) {
			ms_send_failed(s, l->code, l->kind == AT_CMS_ERROR &&
			    ms_cms_permanent(l->code));
			break;
		}
		if (!s->prompted) {
			/* An answer out of step (a late one after a timeout):
			 * the PDU was never written. ESC, should the prompt
			 * come yet, so that the next command is no PDU; then
			 * in step again, as after a timeout. */
			ms_write(s, "\x1b", 1);
			ms_send_failed(s, -1, 0);
			ms_resync(s);
			return;
		}
		if (s->part == 0) {
			s->first_mr = s->mr;
			s->later_mr[(s->mr & 0xff) / 8] &=
			    (uint8_t)~(1u << (s->mr % 8));
		} else
			s->later_mr[(s->mr & 0xff) / 8] |=
			    (uint8_t)(1u << (s->mr % 8));
		if (++s->part < s->nparts) {
			snprintf(buf, sizeof buf, "AT+CMGS=%d",
			    s->parts[s->part].tpdu_octets);
			ms_push_front(s, CMD_CMGS, buf);
			s->q[s->qhead].init = 0;
		} else {
			if ((e = ms_event(s, MODEM_EV_SENT)) != NULL) {
				e->msg_id = s->send_id;
				e->mr = s->first_mr;
			}
			s->sending = 0;
		}
		break;
	case CMD_PROBE:
		/* The modem answers again: start over with init, once the
		 * line is quiet (modem_sess_tick). */
		s->quiet_until = now + MS_QUIET;
		s->quiet_max = now + MS_QUIET_MAX;
		return;
	case CMD_CMGD:
		/* Deleted, or it stays and a listing reads it again. */
		ms_unpend(s, s->cur.slot);
		break;
	default:
		if (l->kind == AT_CMS_ERROR && l->code == 322)
			ms_queue(s, CMD_CMGL, "AT+CMGL=4", -1, 0);
		break;
	}
	if (s->state == MODEM_INIT && s->qlen == 0)
		s->state = MODEM_READY;
	if (s->state == MODEM_INIT) {
		/* Init continues past an error: the rest may still work. */
		size_t i;
		int more = 0;

		for (i = 0; i < s->qlen; i++)
			more |= s->q[(s->qhead + i) % MS_QUEUE].init;
		if (!more)
			s->state = MODEM_READY;
	}
}

static int
ms_hex(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((line[i] >= '0' && line[i] <= '9') ||
		    (line[i] >= 'A' && line[i] <= 'F') ||
		    (line[i] >= 'a' && line[i] <= 'f')))
			return 0;
	return 1;
}

static void
ms_line(struct modem_sess *s, const char *line, size_t len, int64_t now)
{
	struct at_line l;
	char cmd[64];

	/* A PDU is hex; anything else is an unsolicited line (RING, +CMTI)
	 * come before it, and the PDU is still to come. */
	if (s->expect != PDU_NONE && len > 0 && ms_hex(line, len)) {
		ms_pdu_line(s, line, len, now);
		return;
	}
	switch (at_classify(line, len, &l)) {
	case AT_CMTI:
		ms_queue(s, CMD_CMGL, "AT+CMGL=4", -1, 0);
		break;
	case AT_CMT:
		s->expect = PDU_CMT;
		break;
	case AT_CDS:
		s->expect = PDU_CDS;
		break;
	case AT_CDSI:
		snprintf(cmd, sizeof cmd, "AT+CMGR=%d", l.index);
		ms_queue(s, CMD_CMGR_SR, cmd, l.index, 0);
		break;
	case AT_CMGL:
		if (s->busy && s->cur.kind == CMD_CMGL) {
			s->expect = PDU_LIST;
			s->list_slot = l.index;
		}
		break;
	case AT_CMGR:
		if (s->busy && s->cur.kind == CMD_CMGR_SR) {
			s->expect = PDU_SR;
			s->list_slot = s->cur.slot;
		}
		break;
	case AT_CMGS:
		if (s->busy && s->cur.kind == CMD_CMGS)
			s->mr = (unsigned)l.code;
		break;
	case AT_CSQ:
		s->rssi = l.code;
		break;
	case AT_CREG:
		s->creg = l.stat;
		break;
	case AT_CPIN:
		if (s->busy && s->cur.kind == CMD_CPIN &&
		    s->state == MODEM_PIN_NEEDED && !strcmp(l.text, "READY")) {
			/* The SIM came up (it was not ready at start, or was
			 * put in): everything it needs, from the start. */
			s->state = MODEM_INIT;
			ms_queue_init(s);
		} else if (s->busy && s->cur.kind == CMD_CPIN &&
		    strcmp(l.text, "READY") != 0) {
			if (!strcmp(l.text, "SIM PIN") && s->cfg.pin[0]) {
				snprintf(cmd, sizeof cmd, "AT+CPIN=\"%s\"",
				    s->cfg.pin);
				ms_push_front(s, CMD_PLAIN, cmd);
			} else {
				/* Nothing works without it: wait, poll. */
				s->state = MODEM_PIN_NEEDED;
				ms_drop_queue(s);
			}
		}
		break;
	case AT_OK:
	case AT_ERROR:
	case AT_CMS_ERROR:
	case AT_CME_ERROR:
		/* The command is over: no PDU of its listing is to come. */
		if (s->expect == PDU_LIST || s->expect == PDU_SR)
			s->expect = PDU_NONE;
		if (s->busy)
			ms_complete(s, &l, now);
		break;
	default:
		break;		/* echoes, RING, banners */
	}
}

int
modem_sess_feed(struct modem_sess *s, const uint8_t *buf, size_t len,
    int64_t now)
{
	size_t i;

	if (s->state == MODEM_CLOSED)
		return 0;
	if (s->quiet_until && len > 0)
		s->quiet_until = now + MS_QUIET < s->quiet_max ?
		    now + MS_QUIET : s->quiet_max;
	for (i = 0; i < len; i++) {
		char c = (char)buf[i];

		if (c == '\r' || c == '\n') {
			if (s->linelen > 0)
				ms_line(s, s->line, s->linelen, now);
			s->linelen = 0;
		} else if (s->linelen + 1 < MS_LINE_MAX) {
			s->line[s->linelen++] = c;
		}
		/* The prompt comes without a line end. */
		if (s->busy && s->cur.kind == CMD_CMGS && !s->prompted &&
		    s->linelen >= 1 && s->line[0] == '>' &&
		    (s->linelen == 1 || s->line[1] == ' ')) {
			const struct sms_pdu_part *p = &s->parts[s->part];

			s->prompted = 1;
			s->linelen = 0;
			ms_write(s, p->hex, strlen(p->hex));
			ms_write(s, "\x1a", 1);
		}
	}
	ms_start_next(s, now);
	return 0;
}

int
modem_sess_tick(struct modem_sess *s, int64_t now)
{
	int i;

	if (s->state == MODEM_CLOSED)
		return 0;
	if (s->quiet_until && now >= s->quiet_until)
		modem_sess_open(s, now);
	if (s->busy && now >= s->deadline) {
		/* No answer: fail what was in flight, probe, then reopen.
		 * The queue goes, and with it a send still waiting behind
		 * a poll: that one is failed too (to be tried again), or it
		 * would never be reported and the modem never ready again. */
		ms_send_failed(s, -1, 0);
		if (s->cur.kind == CMD_PROBE && ++s->probes >= MS_PROBES) {
			ms_event(s, MODEM_EV_REOPEN);
			modem_sess_closed(s, now);
			return 0;
		}
		ms_resync(s);
	}
	for (i = 0; i < MS_CONCAT; i++)
		if (s->concat[i].used && now - s->concat[i].first_at >=
		    s->cfg.concat_timeout)
			ms_concat_flush(s, &s->concat[i], 1);
	if (now >= s->next_poll) {
		s->next_poll = now + s->cfg.poll_interval;
		if (s->state == MODEM_PIN_NEEDED) {
			ms_queue(s, CMD_CPIN, "AT+CPIN?", -1, 0);
		} else if (s->state == MODEM_READY) {
			ms_queue(s, CMD_POLL, "AT+CSQ", -1, 0);
			ms_queue(s, CMD_POLL, "AT+CREG?", -1, 0);
			/* Also what a full storage kept from announcing. */
			ms_queue(s, CMD_CMGL, "AT+CMGL=4", -1, 0);
		}
	}
	ms_start_next(s, now);
	return 0;
}

int
modem_sess_ready(const struct modem_sess *s)
{
	return s->state == MODEM_READY && !s->sending &&
	    (s->creg == 1 || s->creg == 5 || s->creg < 0);
}

int
modem_sess_submit(struct modem_sess *s, int64_t msg_id, const char *dest,
    const char *text, int64_t now)
{
	char buf[64];
	int n, i;

	/* A full queue would drop the send, unreported. */
	if (!modem_sess_ready(s) || s->qlen == MS_QUEUE)
		return -1;
	n = sms_pdu_encode_submit(dest, text, strlen(text),
	    (unsigned)(msg_id & 0xff), 1, s->parts, MS_PARTS);
	if (n < 1)
		return -1;
	s->nparts = n;
	s->part = 0;
	s->sending = 1;
	s->send_id = msg_id;
	/* The same SMS again, or another: number, a line break (never in
	 * a number), text. */
	s->send_hash = ms_fnv(ms_fnv(ms_fnv(FNV1A32_INIT, dest), "\n"), text);
	for (i = 0; i < MS_RESUME; i++) {
		struct ms_resume *r = &s->resume[i];

		if (r->id != msg_id)
			continue;
		if (r->hash == s->send_hash && r->nparts == n) {
			s->part = r->part;
			s->first_mr = r->first_mr;
		}
		r->id = 0;	/* used, or the text changed: from part 1 */
	}
	snprintf(buf, sizeof buf, "AT+CMGS=%d",
	    s->parts[s->part].tpdu_octets);
	ms_queue(s, CMD_CMGS, buf, -1, 0);
	ms_start_next(s, now);
	return 0;
}

void
modem_sess_inbound_done(struct modem_sess *s, int token, int64_t now)
{
	struct ms_token *t;
	char cmd[32];
	int i;

	if (token < 0 || token >= MS_TOKENS || !s->tokens[token].used)
		return;
	t = &s->tokens[token];
	for (i = 0; i < t->nslots; i++) {
		if (t->slots[i] < 0)
			continue;
		snprintf(cmd, sizeof cmd, "AT+CMGD=%d", t->slots[i]);
		/* Still handed out until the delete is answered: a listing
		 * already queued would show it again, and a second delete
		 * would take the next SMS the SIM puts in the slot. Not
		 * queued (full), a later listing offers it again and the
		 * store knows it. */
		if (ms_queue(s, CMD_CMGD, cmd, t->slots[i], 0) != 0)
			ms_unpend(s, t->slots[i]);
	}
	t->used = 0;
	ms_start_next(s, now);
}

void
modem_sess_inbound_failed(struct modem_sess *s, int token)
{
	struct ms_token *t;
	int i;

	if (token < 0 || token >= MS_TOKENS || !s->tokens[token].used)
		return;
	t = &s->tokens[token];
	/* Still stored on the SIM: the next listing (poll) offers it again. */
	for (i = 0; i < t->nslots; i++)
		if (t->slots[i] >= 0)
			ms_unpend(s, t->slots[i]);
	t->used = 0;
}

/* A long SMS's id (ms_concat_flush): sender, time, reference, count,
 * and for a partial one the parts it holds. 0, or -1 when it is not. */
static int
ms_pid_parse(const char *pid, char *from, size_t fromsz, long long *scts,
    unsigned *ref, unsigned *total, int *partial)
{
	const char *slash = strchr(pid, '/');
	unsigned have;
	int n = 0;

	if (slash == NULL || (size_t)(slash - pid) >= fromsz)
		return -1;
	snprintf(from, fromsz, "%.*s", (int)(slash - pid), pid);
	if (sscanf(slash, "/%lld/%u/%u%n", scts, ref, total, &n) == 3 &&
	    slash[n] == '\0') {
		*partial = 0;
		return 0;
	}
	n = 0;
	if (sscanf(slash, "/%lld/%u/%u/p%x%n", scts, ref, total, &have,
	    &n) == 4 && slash[n] == '\0') {
		*partial = 1;
		return 0;
	}
	return -1;
}

int
modem_sess_rest_of(const struct modem_event *ev, const char *whole_pid,
    const char *whole_text)
{
	static const char gap[] = "…";	/* a part that did not come */
	char f1[MODEM_ADDR_MAX], f2[MODEM_ADDR_MAX];
	long long t1, t2;
	unsigned r1, r2, n1, n2;
	int p1, p2;
	const char *seg, *next;

	if (!ev->partial || ms_pid_parse(ev->provider_id, f1, sizeof f1, &t1,
	    &r1, &n1, &p1) != 0 || !p1 || ms_pid_parse(whole_pid, f2,
	    sizeof f2, &t2, &r2, &n2, &p2) != 0 || p2 || strcmp(f1, f2) != 0 ||
	    r1 != r2 || n1 != n2 || t1 - t2 > MODEM_REST_WINDOW ||
	    t2 - t1 > MODEM_REST_WINDOW)
		return 0;
	/* Each part it holds, between the gaps, is in the whole's text. */
	for (seg = ev->text; *seg; seg = next) {
		char part[MODEM_TEXT_MAX];
		const char *end = strstr(seg, gap);
		size_t len = end ? (size_t)(end - seg) : strlen(seg);

		next = end ? end + sizeof gap - 1 : seg + len;
		if (len == 0)
			continue;
		snprintf(part, sizeof part, "%.*s", (int)len, seg);
		if (strstr(whole_text, part) == NULL)
			return 0;
	}
	return 1;
}

size_t
modem_sess_output(struct modem_sess *s, const uint8_t **out)
{
	*out = s->out;
	return s->outlen;
}

void
modem_sess_consumed(struct modem_sess *s, size_t n)
{
	if (n >= s->outlen) {
		s->outlen = 0;
		return;
	}
	memmove(s->out, s->out + n, s->outlen - n);
	s->outlen -= n;
}

int
modem_sess_event(struct modem_sess *s, struct modem_event *ev)
{
	if (s->evlen == 0)
		return 0;
	*ev = s->ev[s->evhead];
	s->evhead = (s->evhead + 1) % MS_EVENTS;
	s->evlen--;
	return 1;
}

int64_t
modem_sess_deadline(const struct modem_sess *s)
{
	int64_t d = -1;
	int i;

	if (s->state == MODEM_CLOSED)
		return -1;
	d = s->next_poll;
	if (s->busy && s->deadline < d)
		d = s->deadline;
	if (s->quiet_until && s->quiet_until < d)
		d = s->quiet_until;
	for (i = 0; i < MS_CONCAT; i++)
		if (s->concat[i].used && s->concat[i].first_at +
		    s->cfg.concat_timeout < d)
			d = s->concat[i].first_at + s->cfg.concat_timeout;
	return d;
}

enum modem_state
modem_sess_state(const struct modem_sess *s)
{
	return s->state;
}

int
modem_sess_rssi(const struct modem_sess *s)
{
	return s->rssi;
}

int
modem_sess_creg(const struct modem_sess *s)
{
	return s->creg;
}
