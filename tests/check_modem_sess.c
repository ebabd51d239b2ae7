/*
 * The modem's AT session as a pure state machine: bytes in, bytes out and
 * a moving clock, no device (STYLE.md §8): init, receiving stored and
 * announced messages, sending with the prompt, an unsolicited line inside a
 * command, error codes, storage full, a SIM PIN, timeouts and reopen,
 * concatenation timeout, status reports.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/channels/modem_sess.h"
#include "tests/testutil.h"

static struct modem_sess *s;
static int64_t now;
static char out[16384];
static json_t *vectors;
/* What init's AT+CMGL=4 lists before its OK (init_answer), if not NULL. */
static const char *init_listing;

static const char *
vec(const char *desc_part)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(vectors, "vectors"), i, v)
		if (strstr(json_string_value(json_object_get(v, "desc")),
		    desc_part))
			return json_string_value(json_object_get(v, "pdu"));
	ck_abort_msg("no vector %s", desc_part);
	return NULL;
}

/* Everything the session wrote since the last call. */
static const char *
written(void)
{
	const uint8_t *p;
	size_t n = modem_sess_output(s, &p);

	snprintf(out, sizeof out, "%.*s", (int)n, (const char *)p);
	modem_sess_consumed(s, n);
	return out;
}

static void
feed(const char *text)
{
	ck_assert_int_eq(modem_sess_feed(s, (const uint8_t *)text,
	    strlen(text), now), 0);
}

/* Answers the init table like a healthy modem with an empty SIM: opened
 * 1, the device opened here; 2, the session started over by itself (ESC
 * and AT written); 0, the table run again (AT written). */
static void
init_answer(int opened)
{
	static const char *const answers[][2] = {
		{ "AT\r", "\r\nOK\r\n" },
		{ "ATE0\r", "\r\nOK\r\n" },
		{ "AT+CMEE=1\r", "\r\nOK\r\n" },
		{ "AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\nOK\r\n" },
		{ "AT+CMGF=0\r", "\r\nOK\r\n" },
		{ "AT+CPMS=\"SM\",\"SM\",\"SM\"\r", "\r\n+CPMS: 0,30,0,30,0,30"
		    "\r\n\r\nOK\r\n" },
		{ "AT+CNMI=2,1,0,1,0\r", "\r\nOK\r\n" },
		{ "AT+CREG?\r", "\r\n+CREG: 0,1\r\n\r\nOK\r\n" },
		{ "AT+CSQ\r", "\r\n+CSQ: 18,99\r\n\r\nOK\r\n" },
		{ "AT+CMGL=4\r", "\r\nOK\r\n" },
	};
	size_t i;

	if (opened) {
		if (opened == 1)
			modem_sess_open(s, now);
		/* ESC first: a modem left at the "> " prompt drops that
		 * message. */
		ck_assert_str_eq(written(), "\x1b" "AT\r");
	} else {
		ck_assert_str_eq(written(), "AT\r");
	}
	feed(answers[0][1]);
	for (i = 1; i < sizeof answers / sizeof answers[0]; i++) {
		ck_assert_str_eq(written(), answers[i][0]);
		if (init_listing && !strcmp(answers[i][0], "AT+CMGL=4\r"))
			feed(init_listing);
		feed(answers[i][1]);
	}
	ck_assert_int_eq(modem_sess_state(s), MODEM_READY);
	ck_assert_int_eq(modem_sess_rssi(s), 18);
	ck_assert_int_eq(modem_sess_creg(s), 1);
	ck_assert(modem_sess_ready(s));
}

static void
init_ok(void)
{
	init_answer(1);
}

/* A new session as the fixture makes it (a restarted daemon's). */
static void
setup_again(void)
{
	struct modem_sess_cfg cfg;

	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.pin, sizeof cfg.pin, "1234");
	cfg.concat_timeout = 300;
	s = modem_sess_new(&cfg);
	ck_assert_ptr_nonnull(s);
}

static void
setup(void)
{
	vectors = json_load_file(tu_src("tests/data/sms-pdu-vectors.json"), 0,
	    NULL);
	ck_assert_ptr_nonnull(vectors);
	now = 1000;
	setup_again();
}

static void
teardown(void)
{
	modem_sess_free(s);
	json_decref(vectors);
}

START_TEST(test_init)
{
	init_ok();
	ck_assert_int_eq(modem_sess_deadline(s), now + 60);	/* poll */
}
END_TEST

