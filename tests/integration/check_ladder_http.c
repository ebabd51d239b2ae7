/*
 * The escalation ladder through the real daemon: the manual clock moved
 * over HTTP, every task, reminder and notice checked in the outbox file;
 * RET at each level, the 返 pause, kill -9 in the middle of the ladder,
 * and quiet hours.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/integration/harness.h"

#define HT "+8613800000001"
#define VHEAD2 "+8613800000014"

static void
sms(const char *from, const char *text_urlencoded)
{
	char body[512];
	struct resp r;

	snprintf(body, sizeof body, "from=%s&text=%s&token=" TOKEN, from,
	    text_urlencoded);
	post("/sms/inbound", body, &r);
	ck_assert_int_eq(r.code, 200);
}

static const char *
who(const char *needle, const char *kind)
{
	static char buf[512];

	settle();
	outbox_recipients(needle, kind, buf, sizeof buf);
	return buf;
}

static const char *
phone_of(const char *role, const char *scope)
{
	static char buf[64];
	char q[256];

	snprintf(q, sizeof q, "SELECT group_concat(phone, ',') FROM (SELECT "
	    "phone FROM people WHERE role = '%s' AND scope = '%s' ORDER BY "
	    "phone)", role, scope);
	snprintf(buf, sizeof buf, "%s", tu_sql_text(db, q));
	return buf;
}

START_TEST(test_walk_to_level_4)
{
	char cadre[64], heads[64], want[256];

	snprintf(cadre, sizeof cadre, "%s", phone_of("village_cadre", "V02"));
	snprintf(heads, sizeof heads, "%s", phone_of("township_head", "T01"));
	/* The demo township has two township heads (镇长, 分管副镇长). */
	ck_assert_str_eq(heads, "+8613800000007,+8613800000123");
	sms("13800000001", "ABS+20240102+3");
	ck_assert_str_eq(who("已立案#1", "reply"), HT);
	ck_assert_str_eq(who("立案#1：", "notice"),
	    "+8613800000002,+8613800000003,+8613800000006,+8613800000008");
	ck_assert_str_eq(who("任务#1：请于9月4日前家访20240102 李*", "task"),
	    VHEAD2);
	ck_assert_int_eq(tu_lines(outbox), 6);

	/* Half the deadline is 21:00: quiet hours hold the reminder until
	 * 07:30. */
	clock_to(36);
	ck_assert_str_eq(who("提醒#1", "reminder"), "");
	clock_to(47);
	ck_assert_str_eq(who("提醒#1：请于9月4日前家访", "reminder"), VHEAD2);
	ck_assert_int_eq(tu_lines(outbox), 7);

	clock_to(72);
	ck_assert_str_eq(who("联合家访", "task"), cadre);
	/* The head teacher too: the joint visit's task names them. */
	snprintf(want, sizeof want, "+8613800000001,+8613800000002,"
	    "+8613800000003,%s", heads);
	ck_assert_str_eq(who("案#1升至2级", "escalation"), want);

	clock_to(119);
	ck_assert_str_eq(who("提醒#1：请于9月7日前联合家访", "reminder"), cadre);

	clock_to(240);
	ck_assert_str_eq(who("送达限期入学通知书。回复数字：1已送达 2收到", "task"),
	    "+8613800000006");
	ck_assert_str_eq(who("案#1升至3级", "escalation"),
	    "+8613800000007,+8613800000008,+8613800000123");

	clock_to(264);
	sms("13800000006", "NOTICE+%231");
	ck_assert_str_eq(who("期限至9月27日", "reply"), "+8613800000006");

	clock_to(623);
	ck_assert_str_eq(who("升至4级", "escalation"), "");
	clock_to(624);
	ck_assert_str_eq(who("案#1升至4级", "escalation"),
	    "+8613800000008,+8613800000009");
	/* Every message once: nothing left, nothing repeated later. */
	clock_to(2000);
	settle();
	/* One line per SMS; notices due together share one. */
	ck_assert_int_eq(tu_lines(outbox), (int)rows("SELECT count(*) FROM "
	    "outbound WHERE merged_into IS NULL"));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder' AND text LIKE '%提醒#%'"), 2);
	/* And the Monday run of the term's first week reminded the two
	 * principals of their term-start report, once (DOMAIN rule 6). */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder' AND text LIKE '%开学一周内请报开学情况%'"), 2);
}
END_TEST

START_TEST(test_ret_at_each_level)
{
	static const int reach[] = { 1, 72, 240, 624 };
	int lines;

	sms("13800000001", "ABS+20240102+3");
	if (_i == 3) {
		clock_to(264);
		sms("13800000006", "NOTICE+%231");
	}
	clock_to(reach[_i]);
	ck_assert_int_eq(rows("SELECT level FROM cases"), _i + 1);
	sms("13800000002", "RET+20240102");
	ck_assert_str_eq(who("已销号#1", "reply"), "+8613800000002");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'open'"), 0);
	/* Nothing more about the case (the weekly digests go on). */
	lines = (int)rows("SELECT count(*) FROM outbound WHERE kind <> "
	    "'digest'");
	clock_to(3000);
	settle();
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind <> "
	    "'digest'"), lines);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
}
END_TEST

