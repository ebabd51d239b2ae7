/*
 * HELP: each role's list names the commands it may use and no other;
 * HELP with a command (帮助 缺勤, ? 家访, HELP CLOSE) answers with that
 * command's use and an example; a command the sender may not use is said
 * to be so. Each answer one SMS with the demo's signature.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw.h"
#include "tests/demo.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"


/* 70 UCS-2 characters less the demo's 9-character signature. */
#define BODY_MAX 61

static struct gwfix F;

static void
setup(void)
{
	gwfix_config(&F, T0);
	gwfix_start(&F, 1);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

/* Sends words from a number; returns how many SMS it was answered with. */
static long long
ask(const char *from, const char *words)
{
	char q[160];
	long long before;

	snprintf(q, sizeof q, "SELECT count(*) FROM outbound WHERE "
	    "recipient = '%s'", from);
	before = tu_sql_int(F.db, q);
	gwfix_sms(&F, from, words);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	return tu_sql_int(F.db, q) - before;
}

static const char *
last_to(const char *to)
{
	return tu_last_to(F.db, to);
}

static long long
last_len(const char *to)
{
	return tu_last_len(F.db, to);
}

/* Each word of a space-separated list found (want 1) or not (want 0). */
static void
check_words(const char *who, const char *text, const char *words, int want)
{
	char buf[256], *w, *save = NULL;

	snprintf(buf, sizeof buf, "%s", words);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		ck_assert_msg((strstr(text, w) != NULL) == want,
		    "%s: '%s' %s in '%s'", who, w, want ? "missing" : "listed",
		    text);
}

/* What each role's list must name (its own commands) and must not (what
 * it may not use). The everyone's commands (CASE, SUM, TASKS, ACK) are
 * named where the one SMS has room. */
static const struct {
	const char *phone, *must, *mustnot;
} role_lists[] = {
	{ HT, "ABS LEAVE RET DROP VIS", "CLOSE NOTICE SIGN 开学" },
	{ PRINCIPAL, "ABS LEAVE RET DROP CLOSE 开学 VIS CASE",
	    "NOTICE SIGN" },
	{ INSPECTOR, "SIGN CASE", "ABS LEAVE RET DROP CLOSE NOTICE VIS 开学" },
	{ VHEAD1, "VIS ACK TASKS", "ABS LEAVE RET DROP CLOSE NOTICE SIGN 开学" },
	{ VCADRE, "VIS ACK TASKS", "ABS LEAVE RET DROP CLOSE NOTICE SIGN 开学" },
	{ TOWNOFF, "NOTICE VIS SUM", "ABS LEAVE RET DROP CLOSE SIGN 开学" },
	{ COUNTY, "SUM CASE", "ABS LEAVE RET DROP CLOSE NOTICE SIGN VIS 开学" },
	{ BUREAU, "CLOSE SUM CASE", "ABS LEAVE RET DROP NOTICE SIGN VIS 开学" },
};

START_TEST(test_role_list)
{
	const char *p = role_lists[_i].phone;

	ck_assert_int_eq(ask(p, "HELP"), 1);
	check_words(p, last_to(p), role_lists[_i].must, 1);
	check_words(p, last_to(p), role_lists[_i].mustnot, 0);
	ck_assert_msg(strstr(last_to(p), "帮助 ") != NULL, "%s: no hint: %s",
	    p, last_to(p));
	ck_assert_msg(last_len(p) <= BODY_MAX, "%s: %lld: %s", p, last_len(p),
	    last_to(p));
	/* Words after HELP that name no command, or HELP itself ("？？"):
	 * the list again. */
	ck_assert_int_eq(ask(p, "帮助 我"), 1);
	check_words(p, last_to(p), role_lists[_i].must, 1);
	ck_assert_int_eq(ask(p, "？？"), 1);
	check_words(p, last_to(p), role_lists[_i].must, 1);
}
END_TEST

/* Every command's use, asked by someone who may use it: the keyword,
 * its form, one SMS; never the list. */
static const struct {
	const char *phone, *ask, *want;
} usages[] = {
	{ PRINCIPAL, "HELP ABS", "ABS 学号 天数" },
	{ PRINCIPAL, "help leave", "LEAVE 学号 天数" },
	{ PRINCIPAL, "HELP RET", "RET 学号" },
	{ PRINCIPAL, "HELP DROP", "DROP 学号" },
	{ PRINCIPAL, "HELP VIS", "VIS 学号或案号 结果" },
	{ VHEAD1, "HELP ACK", "ACK 学号或案号" },
	{ VHEAD1, "HELP TASKS", "TASKS" },
	{ PRINCIPAL, "HELP CASE", "CASE 学号或案号" },
	{ COUNTY, "HELP SUM", "SUM [地点代码]" },
	{ TOWNOFF, "HELP NOTICE", "NOTICE 案号" },
	{ INSPECTOR, "HELP SIGN", "SIGN 学号或案号" },
	{ BUREAU, "HELP CLOSE", "CLOSE 学号 去向" },
	{ PRINCIPAL, "HELP TERM", "“开学”" },
	/* In Chinese, as people ask. */
	{ HT, "帮助缺勤怎么报", "ABS 学号 天数" },
	{ VHEAD1, "? 家访", "VIS 学号或案号 结果(返拒外病失转)" },
	{ HT, "帮助 家访", "例行家访写在校" },
	{ PRINCIPAL, "帮助 开学", "“开学”" },
	{ INSPECTOR, "帮助：会签", "SIGN 学号或案号" },
};

START_TEST(test_usage)
{
	const char *p = usages[_i].phone;

	ck_assert_int_eq(ask(p, usages[_i].ask), 1);
	ck_assert_msg(strstr(last_to(p), usages[_i].want) != NULL,
	    "'%s': %s", usages[_i].ask, last_to(p));
	ck_assert_msg(strstr(last_to(p), "用法发") == NULL, "'%s': the list",
	    usages[_i].ask);
	ck_assert_msg(last_len(p) <= BODY_MAX, "'%s': %lld: %s",
	    usages[_i].ask, last_len(p), last_to(p));
}
END_TEST

/* A command the sender may not use: said so, not explained; nothing on
 * the record changes. */
START_TEST(test_not_yours)
{
	long long events = tu_sql_int(F.db, "SELECT count(*) FROM events");

	ck_assert_int_eq(ask(VHEAD1, "帮助 结案"), 1);
	ck_assert_msg(strstr(last_to(VHEAD1), "CLOSE指令不适用") != NULL, "%s",
	    last_to(VHEAD1));
	ck_assert_int_eq(ask(HT, "HELP NOTICE"), 1);
	ck_assert_msg(strstr(last_to(HT), "NOTICE指令不适用") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(ask(COUNTY, "? ABS"), 1);
	ck_assert_msg(strstr(last_to(COUNTY), "ABS指令不适用") != NULL, "%s",
	    last_to(COUNTY));
	ck_assert_msg(last_len(COUNTY) <= BODY_MAX, "%s", last_to(COUNTY));
	ck_assert_int_eq(tu_sql_int(F.db, "SELECT count(*) FROM events"),
	    events);
	ck_assert_int_eq(tu_sql_int(F.db, "SELECT count(*) FROM cases"), 0);
}
END_TEST

/* HELP after another command in one SMS: both answered. */
START_TEST(test_in_a_batch)
{
	ck_assert_int_ge(ask(HT, "ABS 20240101 1,帮助 请假"), 1);
	ck_assert_int_eq(tu_sql_int(F.db, "SELECT count(*) FROM outbound "
	    "WHERE recipient = '" HT "' AND text LIKE '%LEAVE 学号 天数%'"), 1);
	ck_assert_int_eq(tu_sql_int(F.db, "SELECT count(*) FROM absences"), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("help");
	TCase *tc = tcase_create("help");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_role_list, 0,
	    (int)(sizeof role_lists / sizeof role_lists[0]));
	tcase_add_loop_test(tc, test_usage, 0,
	    (int)(sizeof usages / sizeof usages[0]));
	tcase_add_test(tc, test_not_yours);
	tcase_add_test(tc, test_in_a_batch);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
