/*
 * The escalation ladder over a temp database with the manual clock: tasks,
 * reminders (once), climbs at their deadlines, the 返 pause, whereabouts,
 * refusals, RET at every level, special-need deadlines, catch-up after
 * downtime, the school calendar and quiet hours.
 */
#include <check.h>
#include <event2/event.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/casework/casework.h"
#include "gateway/clock.h"
#include "gateway/config.h"
#include "gateway/gw.h"
#include "gateway/import.h"
#include "gateway/pipeline.h"
#include "gateway/scheduler.h"
#include "store/store.h"
#include "tests/gwfix.h"
#include "tests/syncspy.h"
#include "tests/testutil.h"

#define T0 1788224400	/* Tuesday 2026-09-01 09:00 +08:00 */
#define H 3600
#define D 86400

#define HT "+8613800000001"
#define PRINCIPAL "+8613800000002"
#define INSPECTOR "+8613800000003"
#define VHEAD2 "+8613800000014"	/* village head of V02 */
#define OFFICIAL "+8613800000006"
#define TOWNHEAD "+8613800000007"
#define BUREAU "+8613800000008"
#define COUNTY "+8613800000009"
#define TEACHER "+8613800000112"	/* teacher S01, no class of its own */
#define CADRE2 "+8613800000119"	/* village cadre of V02 */

/* 20240102 李四: K0302, V02, no category. 20240101: left behind. */

static struct gwfix F;
static char calpath[1024];

/* start() after stop(): the same database, as after a restart. */
static void
start(void)
{
	gwfix_start(&F, 0);
}

static void
stop(void)
{
	gwfix_stop(&F);
}

static void
setup(void)
{
	gwfix_config(&F, T0);
	snprintf(calpath, sizeof calpath, "%s/calendar.txt", F.dir);
	gwfix_start(&F, 1);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

static void
sms(const char *from, const char *text)
{
	struct pipeline_in in = { "http", NULL, from, NULL, text,
	    strlen(text), NULL, 0 };
	int64_t id;

	ck_assert_int_eq(pipeline_inbound(F.g->pipeline, &in, &id),
	    PIPELINE_ACCEPTED);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

/* Moves the clock to T0 + secs and runs what became due. */
static void
at(int64_t secs)
{
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + secs), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

static long long
rows(const char *sql)
{
	return tu_sql_int(F.db, sql);
}

/* Outbound rows of a kind to a number whose text contains needle. */
static long long
sent(const char *kind, const char *to, const char *needle)
{
	char q[512];

	snprintf(q, sizeof q, "SELECT count(*) FROM outbound WHERE kind = '%s' "
	    "AND recipient = '%s' AND text LIKE '%%%s%%'", kind, to, needle);
	return rows(q);
}

static long long
level(void)
{
	return rows("SELECT level FROM cases WHERE id = 1");
}

START_TEST(test_walk_to_level_4)
{
	long long before;

	sms(HT, "ABS 20240102 3");
	/* Level 1: a home visit for the village head, within 3 days. */
	ck_assert_int_eq(sent("task", VHEAD2, "任务#1：请于9月4日前家访"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE kind = 'visit' "
	    "AND due_at = " "1788483600" " AND remind_at = 1788354000"), 1);
	/* Half the deadline, no ACK: one reminder, never two. */
	at(36 * H - 1);
	ck_assert_int_eq(sent("reminder", VHEAD2, "提醒#1"), 0);
	at(36 * H);
	ck_assert_int_eq(sent("reminder", VHEAD2, "提醒#1"), 1);
	at(60 * H);
	ck_assert_int_eq(sent("reminder", VHEAD2, "提醒#1"), 1);
	ck_assert_int_eq(level(), 1);
	/* Deadline passed without a visit: level 2, a joint visit for the
	 * village's cadre, and notices to township head, principal,
	 * inspector and head teacher. */
	at(3 * D);
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks t JOIN people p ON "
	    "p.id = t.assignee_id WHERE t.kind = 'joint_visit' AND "
	    "p.role = 'village_cadre' AND p.scope = 'V02'"), 1);
	ck_assert_int_eq(sent("escalation", TOWNHEAD, "升至2级"), 1);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "升至2级"), 1);
	ck_assert_int_eq(sent("escalation", INSPECTOR, "升至2级"), 1);
	/* The class's head teacher, whom the joint visit's task names (a
	 * review: the cadre was told to visit with them, they were not). */
	ck_assert_int_eq(sent("escalation", HT, "升至2级"), 1);
	/* Seven more days: level 3, the written notice for the office. */
	at(10 * D - 1);
	ck_assert_int_eq(level(), 2);
	at(10 * D);
	ck_assert_int_eq(level(), 3);
	ck_assert_int_eq(sent("task", OFFICIAL, "送达限期入学通知书"), 1);
	ck_assert_int_eq(sent("escalation", TOWNHEAD, "升至3级"), 1);
	ck_assert_int_eq(sent("escalation", BUREAU, "升至3级"), 1);
	/* Served on day 11; 15 days later, level 4 for the county. */
	at(11 * D);
	sms(OFFICIAL, "NOTICE #1");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE kind = "
	    "'serve_notice' AND status = 'done'"), 1);
	ck_assert_ptr_nonnull(strstr(tu_sql_text(F.db, "SELECT text FROM "
	    "outbound WHERE recipient = '" OFFICIAL "' AND kind = 'reply'"),
	    "期限至9月27日"));
	at(26 * D - 1);
	ck_assert_int_eq(level(), 3);
	at(26 * D);
	ck_assert_int_eq(level(), 4);
	ck_assert_int_eq(sent("escalation", COUNTY, "升至4级"), 1);
	ck_assert_int_eq(sent("escalation", BUREAU, "升至4级"), 1);
	/* The ladder stops there. */
	before = rows("SELECT count(*) FROM outbound");
	at(90 * D);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), before);
	ck_assert_int_eq(rows("SELECT next_at IS NULL FROM cases"), 1);
	/* The ledger has each climb at its time. */
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT group_concat(what || '@' "
	    "|| ((at - 1788224400) / 3600), ',') FROM (SELECT what, at FROM events "
	    "WHERE case_id = 1 ORDER BY id)"), "open@0,remind@36,level@72,"
	    "remind@108,level@240,notice@264,level@624");
}
END_TEST

/* RET at level 1..4 stops the ladder and completes every open task. */
START_TEST(test_ret_stops_each_level)
{
	static const int64_t reach[] = { 0, 3 * D, 10 * D, 26 * D };
	long long before;

	sms(HT, "ABS 20240102 3");
	if (_i >= 3) {
		at(11 * D);
		sms(OFFICIAL, "NOTICE #1");
	}
	at(reach[_i]);
	ck_assert_int_eq(level(), _i + 1);
	sms(HT, "RET 20240102");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'open'"), 0);
	/* Whoever was told of the case on the way is told of its end: the
	 * dual line, each level's task holders and those it notified. */
	ck_assert_int_eq(sent("notice", VHEAD2, "已返校"), 1);
	ck_assert_int_eq(sent("notice", PRINCIPAL, "已返校"), 1);
	ck_assert_int_eq(sent("notice", TOWNHEAD, "已返校"), _i >= 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound o JOIN people p "
	    "ON p.phone = o.recipient WHERE p.role = 'village_cadre' AND "
	    "p.scope = 'V02' AND o.kind = 'notice' AND o.text LIKE "
	    "'%已返校%'"), _i >= 1);
	/* Told at the opening (the 48-hour rule): told of the end. */
	ck_assert_int_eq(sent("notice", BUREAU, "已返校"), 1);
	ck_assert_int_eq(sent("notice", COUNTY, "已返校"), _i >= 3);
	ck_assert_int_eq(rows("SELECT next_at IS NULL FROM cases"), 1);
	before = rows("SELECT count(*) FROM outbound");
	at(120 * D);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), before);
}
END_TEST

