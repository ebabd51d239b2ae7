/*
 * A case that ends otherwise than by a return (DOMAIN rule 7: a proper
 * transfer, delayed enrolment, schooling at home for a disabled child
 * close a case with a reason): CLOSE / 结案 学号或案号 去向, from the
 * student's principal or the county bureau. The ladder stops, open tasks
 * are cancelled, everyone who was told is told how it ended, and no count
 * takes it for a return.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/clock.h"
#include "gateway/gw.h"
#include "store/store.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */
#define DAY 86400

#define HT "+8613800000001"	/* head_teacher K0302 (S01) */
#define PRINCIPAL "+8613800000002"	/* principal S01 */
#define VHEAD1 "+8613800000004"	/* village_head V01 */
#define PRINCIPAL_S02 "+8613800000022"	/* principal S02 */
#define BUREAU "+8613800000008"	/* bureau C01 */

/* 20240101 张小明 K0302 V01; 20240102 李四 K0302 V02. */

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

static void
sms(const char *from, const char *words)
{
	gwfix_sms(&F, from, words);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

static long long
rows(const char *q)
{
	return tu_sql_int(F.db, q);
}

static const char *
last_to(const char *to)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT coalesce((SELECT text FROM outbound "
	    "WHERE recipient = '%s' ORDER BY id DESC LIMIT 1), '')", to);
	return tu_sql_text(F.db, q);
}

/* The principal closes a case as a transfer: how it ended, who, when;
 * the ladder and the tasks stop; the case's people are told; CASE says
 * so; the statistics do not count a return, nor a child still out. */
START_TEST(test_close_transfer)
{
	struct store_report_row *r;
	size_t n, i;
	long long before;

	sms(HT, "ABS 20240101 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'open'"), 1);
	before = rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    VHEAD1 "'");

	sms(PRINCIPAL, "结案 20240101 转学 已转入县一小");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "已结案") != NULL &&
	    strstr(last_to(PRINCIPAL), "20240101") != NULL &&
	    strstr(last_to(PRINCIPAL), "转学") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'transfer' AND closed_at = 1788224400 AND next_at IS NULL AND "
	    "closed_by = (SELECT id FROM people WHERE phone = '" PRINCIPAL
	    "' AND role = 'principal')"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'open'"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'close' AND detail = 'how=transfer note=已转入县一小'"), 1);
	/* The village head, told of the case, is told how it ended. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" VHEAD1 "'"), before + 1);
	ck_assert_msg(strstr(last_to(VHEAD1), "转学") != NULL &&
	    strstr(last_to(VHEAD1), "结案") != NULL, "%s", last_to(VHEAD1));

	sms(HT, "CASE 20240101");
	ck_assert_msg(strstr(last_to(HT), "已结案（转学）") != NULL, "%s",
	    last_to(HT));

	/* The ladder does not climb a closed case. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 20 * DAY), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT max(level) FROM cases"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status = "
	    "'open'"), 0);

	ck_assert_int_eq(store_report(F.g->store, "school", "T01", T0 - DAY,
	    T0 + DAY, 3, 2, &r, &n), STORE_OK);
	for (i = 0; i < n && strcmp(r[i].code, "S01") != 0; i++)
		;
	ck_assert_uint_lt(i, n);
	ck_assert_int_eq(r[i].opened, 1);
	ck_assert_int_eq(r[i].returned, 0);
	ck_assert_int_eq(r[i].closed, 1);
	ck_assert_int_eq(r[i].still_out, 0);
	free(r);

	/* Transferred away, an absence opens no case ("prevent one"): the
	 * class roll is not yet the new one. Back in school (RET), the
	 * student's absences count again. */
	sms(HT, "ABS 20240101 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 0);
	ck_assert_msg(strstr(last_to(HT), "转学") != NULL &&
	    strstr(last_to(HT), "不立案") != NULL, "%s", last_to(HT));
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE "
	    "excused = 1"), 1);
	sms(HT, "RET 20240101");
	sms(HT, "ABS 20240101 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);
}
END_TEST

/* Rule 7's "prevent one": a child schooled at home, or whose enrolment
 * is put off, registered by the principal before any case: absences are
 * recorded, excused, and open none; RET ends it. */
