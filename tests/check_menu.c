/*
 * Numbered replies to task SMS, through the casework on the demo roster:
 * several answers in one SMS (each part its own), a choice followed by
 * its own label as the task SMS wrote it ("4生病", "回复1"), a label that
 * is another choice's refused, the case number a task SMS begins with
 * ("任务#2 3"), and the answer to words nobody understood, by the
 * sender's roles. Every answer here fits one SMS with the demo signature.
 */
#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw.h"
#include "parsers/smslen.h"
#include "parsers/taskcode.h"
#include "tests/demo.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"


/* One UCS-2 SMS, signature included. */
#define SMS_MAX 70

static struct gwfix F;

static void
setup(void)
{
	gwfix_demo(&F, T0);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

static long long
rows(const char *sql)
{
	return tu_sql_int(F.db, sql);
}

/* The newest reply to the village head of V01. */
static const char *
reply(void)
{
	return tu_sql_text(F.db, "SELECT text FROM outbound WHERE recipient = '"
	    VHEAD1 "' AND kind = 'reply' ORDER BY id DESC LIMIT 1");
}

static long long
reply_len(void)
{
	return rows("SELECT length(text) FROM outbound WHERE recipient = '"
	    VHEAD1 "' AND kind = 'reply' ORDER BY id DESC LIMIT 1");
}

/* Cases #1 (20240101) and, with two, #2 (20240103): a visit task each
 * for the village head of V01. */
static void
open_cases(int n)
{
	gwfix_sms(&F, HT, "ABS 20240101 3");
	if (n > 1)
		gwfix_sms(&F, HT, "ABS 20240103 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks t JOIN people p ON "
	    "p.id = t.assignee_id WHERE p.phone = '" VHEAD1 "' AND t.status = "
	    "'open'"), n);
}

/* The task code the task SMS of case_no printed. */
static void
task_code(int case_no, char *code)
{
	char q[256];
	const char *text, *p;

	snprintf(q, sizeof q, "SELECT text FROM outbound WHERE recipient = '"
	    VHEAD1 "' AND kind = 'task' AND text LIKE '%%任务#%d：%%' ORDER BY "
	    "id DESC LIMIT 1", case_no);
	text = tu_sql_text(F.db, q);
	p = strstr(text, "任务代码");
	ck_assert_msg(p != NULL, "no code in '%s'", text);
	snprintf(code, TASKCODE_LEN + 1, "%s", p + strlen("任务代码"));
}

static const char *
outcome_of(int case_no)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT coalesce(outcome, 'open') FROM tasks "
	    "WHERE case_id = %d AND assignee_id = (SELECT id FROM people "
	    "WHERE phone = '" VHEAD1 "') ORDER BY id DESC LIMIT 1", case_no);
	return tu_sql_text(F.db, q);
}

/* The visit event's detail on a case ("" if none). */
static const char *
visit_of(int case_no)
{
	char q[200];

	snprintf(q, sizeof q, "SELECT coalesce(detail, '') FROM events WHERE "
	    "case_id = %d AND what = 'visit' ORDER BY id DESC LIMIT 1",
	    case_no);
	return tu_sql_text(F.db, q);
}

static const char *const two_seps[] = { "\n", "；", ";", "\n\n" };

START_TEST(test_two_answers_in_one_sms)
{
	char c1[TASKCODE_LEN + 1], c2[TASKCODE_LEN + 1], msg[64];

	open_cases(2);
	task_code(1, c1);
	task_code(2, c2);
	snprintf(msg, sizeof msg, "%s 3%s%s 4", c1, two_seps[_i], c2);
	gwfix_sms(&F, VHEAD1, msg);
	/* Each part answered its own task, nothing carried into a note. */
	ck_assert_str_eq(outcome_of(1), "away");
	ck_assert_str_eq(outcome_of(2), "ill");
	ck_assert_str_eq(visit_of(1), "outcome=away");
	ck_assert_str_eq(visit_of(2), "outcome=ill");
	ck_assert_msg(strstr(reply(), "#1") && strstr(reply(), "#2"), "%s",
	    reply());
}
END_TEST

START_TEST(test_two_acks_in_one_sms)
{
	char c1[TASKCODE_LEN + 1], c2[TASKCODE_LEN + 1], msg[64];

	open_cases(2);
	task_code(1, c1);
	task_code(2, c2);
	snprintf(msg, sizeof msg, "%s 7；%s 7", c1, c2);
	gwfix_sms(&F, VHEAD1, msg);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE acked_at IS "
	    "NOT NULL AND status = 'open'"), 2);
}
END_TEST

