/*
 * A real Kannel in front of baoxued, all on loopback and started and
 * stopped here: bearerbox with a fake SMSC, smsbox with an sms-service
 * whose get-url is our /sms/inbound, and Kannel's fakesmsc as the phone.
 * A Chinese ABS sent as UCS-2 arrives through Kannel; the confirmation
 * goes back out through Kannel's sendsms to fakesmsc intact; Kannel's
 * delivery report marks it delivered. Skipped (exit 77) only when the
 * Debian kannel packages are not installed.
 */
#include <check.h>
#include <iconv.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parsers/utf8.h"
#include "tests/integration/harness.h"

#define BEARERBOX "/usr/sbin/bearerbox"
#define SMSBOX "/usr/sbin/smsbox"
#define FAKESMSC "/usr/lib/kannel/test/fakesmsc"

static pid_t bb, sb, fs;
static char kconf[1100], fsout[1100];

/* Waits (20 s at most) until something accepts on the loopback port: a
 * box that is started before its peer listens gives up (smsbox panics,
 * "Couldn't connect to the bearerbox"). */
static void
wait_port(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int i, s, up = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	for (i = 0; i < 200 && !up; i++) {
		ck_assert_int_ge(s = socket(AF_INET, SOCK_STREAM, 0), 0);
		up = connect(s, (struct sockaddr *)&sin, sizeof sin) == 0;
		close(s);
		if (!up)
			usleep(100000);
	}
	ck_assert_msg(up, "nothing listens on port %d", port);
}

static void
setup_kannel(void)
{
	char text[4096], extra[1024], out[1200];
	char *const bbv[] = { BEARERBOX, kconf, NULL };
	char *const sbv[] = { SMSBOX, kconf, NULL };
	int admin = fixed_port(), box = fixed_port(), smsc = fixed_port();
	int sendsms = fixed_port(), i, up = 0;

	setup_dirs();
	snprintf(kconf, sizeof kconf, "%s/kannel.conf", dir);
	snprintf(fsout, sizeof fsout, "%s/fakesmsc.out", dir);
	/* Kannel calls us on a fixed port, and we call it back on one. */
	conf_port = fixed_port();
	snprintf(extra, sizeof extra,
	    "[channel.kannel]\ntype = http\npreset = kannel\n"
	    "url = http://127.0.0.1:%d\nusername = baoxue\npassword = pw\n"
	    "sender = 10690\n"
	    "dlr_url = http://127.0.0.1:%d/sms/dlr?token=" TOKEN "\n",
	    sendsms, conf_port);
	write_conf_at("manual", "2026-09-01T09:00:00+08:00", extra);
	start_daemon_configured();
	ck_assert_int_eq(daemon_p.port, conf_port);
	snprintf(text, sizeof text,
	    "group = core\nadmin-port = %d\nadmin-password = x\n"
	    "smsbox-port = %d\nlog-file = \"%s/bearerbox.log\"\n"
	    "log-level = 0\ndlr-storage = internal\n\n"
	    "group = smsc\nsmsc = fake\nsmsc-id = fake\nport = %d\n"
	    "connect-allow-ip = 127.0.0.1\n\n"
	    "group = smsbox\nbearerbox-host = 127.0.0.1\n"
	    "bearerbox-port = %d\nsendsms-port = %d\n"
	    "log-file = \"%s/smsbox.log\"\nlog-level = 0\n\n"
	    "group = sendsms-user\nusername = baoxue\npassword = pw\n\n"
	    "group = sms-service\nkeyword = default\ncatch-all = true\n"
	    "max-messages = 0\nget-url = \"http://127.0.0.1:%d/sms/inbound?"
	    "token=" TOKEN "&from=%%p&to=%%P&text=%%a&id=%%I&coding=%%c\"\n",
	    admin, box, dir, smsc, box, sendsms, dir, daemon_p.port);
	ck_assert_int_eq(tu_write(kconf, text), 0);
	snprintf(out, sizeof out, "%s/bearerbox.out", dir);
	bb = proc_bg(bbv, out);
	wait_port(box);
	snprintf(out, sizeof out, "%s/smsbox.out", dir);
	sb = proc_bg(sbv, out);
	for (i = 0; i < 200; i++) {
		char *l = tu_read(out);

		up = l && strstr(l, "Connected to bearerbox");
		free(l);
		if (up)
			break;
		usleep(100000);
	}
	ck_assert_msg(up, "smsbox did not connect to bearerbox");
	/* fakesmsc connects once, at its start: bearerbox must listen on
	 * the SMSC port by then (a connection it accepts and sees closed
	 * it forgets, and accepts the next). */
	wait_port(smsc);
	{
		static char port[16], msg[256];
		char *const fsv[] = { FAKESMSC, "-H", "127.0.0.1", "-r", port,
		    "-i", "0.2", "-m", "1", msg, NULL };

		/* 缺勤 20240102 3 in UCS-2 (UTF-16BE), URL-encoded. */
		snprintf(port, sizeof port, "%d", smsc);
		snprintf(msg, sizeof msg, "13800000001 10690 ucs2 "
		    "%%7F%%3A%%52%%E4%%00%%20%%00%%32%%00%%30%%00%%32%%00%%34"
		    "%%00%%30%%00%%31%%00%%30%%00%%32%%00%%20%%00%%33");
		fs = proc_bg(fsv, fsout);
	}
}

