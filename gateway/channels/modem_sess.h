/*
 * The AT conversation with a GSM/LTE modem as a pure state machine
 * (STYLE.md §8): bytes in, bytes out, events, and a deadline; no fd, no
 * libevent. One command in flight with its own timeout; the init sequence
 * is a table; unsolicited lines (+CMTI, +CMT, +CDS, RING) are handled
 * whenever they arrive, also in the middle of a command.
 *
 * Receiving: stored messages are listed (AT+CMGL) at start and on every
 * +CMTI, pushed ones (+CMT) read directly; parts of concatenated messages
 * are joined (in any order; after concat_timeout what came is delivered,
 * marked partial). A message is handed out as MODEM_EV_INBOUND with a
 * token; its storage slots are deleted only when the owner calls
 * modem_sess_inbound_done() after committing it.
 * Sending: one submit at a time, each part AT+CMGS, the "> " prompt, the
 * PDU and Ctrl-Z; status reports (+CDS) become MODEM_EV_DLR.
 * Failures: a command without an answer starts a reset (AT, three tries;
 * answered, init again once the line is quiet), then asks the owner to
 * reopen the device (MODEM_EV_REOPEN).
 */
#ifndef BX_MODEM_SESS_H
#define BX_MODEM_SESS_H

/* Parts of one long SMS the modem sends or reassembles: phones that let a
 * note run past eight SMS exist, and past this each part would be taken
 * for a message of its own. */
#define MODEM_MAX_PARTS 16
/* Events kept between two modem_sess_event() drains: feed at most a few
 * hundred bytes between drains (a full queue drops SENT and DLR events;
 * an inbound message stays on the SIM and is offered again). */
#define MODEM_EVENTS 16

#include <stddef.h>
#include <stdint.h>

#define MODEM_TEXT_MAX 4096
#define MODEM_ADDR_MAX 24
/* SIM slots of one message: its parts, and the network's duplicates. */
#define MODEM_MAX_SLOTS (2 * MODEM_MAX_PARTS)

enum modem_state {
	MODEM_CLOSED,		/* no device */
	MODEM_INIT,		/* running the init table */
	MODEM_READY,		/* idle or busy with commands */
	MODEM_RESET,		/* a command timed out: probing with AT */
	MODEM_PIN_NEEDED	/* the SIM wants a PIN we do not have */
};

enum modem_ev_kind {
	MODEM_EV_INBOUND,	/* a whole message: from, text, token */
	MODEM_EV_SENT,		/* msg_id accepted: mr */
	MODEM_EV_SEND_FAILED,	/* msg_id: code, permanent */
	MODEM_EV_DLR,		/* mr: status (23.040 TP-ST) */
	MODEM_EV_REOPEN,	/* close the device and open it again */
	/* An SMS that cannot be decoded, read the same three times in a
	 * row: text its PDU (hex), code its slot. It is deleted, so that
	 * such SMS do not fill the SIM; the owner keeps the PDU (the log). */
	MODEM_EV_UNREADABLE
};

struct modem_event {
	enum modem_ev_kind kind;
	char from[MODEM_ADDR_MAX];
	char to[MODEM_ADDR_MAX];	/* DLR: the recipient it names */
	char text[MODEM_TEXT_MAX];
	char provider_id[96];	/* stable across re-reads: dedup key */
	int partial;		/* concatenation timed out */
	int token;		/* for modem_sess_inbound_done() */
	int64_t msg_id;
	unsigned mr;
	int code;		/* +CMS/+CME ERROR code, or -1 */
	int permanent;
	unsigned status;
};

struct modem_sess_cfg {
	char pin[16];		/* "" if none */
	int64_t cmd_timeout;	/* seconds; default 10 */
	int64_t send_timeout;	/* AT+CMGS; default 60 */
	int64_t concat_timeout;	/* seconds; default 600 */
	int64_t poll_interval;	/* AT+CSQ / AT+CREG; default 60 */
};

struct modem_sess;

struct modem_sess *modem_sess_new(const struct modem_sess_cfg *);
void modem_sess_free(struct modem_sess *);

/* The device was opened: start the init sequence. */
void modem_sess_open(struct modem_sess *, int64_t now);
/* The device went away: what was in flight fails (temporarily). */
void modem_sess_closed(struct modem_sess *, int64_t now);

int modem_sess_feed(struct modem_sess *, const uint8_t *, size_t,
    int64_t now);
int modem_sess_tick(struct modem_sess *, int64_t now);

/* Can it take a message to send now? */
int modem_sess_ready(const struct modem_sess *);
/* Queues text to dest; 0, or -1 (not ready, or cannot be encoded). */
int modem_sess_submit(struct modem_sess *, int64_t msg_id, const char *dest,
    const char *text, int64_t now);
/* The inbound message of token is committed: delete its slots. */
void modem_sess_inbound_done(struct modem_sess *, int token, int64_t now);
/* It could not be committed: it stays on the SIM and is offered again at
 * the next listing. */
void modem_sess_inbound_failed(struct modem_sess *, int token);

/*
 * Whether a partial message (ev, concatenation timed out) is the rest of
 * a whole one stored before under whole_pid with whole_text: the same
 * sender, reference and count, sent within MODEM_REST_WINDOW seconds of
 * it, and each part it holds inside the whole's text. Parts left on the
 * SIM when the whole's deletes were cut short (a crash, a reset) come out
 * so, and must not be applied a second time. Pure.
 */
#define MODEM_REST_WINDOW 600
int modem_sess_rest_of(const struct modem_event *ev, const char *whole_pid,
    const char *whole_text);

size_t modem_sess_output(struct modem_sess *, const uint8_t **);
void modem_sess_consumed(struct modem_sess *, size_t);
/* 1 with *ev filled, 0 when there are no more. */
int modem_sess_event(struct modem_sess *, struct modem_event *ev);
/* When tick must run next; -1 if never. */
int64_t modem_sess_deadline(const struct modem_sess *);

enum modem_state modem_sess_state(const struct modem_sess *);
int modem_sess_rssi(const struct modem_sess *);	/* +CSQ, 99 unknown */
int modem_sess_creg(const struct modem_sess *);	/* +CREG stat, -1 */
const char *modem_state_name(enum modem_state);

#endif
