/*
 * USSD through the real daemon over HTTP: every menu path of each role
 * (teacher: absence, return, leave, open cases; village head: tasks;
 * township head: summary and overdue by place; a stranger), paging, back,
 * main menu, wrong input, a note with '*' in it, a repeated final request,
 * a session that times out, and a daemon killed mid-session. Every action
 * is checked in the database: one inbound row of channel ussd, the case
 * effect and the notices of an SMS command, and the confirmation SMS.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/integration/harness.h"

#define HT "13800000001"
#define PRINCIPAL "13800000002"
#define VHEAD2 "13800000014"
#define TOWNHEAD "13800000007"
#define SVC "%%2A384%%2A1234%%23"	/* *384*1234#, as a format */

static struct resp r;

/* One USSD request; returns the page ("CON ..." / "END ..."). */
static const char *
ussd(const char *session, const char *phone, const char *text)
{
	static char body[8192], esc[7800];

	form_escape(text, esc, sizeof esc);
	snprintf(body, sizeof body, "sessionId=%s&serviceCode=" SVC
	    "&phoneNumber=%s&networkCode=46000&text=%s&token=" TOKEN, session,
	    phone, esc);
	post("/ussd", body, &r);
	ck_assert_msg(r.code == 200, "ussd %s: %ld %s", text, r.code, r.body);
	return r.body;
}

static void
has(const char *page, const char *needle)
{
	ck_assert_msg(strstr(page, needle) != NULL, "'%s' not in '%s'", needle,
	    page);
}

static void
starts(const char *page, const char *prefix)
{
	ck_assert_msg(!strncmp(page, prefix, strlen(prefix)), "'%s' does not "
	    "start with '%s'", page, prefix);
}

START_TEST(test_teacher_reports_absence)
{
	const char *p;

	p = ussd("s1", HT, "");
	starts(p, "CON 保学菜单：1报缺勤 2报返校 3报请假 4在案学生 5我的任务");
	starts(ussd("s1", HT, "1"), "CON 报缺勤：请输入学号");
	/* An unknown 学号 is refused the way an SMS is; the page stays. */
	p = ussd("s1", HT, "1*20249999");
	starts(p, "CON 您的范围内没有学号20249999");
	has(p, "报缺勤：请输入学号");
	p = ussd("s1", HT, "1*20249999*20240102");
	has(p, "20240102 李*");
	has(p, "几天");
	starts(ussd("s1", HT, "1*20249999*20240102*61"), "CON 天数应为");
	has(ussd("s1", HT, "1*20249999*20240102*61*3"), "缺勤原因：1病 2事");
	p = ussd("s1", HT, "1*20249999*20240102*61*3*1");
	starts(p, "CON 确认：20240102 李*缺勤3天，原因：病。回复1确认");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 0);
	p = ussd("s1", HT, "1*20249999*20240102*61*3*1*1");
	starts(p, "END 已记录20240102 李*缺勤3天，已立案#1");
	/* Applied once, as the SMS command is: the case, the task to the
	 * village head, notices to both lines, and the SMS confirmation. */
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound WHERE channel = "
	    "'ussd' AND text = 'ABS 20240102 3 生病'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE reason = "
	    "'illness'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'task' AND recipient = '+8613800000014'"), 1);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply' AND recipient = '+8613800000001' AND text LIKE "
	    "'%已立案#1%'"), 1);
	/* The aggregator repeats the final request: a duplicate. */
	starts(ussd("s1", HT, "1*20249999*20240102*61*3*1*1"),
	    "END 已记录20240102 李*缺勤3天，已立案#1");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply'"), 1);
	/* The aggregator reuses the session id for a new session with the
	 * same inputs: a new report, not a duplicate of the old one. */
	starts(ussd("s1", HT, ""), "CON 保学菜单");
	ussd("s1", HT, "1");
	ussd("s1", HT, "1*20240102");
	ussd("s1", HT, "1*20240102*3");
	ussd("s1", HT, "1*20240102*3*1");
	starts(ussd("s1", HT, "1*20240102*3*1*1"), "END ");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
}
END_TEST