START_TEST(test_close_prevents)
{
	sms(PRINCIPAL, "结案 20240102 送教上门");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "送教上门") != NULL &&
	    strstr(last_to(PRINCIPAL), "不立案") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as = 'home_schooling'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'excuse' AND case_id IS NULL AND detail = 'how=home_schooling'"),
	    1);
	sms(HT, "CASE 20240102");
	ck_assert_msg(strstr(last_to(HT), "已登记送教上门") != NULL, "%s",
	    last_to(HT));
	sms(HT, "ABS 20240102 5");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE "
	    "excused = 1 AND days = 5"), 1);
	ck_assert_msg(strstr(last_to(HT), "送教上门") != NULL, "%s",
	    last_to(HT));
	sms(HT, "RET 20240102");
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as IS NOT NULL"), 0);
	/* Said, and recorded: the registration (the principal's) ended. */
	ck_assert_msg(strstr(last_to(HT), "送教上门登记已取消") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'return_no_case' AND detail = 'excused_as=home_schooling'"), 1);
	sms(HT, "ABS 20240102 5");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);

	/* Closing an open case as delayed enrolment prevents the next. */
	sms(HT, "ABS 20240101 3");
	sms(PRINCIPAL, "结案 20240101 延缓");
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as = 'deferred'"), 1);
	sms(HT, "ABS 20240101 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases c JOIN students s "
	    "ON s.id = c.student_id WHERE s.student_no = '20240101'"), 1);
	/* Registered once is enough: again, said so, nothing changes. */
	sms(PRINCIPAL, "结案 20240101 延缓");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "已登记") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'excuse'"), 1);
}
END_TEST

/* Who may not, and what is not a closure: nothing changes. */
START_TEST(test_close_refused)
{
	sms(HT, "ABS 20240101 3");
	sms(HT, "结案 20240101 转学");
	ck_assert_msg(strstr(last_to(HT), "CLOSE") != NULL, "%s",
	    last_to(HT));
	sms(VHEAD1, "结案 20240101 转学");
	ck_assert_msg(strstr(last_to(VHEAD1), "CLOSE") != NULL, "%s",
	    last_to(VHEAD1));
	sms(PRINCIPAL_S02, "结案 20240101 转学");
	ck_assert_msg(strstr(last_to(PRINCIPAL_S02), "没有学号20240101") !=
	    NULL, "%s", last_to(PRINCIPAL_S02));
	sms(PRINCIPAL, "结案 20240101 返校");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "转学") != NULL &&
	    strstr(last_to(PRINCIPAL), "延缓入学") != NULL &&
	    strstr(last_to(PRINCIPAL), "送教上门") != NULL, "%s",
	    last_to(PRINCIPAL));
	sms(PRINCIPAL, "结案 20240101");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "转学") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'close'"), 0);
}
END_TEST

/* The county bureau, by case number, delayed enrolment. */
START_TEST(test_close_by_bureau)
{
	sms(HT, "ABS 20240101 3");
	sms(BUREAU, "CLOSE #1 延缓入学 县局批准");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'deferred' AND closed_by = (SELECT id FROM people WHERE phone = '"
	    BUREAU "')"), 1);
	sms(HT, "CASE #1");
	ck_assert_msg(strstr(last_to(HT), "已结案（延缓入学）") != NULL,
	    "%s", last_to(HT));
	/* Closed is closed: a CLOSE on it now changes how the student is
	 * registered, not the case. */
	sms(BUREAU, "CLOSE #1 送教");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'deferred'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as = 'home_schooling'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'close'"), 1);
}
END_TEST

/* HELP: a principal and the bureau are told of CLOSE; a head teacher,
 * who may not use it, is not. */
START_TEST(test_help_tells_who_may)
{
	sms(PRINCIPAL, "HELP");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "CLOSE") != NULL, "%s",
	    last_to(PRINCIPAL));
	sms(BUREAU, "HELP");
	ck_assert_msg(strstr(last_to(BUREAU), "CLOSE") != NULL, "%s",
	    last_to(BUREAU));
	sms(HT, "HELP");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" HT "' AND text LIKE '%CLOSE%'"), 0);
}
END_TEST

/* 70 UCS-2 characters less a 9-character signature (【后柳镇控辍保学】,
 * the demo's): what the texts this command brings must fit. (From a
 * review: HELP and the whereabouts notice had grown to two SMS.) */
#define BODY_MAX 61

static long long
last_len(const char *to)
{
	return tu_last_len(F.db, to);
}

