/*
 * The modem channel through the real daemon and a fake modem on a
 * pseudo-terminal (tests/fakes/fake_modem): a Chinese multipart ABS in
 * three parts out of order, messages stored while the daemon was down,
 * a crash between reading and deleting, an unplugged and replugged
 * device, and the reply as UCS-2 SMS-SUBMIT PDUs on the modem.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parsers/sms_pdu.h"
#include "tests/integration/harness.h"

static char link_[1100], ctl[1100], mlog[1100];
static pid_t modem_pid;
static char *vectors;

/* The PDU of the golden vector whose desc contains needle. */
static char *
vector(const char *needle)
{
	static char pdu[1024];
	char *d = strstr(vectors, needle), *p, *q;

	ck_assert_ptr_nonnull(d);
	p = strstr(d, "\"pdu\": \"");
	ck_assert_ptr_nonnull(p);
	p += 8;
	q = strchr(p, '"');
	snprintf(pdu, sizeof pdu, "%.*s", (int)(q - p), p);
	return pdu;
}

static void
order(const char *line)
{
	FILE *f = fopen(ctl, "a");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", line);
	fclose(f);
}

/* The golden vector whose desc contains needle, stored on the SIM and
 * announced. */
static void
store_vector(const char *needle)
{
	char cmd[1100];

	snprintf(cmd, sizeof cmd, "store %s", vector(needle));
	order(cmd);
}

static void
start_modem(void)
{
	char out[1200];
	char *const argv[] = { (char *)env("FAKE_MODEM"), link_, ctl, mlog,
	    NULL };
	int i;

	snprintf(link_, sizeof link_, "%s/modem", dir);
	snprintf(ctl, sizeof ctl, "%s/modem.ctl", dir);
	snprintf(mlog, sizeof mlog, "%s/modem.log", dir);
	snprintf(out, sizeof out, "%s/modem.out", dir);
	tu_write(ctl, "");
	modem_pid = proc_bg(argv, out);
	for (i = 0; i < 2000 && access(link_, F_OK) != 0; i++)
		usleep(10000);
	ck_assert_int_eq(access(link_, F_OK), 0);
}

static void
import_teacher(void)
{
	char rdir[1100], path[1200], implog[1200];
	char *const imp[] = { (char *)env("BAOXUECTL"), "-d", db, "import",
	    rdir, NULL };

	snprintf(rdir, sizeof rdir, "%s/extra", dir);
	mkdir(rdir, 0700);
	snprintf(path, sizeof path, "%s/people.csv", rdir);
	tu_write(path, "phone,name,role,scope\n"
	    "+8613900000011,赵老师,head_teacher,K0302\n");
	snprintf(path, sizeof path, "%s/students.csv", rdir);
	tu_write(path, "student_no,name,gender,class,village,guardian_phone,"
	    "categories\n20240001,钱小红,女,K0302,V01,,\n");
	snprintf(implog, sizeof implog, "%s/import2.log", dir);
	ck_assert_int_eq(proc_run(imp, implog), 0);
}

/* The demo roster and the extra teacher imported, then baoxued started
 * (for tests that fill the SIM first). */
static void
start_with_roster(void)
{
	char roster[1100], implog[1200];
	char *const imp[] = { (char *)env("BAOXUECTL"), "-d", db, "import",
	    roster, NULL };

	snprintf(roster, sizeof roster, "%s", tu_src("examples/demo"));
	snprintf(implog, sizeof implog, "%s/import.log", dir);
	ck_assert_int_eq(proc_run(imp, implog), 0);
	import_teacher();
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
}

static void
setup_modem(void)
{
	char extra[1400];

	vectors = tu_read(tu_src("tests/data/sms-pdu-vectors.json"));
	ck_assert_ptr_nonnull(vectors);
	setup_dirs();
	start_modem();
	snprintf(extra, sizeof extra, "[channel.modem]\ntype = modem\n"
	    "device = %s\n", link_);
	write_conf_at("manual", "2026-09-01T09:00:00+08:00", extra);
}

static void
teardown_modem(void)
{
	if (modem_pid > 0)
		proc_kill(modem_pid, 2000);
	modem_pid = 0;
	free(vectors);
	teardown();
}

static void
until(const char *sql, long long n)
{
	int i;

	for (i = 0; i < 2000 && rows(sql) != n; i++)
		usleep(10000);
	ck_assert_msg(rows(sql) == n, "%s: %lld, want %lld", sql, rows(sql), n);
}

