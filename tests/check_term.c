/*
 * The term-start report (DOMAIN.md rule 6: schools report to the township
 * within a week of term start): a principal's TERM (开学) records the
 * school's report for the term, once; in the term's first week the
 * Monday digest run reminds the principals of schools that have not
 * reported, and in its second week tells the township which have not.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/clock.h"
#include "gateway/gw.h"
#include "parsers/smslen.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00, a Tuesday */
#define DAY 86400
#define MON_SEP7 (T0 + 6 * DAY - 3600)	/* 2026-09-07T08:00:00+08:00 */

#define HT "+8613800000001"	/* head_teacher K0302 (S01) */
#define PRINCIPAL "+8613800000002"	/* principal S01 */
#define PRINCIPAL_S02 "+8613800000022"	/* principal S02 */
#define OFFICIAL "+8613800000006"	/* township_official T01 */
#define TOWNHEAD "+8613800000007"	/* township_head T01 */

static struct gwfix F;

static void
setup(void)
{
	gwfix_config(&F, T0);
	F.cfg.digest_weekday = 1;
	F.cfg.digest_minute = 8 * 60;
	gwfix_start(&F, 1);
	ck_assert_int_ge(gw_run_due(F.g), 0);	/* marks this week */
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

static void
at(int64_t t)
{
	gwfix_at(&F, t);
}

static long long
rows(const char *q)
{
	return tu_sql_int(F.db, q);
}

static long long
sent(const char *to, const char *like)
{
	char q[512];

	snprintf(q, sizeof q, "SELECT count(*) FROM outbound WHERE recipient "
	    "= '%s' AND text LIKE '%%%s%%'", to, like);
	return rows(q);
}

static const char *
last_to(const char *to)
{
	return tu_last_to(F.db, to);
}

/* The principal reports once a term; again, the reply says when; a
 * teacher may not. */
START_TEST(test_term_report)
{
	sms(PRINCIPAL, "开学 全校已核实");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "后柳镇中心小学开学情况已报") !=
	    NULL, "%s", last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports WHERE "
	    "school = 'S01' AND term = 1788192000 AND by = (SELECT id FROM "
	    "people WHERE phone = '" PRINCIPAL "' AND role = 'principal')"),
	    1);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what = "
	    "'term_report'"), 0);	/* the table is the record */
	at(T0 + DAY);
	sms(PRINCIPAL, "TERM");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "已于9月1日报过") != NULL,
	    "%s", last_to(PRINCIPAL));
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports"), 1);
	sms(HT, "开学");
	ck_assert_msg(strstr(last_to(HT), "不能使用") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports"), 1);
}
END_TEST

/*
 * Week 1 of the term (the digest run of Monday 7 September, the term
 * having begun on the 1st): the principal of S02, which has not
 * reported, is reminded; S01's, which has, is not. Week 2: the township
 * is told which schools have still not reported; S02 reported late is
 * not named, and nobody hears of it in week 3.
 */
START_TEST(test_term_reminder_and_missing)
{
	sms(PRINCIPAL, "开学");
	at(MON_SEP7);
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
	ck_assert_int_eq(sent(PRINCIPAL, "开学一周内请报开学情况"), 0);
	ck_assert_int_eq(sent(OFFICIAL, "开学情况未报"), 0);
	at(MON_SEP7 + 7 * DAY);
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
	ck_assert_msg(sent(OFFICIAL, "后柳镇开学情况未报1所：后柳镇中学") == 1,
	    "%s", last_to(OFFICIAL));
	ck_assert_int_eq(sent(TOWNHEAD, "开学情况未报1所"), 1);
	ck_assert_int_eq(sent(OFFICIAL, "后柳镇中心小学。"), 0);
	at(MON_SEP7 + 14 * DAY);
	ck_assert_int_eq(sent(OFFICIAL, "开学情况未报"), 1);
}
END_TEST

/* Every school reported within the week: the township hears nothing of
 * it; a report late in the week still counts. */
START_TEST(test_term_all_reported)
{
	sms(PRINCIPAL, "开学");
	at(MON_SEP7);
	sms(PRINCIPAL_S02, "开学");
	at(MON_SEP7 + 7 * DAY);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text LIKE "
	    "'%开学情况未报%'"), 0);
}
END_TEST

/* A township of many schools with long names, none reported: the list
 * names those that fit and says how many in all, in at most three SMS,
 * and the run goes on (a list that did not fit once stopped a county's
 * digest: the twenty-sixth session's review). */