START_TEST(test_texts_fit_one_sms)
{
	/* Four-digit case numbers: a county's cases after a few years. */
	ck_assert_int_eq(tu_sql_exec(F.db, "INSERT INTO cases(id, student_id,"
	    " status, absent_since, opened_at, last_action, last_action_at,"
	    " closed_at) SELECT 1233, id, 'returned', 1, 1, 'return', 1, 1"
	    " FROM students WHERE student_no = '20240201'"), 0);
	sms(PRINCIPAL, "HELP");
	ck_assert_msg(last_len(PRINCIPAL) <= BODY_MAX, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "recipient = '" PRINCIPAL "'"), 1);
	sms(BUREAU, "HELP");
	ck_assert_msg(last_len(BUREAU) <= BODY_MAX, "%s", last_to(BUREAU));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "recipient = '" BUREAU "'"), 1);
	sms(HT, "ABS G51012320130101123X 3");
	sms(HT, "ABS 20240101 3");
	sms(VHEAD1, "VIS G51012320130101123X 转");
	ck_assert_msg(last_len(PRINCIPAL) <= BODY_MAX &&
	    strstr(last_to(PRINCIPAL), "#1234") != NULL &&
	    strstr(last_to(PRINCIPAL), "结案") != NULL, "%s",
	    last_to(PRINCIPAL));
	sms(PRINCIPAL, "结案 G51012320130101123X 送教上门 县局批准");
	ck_assert_msg(last_len(PRINCIPAL) <= BODY_MAX, "%s",
	    last_to(PRINCIPAL));
	ck_assert_msg(last_len(VHEAD1) <= BODY_MAX && strstr(last_to(VHEAD1),
	    "结案#1234") != NULL, "%s", last_to(VHEAD1));
	sms(PRINCIPAL, "结案 20240102 延缓入学");
	ck_assert_msg(last_len(PRINCIPAL) <= BODY_MAX, "%s",
	    last_to(PRINCIPAL));
	/* A registered student's absence, and registering one. */
	sms(HT, "ABS G51012320130101123X 12");
	ck_assert_msg(last_len(HT) <= BODY_MAX && strstr(last_to(HT),
	    "不立案") != NULL, "%s", last_to(HT));
	sms(PRINCIPAL, "RET G51012320130101123X");
	sms(PRINCIPAL, "结案 G51012320130101123X 送教上门");
	ck_assert_msg(last_len(PRINCIPAL) <= BODY_MAX && strstr(
	    last_to(PRINCIPAL), "已登记") != NULL, "%s", last_to(PRINCIPAL));
}
END_TEST

/* The why in the closer's words is kept with the event (and wiped with
 * the other words by retention); a case number no longer open names the
 * student's open case instead of registering the student beside it.
 * (From a review.) */
START_TEST(test_close_note_and_old_number)
{
	sms(HT, "ABS 20240101 3");
	sms(PRINCIPAL, "结案 20240101 转学 已转入县一小");
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'close' AND detail = 'how=transfer note=已转入县一小'"), 1);
	sms(HT, "RET 20240101");
	sms(HT, "ABS 20240101 3");		/* case #2 */
	sms(PRINCIPAL, "CLOSE #1 延缓入学");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "#2") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as IS NOT NULL"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);
}
END_TEST

/* Migration 8's rule: a CHECK with an IN list of three or more makes
 * SQLite 3.40 build a temporary b-tree on every write of the row; the
 * status's is an OR chain. (From a review.) */
START_TEST(test_case_writes_build_no_btree)
{
	sqlite3 *h;
	sqlite3_stmt *q;
	int eph = 0;

	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "EXPLAIN UPDATE cases SET "
	    "status = ?2 WHERE id = ?1", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW)
		eph += !strcmp((const char *)sqlite3_column_text(q, 1),
		    "OpenEphemeral");
	sqlite3_finalize(q);
	sqlite3_close(h);
	ck_assert_int_eq(eph, 0);
}
END_TEST

/* A registered student: a DROP opens a case all the same, and the RET
 * that ends it ends the registration, on the record; CASE shows a
 * registration made after an earlier case ended. (From a review.) */
START_TEST(test_registration_on_the_record)
{
	sms(PRINCIPAL, "结案 20240102 送教上门");
	sms(HT, "DROP 20240102");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);
	sms(HT, "RET 20240102");
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "excused_as IS NOT NULL"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'return' AND detail LIKE '% excused_as=home_schooling'"), 1);

	sms(PRINCIPAL, "结案 20240102 延缓");
	sms(HT, "CASE 20240102");
	ck_assert_msg(strstr(last_to(HT), "已登记延缓入学") != NULL &&
	    strstr(last_to(HT), "#1") != NULL, "%s", last_to(HT));
}
END_TEST

/* The weekly digest and SUM count cases ended by CLOSE beside those
 * struck off by a return (销号): a week whose only news is a transfer
 * is not "nothing happened". */