static int
log_count(const char *prefix)
{
	char *l = tu_read(mlog), *p;
	int n = 0;

	for (p = l; p && (p = strstr(p, prefix)) != NULL; p++)
		n++;
	free(l);
	return n;
}

/* The SMS-SUBMIT PDUs the modem was given, decoded; the text of those to
 * dest joined in order. */
static const char *
sent_to(const char *dest)
{
	static char text[4096];
	char *l = tu_read(mlog), *p, *e;
	struct sms_pdu *pdu = calloc(1, sizeof *pdu);

	text[0] = '\0';
	for (p = l; p && (p = strstr(p, "SENT ")) != NULL; p = e) {
		p += 5;
		e = strchr(p, '\n');
		if (sms_pdu_decode(p, (size_t)(e - p), pdu) == 0 &&
		    pdu->type == SMS_PDU_SUBMIT && !strcmp(pdu->addr, dest)) {
			ck_assert_int_eq(pdu->dcs, SMS_PDU_UCS2);
			strncat(text, pdu->text, sizeof text - strlen(text) - 1);
		}
	}
	free(pdu);
	free(l);
	return text;
}

START_TEST(test_multipart_out_of_order)
{
	struct resp r;

	start_daemon_configured();
	import_teacher();
	until("SELECT count(*) FROM people WHERE phone = '+8613900000011'", 1);
	/* Part 3, part 1, part 2. */
	store_vector("8-bit reference 0x42, part 3/3");
	store_vector("8-bit reference 0x42, part 1/3");
	store_vector("8-bit reference 0x42, part 2/3");
	until("SELECT count(*) FROM cases", 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE days = 3 "
	    "AND reason = 'work'"), 1);
	/* The reply went out as UCS-2 PDUs, and the SIM was emptied. */
	until("SELECT count(*) FROM outbound WHERE kind = 'reply' AND status "
	    "= 'sent' AND channel = 'modem'", 1);
	ck_assert_msg(strstr(sent_to("+8613900000011"), "已立案#1") != NULL,
	    "%s", sent_to("+8613900000011"));
	for (int i = 0; i < 1500 && log_count("DEL ") < 3; i++)
		usleep(10000);
	ck_assert_int_eq(log_count("DEL "), 3);
	/* The status report made it a delivered message. */
	until("SELECT count(*) FROM outbound WHERE kind = 'reply' AND "
	    "dlr_status = 'delivered'", 1);
	http(NULL, "/healthz", NULL, NULL, NULL, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "ready rssi=21 creg=1"));
}
END_TEST

