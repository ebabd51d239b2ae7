/*
 * SMS reply menus through the real daemon: a village head answers a task
 * SMS with a bare digit, with its code and a digit, with a mistyped code,
 * with a choice that is not on the menu, and with a bare digit while two
 * tasks are open. The ledger rows a menu reply leaves are those the typed
 * command leaves.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/taskcode.h"
#include "tests/integration/harness.h"

#define HT "13800000001"		/* head teacher of K0302 */
#define VHEAD2 "+8613800000014"		/* village head of V02 */
#define VHEAD2_LOCAL "13800000014"

/* The text of the newest outbound SMS of kind to VHEAD2. */
static const char *
last_to_vhead(const char *kind)
{
	static char buf[2048];
	char q[256];

	settle();
	snprintf(q, sizeof q, "SELECT text FROM outbound WHERE recipient = '"
	    VHEAD2 "' AND kind = '%s' ORDER BY id DESC LIMIT 1", kind);
	snprintf(buf, sizeof buf, "%s", tu_sql_text(db, q));
	return buf;
}

/* The task code printed in the newest task SMS for case_no. */
static void
task_code(int case_no, char *code)
{
	char q[256];
	const char *text, *p;

	settle();
	snprintf(q, sizeof q, "SELECT text FROM outbound WHERE recipient = '"
	    VHEAD2 "' AND kind = 'task' AND text LIKE '%%任务#%d：%%' ORDER BY "
	    "id DESC LIMIT 1", case_no);
	text = tu_sql_text(db, q);
	p = strstr(text, "任务代码");
	ck_assert_msg(p != NULL, "no code in '%s'", text);
	p += strlen("任务代码");
	snprintf(code, TASKCODE_LEN + 1, "%s", p);
}

static long long
open_tasks(void)
{
	return rows("SELECT count(*) FROM tasks WHERE status = 'open'");
}

static const char *
event_of(int case_no, const char *what)
{
	static char buf[512];
	char q[256];

	snprintf(q, sizeof q, "SELECT coalesce(detail, '') FROM events WHERE "
	    "case_id = %d AND what = '%s' ORDER BY id DESC LIMIT 1", case_no,
	    what);
	snprintf(buf, sizeof buf, "%s", tu_sql_text(db, q));
	return buf;
}

START_TEST(test_bare_digit_closes_the_only_task)
{
	const char *t;

	sms_text(HT, "ABS 20240102 3");
	t = last_to_vhead("task");
	/* The task SMS names its choices and its code. */
	ck_assert_msg(strstr(t, "回复数字：1同意返校 2拒绝返校 3外出 4生病 "
	    "5联系不上 6转学 7收到（任务代码") != NULL, "%s", t);
	ck_assert_int_eq(open_tasks(), 1);
	sms_text(VHEAD2_LOCAL, "3 家长说要去广东打工");
	/* Applied, and the confirmation names the case it went to. */
	ck_assert_str_eq(last_to_vhead("reply"), "【后柳镇控辍保学】"
	    "已记录家访#1：20240102，结果：外出。");
	ck_assert_int_eq(open_tasks(), 0);
	/* Sent, once, through the outbox channel. */
	{
		char to[256];

		outbox_recipients("已记录家访#1：20240102，结果：外出", "reply",
		    to, sizeof to);
		ck_assert_str_eq(to, VHEAD2);
	}
	ck_assert_str_eq(tu_sql_text(db, "SELECT outcome FROM tasks"), "away");
	ck_assert_str_eq(event_of(1, "visit"),
	    "outcome=away note=家长说要去广东打工");
	/* 外出 asks the school where the child is: the dual line moves. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text LIKE "
	    "'%#1%' AND kind = 'notice'") > 0, 1);
}
END_TEST

START_TEST(test_same_ledger_as_the_command)
{
	char typed[512], menu[512];

	/* Case 1 by the typed command, case 2 by the menu. */
	sms_text(HT, "ABS 20240102 3");
	sms_text(VHEAD2_LOCAL, "VIS 20240102 拒 不肯");
	snprintf(typed, sizeof typed, "%s", event_of(1, "visit"));
	sms_text(HT, "ABS 20241025 3");
	settle();
	sms_text(VHEAD2_LOCAL, "2 不肯");
	snprintf(menu, sizeof menu, "%s", event_of(2, "visit"));
	ck_assert_str_eq(typed, "outcome=refuse note=不肯");
	ck_assert_str_eq(menu, typed);
	/* The same rows, kinds and order of effects for both cases. */
	ck_assert_str_eq(tu_sql_text(db, "SELECT group_concat(what, ',') FROM "
	    "(SELECT what FROM events WHERE case_id = 1 ORDER BY id)"),
	    tu_sql_text(db, "SELECT group_concat(what, ',') FROM (SELECT what "
	    "FROM events WHERE case_id = 2 ORDER BY id)"));
	ck_assert_str_eq(tu_sql_text(db, "SELECT group_concat(outcome || "
	    "status, ',') FROM tasks WHERE case_id = 1 AND level = 1"),
	    tu_sql_text(db, "SELECT group_concat(outcome || status, ',') FROM "
	    "tasks WHERE case_id = 2 AND level = 1"));
}
END_TEST