START_TEST(test_return_pause)
{
	sms("13800000001", "ABS+20240102+3");
	clock_to(24);
	/* 家访 20240102 返 */
	sms("13800000014", "%E5%AE%B6%E8%AE%BF+20240102+%E8%BF%94");
	ck_assert_str_eq(who("已记录家访#1：20240102，结果：同意返校", "reply"),
	    VHEAD2);
	/* The visit deadline (day 3) passes quietly: the family said yes. */
	clock_to(95);
	ck_assert_str_eq(who("升至2级", "escalation"), "");
	/* Three days after the visit, no RET: up it goes. */
	clock_to(96);
	ck_assert_int_eq(rows("SELECT level FROM cases"), 2);
	ck_assert_str_ne(who("案#1升至2级", "escalation"), "");
}
END_TEST

/* /admin/clock says apart that a ladder step failed (here a case whose
 * student is gone), and the other case climbs all the same. It answered
 * "sent": -1, which read as a count. */
START_TEST(test_clock_says_ladder_failed)
{
	struct resp r;

	sms("13800000001", "ABS+20240102+3");
	sms("13800000001", "ABS+20240101+3");
	ck_assert_int_eq(tu_sql_exec(db, "PRAGMA foreign_keys = OFF; UPDATE "
	    "cases SET student_id = 99999 WHERE id = 1"), 0);
	settle();
	http(NULL, "/admin/clock", "advance=345600", ADMIN, NULL, &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_msg(strstr(r.body, "\"ladder\":\"failed\"") != NULL &&
	    jint(r.body, "sent") >= 0, "%s", r.body);
	ck_assert_int_eq(rows("SELECT level FROM cases WHERE id = 2"), 2);
	/* Mended, the next move says so. */
	ck_assert_int_eq(tu_sql_exec(db, "UPDATE cases SET student_id = (SELECT"
	    " id FROM students WHERE student_no = '20240102') WHERE id = 1"), 0);
	http(NULL, "/admin/clock", "advance=60", ADMIN, NULL, &r);
	ck_assert_msg(strstr(r.body, "\"ladder\":\"ok\"") != NULL, "%s",
	    r.body);
}
END_TEST

START_TEST(test_kill_9_mid_ladder)
{
	long long tasks_before;

	sms("13800000001", "ABS+20240102+3");
	clock_to(24);
	settle();
	ck_assert_int_eq(tu_lines(outbox), 6);
	/* Killed without warning in the middle of the ladder. */
	kill(daemon_p.pid, SIGKILL);
	waitpid(daemon_p.pid, NULL, 0);
	daemon_p.pid = 0;
	/* It comes back four days later (the manual clock restarts at the
	 * configured start): what fell due meanwhile goes out, once each. */
	write_conf_at("manual", "2026-09-05T09:00:00+08:00", "");
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
	settle();
	ck_assert_str_eq(who("提醒#1：请于9月4日前家访", "reminder"), VHEAD2);
	ck_assert_int_eq(rows("SELECT level FROM cases"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks"), 2);
	tasks_before = rows("SELECT count(*) FROM outbound");
	ck_assert_int_eq(tu_lines(outbox), (int)tasks_before);
	/* The ledger has the climb on time, not at the restart. */
	ck_assert_int_eq(rows("SELECT at FROM events WHERE what = 'level'"),
	    1788224400LL + 72 * 3600);
	/* Moving on: the level 2 reminder once, nothing else repeated. */
	clock_to(24 * 5 + 1);
	settle();
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder'"), 2);
	ck_assert_int_eq(tu_lines(outbox), (int)rows("SELECT count(*) FROM "
	    "outbound"));
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT recipient, text "
	    "FROM outbound GROUP BY recipient, text HAVING count(*) > 1)"), 0);
}
END_TEST

START_TEST(test_quiet_hours)
{
	struct resp r;
	json_t *o;

	/* 22:00: the teacher's reply goes at once; the rest waits. */
	clock_to(13);
	sms("13800000001", "ABS+20240102+3");
	ck_assert_str_eq(who("已立案#1", "reply"), HT);
	ck_assert_int_eq(tu_lines(outbox), 1);
	http(NULL, "/healthz", NULL, NULL, NULL, &r);
	ck_assert_int_eq(jint(r.body, "queue_depth"), 5);
	clock_to(22);		/* 07:00 */
	settle();
	ck_assert_int_eq(tu_lines(outbox), 1);
	http(NULL, "/admin/clock", "set=2026-09-02T07:30:00%2B08:00", ADMIN,
	    NULL, &r);
	ck_assert_int_eq(r.code, 200);
	settle();
	ck_assert_int_eq(tu_lines(outbox), 6);
	o = outbox_line(2);
	ck_assert_str_eq(jstr(o, "at"), "2026-09-02T07:30:00+08:00");
	json_decref(o);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ladder over HTTP");
	TCase *tc = tcase_create("ladder");

	tcase_add_checked_fixture(tc, setup_manual, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_walk_to_level_4);
	tcase_add_loop_test(tc, test_ret_at_each_level, 0, 4);
	tcase_add_test(tc, test_return_pause);
	tcase_add_test(tc, test_kill_9_mid_ladder);
	tcase_add_test(tc, test_clock_says_ladder_failed);
	tcase_add_test(tc, test_quiet_hours);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