START_TEST(test_stored_while_down)
{
	char cmd[1100];

	/* The SIM holds a message before the daemon starts. */
	snprintf(cmd, sizeof cmd, "store-quiet %s", vector("UCS-2 Chinese"));
	order(cmd);
	start_with_roster();
	/* 缺 20240001 3天, found on the SIM at start. */
	until("SELECT count(*) FROM cases", 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
	for (int i = 0; i < 1500 && log_count("DEL ") < 1; i++)
		usleep(10000);
	ck_assert_int_eq(log_count("DEL "), 1);
}
END_TEST

/* hex, a SMS-DELIVER, with the SMSC time's seconds set to sec (0-59):
 * the same text, another message. */
static void
with_second(const char *hex, int sec, char *out, size_t outsz)
{
	unsigned smsc, oalen;
	size_t at;

	ck_assert_uint_lt(strlen(hex), outsz);
	memcpy(out, hex, strlen(hex) + 1);
	ck_assert_int_eq(sscanf(out, "%2x", &smsc), 1);
	at = 2 * (1 + smsc) + 2;		/* the first TPDU octet */
	ck_assert_int_eq(sscanf(out + at, "%2x", &oalen), 1);
	at += 2 + 2 + 2 * ((oalen + 1) / 2);	/* OA: length, type, digits */
	at += 4;				/* PID, DCS */
	at += 2 * 5;				/* year .. minute */
	/* Semi-octets swapped: 37 seconds is "73". */
	out[at] = (char)('0' + sec % 10);
	out[at + 1] = (char)('0' + sec / 10);
}

/* A SIM full of messages when the daemon starts: the one listing brings
 * more events than the session keeps at once, and none is lost. */
START_TEST(test_full_sim_at_start)
{
	char cmd[1100], pdu[1024];
	int i;

	for (i = 0; i < 24; i++) {
		with_second(vector("UCS-2 Chinese"), i, pdu, sizeof pdu);
		snprintf(cmd, sizeof cmd, "store-quiet %s", pdu);
		order(cmd);
	}
	start_with_roster();
	until("SELECT count(*) FROM inbound", 24);
	for (i = 0; i < 1500 && log_count("DEL ") < 24; i++)
		usleep(10000);
	ck_assert_int_eq(log_count("DEL "), 24);
}
END_TEST

/* The daemon killed (-9), the modem deleting again, the daemon back. */
static void
crash_and_restart(void)
{
	kill(daemon_p.pid, SIGKILL);
	waitpid(daemon_p.pid, NULL, 0);
	daemon_p.pid = 0;
	order("delete");
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
}

START_TEST(test_crash_between_read_and_delete)
{

	start_daemon_configured();
	import_teacher();
	until("SELECT count(*) FROM people WHERE phone = '+8613900000011'", 1);
	/* The daemon reads and commits, but its delete never happens ... */
	order("keep");
	store_vector("UCS-2 Chinese");
	until("SELECT count(*) FROM cases", 1);
	/* Its delete is asked after the commit, in a later turn of its
	 * loop: waited for (15 s at most), as a machine may not run the
	 * daemon for a while. */
	for (int i = 0; i < 1500 && log_count("CMD AT+CMGD=") < 1; i++)
		usleep(10000);
	ck_assert_int_ge(log_count("CMD AT+CMGD="), 1);
	/* ... because it is killed. At restart it reads the message again:
	 * a duplicate, deleted now. */
	crash_and_restart();
	for (int i = 0; i < 1500 && log_count("DEL ") < 1; i++)
		usleep(10000);
	{
		char *ml = tu_read(mlog), *dl = tu_read(logpath);

		ck_assert_msg(log_count("DEL ") == 1, "modem log:\n%s\n"
		    "daemon log:\n%s", ml, dl);
		free(ml);
		free(dl);
	}
	ck_assert_int_ge(log_count("CMD AT+CMGD="), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
}
END_TEST

/*
 * A long SMS committed, then the daemon killed after the delete of two
 * of its three parts: at restart the third alone is read, and after the
 * concatenation timeout it is found to be the rest of the message
 * applied before: deleted, not applied a second time as a message of
 * its own. (Found by a review.)
 */
START_TEST(test_crash_between_the_parts_deletes)
{
	char extra[1400];

	snprintf(extra, sizeof extra, "[channel.modem]\ntype = modem\n"
	    "device = %s\nconcat_timeout = 10\n", link_);
	write_conf_at("manual", "2026-09-01T09:00:00+08:00", extra);
	start_daemon_configured();
	import_teacher();
	until("SELECT count(*) FROM people WHERE phone = '+8613900000011'", 1);
	order("keep-after 2");
	store_vector("8-bit reference 0x42, part 1/3");
	store_vector("8-bit reference 0x42, part 2/3");
	store_vector("8-bit reference 0x42, part 3/3");
	until("SELECT count(*) FROM cases", 1);
	for (int i = 0; i < 1500 && log_count("CMD AT+CMGD=") < 3; i++)
		usleep(10000);
	ck_assert_int_eq(log_count("DEL "), 2);
	crash_and_restart();
	/* Ten seconds for the part's siblings, then its delete. */
	for (int i = 0; i < 3000 && log_count("DEL ") < 3; i++)
		usleep(10000);
	{
		char *dl = tu_read(logpath);

		ck_assert_msg(log_count("DEL ") == 3 && strstr(dl,
		    "applied before; deleted") != NULL, "daemon log:\n%s", dl);
		free(dl);
	}
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 1);
}
END_TEST

START_TEST(test_unplug_and_replug)
{

	start_daemon_configured();
	import_teacher();
	until("SELECT count(*) FROM people WHERE phone = '+8613900000011'", 1);
	order("unplug");
	usleep(500000);
	/* Plugged back (a new pty behind the same path): the daemon reopens
	 * it and carries on. */
	store_vector("UCS-2 Chinese");
	until("SELECT count(*) FROM cases", 1);
	until("SELECT count(*) FROM outbound WHERE kind = 'reply' AND status "
	    "= 'sent'", 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("modem");
	TCase *tc = tcase_create("modem");

	tcase_add_checked_fixture(tc, setup_modem, teardown_modem);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_multipart_out_of_order);
	tcase_add_test(tc, test_stored_while_down);
	tcase_add_test(tc, test_full_sim_at_start);
	tcase_add_test(tc, test_crash_between_read_and_delete);
	tcase_add_test(tc, test_crash_between_the_parts_deletes);
	tcase_add_test(tc, test_unplug_and_replug);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