START_TEST(test_return_pause)
{
	sms(HT, "ABS 20240102 3");
	at(D);
	sms(VHEAD2, "家访 20240102 返 家长答应周一送来");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'done' AND outcome = 'return'"), 1);
	ck_assert_int_eq(rows("SELECT hold = 'return_pause' FROM cases"), 1);
	/* The visit deadline no longer applies; the pause does. */
	at(3 * D);
	ck_assert_int_eq(level(), 1);
	at(4 * D - 1);
	ck_assert_int_eq(level(), 1);
	/* No RET within 3 days: it climbs. */
	at(4 * D);
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(rows("SELECT hold IS NULL FROM cases"), 1);
}
END_TEST

/* The newest outbound text of a kind to a number ("" if none). */
static const char *
text_to(const char *kind, const char *to)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT coalesce((SELECT text FROM outbound "
	    "WHERE kind = '%s' AND recipient = '%s' ORDER BY id DESC "
	    "LIMIT 1), '')", kind, to);
	return tu_sql_text(F.db, q);
}

/*
 * 返 (or 病) pauses the ladder for the school's RET, and the school is
 * told so: the class's head teacher, the principal and whoever reported
 * the absence, one SMS each with the demo's signature, 学号 and masked
 * name only. No RET, and the case climbs saying why: not the level's
 * deadline or a refusal (a review: "逾期未家访或家长拒绝" after a visit
 * the family agreed at).
 */
static const struct {
	const char *vis, *told, *why;
} pause_cases[] = {
	{ "家访 20240102 返 家长答应周一送来", "家长同意返校",
	    "家访结果“同意返校”，但3天内未返校" },
	{ "VIS 20240102 病", "生病", "家访结果“生病”，但3天内未返校" },
};

START_TEST(test_return_pause_tells_the_school)
{
	const char *const school[] = { HT, PRINCIPAL, TEACHER };
	const char *t;
	size_t i;

	stop();
	snprintf(F.cfg.signature, sizeof F.cfg.signature, "【后柳镇控辍保学】");
	start();
	sms(TEACHER, "ABS 20240102 3");
	at(D);
	sms(VHEAD2, pause_cases[_i].vis);
	for (i = 0; i < sizeof school / sizeof school[0]; i++) {
		ck_assert_int_eq(sent("notice", school[i], "RET"), 1);
		t = text_to("notice", school[i]);
		ck_assert_msg(strstr(t, "案#1") && strstr(t, "20240102 李*") &&
		    strstr(t, pause_cases[_i].told) && strstr(t, "RET 学号"),
		    "%s: %s", school[i], t);
		ck_assert_msg(strstr(t, "李四") == NULL, "%s", t);
		ck_assert_msg(tu_last_len(F.db, school[i]) <= 70, "%s", t);
	}
	/* The village head, who sent it, has the reply; nobody else of the
	 * dual line is asked for a RET. */
	ck_assert_int_eq(sent("notice", VHEAD2, "RET"), 0);
	ck_assert_int_eq(sent("notice", INSPECTOR, "RET"), 0);
	ck_assert_int_eq(sent("notice", OFFICIAL, "RET"), 0);
	ck_assert_int_eq(sent("notice", BUREAU, "RET"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text LIKE "
	    "'%请回复“RET%'"), 3);
	/* No RET within 3 days: level 2, and the notice says why. */
	at(4 * D);
	ck_assert_int_eq(level(), 2);
	t = text_to("escalation", PRINCIPAL);
	ck_assert_msg(strstr(t, "案#1升至2级") &&
	    strstr(t, pause_cases[_i].why) && strstr(t, "已安排联合家访"),
	    "%s", t);
	ck_assert_msg(strstr(t, "逾期未家访") == NULL, "%s", t);
	ck_assert_int_eq(sent("escalation", TOWNHEAD, pause_cases[_i].why), 1);
	ck_assert_int_eq(sent("escalation", HT, pause_cases[_i].why), 1);
	/* One SMS with the demo's signature, as the plain escalation_2 is
	 * (a review: 72-73 characters). */
	ck_assert_msg(tu_last_len(F.db, PRINCIPAL) <= 70, "%s",
	    text_to("escalation", PRINCIPAL));
	/* The ledger has the visit and the climb, each at its time. */
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT group_concat(what || '@' "
	    "|| ((at - 1788224400) / 3600), ',') FROM (SELECT what, at FROM "
	    "events WHERE case_id = 1 ORDER BY id)"),
	    "open@0,visit@24,level@96");
}
END_TEST

/* 外/转: whoever reported the absence is asked too, as for 返/病 (a
 * subject teacher who is not the class's head teacher). */
START_TEST(test_whereabouts_asks_the_reporter)
{
	sms(TEACHER, "ABS 20240102 3");
	sms(VHEAD2, "VIS 20240102 外");
	ck_assert_int_eq(sent("notice", TEACHER, "前核实回RET"), 1);
	ck_assert_int_eq(sent("notice", HT, "前核实回RET"), 1);
	ck_assert_int_eq(sent("notice", PRINCIPAL, "前核实回RET"), 1);
}
END_TEST

/* A reporter who has left the roster is not asked for the RET. */
START_TEST(test_return_pause_reporter_gone)
{
	sms(TEACHER, "ABS 20240102 3");
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE people SET left_at = "
	    "1788224400 WHERE phone = '" TEACHER "'"), 0);
	sms(VHEAD2, "VIS 20240102 返");
	ck_assert_int_eq(sent("notice", HT, "RET 学号"), 1);
	ck_assert_int_eq(sent("notice", TEACHER, "RET 学号"), 0);
}
END_TEST

/* A climb for the level's own reasons keeps its words: the deadline
 * passed, or the family refused. */
START_TEST(test_level_2_without_a_pause)
{
	sms(HT, "ABS 20240102 3");
	at(3 * D);
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "逾期未家访或家长拒绝"),
	    1);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "家访结果"), 0);
}
END_TEST

/* A pause at level 2 (the joint visit's 返) that runs out climbs to
 * level 3 saying so. */
START_TEST(test_return_pause_at_level_2)
{
	sms(HT, "ABS 20240102 3");
	at(3 * D);
	ck_assert_int_eq(level(), 2);
	sms(CADRE2, "VIS 20240102 返");
	ck_assert_int_eq(sent("notice", HT, "请回复“RET 学号”"), 1);
	at(6 * D);
	ck_assert_int_eq(level(), 3);
	ck_assert_int_eq(sent("escalation", TOWNHEAD,
	    "家访结果“同意返校”，但3天内未返校，已安排送达限期入学通知书"), 1);
}
END_TEST

/* The school's notice of a 返 at night waits for the morning; the
 * village head's reply goes at once. */