START_TEST(test_teacher_return_leave_cases)
{
	const char *p;

	sms_text(HT, "ABS 20240102 3");
	sms_text(HT, "ABS 20241025 4");
	/* 4 在案学生: both, with their level. */
	ussd("s2", HT, "");
	p = ussd("s2", HT, "4");
	starts(p, "CON 在案学生2人：20240102李*1级；20241025黄*1级；");
	has(p, "0返回 00主菜单");
	/* Back to the menu, then 2 报返校. */
	starts(ussd("s2", HT, "4*0"), "CON 保学菜单");
	ussd("s2", HT, "4*0*2");
	p = ussd("s2", HT, "4*0*2*20240102");
	starts(p, "CON 确认：20240102 李*已返校。回复1确认");
	p = ussd("s2", HT, "4*0*2*20240102*1");
	starts(p, "END 已销号#1：20240102 李*返校");
	ck_assert_str_eq(tu_sql_text(db, "SELECT status FROM cases WHERE id = "
	    "1"), "returned");
	/* Both lines hear of it, as after an SMS RET. */
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice' AND text LIKE '%#1%' AND recipient = '+8613800000014'"),
	    0);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice' AND text LIKE '%#1%' AND recipient = '+8613800000002'"),
	    0);
	/* 3 报请假 in a new session. */
	p = ussd("s3", HT, "3*20241025*2");
	/* "3", then the 学号, then days were one request each in the real
	 * world; here the whole text arrives at once in a new session, which
	 * is a lost session: the main menu, nothing applied. */
	starts(p, "CON 会话已中断");
	ussd("s4", HT, "");
	ussd("s4", HT, "3");
	ussd("s4", HT, "3*20241025");
	starts(ussd("s4", HT, "3*20241025*2"),
	    "CON 确认：20241025 黄*请假2天。回复1确认");
	starts(ussd("s4", HT, "3*20241025*2*1"), "END 已记录：20241025 黄*");
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE excused = "
	    "1"), 1);
}
END_TEST