START_TEST(test_note_goes_on_over_lines)
{
	/* A note on the lines after the number is still the note, and a
	 * command after it is still a command. */
	open_cases(1);
	gwfix_sms(&F, VHEAD1, "3\n家长说要去打工\n下周再去");
	ck_assert_str_eq(outcome_of(1), "away");
	ck_assert_str_eq(visit_of(1), "outcome=away note=家长说要去打工 下周再去");
	ck_assert_ptr_null(strstr(reply(), "未能识别"));
}
END_TEST

/* A line of the note that begins with a number is the note, not a bare
 * number answering the sender's other task (a review: "2、下周一到校"
 * recorded 拒绝返校 on another child's case and escalated it). Only the
 * first part may be a bare number; later ones name their task. */
START_TEST(test_numbered_note_line)
{
	char c1[TASKCODE_LEN + 1], msg[80];

	open_cases(2);
	task_code(1, c1);
	snprintf(msg, sizeof msg, "%s 1\n2、下周一到校", c1);
	gwfix_sms(&F, VHEAD1, msg);
	ck_assert_str_eq(outcome_of(1), "return");
	ck_assert_str_eq(outcome_of(2), "open");
	ck_assert_str_eq(visit_of(2), "");
	ck_assert_msg(strstr(visit_of(1), "下周一到校") != NULL, "%s",
	    visit_of(1));
}
END_TEST

/* After a blank line, a phone's signature, even one that begins with a
 * number, is no answer (README; a review: "3 组 张大山" closed a task
 * as 外出). A coded answer there still is (test_two_answers_in_one_sms). */
START_TEST(test_signature_not_a_reply)
{
	open_cases(1);
	gwfix_sms(&F, VHEAD1, "CASE #1\n\n3 组 张大山");
	ck_assert_str_eq(outcome_of(1), "open");
	ck_assert_str_eq(visit_of(1), "");
}
END_TEST

/* Menu labels a translator made long do not fit the room kept for them:
 * said at start, not as every message failing (503 for ever; a review). */
START_TEST(test_long_labels_refused_at_start)
{
	char cmd[6000], tdir[1100], err[512];
	struct gwfix G;
	struct gw *g;

	gwfix_config(&G, T0);
	snprintf(tdir, sizeof tdir, "%s/zh-CN", G.dir);
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' && for f in '%s'/outcome_*.txt "
	    "'%s'/choice_*.txt; do printf '%%s' '（请先核实情况并尽快回复镇控辍保学办公室）' "
	    ">> \"$f\"; done", tu_src("templates/zh-CN"), tdir, tdir, tdir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(G.cfg.templates, sizeof G.cfg.templates, "%s", tdir);
	G.base = event_base_new();
	g = gw_new(G.base, &G.cfg, err, sizeof err);
	ck_assert_msg(g == NULL && strstr(err, "label") != NULL, "%s",
	    g ? "started" : err);
	gwfix_free(&G);
}
END_TEST

START_TEST(test_reply_then_command)
{
	char c1[TASKCODE_LEN + 1], msg[64];

	open_cases(2);
	task_code(1, c1);
	snprintf(msg, sizeof msg, "%s 2\nCASE 20240103", c1);
	gwfix_sms(&F, VHEAD1, msg);
	ck_assert_str_eq(outcome_of(1), "refuse");
	ck_assert_str_eq(visit_of(1), "outcome=refuse");
	ck_assert_msg(strstr(reply(), "20240103") != NULL, "%s", reply());
}
END_TEST

START_TEST(test_choice_with_its_label)
{
	char c2[TASKCODE_LEN + 1], msg[64];

	open_cases(2);
	task_code(2, c2);
	/* As the menu wrote it, after the code. */
	snprintf(msg, sizeof msg, "%s 1同意返校", c2);
	gwfix_sms(&F, VHEAD1, msg);
	ck_assert_str_eq(outcome_of(2), "return");
	ck_assert_str_eq(visit_of(2), "outcome=return");
	/* One task left: 回复 and the number, as the SMS says. */
	gwfix_sms(&F, VHEAD1, "回复4");
	ck_assert_str_eq(outcome_of(1), "ill");
}
END_TEST

static const char *const labelled[] = {
	"4生病", "4 生病", "4生病，孩子发烧", "回复 4", "回复：4生病",
	"4生病了",
};

START_TEST(test_labelled_forms)
{
	open_cases(1);
	gwfix_sms(&F, VHEAD1, labelled[_i]);
	ck_assert_msg(!strcmp(outcome_of(1), "ill"), "'%s': %s", labelled[_i],
	    reply());
	ck_assert_int_le(reply_len(), SMS_MAX);
}
END_TEST

static const char *const mislabelled[] = {
	"4同意返校", "4 同意返校", "回复4同意返校", "1生病", "2外出",
};