START_TEST(test_return_pause_notice_quiet_hours)
{
	stop();
	F.cfg.quiet_start = 21 * 60;
	F.cfg.quiet_end = 7 * 60 + 30;
	start();
	sms(HT, "ABS 20240102 3");
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 13 * H), 0);	/* 22:00 */
	sms(VHEAD2, "VIS 20240102 返");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" VHEAD2 "' AND kind = 'reply' AND status = 'sent'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice' AND text LIKE '%RET 学号%' AND status = 'queued'"), 2);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 22 * H + 30 * 60), 0);
	gw_run_due(F.g);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice' AND text LIKE '%RET 学号%' AND status = 'sent'"), 2);
}
END_TEST

START_TEST(test_refusal_climbs_at_once)
{
	sms(HT, "ABS 20240102 3");
	at(H);
	sms(VHEAD2, "VIS 20240102 拒");
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'level' AND at = 1788228000"), 1);
}
END_TEST

START_TEST(test_whereabouts_hold)
{
	sms(HT, "ABS 20240102 3");
	sms(VHEAD2, "VIS 20240102 转");
	/* The school is asked to confirm, by a date; the ladder waits. */
	ck_assert_int_eq(sent("notice", HT, "前核实回RET"), 1);
	ck_assert_int_eq(sent("notice", PRINCIPAL, "9月8日前核实"), 1);
	at(3 * D);
	ck_assert_int_eq(level(), 1);
	/* Refuted: a confirmed dropout, and the ladder climbs, not saying
	 * the hold's days ran out (a review). */
	sms(HT, "DROP 20240102");
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "天内未返校"), 0);
}
END_TEST

/* The written notice served while a whereabouts hold stands: the reply
 * gives the notice's own deadline, not the hold's (a review: 9月18日
 * where the case waited until 9月28日). */
START_TEST(test_notice_during_a_hold)
{
	sms(HT, "ABS 20240102 3");
	at(10 * D);
	ck_assert_int_eq(level(), 3);
	sms(OFFICIAL, "VIS #1 外");
	at(12 * D);
	sms(OFFICIAL, "NOTICE #1");
	ck_assert_msg(strstr(tu_sql_text(F.db, "SELECT text FROM outbound "
	    "WHERE recipient = '" OFFICIAL "' AND kind = 'reply' ORDER BY id "
	    "DESC LIMIT 1"), "期限至9月28日") != NULL, "%s", tu_sql_text(F.db,
	    "SELECT text FROM outbound WHERE recipient = '" OFFICIAL "' AND "
	    "kind = 'reply' ORDER BY id DESC LIMIT 1"));
}
END_TEST

/* Another 外 on a case already held does not put its deadline off: the
 * first hold's date stands (a review: a visit each week held it for
 * ever). */
START_TEST(test_whereabouts_not_put_off)
{
	sms(HT, "ABS 20240102 3");
	sms(VHEAD2, "VIS 20240102 外");
	at(5 * D);
	sms(VHEAD2, "VIS 20240102 外");
	at(7 * D);
	ck_assert_int_eq(level(), 2);
}
END_TEST

/* A whereabouts nobody confirms does not stop the case for ever: every
 * step has a deadline (DOMAIN rule 5; a review: 外出, the typical
 * dropout, held the case at level 1 with no one reminded). Seven days
 * ([ladder] whereabouts), then it climbs, saying why. */
START_TEST(test_whereabouts_deadline)
{
	sms(HT, "ABS 20240102 3");
	sms(VHEAD2, "VIS 20240102 外");
	at(7 * D - 1);
	ck_assert_int_eq(level(), 1);
	at(7 * D);
	ck_assert_int_eq(level(), 2);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "外出或转学”，但7天内"),
	    1);
	ck_assert_int_eq(sent("escalation", PRINCIPAL, "逾期未家访"), 0);
}
END_TEST

START_TEST(test_ack_cancels_reminder)
{
	sms(HT, "ABS 20240102 3");
	at(H);
	sms(VHEAD2, "收到 20240102");
	ck_assert_ptr_nonnull(strstr(tu_sql_text(F.db, "SELECT text FROM "
	    "outbound WHERE recipient = '" VHEAD2 "' AND kind = 'reply'"),
	    "已确认收到案#1"));
	at(2 * D);
	ck_assert_int_eq(sent("reminder", VHEAD2, "提醒"), 0);
	/* ACK is not a visit: the deadline still stands. */
	at(3 * D);
	ck_assert_int_eq(level(), 2);
}
END_TEST

START_TEST(test_tasks_list)
{
	sms(HT, "ABS 20240102 3");
	sms(VHEAD2, "TASKS");
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT text FROM outbound WHERE "
	    "recipient = '" VHEAD2 "' AND kind = 'reply'"),
	    "您有1项任务：D4VK:#1家访20240102(9月4日前)；");
	/* Twenty open tasks: all are counted, the first few are listed. */
	{
		sqlite3 *h;

		ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(h, "WITH RECURSIVE k(i) AS "
		    "(SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 19) "
		    "INSERT INTO tasks(case_id, level, kind, assignee_id, "
		    "status, created_at, due_at) SELECT case_id, level, kind, "
		    "assignee_id, status, created_at, due_at FROM tasks, k "
		    "WHERE tasks.id = 1", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
	}
	sms(VHEAD2, "TASKS");
	ck_assert_ptr_nonnull(strstr(tu_sql_text(F.db, "SELECT text FROM "
	    "outbound WHERE recipient = '" VHEAD2 "' AND kind = 'reply' "
	    "ORDER BY id DESC"), "您有20项任务"));
	sms(PRINCIPAL, "任务");
	ck_assert_ptr_nonnull(strstr(tu_sql_text(F.db, "SELECT text FROM "
	    "outbound WHERE recipient = '" PRINCIPAL "' AND kind = 'reply' "
	    "ORDER BY id DESC"), "没有待办任务"));
}
END_TEST

START_TEST(test_special_need_shorter)
{
	/* 20240101 is left behind: half the deadline, 1.5 days. */
	sms(HT, "ABS 20240101 1");
	ck_assert_int_eq(rows("SELECT due_at - created_at FROM tasks"),
	    36 * H);
	at(36 * H);
	ck_assert_int_eq(level(), 2);
}
END_TEST

START_TEST(test_catch_up_in_order_once)
{
	sms(HT, "ABS 20240102 3");
	/* Nobody looked for 12 days (the daemon was down): one run. */
	at(12 * D);
	ck_assert_int_eq(level(), 3);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder'"), 3);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'task'"), 3);
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT group_concat(what || '@' "
	    "|| ((at - 1788224400) / 3600), ',') FROM (SELECT what, at FROM events "
	    "WHERE case_id = 1 ORDER BY id)"),
	    "open@0,remind@36,level@72,remind@108,level@240,remind@276");
	/* A restart rebuilds from the store and repeats nothing. */
	stop();
	start();
	at(12 * D + 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'task'"), 3);
}
END_TEST

START_TEST(test_school_calendar)
{
	char why[256];

	/* Weekends and Thursday 3 September off: Tuesday 09:00 plus three
	 * school days is Monday 7 September 09:00. */
	ck_assert_int_eq(tu_write(calpath, "# 2026 autumn\nweekends\n"
	    "2026-09-03\n"), 0);
	stop();
	ck_assert_msg(ladder_load_calendar(&F.cfg.ladder, calpath, why,
	    sizeof why) == 0, "%s", why);
	start();
	sms(HT, "ABS 20240102 3");
	ck_assert_int_eq(rows("SELECT due_at FROM tasks"), T0 + 6 * D);
	ck_assert_int_eq(sent("task", VHEAD2, "9月7日前"), 1);
}
END_TEST