START_TEST(test_review_counts_closed)
{
	const char *t;

	sms(HT, "ABS 20240101 3");
	sms(HT, "ABS 20240102 3");
	sms(HT, "RET 20240101");
	sms(PRINCIPAL, "SUM");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "在办1案") != NULL &&
	    strstr(last_to(PRINCIPAL), "销号1，转学等结案0") != NULL, "%s",
	    last_to(PRINCIPAL));

	/* Two weeks on (Tuesday 15 September): the transfer alone. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 14 * DAY), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	sms(PRINCIPAL, "结案 20240102 转学");
	sms(PRINCIPAL, "SUM");
	t = last_to(PRINCIPAL);
	ck_assert_msg(strstr(t, "无新报缺勤") == NULL &&
	    strstr(t, "在办0案") != NULL &&
	    strstr(t, "销号0，转学等结案1") != NULL, "%s", t);
	/* The bureau's, for the county, the same. */
	sms(BUREAU, "SUM");
	ck_assert_msg(strstr(last_to(BUREAU), "销号0，转学等结案1") != NULL,
	    "%s", last_to(BUREAU));
}
END_TEST

/* A registration is the principal's or the bureau's word: when a
 * teacher's RET ends it, the school's principal and whoever registered
 * the student are told (the teacher is answered). */
START_TEST(test_ret_tells_registrar)
{
	long long before;

	sms(PRINCIPAL, "结案 20240101 送教上门");
	sms(BUREAU, "结案 20240102 延缓入学");
	before = rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    PRINCIPAL "'");
	sms(HT, "RET 20240101");
	ck_assert_msg(strstr(last_to(HT), "登记已取消") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient "
	    "= '" PRINCIPAL "'"), before + 1);
	ck_assert_msg(strstr(last_to(PRINCIPAL), "20240101") != NULL &&
	    strstr(last_to(PRINCIPAL), "送教上门登记已取消") != NULL, "%s",
	    last_to(PRINCIPAL));
	ck_assert_int_le(last_len(PRINCIPAL), BODY_MAX);

	sms(HT, "RET 20240102");
	ck_assert_msg(strstr(last_to(BUREAU), "20240102") != NULL &&
	    strstr(last_to(BUREAU), "延缓入学登记已取消") != NULL, "%s",
	    last_to(BUREAU));
	ck_assert_msg(strstr(last_to(PRINCIPAL), "20240102") != NULL, "%s",
	    last_to(PRINCIPAL));

	/* The principal's own RET: answered, nobody else told. */
	sms(PRINCIPAL, "结案 20240101 转学");
	before = rows("SELECT count(*) FROM outbound WHERE kind = 'notice'");
	sms(PRINCIPAL, "RET 20240101");
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'notice'"), before);
}
END_TEST

/* (From a review.) A registration made by CLOSE on an open case (the bureau
 * closes a case as 延缓入学) is a registration like any: the RET that ends
 * it tells the bureau. And a registrar of an older, ended registration is
 * not told of a newer one that someone else made. */
START_TEST(test_registrar_of_closed_case)
{
	long long before;

	sms(HT, "ABS 20240102 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status = "
	    "'open'"), 1);
	sms(BUREAU, "结案 20240102 延缓入学");
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "student_no = '20240102' AND excused_as = 'deferred'"), 1);
	before = rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    BUREAU "'");
	sms(HT, "RET 20240102");
	ck_assert_msg(strstr(last_to(HT), "登记已取消") != NULL, "%s",
	    last_to(HT));
	ck_assert_msg(rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    BUREAU "'") == before + 1, "bureau (who registered by CLOSE) not "
	    "told; its last SMS: %s", last_to(BUREAU));
}
END_TEST

START_TEST(test_registrar_of_the_latest)
{
	long long before;

	sms(BUREAU, "结案 20240101 送教上门");	/* an 'excuse' event */
	sms(HT, "RET 20240101");		/* ended; bureau told */
	sms(HT, "ABS 20240101 3");		/* a case */
	sms(PRINCIPAL, "结案 20240101 转学");	/* registered by the principal */
	before = rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    BUREAU "'");
	sms(HT, "RET 20240101");
	ck_assert_msg(rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    BUREAU "'") == before, "bureau told of a registration it did not "
	    "make: %s", last_to(BUREAU));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("close");
	TCase *tc = tcase_create("close");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_close_transfer);
	tcase_add_test(tc, test_close_refused);
	tcase_add_test(tc, test_close_by_bureau);
	tcase_add_test(tc, test_help_tells_who_may);
	tcase_add_test(tc, test_close_prevents);
	tcase_add_test(tc, test_texts_fit_one_sms);
	tcase_add_test(tc, test_close_note_and_old_number);
	tcase_add_test(tc, test_case_writes_build_no_btree);
	tcase_add_test(tc, test_registration_on_the_record);
	tcase_add_test(tc, test_review_counts_closed);
	tcase_add_test(tc, test_ret_tells_registrar);
	tcase_add_test(tc, test_registrar_of_closed_case);
	tcase_add_test(tc, test_registrar_of_the_latest);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