START_TEST(test_receive_announced)
{
	struct modem_event e;
	char buf[1024];

	init_ok();
	feed("\r\n+CMTI: \"SM\",3\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	snprintf(buf, sizeof buf, "\r\n+CMGL: 3,0,,26\r\n%s\r\n\r\nOK\r\n",
	    vec("UCS-2 Chinese"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_INBOUND);
	ck_assert_str_eq(e.from, "+8613900000011");
	ck_assert_str_eq(e.text, "缺 20240001 3天");
	ck_assert_int_eq(e.partial, 0);
	/* Listed again before it is committed: not handed out twice. */
	feed("\r\n+CMTI: \"SM\",4\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	/* Committed: now deleted. */
	modem_sess_inbound_done(s, 0, now);
	ck_assert_str_eq(written(), "AT+CMGD=3\r");
	feed("\r\nOK\r\n");
	/* The SIM reuses slot 3 for the next SMS: it is read, not skipped. */
	feed("\r\n+CMTI: \"SM\",3\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	/* Not committed (database busy): offered again at the next listing,
	 * and the token is free again. */
	modem_sess_inbound_failed(s, e.token);
	feed("\r\n+CMTI: \"SM\",4\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "缺 20240001 3天");
}
END_TEST

START_TEST(test_pushed_cmt)
{
	struct modem_event e;
	char buf[1024];

	init_ok();
	snprintf(buf, sizeof buf, "\r\n+CMT: ,26\r\n%s\r\n",
	    vec("GSM-7, international sender"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "ABS 20240001 3");
	modem_sess_inbound_done(s, e.token, now);
	ck_assert_str_eq(written(), "");	/* nothing stored to delete */
}
END_TEST

START_TEST(test_same_second_texts_distinct)
{
	struct modem_event e;
	char buf[1024], first[128];

	/* Two different SMS from one phone with one SMSC second (both
	 * vectors carry the same timestamp): two messages, not a duplicate;
	 * the same SMS read again keeps its id. */
	init_ok();
	snprintf(buf, sizeof buf, "\r\n+CMT: ,26\r\n%s\r\n",
	    vec("GSM-7, international sender"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	snprintf(first, sizeof first, "%s", e.provider_id);
	modem_sess_inbound_done(s, e.token, now);
	snprintf(buf, sizeof buf, "\r\n+CMT: ,26\r\n%s\r\n",
	    vec("UCS-2 Chinese"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_ne(e.provider_id, first);
	modem_sess_inbound_done(s, e.token, now);
	snprintf(buf, sizeof buf, "\r\n+CMT: ,26\r\n%s\r\n",
	    vec("GSM-7, international sender"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.provider_id, first);
}
END_TEST

START_TEST(test_multipart_any_order)
{
	struct modem_event e;
	char buf[2048];

	init_ok();
	snprintf(buf, sizeof buf, "\r\n+CMGL: 5,0,,152\r\n%s\r\n"
	    "+CMGL: 7,0,,152\r\n%s\r\n\r\nOK\r\n",
	    vec("0x42, part 3/3"), vec("0x42, part 1/3"));
	feed("\r\n+CMTI: \"SM\",7\r\n");
	written();
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);	/* waiting for 2 */
	snprintf(buf, sizeof buf, "\r\n+CMT: ,152\r\n%s\r\n",
	    vec("0x42, part 2/3"));
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_ptr_nonnull(strstr(e.text, "ABS 20240001 3 工 家长说"));
	ck_assert_int_eq(e.partial, 0);
	modem_sess_inbound_done(s, e.token, now);
	ck_assert_str_eq(written(), "AT+CMGD=5\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGD=7\r");
}
END_TEST

START_TEST(test_concat_timeout)
{
	struct modem_event e;
	char buf[2048];

	init_ok();
	snprintf(buf, sizeof buf, "\r\n+CMT: ,152\r\n%s\r\n",
	    vec("0x42, part 1/3"));
	feed(buf);
	now += 299;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	now += 1;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.partial, 1);
	ck_assert_ptr_nonnull(strstr(e.text, "…"));
}
END_TEST

/* The device opened, init answered up to the SIM's question. */
static void
open_until_cpin(void)
{
	modem_sess_open(s, now);
	written();
	feed("\r\nOK\r\n");
	written();
	feed("\r\nOK\r\n");
	written();
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CPIN?\r");
}

/* Answers OK (an empty listing, a poll) to each command until cmd. */
static void
answer_until(const char *cmd)
{
	int i;

	for (i = 0; i < 10 && strcmp(written(), cmd) != 0; i++)
		feed("\r\nOK\r\n");
	ck_assert_str_eq(out, cmd);
}

/*
 * An SMS-DELIVER from +8613800138000 into hex: UCS-2 text (ASCII here),
 * sent 2024-10-21 08:00:sec, with a concatenation header when total > 0.
 */
static void
mk_deliver(char *hex, unsigned ref, unsigned total, unsigned seq,
    const char *txt, int sec)
{
	size_t i, tl = strlen(txt);
	char *p = hex;

	p += sprintf(p, "00%02X0D91683108108300F00008", total ? 0x44 : 0x04);
	p += sprintf(p, "4201128000%02X00", ((sec % 10) << 4) | (sec / 10));
	p += sprintf(p, "%02X", (unsigned)(tl * 2 + (total ? 6 : 0)));
	if (total)
		p += sprintf(p, "050003%02X%02X%02X", ref, total, seq);
	for (i = 0; i < tl; i++)
		p += sprintf(p, "00%02X", (unsigned char)txt[i]);
}

/* "+CMGL: slot" and its PDU, as a listing shows a stored SMS. */
static void
list_one(char *buf, size_t bufsz, int slot, const char *hex)
{
	size_t n = strlen(buf);

	snprintf(buf + n, bufsz - n, "\r\n+CMGL: %d,0,,%zu\r\n%s\r\n", slot,
	    strlen(hex) / 2 - 1, hex);
}

/*
 * A phone that numbers its long SMS with one reference (some do, or wrap
 * it): the parts of two messages meet on the SIM. Each message is joined
 * from its own parts, and no slot is deleted before what it holds has
 * been handed out and committed; the same part twice (the network's
 * duplicate: same time, same text) goes with its message. It used to
 * delete the second message's first part unread. (Found by a review.)
 */
START_TEST(test_concat_reference_reused)
{
	char x1[512], y1[512], x2[512], y2[512], buf[4096] = "";
	struct modem_event e;

	init_ok();
	mk_deliver(x1, 5, 2, 1, "X-part1 ", 0);
	mk_deliver(y1, 5, 2, 1, "Y-part1 ", 5);
	mk_deliver(x2, 5, 2, 2, "X-part2", 1);
	mk_deliver(y2, 5, 2, 2, "Y-part2", 6);
	feed("\r\n+CMTI: \"SM\",4\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	list_one(buf, sizeof buf, 1, x1);
	list_one(buf, sizeof buf, 2, y1);
	list_one(buf, sizeof buf, 3, x1);	/* the duplicate */
	list_one(buf, sizeof buf, 4, x2);
	strcat(buf, "\r\nOK\r\n");
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "X-part1 X-part2");
	ck_assert_int_eq(e.partial, 0);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	modem_sess_inbound_done(s, 0, now);
	ck_assert_str_eq(written(), "AT+CMGD=1\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGD=3\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGD=4\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "");
	/* Y's second part comes: Y whole, from slots 2 and 1. */
	feed("\r\n+CMTI: \"SM\",1\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	buf[0] = '\0';
	list_one(buf, sizeof buf, 1, y2);
	list_one(buf, sizeof buf, 2, y1);
	strcat(buf, "\r\nOK\r\n");
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "Y-part1 Y-part2");
	modem_sess_inbound_done(s, e.token, now);
	ck_assert_str_eq(written(), "AT+CMGD=2\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGD=1\r");
}
END_TEST

/*
 * Half a long SMS given out after the concatenation timeout, the other
 * half arriving later with the same network time: two partial messages
 * with ids of their own. The second had the first's id, was taken for
 * its duplicate, and was deleted unstored. (Found by a review.)
 */
START_TEST(test_concat_late_half_not_a_duplicate)
{
	char h1[512], h2[512], buf[2048], first[96];
	struct modem_event e;

	init_ok();
	mk_deliver(h1, 9, 2, 1, "first half ", 0);
	mk_deliver(h2, 9, 2, 2, "second half", 0);
	feed("\r\n+CMTI: \"SM\",1\r\n");
	written();
	buf[0] = '\0';
	list_one(buf, sizeof buf, 1, h1);
	strcat(buf, "\r\nOK\r\n");
	feed(buf);
	now += 300;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.partial, 1);
	snprintf(first, sizeof first, "%s", e.provider_id);
	modem_sess_inbound_done(s, e.token, now);
	answer_until("AT+CMGD=1\r");
	feed("\r\nOK\r\n");
	feed("\r\n+CMTI: \"SM\",1\r\n");
	answer_until("AT+CMGL=4\r");
	buf[0] = '\0';
	list_one(buf, sizeof buf, 1, h2);
	strcat(buf, "\r\nOK\r\n");
	feed(buf);
	now += 300;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.partial, 1);
	ck_assert_ptr_nonnull(strstr(e.text, "second half"));
	ck_assert_str_ne(e.provider_id, first);
}
END_TEST

/*
 * A listing queued behind another (a +CMTI during the first) shows a
 * message whose delete is queued but not yet done: it is not handed out
 * again, so its slot is deleted once. It used to be deleted twice, and
 * the second delete took the next SMS the SIM had put in that slot,
 * unread. (Found by a review.)
 */
START_TEST(test_slot_deleted_once)
{
	char a[512], buf[2048] = "";
	struct modem_event e;

	init_ok();
	mk_deliver(a, 0, 0, 0, "message A", 0);
	feed("\r\n+CMTI: \"SM\",5\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	feed("\r\n+CMTI: \"SM\",6\r\n");		/* another listing queued */
	list_one(buf, sizeof buf, 5, a);
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	modem_sess_inbound_done(s, e.token, now);	/* committed */
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");	/* before the delete */
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGD=5\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "");
	/* B, stored in slot 5 now, is read, not deleted. */
	feed("\r\n+CMTI: \"SM\",5\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
}
END_TEST

/*
 * A SIM not ready yet when the modem starts (+CPIN: NOT READY): polled,
 * and once it is ready the init runs again and the channel works. It
 * stayed in pin_needed for good. (Found by a review.)
 */
START_TEST(test_sim_ready_later)
{
	open_until_cpin();
	feed("\r\n+CPIN: NOT READY\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_PIN_NEEDED);
	now += 60;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT+CPIN?\r");
	feed("\r\n+CPIN: READY\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_INIT);
	init_answer(0);
}
END_TEST

/*
 * AT+CMGS answered OK without the "> " prompt (an answer out of step,
 * after a timeout): the PDU was never written, so it is not sent. It
 * was reported SENT. (Found by a review.)
 */
START_TEST(test_send_needs_the_prompt)
{
	struct modem_event e;

	init_ok();
	ck_assert_int_eq(modem_sess_submit(s, 42, "+8613900000031", "hello",
	    now), 0);
	ck_assert_msg(!strncmp(written(), "AT+CMGS=", 8), "%s", out);
	feed("\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SEND_FAILED);
	ck_assert_int_eq(e.msg_id, 42);
	ck_assert_int_eq(e.permanent, 0);
	/* Out of step: ESC (should the prompt come yet), then the probe and
	 * the quiet line, as after a timeout, before anything else. */
	ck_assert_str_eq(written(), "\x1b" "AT\r");
	ck_assert_int_eq(modem_sess_state(s), MODEM_RESET);
	feed("\r\n> ");			/* the prompt, late */
	feed("\r\nOK\r\n");			/* the ESC's, or the probe's */
	ck_assert_str_eq(written(), "");
	now += 2;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "\x1b" "AT\r");	/* init again */
}
END_TEST

/*
 * An unsolicited line (RING, +CMTI) between a listing's "+CMGL:" and its
 * PDU: the PDU is still read, the +CMTI still heard. Both were taken for
 * the PDU and lost. (Found by a review.)
 */
START_TEST(test_urc_between_header_and_pdu)
{
	char a[512], buf[2048];
	struct modem_event e;

	init_ok();
	mk_deliver(a, 0, 0, 0, "urgent", 0);
	feed("\r\n+CMTI: \"SM\",2\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	snprintf(buf, sizeof buf, "\r\n+CMGL: 2,0,,%zu\r\nRING\r\n"
	    "+CMTI: \"SM\",3\r\n%s\r\n\r\nOK\r\n", strlen(a) / 2 - 1, a);
	feed(buf);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "urgent");
	modem_sess_inbound_done(s, e.token, now);
	ck_assert_str_eq(written(), "AT+CMGL=4\r");	/* the +CMTI */
}
END_TEST

/*
 * An SMS on the SIM that cannot be decoded (a broken phone's PDU): left
 * there for ever, such SMS fill the SIM and nothing more is received.
 * Read three times in a row the same, it is handed to the owner as
 * unreadable (its PDU, for the log) and deleted; a PDU garbled once on
 * the serial line is read again first. It was left for ever.
 */
/* A +CMTI for slot, and the listing that shows pdu there. */
static void
listed_at(int slot, const char *pdu)
{
	char list[2048] = "", cmti[64];

	snprintf(cmti, sizeof cmti, "\r\n+CMTI: \"SM\",%d\r\n", slot);
	feed(cmti);
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	list_one(list, sizeof list, slot, pdu);
	strcat(list, "\r\nOK\r\n");
	feed(list);
}

START_TEST(test_unreadable_sms_not_kept_for_ever)
{
	char bad[512], other[512];
	struct modem_event e;
	int i;

	init_ok();
	mk_deliver(bad, 0, 0, 0, "hello", 0);
	bad[strlen(bad) - 1] = '\0';		/* odd hex: cannot be */
	snprintf(other, sizeof other, "%s", bad);
	other[strlen(other) - 1] = other[strlen(other) - 1] == '0' ? '1' : '0';
	/* Read twice, then garbled otherwise, then twice again: kept. */
	for (i = 0; i < 5; i++) {
		listed_at(7, i == 2 ? other : bad);
		ck_assert_int_eq(modem_sess_event(s, &e), 0);
		ck_assert_str_eq(written(), "");
	}
	/* The third reading the same in a row: given up, and deleted. */
	listed_at(7, bad);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_UNREADABLE);
	ck_assert_str_eq(e.text, bad);
	ck_assert_int_eq(e.code, 7);
	ck_assert_str_eq(written(), "AT+CMGD=7\r");
}
END_TEST

/*
 * Half a long SMS still on the SIM after its whole was committed (the
 * deletes of its parts cut short by a crash or a reset) comes out after
 * the concatenation timeout as a partial message: it is told to be the
 * rest of that whole (same sender, reference and count, sent within the
 * window, its text inside the whole's), so the owner deletes it rather
 * than apply it a second time. (Found by a review.)
 */
START_TEST(test_partial_rest_of_a_whole)
{
	char h1[512], h2[512], list[2048] = "", whole[96];
	struct modem_event e;

	init_ok();
	mk_deliver(h1, 11, 2, 1, "ABS 20240001 3 ", 0);
	mk_deliver(h2, 11, 2, 2, "illness", 2);
	listed_at(1, h1);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	list_one(list, sizeof list, 2, h2);
	list_one(list, sizeof list, 1, h1);
	feed("\r\n+CMTI: \"SM\",2\r\n");
	written();
	strcat(list, "\r\nOK\r\n");
	feed(list);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "ABS 20240001 3 illness");
	snprintf(whole, sizeof whole, "%s", e.provider_id);
	/* Committed; the daemon dies before slot 1 is deleted: its part
	 * alone, after a restart, times out. */
	modem_sess_free(s);
	setup_again();
	init_ok();
	listed_at(1, h2);
	now += 300;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.partial, 1);
	ck_assert(modem_sess_rest_of(&e, whole, "ABS 20240001 3 illness"));
	/* Not the rest of another sender's, another reference's, another
	 * text's, or of one sent long before. */
	ck_assert(!modem_sess_rest_of(&e, "+8613800138001/1729497600/11/2",
	    "ABS 20240001 3 illness"));
	ck_assert(!modem_sess_rest_of(&e, "+8613800138000/1729497600/12/2",
	    "ABS 20240001 3 illness"));
	ck_assert(!modem_sess_rest_of(&e, whole, "ABS 20240001 3 sick"));
	ck_assert(!modem_sess_rest_of(&e, "+8613800138000/1729490000/11/2",
	    "ABS 20240001 3 illness"));
	/* A partial's id is no whole's. */
	ck_assert(!modem_sess_rest_of(&e, e.provider_id,
	    "ABS 20240001 3 illness"));
}
END_TEST

/*
 * A long note of ten SMS (a phone that allows it): joined like any other.
 * Past eight parts each used to be taken for a message of its own, and
 * ten fragments were applied (ten "not understood" replies).
 */
START_TEST(test_ten_parts_joined)
{
	char pdu[512], list[8192] = "", want[256] = "", txt[16];
	struct modem_event e;
	int i;

	init_ok();
	feed("\r\n+CMTI: \"SM\",10\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	for (i = 10; i >= 1; i--) {
		snprintf(txt, sizeof txt, "part%02d ", i);
		mk_deliver(pdu, 77, 10, (unsigned)i, txt, i);
		list_one(list, sizeof list, i, pdu);
	}
	strcat(list, "\r\nOK\r\n");
	feed(list);
	for (i = 1; i <= 10; i++) {
		snprintf(txt, sizeof txt, "part%02d ", i);
		strcat(want, txt);
	}
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, want);
	ck_assert_int_eq(e.partial, 0);
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	modem_sess_inbound_done(s, e.token, now);
	for (i = 0; i < 10; i++) {
		ck_assert_msg(!strncmp(written(), "AT+CMGD=", 8), "%s", out);
		feed("\r\nOK\r\n");
	}
	ck_assert_str_eq(written(), "");
}
END_TEST

/* Nine unreadable SMS at once (more than the session had room to
 * count): each is given up on after its three readings. None ever was.
 * (Found by a review.) */
START_TEST(test_many_unreadable_sms)
{
	char bad[512], list[8192];
	struct modem_event e;
	int round, slot, n = 0;

	init_ok();
	mk_deliver(bad, 0, 0, 0, "hello", 0);
	bad[strlen(bad) - 1] = '\0';
	for (round = 0; round < 3; round++) {
		feed("\r\n+CMTI: \"SM\",1\r\n");
		ck_assert_str_eq(written(), "AT+CMGL=4\r");
		list[0] = '\0';
		for (slot = 1; slot <= 9; slot++)
			list_one(list, sizeof list, slot, bad);
		strcat(list, "\r\nOK\r\n");
		feed(list);
	}
	while (modem_sess_event(s, &e))
		n += e.kind == MODEM_EV_UNREADABLE;
	ck_assert_int_eq(n, 9);
}
END_TEST

/* A modem that keeps talking after the probe's answer (a status line
 * each second): init starts all the same, 10 s on at most. It waited
 * for 2 s of quiet that never came. (Found by a review.) */
START_TEST(test_quiet_line_waited_for_at_most_10_s)
{
	int i;

	init_ok();
	now += 60;
	modem_sess_tick(s, now);
	written();			/* AT+CSQ, no answer */
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT\r");
	feed("\r\nOK\r\n");
	for (i = 0; i < 9; i++) {
		now += 1;
		modem_sess_tick(s, now);
		feed("\r\n+CSQ: 18,99\r\n");
		ck_assert_str_eq(written(), "");
	}
	now += 1;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_state(s), MODEM_INIT);
	ck_assert_str_eq(written(), "\x1b" "AT\r");
}
END_TEST

/* The SIM stops answering ready while a delete waits (the queue then
 * goes): the slot is read again later, and deleted, not skipped until
 * the device is reopened. (Found by a review.) */
START_TEST(test_delete_dropped_slot_read_again)
{
	char a[512], list[2048] = "";
	struct modem_event e;

	mk_deliver(a, 0, 0, 0, "message A", 0);
	list_one(list, sizeof list, 5, a);
	open_until_cpin();
	feed("\r\n+CPIN: NOT READY\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_PIN_NEEDED);
	/* A listing still runs, and hands A out, shortly before the SIM is
	 * polled again. */
	now += 55;
	modem_sess_tick(s, now);
	feed("\r\n+CMTI: \"SM\",5\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	feed(list);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	now += 5;
	modem_sess_tick(s, now);		/* the SIM polled ... */
	modem_sess_inbound_done(s, e.token, now);	/* ... then A's delete */
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CPIN?\r");
	feed("\r\n+CPIN: NOT READY\r\n\r\nOK\r\n");	/* the delete goes */
	ck_assert_str_eq(written(), "");
	/* The SIM back: init, whose listing shows slot 5 again. */
	now += 60;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT+CPIN?\r");
	feed("\r\n+CPIN: READY\r\n\r\nOK\r\n");
	init_listing = list;
	init_answer(0);
	init_listing = NULL;
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_str_eq(e.text, "message A");
}
END_TEST

/* A SIM check answered with an error (10: no SIM; 14: SIM busy, as
 * many modems say while it starts): waited for, as "NOT READY" is; it
 * went on to ready. (Found by a review.) */
START_TEST(test_sim_check_error_waits)
{
	open_until_cpin();
	feed("\r\n+CME ERROR: 14\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_PIN_NEEDED);
	ck_assert(!modem_sess_ready(s));
	ck_assert_str_eq(written(), "");
	now += 60;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT+CPIN?\r");
	feed("\r\n+CME ERROR: 10\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_PIN_NEEDED);
}
END_TEST

START_TEST(test_send_with_prompt_and_urc_inside)
{
	struct modem_event e;
	const char *w;

	init_ok();
	ck_assert_int_eq(modem_sess_submit(s, 42, "+8613900000031",
	    "【青溪县控辍保学】已收到：20240001 缺勤3天。", now), 0);
	ck_assert(!modem_sess_ready(s));	/* one at a time */
	w = written();
	ck_assert_msg(!strncmp(w, "AT+CMGS=", 8), "%s", w);
	feed("\r\n> ");
	w = written();
	ck_assert_msg(!strncmp(w, "0031", 4) && w[strlen(w) - 1] == 0x1a,
	    "%s", w);
	/* A new message announced while we wait for the answer. */
	feed("\r\n+CMTI: \"SM\",1\r\n\r\n+CMGS: 17\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	ck_assert_int_eq(e.msg_id, 42);
	ck_assert_int_eq(e.mr, 17);
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
	ck_assert(modem_sess_ready(s));
}
END_TEST

/* After init, a text of two SMS (UCS-2) submitted as message 7. */
static void
submit_long(char *text)
{
	int i;

	init_ok();
	for (i = 0, text[0] = '\0'; i < 8; i++)
		strcat(text, "任务：请家访学生并回复结果。");
	ck_assert_int_eq(modem_sess_submit(s, 7, "+8613900000031", text,
	    now), 0);
}

START_TEST(test_send_multipart)
{
	struct modem_event e;
	char text[512];
	int i;

	submit_long(text);
	for (i = 0; i < 2; i++) {
		ck_assert(!strncmp(written(), "AT+CMGS=", 8));
		feed("\r\n> ");
		ck_assert(strstr(written(), "050003") != NULL);	/* UDH */
		ck_assert_int_eq(modem_sess_event(s, &e), 0);
		feed(i == 0 ? "\r\n+CMGS: 1\r\n\r\nOK\r\n" :
		    "\r\n+CMGS: 2\r\n\r\nOK\r\n");
	}
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	ck_assert_int_eq(e.mr, 1);
	/* The second part's report (MR 2) is not the message's: dropped,
	 * not left to meet the next message that gets MR 2. */
	feed("\r\n+CDS: 25\r\n0006020D91683109000030F1"
	    "62101191000023" "62101191000523" "00\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 0);
	/* The first part's (MR 1) is the message's report, naming the
	 * number it went to (MRs come round: the store needs both). */
	feed("\r\n+CDS: 25\r\n0006010D91683109000030F1"
	    "62101191000023" "62101191000523" "00\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_DLR);
	ck_assert_int_eq(e.mr, 1);
	ck_assert_str_eq(e.to, "+8613900000031");
	/* A single SMS later given MR 2 gets its own report again. */
	ck_assert_int_eq(modem_sess_submit(s, 8, "+8613900000031", "好",
	    now), 0);
	feed("\r\n> ");
	feed("\r\n+CMGS: 2\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	feed("\r\n+CDS: 25\r\n0006020D91683109000030F1"
	    "62101191000023" "62101191000523" "00\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_DLR);
	ck_assert_int_eq(e.mr, 2);
}
END_TEST

/*
 * A long SMS whose second part fails goes again from that part: the
 * phone has the first, and the same reference joins them. It used to be
 * sent again whole, the first part twice; and what the session kept
 * for it must outlive the messages sent while it waits for its retry.
 * Another text under the same id (merged notices gone on their own)
 * starts again from the first.
 */
START_TEST(test_send_resumes_at_failed_part)
{
	struct modem_event e;
	char text[512];
	const char *w;

	submit_long(text);
	written();
	feed("\r\n> ");
	ck_assert(strstr(written(), "050003070201") != NULL);	/* 1 of 2 */
	feed("\r\n+CMGS: 1\r\n\r\nOK\r\n");
	written();
	feed("\r\n> ");
	ck_assert(strstr(written(), "050003070202") != NULL);	/* 2 of 2 */
	feed("\r\n+CMS ERROR: 42\r\n");		/* congestion: later */
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SEND_FAILED);
	ck_assert_int_eq(e.permanent, 0);
	/* Another message goes while it waits for its retry. */
	ck_assert_int_eq(modem_sess_submit(s, 8, "+8613900000031", "好",
	    now), 0);
	written();
	feed("\r\n> ");
	written();
	feed("\r\n+CMGS: 9\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	/* Again: the second part only, and the message's MR is the first
	 * part's. */
	ck_assert_int_eq(modem_sess_submit(s, 7, "+8613900000031", text,
	    now), 0);
	written();
	feed("\r\n> ");
	w = written();
	ck_assert_msg(strstr(w, "050003070202") != NULL, "%s", w);
	feed("\r\n+CMGS: 2\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	ck_assert_int_eq(e.mr, 1);
	ck_assert_int_eq(e.msg_id, 7);
	/* Once sent, the same id and text would start from the first. */
	ck_assert_int_eq(modem_sess_submit(s, 7, "+8613900000031", text,
	    now), 0);
	written();
	feed("\r\n> ");
	ck_assert(strstr(written(), "050003070201") != NULL);
	feed("\r\n+CMGS: 3\r\n\r\nOK\r\n");
	written();
	feed("\r\n> ");
	written();
	feed("\r\n+CMS ERROR: 42\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	/* Another text under that id: from the first part. */
	memcpy(text, "派", 3);	/* 任 (3 bytes) made 派 */
	ck_assert_int_eq(modem_sess_submit(s, 7, "+8613900000031", text,
	    now), 0);
	written();
	feed("\r\n> ");
	ck_assert(strstr(written(), "050003070201") != NULL);
}
END_TEST

START_TEST(test_send_errors)
{
	struct modem_event e;

	init_ok();
	modem_sess_submit(s, 1, "+8613900000031", "hello", now);
	written();
	feed("\r\n> ");
	written();
	feed("\r\n+CMS ERROR: 21\r\n");		/* rejected: permanent */
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SEND_FAILED);
	ck_assert_int_eq(e.code, 21);
	ck_assert_int_eq(e.permanent, 1);
	modem_sess_submit(s, 2, "+8613900000031", "hello", now);
	written();
	feed("\r\n+CMS ERROR: 42\r\n");		/* congestion: later */
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.permanent, 0);
	ck_assert_int_eq(e.msg_id, 2);
}
END_TEST

START_TEST(test_storage_full)
{
	init_ok();
	modem_sess_inbound_done(s, 0, now);	/* unknown token: nothing */
	now += 60;
	modem_sess_tick(s, now);		/* polls: CSQ, CREG, CMGL */
	ck_assert_str_eq(written(), "AT+CSQ\r");
	feed("\r\n+CMS ERROR: 322\r\n");	/* memory full */
	ck_assert_str_eq(written(), "AT+CREG?\r");
	feed("\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGL=4\r");
}
END_TEST

START_TEST(test_no_registration_holds_sends)
{
	init_ok();
	now += 60;
	modem_sess_tick(s, now);
	written();
	feed("\r\n+CSQ: 5,99\r\n\r\nOK\r\n");
	written();
	feed("\r\n+CREG: 0,2\r\n\r\nOK\r\n");	/* searching */
	ck_assert(!modem_sess_ready(s));
	ck_assert_int_eq(modem_sess_submit(s, 1, "+8613900000031", "x", now),
	    -1);
}
END_TEST

START_TEST(test_pin)
{
	open_until_cpin();
	feed("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CPIN=\"1234\"\r");
	feed("\r\nOK\r\n");
	ck_assert_str_eq(written(), "AT+CMGF=0\r");
}
END_TEST

START_TEST(test_pin_missing)
{
	struct modem_sess_cfg cfg;

	modem_sess_free(s);
	memset(&cfg, 0, sizeof cfg);
	s = modem_sess_new(&cfg);
	open_until_cpin();
	feed("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_state(s), MODEM_PIN_NEEDED);
	ck_assert(!modem_sess_ready(s));
	now += 60;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT+CPIN?\r");
}
END_TEST

START_TEST(test_timeout_reset_reopen)
{
	struct modem_event e;

	init_ok();
	modem_sess_submit(s, 9, "+8613900000031", "hello", now);
	written();
	/* The modem says nothing for a minute. */
	now += 60;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SEND_FAILED);
	ck_assert_int_eq(e.permanent, 0);
	ck_assert_str_eq(written(), "AT\r");
	ck_assert_int_eq(modem_sess_state(s), MODEM_RESET);
	/* Three probes without an answer: reopen the device. */
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT\r");
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT\r");
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_REOPEN);
	ck_assert_int_eq(modem_sess_state(s), MODEM_CLOSED);
	/* Reopened: init again. */
	init_ok();
}
END_TEST

START_TEST(test_probe_answered_restarts_init)
{
	init_ok();
	now += 60;
	modem_sess_tick(s, now);
	written();			/* AT+CSQ, no answer */
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT\r");
	feed("\r\nOK\r\n");
	/* Once the line has been quiet a while: init again. */
	ck_assert_str_eq(written(), "");
	ck_assert_int_eq(modem_sess_deadline(s), now + 2);
	now += 2;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_state(s), MODEM_INIT);
	ck_assert_str_eq(written(), "\x1b" "AT\r");
}
END_TEST

/*
 * The answer of the command that timed out comes late, after the probe
 * was sent: it answers the probe, and the probe's own answer comes
 * after. Init starts only once the line is quiet, so each command gets
 * its own answer; it used to start at the first OK, and every answer
 * from then on went to the command after its own. (Found by a review.)
 */
START_TEST(test_probe_waits_for_a_quiet_line)
{
	struct modem_event e;

	init_ok();
	now += 60;
	modem_sess_tick(s, now);
	written();			/* AT+CSQ, no answer in time */
	now += 10;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "AT\r");
	feed("\r\n+CSQ: 18,99\r\n\r\nOK\r\n");	/* AT+CSQ's, late */
	now += 1;
	modem_sess_tick(s, now);
	feed("\r\nOK\r\n");				/* the probe's */
	now += 1;
	modem_sess_tick(s, now);
	ck_assert_str_eq(written(), "");
	now += 1;
	modem_sess_tick(s, now);
	ck_assert_int_eq(modem_sess_state(s), MODEM_INIT);
	init_answer(2);
	/* In step: a send gets its own prompt and answer. */
	ck_assert_int_eq(modem_sess_submit(s, 5, "+8613900000031", "hi",
	    now), 0);
	ck_assert_msg(!strncmp(written(), "AT+CMGS=", 8), "%s", out);
	feed("\r\n> ");
	written();
	feed("\r\n+CMGS: 3\r\n\r\nOK\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SENT);
	ck_assert_int_eq(e.mr, 3);
}
END_TEST

/*
 * A poll that gets no answer while a send waits behind it: the queue is
 * dropped as the modem is probed, and the send with it. It is reported
 * failed (to be tried again), and the modem is ready again after its
 * init; it used to be neither reported nor ever ready again. (Found by
 * a review.)
 */
START_TEST(test_send_behind_a_timed_out_poll)
{
	struct modem_event e;
	const char *w;
	int i, failed = 0;

	init_ok();
	now += 60;
	modem_sess_tick(s, now);	/* the poll: AT+CSQ on the wire */
	w = written();
	ck_assert_msg(!strncmp(w, "AT+CSQ", 6), "%s", w);
	ck_assert_int_eq(modem_sess_submit(s, 9, "+8613900000031", "hello",
	    now), 0);
	ck_assert_str_eq(written(), "");	/* queued behind the poll */
	now += 10;
	modem_sess_tick(s, now);		/* the poll times out */
	ck_assert_str_eq(written(), "AT\r");
	while (modem_sess_event(s, &e))
		if (e.kind == MODEM_EV_SEND_FAILED && e.msg_id == 9 &&
		    !e.permanent)
			failed++;
	ck_assert_int_eq(failed, 1);
	feed("\r\nOK\r\n");			/* the modem is back */
	now += 2;				/* and the line quiet */
	modem_sess_tick(s, now);
	for (i = 0; i < 20 && modem_sess_state(s) != MODEM_READY; i++) {
		w = written();
		if (!strncmp(w, "\x1b", 1))
			w++;
		if (!strcmp(w, "AT+CPIN?\r"))
			feed("\r\n+CPIN: READY\r\n\r\nOK\r\n");
		else if (!strcmp(w, "AT+CREG?\r"))
			feed("\r\n+CREG: 0,1\r\n\r\nOK\r\n");
		else
			feed("\r\nOK\r\n");
	}
	ck_assert(modem_sess_ready(s));
}
END_TEST

START_TEST(test_status_report)
{
	struct modem_event e;

	init_ok();
	/* 00 SMSC; 06 status report; MR 0x11; RA +8613900000031; SCTS;
	 * DT; ST 00 (delivered). */
	feed("\r\n+CDS: 25\r\n0006110D91683109000030F1"
	    "62101191000023" "62101191000523" "00\r\n");
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_DLR);
	ck_assert_int_eq(e.mr, 0x11);
	ck_assert_int_eq(e.status, 0);
}
END_TEST

START_TEST(test_device_gone)
{
	struct modem_event e;

	init_ok();
	modem_sess_submit(s, 5, "+8613900000031", "hello", now);
	written();
	modem_sess_closed(s, now);
	ck_assert_int_eq(modem_sess_event(s, &e), 1);
	ck_assert_int_eq(e.kind, MODEM_EV_SEND_FAILED);
	ck_assert_int_eq(e.permanent, 0);
	ck_assert_int_eq(modem_sess_deadline(s), -1);
	feed("garbage\r\n");		/* ignored while closed */
	ck_assert_str_eq(written(), "");
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("modem_sess");
	TCase *tc = tcase_create("modem_sess");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_receive_announced);
	tcase_add_test(tc, test_pushed_cmt);
	tcase_add_test(tc, test_multipart_any_order);
	tcase_add_test(tc, test_same_second_texts_distinct);
	tcase_add_test(tc, test_concat_timeout);
	tcase_add_test(tc, test_concat_reference_reused);
	tcase_add_test(tc, test_concat_late_half_not_a_duplicate);
	tcase_add_test(tc, test_slot_deleted_once);
	tcase_add_test(tc, test_sim_ready_later);
	tcase_add_test(tc, test_send_needs_the_prompt);
	tcase_add_test(tc, test_urc_between_header_and_pdu);
	tcase_add_test(tc, test_unreadable_sms_not_kept_for_ever);
	tcase_add_test(tc, test_partial_rest_of_a_whole);
	tcase_add_test(tc, test_ten_parts_joined);
	tcase_add_test(tc, test_many_unreadable_sms);
	tcase_add_test(tc, test_quiet_line_waited_for_at_most_10_s);
	tcase_add_test(tc, test_delete_dropped_slot_read_again);
	tcase_add_test(tc, test_sim_check_error_waits);
	tcase_add_test(tc, test_send_with_prompt_and_urc_inside);
	tcase_add_test(tc, test_send_multipart);
	tcase_add_test(tc, test_send_resumes_at_failed_part);
	tcase_add_test(tc, test_send_errors);
	tcase_add_test(tc, test_storage_full);
	tcase_add_test(tc, test_no_registration_holds_sends);
	tcase_add_test(tc, test_pin);
	tcase_add_test(tc, test_pin_missing);
	tcase_add_test(tc, test_timeout_reset_reopen);
	tcase_add_test(tc, test_probe_answered_restarts_init);
	tcase_add_test(tc, test_probe_waits_for_a_quiet_line);
	tcase_add_test(tc, test_status_report);
	tcase_add_test(tc, test_send_behind_a_timed_out_poll);
	tcase_add_test(tc, test_device_gone);
	suite_add_tcase(su, tc);
	return tu_run(su);
}