/*
 * Half a day left over (a special-need student's halved deadline) is
 * added as time, and where that lands on a day without school the
 * deadline moves to the next school day: Thursday 15:00 plus one and a
 * half school days is Monday 03:00, not Saturday 03:00. (Found by a
 * review.)
 */
START_TEST(test_half_day_lands_on_a_school_day)
{
	struct ladder l;

	memset(&l, 0, sizeof l);
	l.calendar = 1;
	l.weekends = 1;
	ck_assert_int_eq(ladder_after(&l, T0 + 2 * D + 6 * H, 3, 50),
	    T0 + 6 * D - 6 * H);
	/* Landing on a school day, it stays. */
	ck_assert_int_eq(ladder_after(&l, T0, 3, 50), T0 + D + 12 * H);
}
END_TEST

START_TEST(test_quiet_hours)
{
	stop();
	F.cfg.quiet_start = 21 * 60;
	F.cfg.quiet_end = 7 * 60 + 30;
	F.cfg.clock_start = T0 + 13 * H;	/* 22:00 */
	start();
	sms(HT, "ABS 20240102 3");
	/* The teacher who just texted gets the reply at once ... */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply' AND status = 'sent'"), 1);
	/* ... the village head's task and the notices wait for morning. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued'"), 5);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 22 * H + 29 * 60), 0);
	gw_run_due(F.g);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued'"), 5);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 22 * H + 30 * 60), 0);
	gw_run_due(F.g);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued'"), 0);
	ck_assert_int_eq(tu_lines(F.outbox), 6);
}
END_TEST

/* Notices to one person due together go as one SMS, as the quiet hours
 * end; a number at its daily limit waits, notices before replies. */
START_TEST(test_merge_and_limits)
{
	stop();
	F.cfg.quiet_start = 21 * 60;
	F.cfg.quiet_end = 7 * 60 + 30;
	F.cfg.clock_start = T0 + 13 * H;	/* 22:00 */
	F.cfg.channels[0].merge = 1;
	start();
	sms(HT, "ABS 20240101 1");
	sms(HT, "ABS 20240103 1");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" PRINCIPAL "' AND status = 'queued'"), 2);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 22 * H + 30 * 60), 0);
	gw_run_due(F.g);
	/* One SMS for the principal with both cases, two rows sent. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" PRINCIPAL "' AND status = 'sent'"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" PRINCIPAL "' AND merged_into IS NOT NULL"), 1);
	{
		char *all = tu_read(F.outbox), *p = all, *line;
		int lines = 0;

		while ((line = strstr(p, "\"to\":\"" PRINCIPAL "\"")) != NULL) {
			lines++;
			ck_assert_ptr_nonnull(strstr(line, "立案#1"));
			ck_assert_ptr_nonnull(strstr(line, "立案#2"));
			p = line + 1;
		}
		ck_assert_int_eq(lines, 1);
		free(all);
	}
}
END_TEST

START_TEST(test_recipient_daily_limit)
{
	stop();
	F.cfg.channels[0].recipient_daily = 5;
	start();
	/* Replies to the head teacher: four go at once; at four fifths of
	 * the cap, notices would wait but replies still go; at the cap,
	 * everything waits a day. */
	sms(HT, "ABS 20240102 1");
	sms(HT, "ABS 20240201 1");
	sms(HT, "ABS 20241002 1");
	sms(HT, "ABS 20241003 1");
	sms(HT, "ABS 20241001 1");
	sms(HT, "HELP");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" HT "' AND status = 'sent'"), 5);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" HT "' AND status = 'queued' AND due_at = 1788310800"), 1);
	at(D);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" HT "' AND status = 'sent'"), 6);
}
END_TEST

/* The counting behind digests, SUM and the statistics table. */
START_TEST(test_counting_queries)
{
	struct store_digest d;
	struct store_report_row *r;
	size_t n, i;

	sms(HT, "ABS 20240102 3");		/* case #1, V02, K0302 */
	sms(HT, "ABS 20240201 1");		/* absent, no case */
	sms(HT, "LEAVE 20241002 2");		/* excused: not counted */
	at(4 * D);				/* #1 at level 2 */
	sms(HT, "DROP 20240101");		/* case #2, V01 */
	at(5 * D);
	sms(HT, "RET 20240102");		/* #1 struck off */
	/* The township over the first week. */
	ck_assert_int_eq(store_digest(F.g->store, "T01", T0 - 9 * H,
	    T0 - 9 * H + 7 * D, &d), STORE_OK);
	ck_assert_int_eq(d.absent, 2);
	ck_assert_int_eq(d.open, 1);		/* #2; #1 closed by then */
	ck_assert_int_eq(d.level[1], 1);
	ck_assert_int_eq(d.closed, 1);
	/* A village sees only its own; a school by class. */
	ck_assert_int_eq(store_digest(F.g->store, "V02", T0 - 9 * H,
	    T0 - 9 * H + 7 * D, &d), STORE_OK);
	ck_assert_int_eq(d.absent, 2);		/* both live in 上河村 */
	ck_assert_int_eq(d.open, 0);
	ck_assert_int_eq(store_digest(F.g->store, "V01", T0 - 9 * H,
	    T0 - 9 * H + 7 * D, &d), STORE_OK);
	ck_assert_int_eq(d.absent, 0);
	ck_assert_int_eq(d.open, 1);		/* #2, 20240101 of 中坝村 */
	ck_assert_int_eq(store_digest(F.g->store, "S01", T0 - 9 * H,
	    T0 - 9 * H + 7 * D, &d), STORE_OK);
	ck_assert_int_eq(d.absent, 2);
	/* Before the RET, #1 was open and its visit overdue. */
	ck_assert_int_eq(store_digest(F.g->store, "T01", T0, T0 + 4 * D + H,
	    &d), STORE_OK);
	ck_assert_int_eq(d.open, 2);
	ck_assert_int_eq(d.overdue, 1);
	ck_assert_str_eq(d.owers[0].name, "上河村");
	/* The table, by school and by village. */
	ck_assert_int_eq(store_report(F.g->store, "school", NULL, T0, T0 + 7 * D,
	    2, 1, &r, &n), STORE_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(r[0].code, "S01");
	ck_assert_int_eq(r[0].enrolled, 142);
	ck_assert_int_eq(r[0].absent, 1);	/* 20240102; 20240201 too few */
	ck_assert_int_eq(r[0].opened, 2);
	ck_assert_int_eq(r[0].dropouts, 1);
	ck_assert_int_eq(r[0].cosigned, 0);
	ck_assert_int_eq(r[0].returned, 1);
	ck_assert_int_eq(r[0].still_out, 1);
	ck_assert_int_eq(r[0].reason[7], 2);	/* none given */
	ck_assert_int_eq(r[0].category[0], 1);	/* left behind: 20240101 */
	ck_assert_int_eq(r[1].opened, 0);
	free(r);
	ck_assert_int_eq(store_report(F.g->store, "village", "T01", T0,
	    T0 + 7 * D, 2, 1, &r, &n), STORE_OK);
	ck_assert_int_eq(n, 5);
	for (i = 0; i < n; i++)
		if (!strcmp(r[i].code, "V02"))
			ck_assert_int_eq(r[i].returned, 1);
	free(r);
	/* Co-signed by the school's inspector after the week: counted in
	 * a table that reaches that day, not in the week's. */
	at(8 * D);
	sms(INSPECTOR, "SIGN 20240101");
	ck_assert_int_eq(store_report(F.g->store, "school", NULL, T0,
	    T0 + 7 * D, 2, 1, &r, &n), STORE_OK);
	ck_assert_int_eq(r[0].dropouts, 1);
	ck_assert_int_eq(r[0].cosigned, 0);
	free(r);
	ck_assert_int_eq(store_report(F.g->store, "school", NULL, T0,
	    T0 + 30 * D, 2, 1, &r, &n), STORE_OK);
	ck_assert_int_eq(r[0].dropouts, 1);
	ck_assert_int_eq(r[0].cosigned, 1);
	free(r);
	/* Another township's filter gives none of these. */
	ck_assert_int_eq(store_report(F.g->store, "village", "T99", T0,
	    T0 + 7 * D, 2, 1, &r, &n), STORE_OK);
	ck_assert_int_eq(n, 0);
	free(r);
}
END_TEST

START_TEST(test_ladder_config)
{
	struct ladder l;
	char why[256];

	ladder_defaults(&l);
	ck_assert_int_eq(l.nlevels, 4);
	ck_assert_int_eq(ladder_check(&l, why, sizeof why), 0);
	ck_assert_int_eq(ladder_set(&l, 2, "deadline", "5", why, sizeof why),
	    0);
	ck_assert_int_eq(l.lv[1].deadline_days, 5);
	ck_assert_int_eq(ladder_set(&l, 2, "assignee", "boss", why,
	    sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "ROLE@PLACE"));
	ck_assert_int_eq(ladder_set(&l, 2, "assignee", "x@moon", why,
	    sizeof why), -1);
	ck_assert_int_eq(ladder_set(&l, 2, "enter", "sometime", why,
	    sizeof why), -1);
	ck_assert_int_eq(ladder_set(&l, 2, "outcomes", "refuse maybe", why,
	    sizeof why), -1);
	ck_assert_int_eq(ladder_set(&l, 0, "levels", "5", why, sizeof why), 0);
	ck_assert_int_eq(ladder_check(&l, why, sizeof why), -1);
	ck_assert_int_eq(ladder_set(&l, 5, "enter", "days 30", why,
	    sizeof why), 0);
	ck_assert_msg(ladder_check(&l, why, sizeof why) == 0, "%s", why);
}
END_TEST

/*
 * The weekly digest goes to every holder of a reviewing role, however
 * many (more than one page of them), once per phone and place even when
 * the phone holds two such roles there.
 */
/* The town head also a township official, and 300 more principals of
 * S01: more than a page of the roster. */
static void
many_reviewers(void)
{
	struct store_person p;
	int i;

	memset(&p, 0, sizeof p);
	snprintf(p.phone, sizeof p.phone, "%s", TOWNHEAD);
	snprintf(p.name, sizeof p.name, "镇长");
	snprintf(p.role, sizeof p.role, "township_official");
	snprintf(p.scope, sizeof p.scope, "T01");
	ck_assert_int_eq(store_person_put(F.g->store, &p), STORE_OK);
	for (i = 0; i < 300; i++) {
		snprintf(p.phone, sizeof p.phone, "+86137%08d", i);
		snprintf(p.role, sizeof p.role, "principal");
		snprintf(p.scope, sizeof p.scope, "S01");
		ck_assert_int_eq(store_person_put(F.g->store, &p), STORE_OK);
	}
}

/* Holders of a reviewing role, one per (phone, place). */
#define REVIEWERS "SELECT count(*) FROM (SELECT DISTINCT phone, scope " \
	"FROM people WHERE role IN ('township_head', 'township_official', " \
	"'principal', 'bureau', 'county'))"

START_TEST(test_digest_recipients)
{
	struct store_digest_pos pos;
	int r, steps = 0;

	many_reviewers();
	memset(&pos, 0, sizeof pos);
	while ((r = casework_digest_step(F.g->casework, T0 - 7 * D, T0, T0,
	    &pos, 0)) == 1)
		steps++;
	ck_assert_int_eq(r, 0);
	ck_assert_int_gt(steps, 1);
	ck_assert_int_eq(pos.sent, rows(REVIEWERS));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" TOWNHEAD "'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient LIKE '+86137%'"), 300);
	/* One per (phone, place) of every reviewing role, nobody twice. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), rows(REVIEWERS));
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT recipient FROM "
	    "outbound WHERE kind = 'digest' GROUP BY recipient HAVING "
	    "count(*) > 1)"), 0);
}
END_TEST

/*
 * A slice of the ladder takes at most 16 steps, each a transaction that
 * syncs in place, before the loop answers what came meanwhile: the rest
 * is the next slice's, in order, each once.
 */
START_TEST(test_ladder_in_slices)
{
	/* Twenty of S01's third year with no special need. */
	static const char *const k03[] = { "20240102", "20241008",
	    "20241022", "20241025", "20241033", "20241039", "20241040",
	    "20241061", "20241072", "20241075", "20241084", "20241102",
	    "20241111", "20241116", "20241118", "20241119", "20241134",
	    "20241144", "20241152", "20241171" };
	char text[64];
	size_t i;
	int more;

	for (i = 0; i < 20; i++) {
		snprintf(text, sizeof text, "ABS %s 3", k03[i]);
		sms(HT, text);
	}
	/* Every visit's reminder due at 36 hours, and no climb yet. */
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE remind_at = "
	    "1788354000"), 20);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE next_at <= "
	    "1788354000"), 0);
	ck_assert_int_eq(scheduler_slice(F.g->scheduler, T0 + 36 * H, &more),
	    16);
	ck_assert_int_eq(more, 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder'"), 16);
	ck_assert_int_eq(scheduler_slice(F.g->scheduler, T0 + 36 * H, &more),
	    4);
	ck_assert_int_eq(more, 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder'"), 20);
	ck_assert_int_eq(scheduler_slice(F.g->scheduler, T0 + 36 * H, &more),
	    0);
}
END_TEST

/*
 * A ladder step's commit leaves the WAL's sync to the store's sync thread:
 * with that thread held on the disk, a slice still runs to its end (the
 * steps seen by another connection) and the thread is found waiting with
 * their sync. Synced in place, each step held the loop for the disk, and
 * the thread was never asked. Nothing leaves meanwhile: the sender sends
 * only once its own later claim is on disk.
 */
/* Until every commit so far is on disk: the sync thread idle. */
static void
disk_caught_up(void)
{
	const struct timespec ms = { 0, 1000000 };
	uint64_t ticket, upto = 0;
	int i;

	ck_assert_int_eq(store_begin(F.g->store), STORE_OK);
	ck_assert_int_eq(store_commit_deferred(F.g->store, &ticket),
	    STORE_OK);
	for (i = 0; i < 5000 && upto < ticket; i++) {
		ck_assert_int_eq(store_synced_peek(F.g->store, &upto),
		    STORE_OK);
		if (upto < ticket)
			nanosleep(&ms, NULL);
	}
	ck_assert_uint_ge(upto, ticket);
}

START_TEST(test_ladder_steps_leave_the_sync_to_its_thread)
{
	int more;

	sms(HT, "ABS 20240102 3");
	disk_caught_up();
	syncspy_hold(1);
	ck_assert_int_eq(scheduler_slice(F.g->scheduler, T0 + 36 * H, &more),
	    1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reminder'"), 1);
	ck_assert_int_eq(syncspy_await_held(), 0);
	syncspy_hold(0);
}
END_TEST

/*
 * The weekly digest goes out in slices, each its own transaction with the
 * place the run has reached, so that the loop answers inbound messages
 * between them. A restart goes on from that place: nobody is skipped and
 * nobody gets it twice. A run left unfinished from an older week gives
 * way to the latest week's.
 */
START_TEST(test_digest_in_slices)
{
	struct store_digest_pos pos;
	long long all, first;
	int more;

	stop();
	F.cfg.digest_weekday = 1;	/* Mondays at 08:00 */
	F.cfg.digest_minute = 8 * 60;
	start();
	many_reviewers();
	all = rows(REVIEWERS);
	at(0);			/* the first run only marks this week */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	/* Monday 7 September, 08:00: one slice. */
	ck_assert_int_gt(scheduler_slice(F.g->scheduler, T0 + 6 * D - H,
	    &more), 0);
	ck_assert_int_eq(more, 1);
	first = rows("SELECT count(*) FROM outbound WHERE kind = 'digest'");
	ck_assert_int_ge(first, 1);
	ck_assert_int_lt(first, all);
	ck_assert_int_eq(store_digest_pos_get(F.g->store, &pos), STORE_OK);
	ck_assert_int_eq(pos.week, T0 + 6 * D - H);
	ck_assert_int_eq(pos.sent, first);
	/* Down and up again: the rest, once each. */
	stop();
	start();
	at(6 * D - H);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), all);
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT recipient FROM "
	    "outbound WHERE kind = 'digest' GROUP BY recipient HAVING "
	    "count(*) > 1)"), 0);
	ck_assert_int_eq(store_digest_pos_get(F.g->store, &pos),
	    STORE_NOTFOUND);
	ck_assert_int_eq(rows("SELECT max(week) FROM digest_runs"),
	    T0 + 6 * D - H);
	/* A run of that week left half done, and the daemon back only a
	 * week later: everyone gets the new week's digest, once. */
	pos = (struct store_digest_pos){ T0 + 6 * D - H, "S01",
	    "+8613700000150", 151 };
	ck_assert_int_eq(store_digest_pos_put(F.g->store, &pos), STORE_OK);
	at(13 * D - H);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 2 * all);
	ck_assert_int_eq(store_digest_pos_get(F.g->store, &pos),
	    STORE_NOTFOUND);
	ck_assert_int_eq(rows("SELECT max(week) FROM digest_runs"),
	    T0 + 13 * D - H);
}
END_TEST