START_TEST(test_code_and_digit)
{
	char code[TASKCODE_LEN + 1], msg[64];

	sms_text(HT, "ABS 20240102 3");
	sms_text(HT, "ABS 20241025 3");
	task_code(2, code);
	ck_assert_int_eq(open_tasks(), 2);
	snprintf(msg, sizeof msg, "%s 1", code);
	sms_text(VHEAD2_LOCAL, msg);
	ck_assert_str_eq(last_to_vhead("reply"), "【后柳镇控辍保学】"
	    "已记录家访#2：20241025，结果：同意返校。");
	ck_assert_str_eq(tu_sql_text(db, "SELECT group_concat(case_id || ':' "
	    "|| status, ',') FROM tasks ORDER BY case_id"), "1:open,2:done");
	/* In lower case, after 任务, with a Chinese colon: the same code. */
	task_code(1, code);
	code[0] = (char)(code[0] >= 'A' ? code[0] - 'A' + 'a' : code[0]);
	snprintf(msg, sizeof msg, "任务%s：7", code);
	sms_text(VHEAD2_LOCAL, msg);
	ck_assert_str_eq(last_to_vhead("reply"), "【后柳镇控辍保学】"
	    "已确认收到案#1的任务。");
	ck_assert_int_gt(rows("SELECT count(*) FROM tasks WHERE case_id = 1 "
	    "AND acked_at IS NOT NULL AND status = 'open'"), 0);
}
END_TEST

START_TEST(test_mistyped_code_changes_nothing)
{
	static const char alphabet[] = "23456789BCDFGHJKMNPQRSTVWXYZ";
	char code[TASKCODE_LEN + 1], msg[64];
	long long events, outbound;
	int i;

	sms_text(HT, "ABS 20240102 3");
	task_code(1, code);
	settle();
	events = rows("SELECT count(*) FROM events");
	/* One character wrong, in each position. */
	for (i = 0; i < TASKCODE_LEN; i++) {
		char bad[TASKCODE_LEN + 1];

		memcpy(bad, code, sizeof bad);
		bad[i] = alphabet[(strchr(alphabet, code[i]) - alphabet + 5) %
		    28];
		snprintf(msg, sizeof msg, "%s 2", bad);
		outbound = rows("SELECT count(*) FROM outbound");
		sms_text(VHEAD2_LOCAL, msg);
		settle();
		ck_assert_int_eq(rows("SELECT count(*) FROM outbound"),
		    outbound + 1);
		ck_assert_msg(strstr(last_to_vhead("reply"), "有误，未作记录") !=
		    NULL, "%s: %s", bad, last_to_vhead("reply"));
	}
	/* 0 for O, 1 for I: not in the alphabet, refused the same way. */
	sms_text(VHEAD2_LOCAL, "K0QX 2");
	ck_assert_ptr_nonnull(strstr(last_to_vhead("reply"), "任务代码K0QX有误"));
	ck_assert_int_eq(open_tasks(), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE outcome IS "
	    "NOT NULL"), 0);
	/* A right code that is not one of the sender's tasks. */
	{
		char other[TASKCODE_LEN + 1];

		taskcode_make(999, other);
		snprintf(msg, sizeof msg, "%s 2", other);
		sms_text(VHEAD2_LOCAL, msg);
		snprintf(msg, sizeof msg, "您没有代码为%s的待办任务", other);
		ck_assert_ptr_nonnull(strstr(last_to_vhead("reply"), msg));
	}
	/* A choice that is not on the menu. */
	sms_text(VHEAD2_LOCAL, "9");
	ck_assert_str_eq(last_to_vhead("reply"), "【后柳镇控辍保学】"
	    "没有选项9，未作记录。可回复：1同意返校 2拒绝返校 3外出 4生病 "
	    "5联系不上 6转学 7收到");
	ck_assert_int_eq(open_tasks(), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
}
END_TEST

START_TEST(test_two_tasks_ask_which)
{
	char c1[TASKCODE_LEN + 1], c2[TASKCODE_LEN + 1], want[256];
	long long events;

	sms_text(HT, "ABS 20240102 3");
	sms_text(HT, "ABS 20241025 3");
	task_code(1, c1);
	task_code(2, c2);
	ck_assert_str_ne(c1, c2);
	settle();
	events = rows("SELECT count(*) FROM events");
	sms_text(VHEAD2_LOCAL, "2");
	/* Soonest deadline first; both deadlines are the same day here. */
	snprintf(want, sizeof want, "【后柳镇控辍保学】您有2项任务，未作记录。"
	    "请在数字前加任务代码回复，如“%s 2”：%s(20240102)；%s(20241025)；",
	    c1, c1, c2);
	ck_assert_str_eq(last_to_vhead("reply"), want);
	ck_assert_int_eq(open_tasks(), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
}
END_TEST

START_TEST(test_no_task_and_not_a_reply)
{
	/* Nothing open: a digit says so; a teacher's digit too. */
	sms_text(VHEAD2_LOCAL, "1");
	ck_assert_str_eq(last_to_vhead("reply"), "【后柳镇控辍保学】"
	    "您没有待办任务。");
	/* Commands still go to the command parser. */
	sms_text(VHEAD2_LOCAL, "HELP 2");
	ck_assert_ptr_nonnull(strstr(last_to_vhead("reply"),
	    "任务短信可直接回复数字"));
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("menu_sms");
	TCase *tc = tcase_create("menu_sms");

	tcase_add_checked_fixture(tc, setup_manual, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bare_digit_closes_the_only_task);
	tcase_add_test(tc, test_same_ledger_as_the_command);
	tcase_add_test(tc, test_code_and_digit);
	tcase_add_test(tc, test_mistyped_code_changes_nothing);
	tcase_add_test(tc, test_two_tasks_ask_which);
	tcase_add_test(tc, test_no_task_and_not_a_reply);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