START_TEST(test_term_missing_bounded)
{
	struct smslen len;
	const char *t;
	int i;

	for (i = 0; i < 30; i++) {
		char q[512];

		snprintf(q, sizeof q, "INSERT INTO places(code, name, kind, "
		    "parent) VALUES('SX%02d', '后柳镇第%02d九年一贯制学校附属"
		    "寄宿制完全小学及幼儿园联合办学点', 'school', 'T01')", i, i);
		ck_assert_int_eq(tu_sql_exec(F.db, q), 0);
	}
	at(MON_SEP7 + 7 * DAY);
	t = tu_sql_text(F.db, "SELECT text FROM outbound WHERE kind = "
	    "'reminder' AND recipient = '" OFFICIAL "'");
	ck_assert_msg(strstr(t, "后柳镇开学情况未报32所") != NULL &&
	    strstr(t, "等") != NULL, "%s", t);
	ck_assert_int_eq(smslen_measure(t, strlen(t), &len), 0);
	ck_assert_int_le(len.segments, 3);
	/* The digests went out all the same. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" OFFICIAL "'"), 1);
}
END_TEST

/* The daemon again from t0, its digest on weekday at 08:00, the terms
 * beginning on autumn and spring, in time zone tz (NULL: Shanghai). */
static void
again(int64_t t0, int weekday, int autumn, int spring, const char *tz)
{
	gwfix_free(&F);
	gwfix_config(&F, t0);
	F.cfg.digest_weekday = weekday;
	F.cfg.digest_minute = 8 * 60;
	F.cfg.term_autumn = autumn;
	F.cfg.term_spring = spring;
	if (tz != NULL) {
		setenv("TZ", tz, 1);
		tzset();
	}
	gwfix_start(&F, 1);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

/* The weeks are counted from the day the run falls due, whichever day
 * [digest] names: a Sunday run on the 6th is the term's first week.
 * (From a review: they were counted from the digest week's Monday.) */
START_TEST(test_term_sunday_digest)
{
	again(T0, 7, 901, 301, NULL);
	at(1788652800);		/* Sunday 2026-09-06 08:00 */
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
	at(1789257600);		/* Sunday 2026-09-13 08:00 */
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
	ck_assert_int_eq(sent(OFFICIAL, "开学情况未报"), 1);
}
END_TEST

/* In a zone with summer time the weeks are calendar days, not seconds:
 * the township's list goes once. (From a review.) */
START_TEST(test_term_weeks_are_days)
{
	again(1803564000, 1, 901, 301, "America/New_York");
	at(1803906000);		/* Monday 2027-03-01 08:00 EST */
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
	at(1804510800);		/* Monday 03-08 */
	ck_assert_int_eq(sent(OFFICIAL, "开学情况未报"), 1);
	at(1805112000);		/* Monday 03-15 08:00 EDT */
	ck_assert_int_eq(sent(OFFICIAL, "开学情况未报"), 1);
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 1);
}
END_TEST

/* A school that opens the day before the county's date reports for the
 * coming term, not the one before. (From a review.) */
START_TEST(test_term_report_before_first_day)
{
	again(T0, 1, 902, 301, NULL);	/* the term from 2 September */
	sms(PRINCIPAL_S02, "开学");
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports WHERE "
	    "term = 1788278400"), 1);	/* 2026-09-02 00:00 +08:00 */
	at(MON_SEP7);
	ck_assert_int_eq(sent(PRINCIPAL_S02, "开学一周内请报开学情况"), 0);
}
END_TEST

/* 开学 is the command only as a word of its own: free text that starts
 * with it is not a report (and is answered as before). (From a
 * review.) */
START_TEST(test_term_not_in_free_text)
{
	sms(PRINCIPAL, "开学第一天1001没来");
	sms(PRINCIPAL, "开学典礼改到9月3日");
	sms(PRINCIPAL_S02, "开学还没核实完，明天报");
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports"), 0);
	sms(PRINCIPAL, "开学：已核实");
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports"), 1);
}
END_TEST

/* The spring term begins on [term] spring (default 1 March): a report
 * in the autumn does not count for it. */
START_TEST(test_term_spring)
{
	sms(PRINCIPAL, "开学");
	/* Monday 1 March 2027, 08:00: the spring term's first day. */
	at(1803830400 + 8 * 3600);
	ck_assert_int_eq(sent(PRINCIPAL, "开学一周内请报开学情况"), 1);
	sms(PRINCIPAL, "开学");
	ck_assert_int_eq(rows("SELECT count(*) FROM term_reports WHERE "
	    "school = 'S01'"), 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("term");
	TCase *tc = tcase_create("term");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_term_report);
	tcase_add_test(tc, test_term_reminder_and_missing);
	tcase_add_test(tc, test_term_all_reported);
	tcase_add_test(tc, test_term_spring);
	tcase_add_test(tc, test_term_missing_bounded);
	tcase_add_test(tc, test_term_sunday_digest);
	tcase_add_test(tc, test_term_weeks_are_days);
	tcase_add_test(tc, test_term_report_before_first_day);
	tcase_add_test(tc, test_term_not_in_free_text);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