/*
 * On the wall clock, a run of the scheduler is one slice; its timer runs
 * the next at once, once the loop has seen to what was ready meanwhile,
 * until everyone has the digest.
 */
START_TEST(test_digest_slices_on_the_loop)
{
	struct clock wall;
	struct scheduler *s;
	long long all, n, last = 0;
	int loops = 0;

	many_reviewers();
	all = rows(REVIEWERS);
	clock_init_system(&wall);
	s = scheduler_new(F.base, F.g->store, &wall, F.g->casework, NULL, 1,
	    8 * 60, 0);
	/* A digest was sent long ago: this week's is due. */
	ck_assert_int_eq(store_digest_run_put(F.g->store, 604800, 604800),
	    STORE_OK);
	ck_assert_int_eq(scheduler_run(s), 1);
	n = rows("SELECT count(*) FROM outbound WHERE kind = 'digest'");
	ck_assert_int_ge(n, 1);
	ck_assert_int_lt(n, all);
	while (n < all && n > last && loops++ < 1000) {
		last = n;
		ck_assert_int_ge(event_base_loop(F.base, EVLOOP_ONCE |
		    EVLOOP_NONBLOCK), 0);
		n = rows("SELECT count(*) FROM outbound WHERE kind = "
		    "'digest'");
	}
	ck_assert_int_eq(n, all);
	ck_assert_int_eq(rows("SELECT count(*) FROM digest_progress"), 0);
	scheduler_free(s);
}
END_TEST