START_TEST(test_other_label_refused)
{
	long long events;

	open_cases(1);
	events = rows("SELECT count(*) FROM events");
	gwfix_sms(&F, VHEAD1, mislabelled[_i]);
	ck_assert_str_eq(outcome_of(1), "open");
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
	ck_assert_msg(strstr(reply(), "未作记录") != NULL, "'%s': %s",
	    mislabelled[_i], reply());
	/* It names the choices to pick from. */
	ck_assert_msg(strstr(reply(), "1同意返校") != NULL, "%s", reply());
	ck_assert_int_le(reply_len(), SMS_MAX);
}
END_TEST

START_TEST(test_words_after_a_number)
{
	/* A note that begins with words is a note; words glued to a
	 * number are no answer. */
	open_cases(1);
	gwfix_sms(&F, VHEAD1, "3天后回来");
	ck_assert_str_eq(outcome_of(1), "open");
	gwfix_sms(&F, VHEAD1, "2 外出打工不愿回");
	ck_assert_str_eq(outcome_of(1), "refuse");
	ck_assert_str_eq(visit_of(1), "outcome=refuse note=外出打工不愿回");
}
END_TEST

START_TEST(test_task_by_case_number)
{
	long long events;

	open_cases(2);
	gwfix_sms(&F, VHEAD1, "任务#2 3");
	ck_assert_str_eq(outcome_of(2), "away");
	ck_assert_str_eq(outcome_of(1), "open");
	gwfix_sms(&F, VHEAD1, "任务#1：7");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE case_id = 1 "
	    "AND acked_at IS NOT NULL"), 1);
	/* A case with no task of the sender's. */
	events = rows("SELECT count(*) FROM events");
	gwfix_sms(&F, VHEAD1, "任务#9 3");
	ck_assert_msg(strstr(reply(), "#9") && strstr(reply(), "未作记录"),
	    "%s", reply());
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
	ck_assert_int_le(reply_len(), SMS_MAX);
}
END_TEST

START_TEST(test_tasks_with_a_number_not_dropped)
{
	/* 任务 with more than a case and a choice lists the tasks, and says
	 * what it did not record. */
	open_cases(1);
	gwfix_sms(&F, VHEAD1, "任务#1 3天后");
	ck_assert_str_eq(outcome_of(1), "open");
	ck_assert_msg(strstr(reply(), "未作记录") != NULL &&
	    strstr(reply(), "“任务”") != NULL, "%s", reply());
	/* One SMS: the way to the list, not the list and the note (a
	 * review: 82 characters). */
	ck_assert_int_le(reply_len(), SMS_MAX);
}
END_TEST

/* A mislabelled answer as the second part of a message: its line, with
 * "第2条：" and the signature, still one SMS (a review: 72). */
START_TEST(test_other_label_second_part)
{
	char c1[TASKCODE_LEN + 1], c2[TASKCODE_LEN + 1], msg[80];
	const char *r, *line;

	open_cases(2);
	task_code(1, c1);
	task_code(2, c2);
	snprintf(msg, sizeof msg, "%s 3\n%s 5同意返校", c1, c2);
	gwfix_sms(&F, VHEAD1, msg);
	ck_assert_str_eq(outcome_of(2), "open");
	r = reply();
	ck_assert_ptr_nonnull(line = strstr(r, "第2条："));
	ck_assert_int_le(rows("SELECT length('【后柳镇控辍保学】') + length("
	    "substr(text, instr(text, '第2条：'))) FROM outbound WHERE "
	    "recipient = '" VHEAD1 "' AND kind = 'reply' ORDER BY id DESC "
	    "LIMIT 1"), SMS_MAX);
}
END_TEST

/* SMS the text (signature included) takes in UCS-2. */
static size_t
segments(const char *t)
{
	struct smslen l;

	ck_assert_int_eq(smslen_measure(t, strlen(t), &l), 0);
	return l.segments;
}

/* How many times needle is in t. */
static int
count_in(const char *t, const char *needle)
{
	int n = 0;

	while ((t = strstr(t, needle)) != NULL) {
		n++;
		t += strlen(needle);
	}
	return n;
}

/* The village head of V01 sends words: the reply begins with head, lists
 * items (each ending in item_end), says "另N项未列出" if more, and fits
 * two SMS; nothing is recorded. */
static void
listed(const char *words, const char *head, const char *item_end, int items,
    int more)
{
	long long events = rows("SELECT count(*) FROM events");
	char said[32];
	const char *t;

	gwfix_sms(&F, VHEAD1, words);
	t = reply();
	snprintf(said, sizeof said, "另%d项未列出", more);
	ck_assert_msg(strstr(t, head) != NULL, "%s", t);
	ck_assert_msg(count_in(t, item_end) == items, "%s", t);
	ck_assert_msg(more ? strstr(t, said) != NULL :
	    strstr(t, "未列出") == NULL, "%s", t);
	ck_assert_msg(segments(t) <= 2, "%s", t);
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), events);
}

