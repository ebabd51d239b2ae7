/*
 * libFuzzer harness for the AT conversation with a modem
 * (gateway/channels/modem_sess.c, a pure state machine): what the serial
 * line brings is the outside input, SMS PDUs inside it included. The
 * input is a script of segments split on 0xFF, each one operation by its
 * first byte: 'f' feeds the rest as the modem's bytes, 't' lets time
 * pass (the rest's first two bytes, seconds), 's' submits the rest as a
 * text to send, 'c' and 'o' close and open the device, 'd' and 'x'
 * commit or fail what was handed out. After each, as the channel does,
 * the output is taken and the events drained, and a tick runs when its
 * deadline came. Invariants: the state, deadline and signal readings stay
 * in range; every event's strings end inside their arrays, an inbound
 * text is valid UTF-8, a token is one the owner can give back; what is
 * written is bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/channels/modem_sess.h"
#include "parsers/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define FUZZ_TOKENS 64

struct fuzz_owner {
	struct modem_sess *s;
	int64_t now;
	int tokens[FUZZ_TOKENS];
	size_t ntokens;
	int64_t msg_id;
};

static void
fuzz_strz(const char *s, size_t sz)
{
	FUZZ_CHECK(memchr(s, '\0', sz) != NULL);
}

static void
fuzz_drain(struct fuzz_owner *o)
{
	static struct modem_event ev;
	const uint8_t *out;
	size_t n;
	int64_t dl;

	n = modem_sess_output(o->s, &out);
	FUZZ_CHECK(n == 0 || out != NULL);
	FUZZ_CHECK(n <= 64 * 1024);
	if (n)
		modem_sess_consumed(o->s, n);
	while (modem_sess_event(o->s, &ev) == 1) {
		FUZZ_CHECK((unsigned)ev.kind <= MODEM_EV_UNREADABLE);
		fuzz_strz(ev.from, sizeof ev.from);
		fuzz_strz(ev.to, sizeof ev.to);
		fuzz_strz(ev.text, sizeof ev.text);
		fuzz_strz(ev.provider_id, sizeof ev.provider_id);
		if (ev.kind == MODEM_EV_INBOUND) {
			FUZZ_CHECK(utf8_count(ev.text, strlen(ev.text)) >= 0);
			FUZZ_CHECK(ev.provider_id[0] != '\0');
			if (o->ntokens < FUZZ_TOKENS)
				o->tokens[o->ntokens++] = ev.token;
			else
				modem_sess_inbound_failed(o->s, ev.token);
		}
	}
	FUZZ_CHECK((unsigned)modem_sess_state(o->s) <= MODEM_PIN_NEEDED);
	FUZZ_CHECK(modem_state_name(modem_sess_state(o->s)) != NULL);
	FUZZ_CHECK(modem_sess_rssi(o->s) >= 0 && modem_sess_rssi(o->s) <= 199);
	FUZZ_CHECK(modem_sess_creg(o->s) >= -1 && modem_sess_creg(o->s) <= 99);
	dl = modem_sess_deadline(o->s);
	FUZZ_CHECK(dl >= -1);
	if (dl >= 0 && dl <= o->now) {
		(void)modem_sess_tick(o->s, o->now);
		fuzz_drain(o);
	}
}

/* Every token handed out, committed (done) or not (failed). */
static void
fuzz_settle(struct fuzz_owner *o, int done)
{
	size_t i;

	for (i = 0; i < o->ntokens; i++) {
		if (done)
			modem_sess_inbound_done(o->s, o->tokens[i], o->now);
		else
			modem_sess_inbound_failed(o->s, o->tokens[i]);
	}
	o->ntokens = 0;
}

static void
fuzz_op(struct fuzz_owner *o, const uint8_t *p, size_t n)
{
	char text[512];
	size_t k;

	if (n == 0)
		return;
	switch (p[0]) {
	case 'f':
		/* The channel reads at most this much between drains. */
		for (k = 1; k < n; k += 256) {
			(void)modem_sess_feed(o->s, p + k,
			    n - k < 256 ? n - k : 256, o->now);
			fuzz_drain(o);
		}
		return;
	case 't':
		o->now += 1 + (n > 1 ? p[1] : 0) + (n > 2 ? p[2] * 256 : 0);
		break;
	case 's':
		k = n - 1 < sizeof text - 1 ? n - 1 : sizeof text - 1;
		memcpy(text, p + 1, k);
		text[k] = '\0';
		if (utf8_valid_text(text, k) && modem_sess_ready(o->s))
			(void)modem_sess_submit(o->s, ++o->msg_id,
			    "+8613800000001", text, o->now);
		break;
	case 'c':
		fuzz_settle(o, 0);
		modem_sess_closed(o->s, o->now);
		break;
	case 'o':
		modem_sess_open(o->s, o->now);
		break;
	case 'd':
	case 'x':
		fuzz_settle(o, p[0] == 'd');
		break;
	default:
		break;
	}
	fuzz_drain(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modem_sess_cfg cfg;
	struct fuzz_owner o;
	const uint8_t *p = data, *end = data + size, *sep;

	memset(&cfg, 0, sizeof cfg);
	memcpy(cfg.pin, "1234", 5);
	cfg.concat_timeout = 300;
	memset(&o, 0, sizeof o);
	o.now = 1000;
	if ((o.s = modem_sess_new(&cfg)) == NULL)
		abort();
	modem_sess_open(o.s, o.now);
	fuzz_drain(&o);
	for (;;) {
		sep = memchr(p, 0xFF, (size_t)(end - p));
		fuzz_op(&o, p, (size_t)((sep ? sep : end) - p));
		if (sep == NULL)
			break;
		p = sep + 1;
	}
	fuzz_settle(&o, 1);
	fuzz_drain(&o);
	modem_sess_free(o.s);
	return 0;
}