/*
 * A digest that fell due since the scheduler last looked goes at the next
 * wake, not a week later: every inbound message re-arms the timer, and
 * under steady traffic the timer for the digest's own time never fired
 * (bench: no digest at all in 20 s of 1,000 msg/s past its time).
 */
START_TEST(test_digest_due_between_wakes)
{
	struct clock wall;
	struct scheduler *s;
	int64_t now, due;
	int more, loops = 0;
	char q[128];

	clock_init_system(&wall);
	now = clock_now(&wall);
	due = casework_week_start(now) + 8 * H;		/* Mondays 08:00 */
	if (due > now)
		due -= 7 * D;
	s = scheduler_new(F.base, F.g->store, &wall, F.g->casework, NULL, 1,
	    8 * 60, 0);
	/* Last week's went; the scheduler last looked before this week's
	 * time, then the clock passed it. */
	ck_assert_int_eq(store_digest_run_put(F.g->store, due - 7 * D, now),
	    STORE_OK);
	ck_assert_int_eq(scheduler_slice(s, due - 1, &more), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	scheduler_wake(s);		/* an inbound message, say */
	snprintf(q, sizeof q, "SELECT count(*) FROM digest_runs WHERE week = "
	    "%lld", (long long)due);
	while (rows(q) == 0 && loops++ < 100)
		ck_assert_int_ge(event_base_loop(F.base, EVLOOP_ONCE |
		    EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(rows(q), 1);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	scheduler_free(s);
}
END_TEST

/*
 * A digest slice that fails (here its table is gone a moment) is tried
 * again a minute later, not at once and again for ever on the loop.
 */
START_TEST(test_digest_failure_retried_later)
{
	struct clock wall;
	struct scheduler *s;
	char log[1100], *text;
	int64_t now;
	int more, i, saved;

	clock_init_system(&wall);
	now = clock_now(&wall);
	s = scheduler_new(F.base, F.g->store, &wall, F.g->casework, NULL, 1,
	    8 * 60, 0);
	ck_assert_int_eq(store_digest_run_put(F.g->store, 604800, 604800),
	    STORE_OK);
	ck_assert_int_eq(tu_sql_exec(F.db,
	    "ALTER TABLE digest_progress RENAME TO gone"), 0);
	snprintf(log, sizeof log, "%s/scheduler.log", F.dir);
	ck_assert_int_ge(saved = tu_stderr_to(log), 0);
	ck_assert_int_eq(scheduler_run(s), 0);
	ck_assert_int_eq(tu_sql_exec(F.db,
	    "ALTER TABLE gone RENAME TO digest_progress"), 0);
	for (i = 0; i < 20; i++)
		ck_assert_int_ge(event_base_loop(F.base, EVLOOP_ONCE |
		    EVLOOP_NONBLOCK), 0);
	tu_stderr_back(saved);
	ck_assert_ptr_nonnull(text = tu_read(log));
	ck_assert_int_eq(tu_count(text, "weekly digest not sent"), 1);
	free(text);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	/* A minute on, it goes. */
	ck_assert_int_gt(scheduler_slice(s, now + 61, &more), 0);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	scheduler_free(s);
}
END_TEST

/*
 * The written notice not served by its task's deadline: that task missed
 * it, and the case climbs as every other missed task does (DOMAIN: tasks
 * that miss their deadline are escalated one level up; every step has a
 * deadline). It sat at level 3 for ever. (Found by a review.)
 */
START_TEST(test_notice_not_served_climbs)
{
	sms(HT, "ABS 20240102 3");
	at(10 * D);
	ck_assert_int_eq(level(), 3);
	at(13 * D - 1);
	ck_assert_int_eq(level(), 3);
	at(13 * D);
	ck_assert_int_eq(level(), 4);
	ck_assert_int_eq(sent("escalation", COUNTY, "升至4级"), 1);
	ck_assert_int_eq(rows("SELECT notice_at IS NULL FROM cases"), 1);
}
END_TEST

/*
 * At level 3 a pause (a visit's 返) or a hold (外) gives way to the written
 * notice's deadline, and does not stand for it: the notice served on day
 * 11 gives the family until day 26, a 返 on day 12 does not end that on
 * day 15; a DROP on a hold before the notice is due does not send the
 * case to the county either. Both did. (Found by a review.)
 */
START_TEST(test_level_3_pause_keeps_the_notice_deadline)
{
	sms(HT, "ABS 20240102 3");
	at(11 * D);
	sms(OFFICIAL, "NOTICE 20240102");
	at(12 * D);
	sms(OFFICIAL, "VIS 20240102 返");
	at(15 * D);
	ck_assert_int_eq(level(), 3);
	ck_assert_int_eq(rows("SELECT next_at - 1788224400 FROM cases"),
	    26 * D);
	at(26 * D);
	ck_assert_int_eq(level(), 4);
	/* The notice's deadline climbed it, not the pause. */
	ck_assert_int_eq(sent("escalation", COUNTY, "限期已过仍未返校"), 1);
	ck_assert_int_eq(sent("escalation", COUNTY, "家访结果"), 0);
}
END_TEST

START_TEST(test_level_3_hold_refuted_keeps_the_notice_deadline)
{
	sms(HT, "ABS 20240102 3");
	at(10 * D);
	sms(OFFICIAL, "VIS 20240102 外");
	sms(HT, "DROP 20240102");
	ck_assert_int_eq(level(), 3);
	ck_assert_int_eq(rows("SELECT next_at - 1788224400 FROM cases"),
	    13 * D);
	at(13 * D);
	ck_assert_int_eq(level(), 4);
}
END_TEST

/* A notice level after a level without a task (notices only): the case
 * waits for the notice, as it did; it climbed at once, the level's
 * deadline being no deadline. (Found by a review.) */
START_TEST(test_notice_level_after_a_level_without_task)
{
	char why[128];

	stop();
	F.cfg.ladder.lv[2].task[0] = '\0';
	F.cfg.ladder.lv[2].nassignee = 0;
	F.cfg.ladder.lv[2].deadline_days = 0;
	ck_assert_int_eq(ladder_check(&F.cfg.ladder, why, sizeof why), 0);
	start();
	sms(HT, "ABS 20240102 3");
	at(10 * D);
	ck_assert_int_eq(level(), 3);
	/* A pause there ends in waiting for the notice too. */
	sms(OFFICIAL, "VIS 20240102 返");
	at(30 * D);
	ck_assert_int_eq(level(), 3);
}
END_TEST

/* One ladder item that fails every time (a task whose assignee row is
 * gone) does not hold back the others: it waits a minute between tries,
 * they go at their time. (From a review: every later item waited behind
 * it for ever.) */
START_TEST(test_failing_item_does_not_block_others)
{
	sms(HT, "ABS 20240102 3");
	sms(HT, "ABS 20241008 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE remind_at ="
	    " 1788354000"), 2);
	ck_assert_int_eq(tu_sql_exec(F.db, "PRAGMA foreign_keys = OFF;"
	    " UPDATE tasks SET assignee_id = 99999 WHERE id = 1"), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 36 * H), 0);
	ck_assert_int_eq(gw_run_due(F.g), -1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind ="
	    " 'reminder' AND text LIKE '%#2%'"), 1);
	/* It is tried again a minute on, and fails again, alone. */
	ck_assert_int_eq(rows("SELECT remind_at FROM tasks WHERE id = 1"),
	    T0 + 36 * H + 60);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 36 * H + 60), 0);
	ck_assert_int_eq(gw_run_due(F.g), -1);
	/* Ten days on, case 2 has climbed as if nothing were wrong. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 10 * D), 0);
	(void)gw_run_due(F.g);
	ck_assert_int_gt(rows("SELECT level FROM cases WHERE id = 2"), 1);
	/* Mended, it goes on from where it was. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE tasks SET assignee_id ="
	    " (SELECT assignee_id FROM tasks WHERE id = 2) WHERE id = 1"), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 10 * D + 120), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_gt(rows("SELECT level FROM cases WHERE id = 1"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind ="
	    " 'escalation' AND text LIKE '%#1%'"), rows("SELECT count(*)"
	    " FROM outbound WHERE kind = 'escalation' AND text LIKE '%#2%'"));
}
END_TEST

/* The texts of a co-signature's chase, to anyone. */
#define CHASED "SELECT count(*) FROM outbound WHERE text LIKE '%会签催办%' " \
	"OR text LIKE '%督学未会签%' OR text LIKE '%无可会签%'"