/*
 * Six tasks: TASKS lists four (the earliest due) and says two more are
 * not listed, and so does the "which task?" answer to a bare number; each
 * in two SMS at most (a review: four items under "您有6项任务：" and no
 * sign of the other two). Four: all listed, nothing more said.
 */
START_TEST(test_more_tasks_than_listed)
{
	static const char *const nos[] = {
		"20240101", "20240103", "20241003", "20241026", "20241029",
		"20241030",
	};
	char abs[64];
	size_t i;

	for (i = 0; i < sizeof nos / sizeof nos[0]; i++) {
		snprintf(abs, sizeof abs, "ABS %s 3", nos[i]);
		gwfix_sms(&F, HT, abs);
	}
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks t JOIN people p ON "
	    "p.id = t.assignee_id WHERE p.phone = '" VHEAD1 "' AND t.status = "
	    "'open'"), 6);
	listed("任务", "您有6项任务：", "前)；", 4, 2);
	listed("2", "您有6项任务，未作记录", ")；", 4, 2);
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE tasks SET status = 'done' "
	    "WHERE id IN (SELECT id FROM tasks WHERE status = 'open' ORDER BY "
	    "due_at DESC, id DESC LIMIT 2)"), 0);
	listed("任务", "您有4项任务：", "前)；", 4, 0);
	listed("2", "您有4项任务，未作记录", ")；", 4, 0);
}
END_TEST

START_TEST(test_unknown_by_role)
{
	static const char *const everyone[] = {
		HT, PRINCIPAL, INSPECTOR, VHEAD1, VCADRE, TOWNOFF, BUREAU,
		COUNTY,
	};
	size_t i;
	const char *t;

	/* A village head is told to answer by number, not the school's
	 * commands. */
	gwfix_sms(&F, VHEAD1, "你好");
	t = reply();
	ck_assert_msg(strstr(t, "回复数字") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "ABS") == NULL, "%s", t);
	/* A teacher is given the school's. */
	gwfix_sms(&F, HT, "你好");
	ck_assert_ptr_nonnull(strstr(tu_last_to(F.db, HT), "ABS缺勤"));
	/* A county leader neither. */
	gwfix_sms(&F, COUNTY, "你好");
	ck_assert_ptr_null(strstr(tu_last_to(F.db, COUNTY), "ABS"));
	for (i = 0; i < sizeof everyone / sizeof everyone[0]; i++) {
		gwfix_sms(&F, everyone[i], "你好");
		t = tu_last_to(F.db, everyone[i]);
		ck_assert_msg(strstr(t, "未识别") != NULL, "%s: %s",
		    everyone[i], t);
		ck_assert_msg(tu_last_len(F.db, everyone[i]) <= SMS_MAX,
		    "%s: %s", everyone[i], t);
	}
}
END_TEST

static Suite *
menu_suite(void)
{
	Suite *s = suite_create("menu");
	TCase *tc = tcase_create("parts");
	TCase *tl = tcase_create("labels");
	TCase *tk = tcase_create("cases");
	TCase *tu = tcase_create("unknown");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_two_answers_in_one_sms, 0,
	    (int)(sizeof two_seps / sizeof two_seps[0]));
	tcase_add_test(tc, test_two_acks_in_one_sms);
	tcase_add_test(tc, test_note_goes_on_over_lines);
	tcase_add_test(tc, test_reply_then_command);
	tcase_add_test(tc, test_numbered_note_line);
	tcase_add_test(tc, test_signature_not_a_reply);
	tcase_add_test(tc, test_more_tasks_than_listed);
	tcase_add_test(tc, test_long_labels_refused_at_start);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tl, setup, teardown);
	tcase_add_test(tl, test_choice_with_its_label);
	tcase_add_loop_test(tl, test_labelled_forms, 0,
	    (int)(sizeof labelled / sizeof labelled[0]));
	tcase_add_loop_test(tl, test_other_label_refused, 0,
	    (int)(sizeof mislabelled / sizeof mislabelled[0]));
	tcase_add_test(tl, test_words_after_a_number);
	suite_add_tcase(s, tl);
	tcase_add_checked_fixture(tk, setup, teardown);
	tcase_add_test(tk, test_task_by_case_number);
	tcase_add_test(tk, test_tasks_with_a_number_not_dropped);
	tcase_add_test(tk, test_other_label_second_part);
	suite_add_tcase(s, tk);
	tcase_add_checked_fixture(tu, setup, teardown);
	tcase_add_test(tu, test_unknown_by_role);
	suite_add_tcase(s, tu);
	return s;
}

int
main(void)
{
	return tu_run(menu_suite());
}