static void
teardown_kannel(void)
{
	if (fs > 0)
		proc_kill(fs, 2000);
	if (sb > 0)
		proc_kill(sb, 5000);
	if (bb > 0)
		proc_kill(bb, 5000);
	fs = sb = bb = 0;
	teardown();
}

/* The text fakesmsc got for a number, decoded from UCS-2 ("" if none). */
static const char *
phone_got(const char *to)
{
	static char utf8[2048];
	char *out = tu_read(fsout), *p, *line, *save;
	char want[64], raw[1024];
	size_t i = 0, o = 0;

	utf8[0] = '\0';
	if (out == NULL)
		return utf8;
	snprintf(want, sizeof want, "10690 %s ucs-2 ", to);
	for (line = strtok_r(out, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((p = strstr(line, want)) == NULL)
			continue;
		p += strlen(want);
		/* URL-decode the UCS-2 bytes up to the closing '>'. */
		while (p[i] && p[i] != '>' && o < sizeof raw) {
			if (p[i] == '%' && p[i + 1] && p[i + 2]) {
				char h[3] = { p[i + 1], p[i + 2], 0 };

				raw[o++] = (char)strtol(h, NULL, 16);
				i += 3;
			} else if (p[i] == '+') {
				raw[o++] = ' ';
				i++;
			} else {
				raw[o++] = p[i++];
			}
		}
		break;
	}
	free(out);
	if (o) {
		size_t n;

		if (utf16_to_utf8(raw, o, UTF16_BE, utf8, sizeof utf8,
		    &n) != 0)
			utf8[0] = '\0';
	}
	return utf8;
}

START_TEST(test_round_trip_through_kannel)
{
	const char *got;
	int i;

	/* In through fakesmsc → bearerbox → smsbox → get-url. */
	for (i = 0; i < 100 && rows("SELECT count(*) FROM inbound") < 1; i++)
		usleep(100000);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound WHERE text = "
	    "'缺勤 20240102 3' AND sender = '+8613800000001'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases"), 1);
	/* Out through sendsms → bearerbox → fakesmsc, and the report back. */
	for (i = 0; i < 100 && rows("SELECT count(*) FROM outbound WHERE "
	    "kind = 'reply' AND dlr_status = 'delivered'") < 1; i++)
		usleep(100000);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply' AND status = 'sent' AND channel = 'kannel' AND "
	    "dlr_status = 'delivered'"), 1);
	for (i = 0; i < 50 && phone_got("+8613800000001")[0] == '\0'; i++)
		usleep(100000);
	got = phone_got("+8613800000001");
	ck_assert_str_eq(got, tu_sql_text(db, "SELECT text FROM outbound "
	    "WHERE kind = 'reply'"));
	ck_assert_ptr_nonnull(strstr(got, "【后柳镇控辍保学】已记录20240102 李*"));
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;

	if (access(BEARERBOX, X_OK) || access(SMSBOX, X_OK) ||
	    access(FAKESMSC, X_OK)) {
		printf("SKIP: Kannel is not installed (Debian packages kannel "
		    "and kannel-extras)\n");
		return 77;
	}
	s = suite_create("kannel");
	tc = tcase_create("kannel");
	tcase_add_checked_fixture(tc, setup_kannel, teardown_kannel);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_through_kannel);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