/*
 * DOMAIN rule 5, every step a deadline and a responsible person: a
 * confirmed dropout's co-signature is chased. [cases] cosign_days (3)
 * after the DROP the school's inspectors are reminded, once; as long
 * again, the county bureau is told it is still missing. A co-signature
 * stops it, and so does the case ending; the times are in the store, so
 * a restart neither loses nor repeats a step.
 */
START_TEST(test_cosign_chased)
{
	sms(HT, "DROP 20240102");		/* case #1 */
	sms(HT, "ABS 20240101 3");
	sms(HT, "DROP 20240101");		/* case #2, signed in time */
	at(H);
	sms(INSPECTOR, "签 #2");
	at(3 * D - 1);
	ck_assert_int_eq(sent("reminder", INSPECTOR, "会签催办"), 0);
	stop();
	start();
	at(3 * D);
	ck_assert_int_eq(sent("reminder", INSPECTOR,
	    "#1会签催办：20240102 李*确认辍学已3天，请核实后回复“签 #1”。"), 1);
	ck_assert_int_eq(sent("reminder", INSPECTOR, "#2会签催办"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE case_id = 1 "
	    "AND what = 'cosign_remind' AND at = 1788483600"), 1);
	stop();
	start();
	at(6 * D - 1);
	ck_assert_int_eq(sent("escalation", BUREAU, "督学未会签"), 0);
	at(6 * D);
	ck_assert_int_eq(sent("escalation", BUREAU,
	    "案#1：后柳镇中心小学20240102 李*确认辍学已6天，责任督学未会签。"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE case_id = 1 "
	    "AND what = 'cosign_overdue'"), 1);
	/* Once each, however long it stays unsigned; #2 never. */
	at(60 * D);
	ck_assert_int_eq(rows(CHASED), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE "
	    "cosign_next_at IS NOT NULL"), 0);
	/* Signed late, it is signed as ever. */
	sms(INSPECTOR, "签 #1");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE "
	    "cosigned_at IS NOT NULL"), 2);
}
END_TEST

/* The reporter of a dropout who holds the school's inspector row too
 * cannot co-sign it (SIGN refuses): not reminded to, and with no other
 * inspector the bureau is told at the first deadline that nobody can.
 * (From a review.) */
START_TEST(test_cosign_chase_not_to_reporter)
{
	sms(PRINCIPAL, "DROP 20240102");		/* #1, the principal's */
	ck_assert_int_eq(tu_sql_exec(F.db, "INSERT INTO people(phone, name, "
	    "role, scope) VALUES('" PRINCIPAL "', '刘建国', 'inspector', "
	    "'S01'); UPDATE people SET left_at = 1788224400 WHERE phone = '"
	    INSPECTOR "'"), 0);
	at(3 * D);
	ck_assert_int_eq(sent("reminder", PRINCIPAL, "会签催办"), 0);
	ck_assert_int_eq(sent("escalation", BUREAU, "无可会签的责任督学"), 1);
	at(30 * D);
	ck_assert_int_eq(rows(CHASED), 1);
}
END_TEST