START_TEST(test_village_head_closes_a_task)
{
	const char *p;

	sms_text(HT, "ABS 20240102 3");
	p = ussd("v1", VHEAD2, "");
	ck_assert_str_eq(p, "CON 保学菜单：5我的任务");
	p = ussd("v1", VHEAD2, "5");
	starts(p, "CON 我的任务1项，选编号：1.20240102家访9月4日前；");
	p = ussd("v1", VHEAD2, "5*1");
	starts(p, "CON 20240102 李*家访结果：1同意返校 2拒绝返校 3外出 4生病 "
	    "5联系不上 6转学 7收到");
	/* 9 is not a choice: the page again, with a line that says so. */
	p = ussd("v1", VHEAD2, "5*1*9");
	starts(p, "CON 输入有误，请重新选择。\n20240102 李*家访结果");
	starts(ussd("v1", VHEAD2, "5*1*9*3"), "CON 可输入说明");
	/* A note with '*' in it: the session knows where the input began. */
	p = ussd("v1", VHEAD2, "5*1*9*3*家长说*下周回");
	starts(p, "CON 确认：20240102 李*，外出。回复1确认");
	p = ussd("v1", VHEAD2, "5*1*9*3*家长说*下周回*1");
	starts(p, "END 已记录家访#1：20240102，结果：外出。");
	ck_assert_str_eq(tu_sql_text(db, "SELECT detail FROM events WHERE what "
	    "= 'visit'"), "outcome=away note=家长说*下周回");
	ck_assert_str_eq(tu_sql_text(db, "SELECT status || outcome FROM tasks"),
	    "doneaway");
	ck_assert_str_eq(tu_sql_text(db, "SELECT text FROM inbound WHERE "
	    "channel = 'ussd'"), "VIS #1 外出 家长说*下周回");
	/* The confirmation also goes by SMS: a record on the phone. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply' AND recipient = '+8613800000014' AND text LIKE "
	    "'%已记录家访#1%'"), 1);
}
END_TEST

/* A session whose text outgrows a kilobyte (a long Chinese note) goes on
 * as before: the note is refused on its page, not the request. */
START_TEST(test_long_session)
{
	char text[2400], note[1900];
	int i;

	sms_text(HT, "ABS 20240102 3");
	for (i = 0; i < 600; i++)
		memcpy(note + 3 * i, "说", 3);
	note[1800] = '\0';
	ussd("L1", VHEAD2, "");
	ussd("L1", VHEAD2, "5");
	ussd("L1", VHEAD2, "5*1");
	ussd("L1", VHEAD2, "5*1*3");
	snprintf(text, sizeof text, "5*1*3*%s", note);
	starts(ussd("L1", VHEAD2, text), "CON 说明有误或太长，请重新输入。\n可输入说明");
	snprintf(text, sizeof text, "5*1*3*%s*1", note);
	starts(ussd("L1", VHEAD2, text), "CON 确认：20240102 李*，外出。");
	snprintf(text, sizeof text, "5*1*3*%s*1*1", note);
	starts(ussd("L1", VHEAD2, text), "END 已记录家访#1");
	ck_assert_str_eq(tu_sql_text(db, "SELECT text FROM inbound WHERE "
	    "channel = 'ussd'"), "VIS #1 外出");
}
END_TEST

START_TEST(test_paging_back_and_main)
{
	char q[512], text[64];
	const char *list, *p;
	char *copy, *tok, *save;

	/* Five cases in village V02 from the principal's school. */
	snprintf(q, sizeof q, "SELECT group_concat(student_no, ' ') FROM "
	    "(SELECT s.student_no FROM students s JOIN places c ON c.code = "
	    "s.class WHERE s.village = 'V02' AND c.parent = (SELECT scope "
	    "FROM people WHERE phone = '+86%s') ORDER BY s.student_no LIMIT "
	    "5)", PRINCIPAL);
	list = tu_sql_text(db, q);
	copy = strdup(list);
	for (tok = strtok_r(copy, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		snprintf(text, sizeof text, "ABS %s 3", tok);
		sms_text(PRINCIPAL, text);
	}
	free(copy);
	ussd("p1", VHEAD2, "");
	p = ussd("p1", VHEAD2, "5");
	starts(p, "CON 我的任务5项，选编号：1.");
	has(p, "99下页 0返回 00主菜单");
	ck_assert_ptr_null(strstr(p, "4."));
	p = ussd("p1", VHEAD2, "5*99");
	starts(p, "CON 我的任务5项，选编号：1.");
	ck_assert_ptr_null(strstr(p, "99下页"));	/* the last page */
	/* 99 on the last page: said so, same page. */
	starts(ussd("p1", VHEAD2, "5*99*99"), "CON 已是最后一页。\n我的任务5项");
	/* Picking 2 on the second page is the fifth task. */
	p = ussd("p1", VHEAD2, "5*99*99*2");
	has(p, "家访结果：1同意返校");
	/* Back twice: the second page, then the first. */
	p = ussd("p1", VHEAD2, "5*99*99*2*0");
	ck_assert_ptr_null(strstr(p, "99下页"));
	p = ussd("p1", VHEAD2, "5*99*99*2*0*0");
	has(p, "99下页");
	/* 00 from anywhere: the main menu. A typo there is never END. */
	starts(ussd("p1", VHEAD2, "5*99*99*2*0*0*00"), "CON 保学菜单：5我的任务");
	starts(ussd("p1", VHEAD2, "5*99*99*2*0*0*00*8"),
	    "CON 输入有误，请重新选择。\n保学菜单");
	starts(ussd("p1", VHEAD2, "5*99*99*2*0*0*00*8*abc"), "CON 输入有误");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound WHERE channel = "
	    "'ussd'"), 0);
}
END_TEST

START_TEST(test_leaders_and_strangers)
{
	const char *p;

	sms_text(HT, "ABS 20240102 3");
	p = ussd("t1", TOWNHEAD, "");
	starts(p, "CON 保学菜单：5我的任务 6本周汇总 7逾期任务");
	p = ussd("t1", TOWNHEAD, "6");
	starts(p, "CON 后柳镇本周：报缺勤1人，在办1案（1级1/2级0/3级0/4级0）");
	starts(ussd("t1", TOWNHEAD, "6*0"), "CON 保学菜单");
	starts(ussd("t1", TOWNHEAD, "6*0*7"), "CON 没有逾期任务。");
	/* Past the visit deadline: the village owes one. */
	clock_to(80);
	p = ussd("t2", TOWNHEAD, "");
	p = ussd("t2", TOWNHEAD, "7");
	starts(p, "CON 逾期任务：上河村1项；");
	/* The principal sees both teacher and review items. */
	starts(ussd("t3", PRINCIPAL, ""), "CON 保学菜单：1报缺勤 2报返校 3报请假 "
	    "4在案学生 5我的任务 6本周汇总 7逾期任务");
	/* An unregistered number: one END page. */
	p = ussd("x1", "13912345678", "");
	starts(p, "END 本号码未登记");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound WHERE channel = "
	    "'ussd'"), 0);
}
END_TEST