/*
 * Dropouts waiting when the schema is upgraded (migration 27) are looked
 * at from then on, each chased when its own deadline comes: one reported
 * an hour before the upgrade is not reminded at once, "0 days" after the
 * ask, and the bureau hears of it cosign_days after the reminder, not
 * after the upgrade. (From a review.)
 */
/* f's clock moved to t, what is due run: SMS whose text is like like. */
static long long
sent_by(struct gwfix *f, int64_t t, const char *like)
{
	char q[256];

	gwfix_at(f, t);
	snprintf(q, sizeof q, "SELECT count(*) FROM outbound WHERE text LIKE "
	    "'%s'", like);
	return tu_sql_int(f->db, q);
}

START_TEST(test_cosign_backfill_recent_drop)
{
	struct gwfix f;
	int64_t t0 = (int64_t)time(NULL) - 3600;

	gwfix_config(&f, t0);
	gwfix_start(&f, 1);
	gwfix_sms(&f, HT, "DROP 20240102");		/* #1 */
	ck_assert_int_ge(gw_run_due(f.g), 0);
	gwfix_stop(&f);
	ck_assert_int_eq(tu_sql_exec(f.db, "DROP TRIGGER people_renamed;"
	    "DROP TABLE people_names;"
	    "DROP TRIGGER students_family_new;"
	    "DROP TRIGGER students_family_moved;"
	    "DROP INDEX students_family;"
	    "ALTER TABLE students DROP COLUMN family;"
	    "DROP TABLE families;"
	    "DROP INDEX students_guardian;"
	    "DROP INDEX cases_cosign;"
	    "ALTER TABLE cases DROP COLUMN cosign_asked_at;"
	    "ALTER TABLE cases DROP COLUMN cosign_next_at;"
	    "ALTER TABLE cases DROP COLUMN cosign_chased;"
	    "ALTER TABLE handover_pending DROP COLUMN since_event;"
	    "DROP TABLE term_reports;"
	    "PRAGMA user_version = 26"), 0);
	gwfix_start(&f, 0);			/* upgraded */
	ck_assert_int_eq(tu_sql_int(f.db, "SELECT count(*) FROM cases WHERE "
	    "cosign_next_at IS NOT NULL"), 1);
	ck_assert_int_eq(sent_by(&f, t0 + 2 * H, "%会签催办%"), 0);
	ck_assert_int_eq(sent_by(&f, t0 + 3 * D, "%会签催办%已3天%"), 1);
	ck_assert_int_eq(sent_by(&f, t0 + 6 * D - 1, "%督学未会签%"), 0);
	ck_assert_int_eq(sent_by(&f, t0 + 6 * D, "%督学未会签%"), 1);
	gwfix_free(&f);
}
END_TEST

/* A case that ends before the co-signature is chased no more (the
 * report may still be signed, check_cases); with no inspector on the
 * roster the bureau is told at the first deadline, in words that say
 * why; cosign_days = 0 chases nothing. */
START_TEST(test_cosign_chase_ends)
{
	sms(HT, "DROP 20240102");		/* #1, back in school */
	sms(HT, "RET 20240102");
	at(10 * D);
	ck_assert_int_eq(rows(CHASED), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE "
	    "cosign_next_at IS NOT NULL"), 0);
	/* The school's inspector leaves the roster. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE people SET left_at = "
	    "1788224400 WHERE phone = '" INSPECTOR "'"), 0);
	sms(HT, "DROP 20240101");		/* #2 */
	at(13 * D - 1);
	ck_assert_int_eq(rows(CHASED), 0);
	at(13 * D);
	ck_assert_int_eq(sent("escalation", BUREAU,
	    "案#2：后柳镇中心小学20240101 张*明确认辍学已3天，"
	    "学校无可会签的责任督学在册。"),
	    1);
	ck_assert_int_eq(sent("reminder", INSPECTOR, "会签催办"), 0);
	at(30 * D);
	ck_assert_int_eq(rows(CHASED), 1);
	/* Not chased at all. */
	stop();
	F.cfg.cosign_days = 0;
	start();
	sms(HT, "ABS 20241008 3");
	sms(HT, "DROP 20241008");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE "
	    "cosign_next_at IS NOT NULL"), 0);
	at(60 * D);
	ck_assert_int_eq(rows(CHASED), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ladder");
	TCase *tc = tcase_create("ladder");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_walk_to_level_4);
	tcase_add_test(tc, test_notice_not_served_climbs);
	tcase_add_test(tc, test_notice_level_after_a_level_without_task);
	tcase_add_test(tc, test_level_3_pause_keeps_the_notice_deadline);
	tcase_add_test(tc, test_level_3_hold_refuted_keeps_the_notice_deadline);
	tcase_add_loop_test(tc, test_ret_stops_each_level, 0, 4);
	tcase_add_test(tc, test_return_pause);
	tcase_add_loop_test(tc, test_return_pause_tells_the_school, 0,
	    (int)(sizeof pause_cases / sizeof pause_cases[0]));
	tcase_add_test(tc, test_return_pause_reporter_gone);
	tcase_add_test(tc, test_whereabouts_asks_the_reporter);
	tcase_add_test(tc, test_level_2_without_a_pause);
	tcase_add_test(tc, test_return_pause_at_level_2);
	tcase_add_test(tc, test_return_pause_notice_quiet_hours);
	tcase_add_test(tc, test_refusal_climbs_at_once);
	tcase_add_test(tc, test_whereabouts_hold);
	tcase_add_test(tc, test_whereabouts_deadline);
	tcase_add_test(tc, test_whereabouts_not_put_off);
	tcase_add_test(tc, test_notice_during_a_hold);
	tcase_add_test(tc, test_ack_cancels_reminder);
	tcase_add_test(tc, test_tasks_list);
	tcase_add_test(tc, test_special_need_shorter);
	tcase_add_test(tc, test_catch_up_in_order_once);
	tcase_add_test(tc, test_school_calendar);
	tcase_add_test(tc, test_half_day_lands_on_a_school_day);
	tcase_add_test(tc, test_quiet_hours);
	tcase_add_test(tc, test_ladder_config);
	tcase_add_test(tc, test_counting_queries);
	tcase_add_test(tc, test_merge_and_limits);
	tcase_add_test(tc, test_recipient_daily_limit);
	tcase_add_test(tc, test_digest_recipients);
	tcase_add_test(tc, test_ladder_in_slices);
	tcase_add_test(tc, test_ladder_steps_leave_the_sync_to_its_thread);
	tcase_add_test(tc, test_digest_in_slices);
	tcase_add_test(tc, test_digest_slices_on_the_loop);
	tcase_add_test(tc, test_digest_due_between_wakes);
	tcase_add_test(tc, test_digest_failure_retried_later);
	tcase_add_test(tc, test_failing_item_does_not_block_others);
	tcase_add_test(tc, test_cosign_chased);
	tcase_add_test(tc, test_cosign_chase_ends);
	tcase_add_test(tc, test_cosign_chase_not_to_reporter);
	tcase_add_test(tc, test_cosign_backfill_recent_drop);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