START_TEST(test_refusals)
{
	char body[256];

	/* The webhook's token, as for SMS. */
	post("/ussd", "sessionId=a&phoneNumber=13800000001&text=", &r);
	ck_assert_int_eq(r.code, 401);
	post("/ussd", "sessionId=a&phoneNumber=13800000001&text=&token=bad",
	    &r);
	ck_assert_int_eq(r.code, 401);
	post("/ussd", "sessionId=a&phoneNumber=hello&text=&token=" TOKEN, &r);
	ck_assert_int_eq(r.code, 400);
	post("/ussd", "phoneNumber=13800000001&text=&token=" TOKEN, &r);
	ck_assert_int_eq(r.code, 400);
	post("/ussd", "sessionId=a%20b&phoneNumber=13800000001&text=&token="
	    TOKEN, &r);
	ck_assert_int_eq(r.code, 400);
	http("GET", "/ussd", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.code, 405);
	/* An aggregator that lets one set only the callback URL. */
	post("/ussd?token=" TOKEN, "sessionId=u1&phoneNumber=13800000001&"
	    "text=", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_msg(!strncmp(r.body, "CON ", 4), "%s", r.body);
	post("/ussd?token=bad", "sessionId=u2&phoneNumber=13800000001&text=",
	    &r);
	ck_assert_int_eq(r.code, 401);
	/* A session id belongs to its phone: another phone starts afresh,
	 * and the first goes on undisturbed (an aggregator that gives two
	 * phones one id used to make each reset the other's session). */
	ussd("shared", HT, "");
	ussd("shared", HT, "1");
	ck_assert_int_lt(snprintf(body, sizeof body, "%s",
	    ussd("shared", VHEAD2, "1")), (int)sizeof body);
	starts(body, "CON 会话已中断");
	has(ussd("shared", HT, "1*20240102"), "几天");
}
END_TEST

START_TEST(test_timeout_and_restart)
{
	const char *p;

	ussd("r1", HT, "");
	ussd("r1", HT, "1");
	/* Idle past the session timeout (180 s): it starts again. */
	{
		struct resp c;

		http(NULL, "/admin/clock", "advance=181", ADMIN, NULL, &c);
		ck_assert_int_eq(c.code, 200);
	}
	p = ussd("r1", HT, "1*20240102");
	starts(p, "CON 会话已中断，请重新选择。\n保学菜单");
	/* The daemon dies mid-session and comes back. */
	ussd("r2", HT, "");
	ussd("r2", HT, "1");
	ussd("r2", HT, "1*20240102");
	kill(daemon_p.pid, SIGKILL);
	waitpid(daemon_p.pid, NULL, 0);
	daemon_p.pid = 0;
	ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0);
	p = ussd("r2", HT, "1*20240102*3");
	starts(p, "CON 会话已中断，请重新选择。\n保学菜单：1报缺勤");
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 0);
	/* The user starts again in the same session, and it works. */
	starts(ussd("r2", HT, "1*20240102*3*1"), "CON 报缺勤：请输入学号");
	ussd("r2", HT, "1*20240102*3*1*20240102");
	ussd("r2", HT, "1*20240102*3*1*20240102*2");
	ussd("r2", HT, "1*20240102*3*1*20240102*2*5");
	p = ussd("r2", HT, "1*20240102*3*1*20240102*2*5*1");
	starts(p, "END 已记录20240102 李*缺勤2天");
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE reason = "
	    "'work'"), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ussd_http");
	TCase *tc = tcase_create("ussd_http");

	tcase_add_checked_fixture(tc, setup_manual, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_teacher_reports_absence);
	tcase_add_test(tc, test_teacher_return_leave_cases);
	tcase_add_test(tc, test_village_head_closes_a_task);
	tcase_add_test(tc, test_long_session);
	tcase_add_test(tc, test_paging_back_and_main);
	tcase_add_test(tc, test_leaders_and_strangers);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_timeout_and_restart);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
