/*
 * Routine home visits (DOMAIN.md rule 4: teachers visit every family at
 * least once a term, and the outcome is recorded): VIS from a school role
 * on a student with no open case records the visit and counts the term's;
 * a case's visit is as before.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "gateway/clock.h"
#include "parsers/smslen.h"
#include "gateway/gw.h"
#include "gateway/scheduler.h"
#include "store/store.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */
#define DAY 86400
#define JAN15 1799974800	/* 2027-01-15T09:00:00+08:00 */
#define SPRING 1801411200	/* 2027-02-01T00:00:00+08:00 */

#define HT "+8613800000001"	/* head_teacher K0302 (S01) */
#define PRINCIPAL "+8613800000002"	/* principal S01 */
#define VHEAD1 "+8613800000004"	/* village_head V01 */
#define OFFICIAL "+8613800000006"	/* township_official T01 */
#define HT_S02 "+8613800000021"	/* head_teacher K0701 (S02) */
#define TEACHER "+8613800000112"	/* teacher S01 */
#define HT_K0401 "+8613800000011"	/* head_teacher K0401 (S01) */

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

/* The newest text to a number. */
static const char *
last_to(const char *to)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT text FROM outbound WHERE recipient ="
	    " '%s' ORDER BY id DESC LIMIT 1", to);
	return tu_sql_text(F.db, q);
}

#define HOME_VISITS "SELECT count(*) FROM events WHERE what = 'home_visit'"

START_TEST(test_routine_visit_recorded)
{
	long long outb;

	sms(HT, "VIS 20240101 在校 家长支持");
	ck_assert_msg(strstr(last_to(HT), "已记录家访") != NULL &&
	    strstr(last_to(HT), "20240101") != NULL &&
	    strstr(last_to(HT), "本学期第1次") != NULL, "%s", last_to(HT));
	ck_assert_int_eq(rows(HOME_VISITS " AND case_id IS NULL AND"
	    " detail = 'outcome=fine note=家长支持' AND student_id = (SELECT id"
	    " FROM students WHERE student_no = '20240101')"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM cases"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks"), 0);
	/* Only the teacher's reply: nobody else is told of a routine visit. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 1);

	/* Any school role of the school; any outcome word; the term's
	 * count, a day later (visits are counted by the day). */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + DAY), 0);
	outb = rows("SELECT count(*) FROM outbound");
	sms(TEACHER, "家访 20240101 外 父母下月去广东");
	ck_assert_msg(strstr(last_to(TEACHER), "本学期第2次") != NULL, "%s",
	    last_to(TEACHER));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), outb + 1);
	sms(PRINCIPAL, "VIS 20240102 正常");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "本学期第1次") != NULL,
	    "%s", last_to(PRINCIPAL));
	ck_assert_int_eq(rows(HOME_VISITS), 3);

	/* January is still the autumn term's. */
	ck_assert_int_eq(clock_set(&F.g->clock, JAN15), 0);
	sms(PRINCIPAL, "VIS 20240102 在校");
	ck_assert_msg(strstr(last_to(PRINCIPAL), "本学期第2次") != NULL,
	    "%s", last_to(PRINCIPAL));

	/* The spring term counts from 1 again. */
	ck_assert_int_eq(clock_set(&F.g->clock, SPRING + 9 * 3600), 0);
	sms(HT, "VIS 20240101 在校");
	ck_assert_msg(strstr(last_to(HT), "本学期第1次") != NULL, "%s",
	    last_to(HT));
}
END_TEST

/* Who may not: a village head has no routine visits (their visits are a
 * case's), another school's teacher is out of scope. Nothing recorded. */
START_TEST(test_routine_visit_refused)
{
	sms(VHEAD1, "VIS 20240101 在校");
	ck_assert_msg(strstr(last_to(VHEAD1), "没有在办案件") != NULL, "%s",
	    last_to(VHEAD1));
	sms(HT_S02, "VIS 20240101 在校");
	ck_assert_msg(strstr(last_to(HT_S02), "已记录") == NULL, "%s",
	    last_to(HT_S02));
	ck_assert_int_eq(rows(HOME_VISITS), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM events"), 0);
}
END_TEST

/* One person, several role rows: whichever comes first in the roster, a
 * school role that covers the student makes it a routine visit. (From a
 * review: the first covering row was the only one looked at.) */
START_TEST(test_routine_visit_any_role_row)
{
	ck_assert_int_eq(tu_sql_exec(F.db, "INSERT INTO people(phone, name,"
	    " role, scope) SELECT phone, name, 'teacher', 'S01' FROM people"
	    " WHERE phone = '" VHEAD1 "';"
	    "INSERT INTO people(phone, name, role, scope) SELECT phone, name,"
	    " 'principal', 'S01' FROM people WHERE phone = '" OFFICIAL "'"),
	    0);
	sms(VHEAD1, "VIS 20240101 在校");
	ck_assert_msg(strstr(last_to(VHEAD1), "已记录家访") != NULL, "%s",
	    last_to(VHEAD1));
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + DAY), 0);
	sms(OFFICIAL, "VIS 20240101 在校");
	ck_assert_msg(strstr(last_to(OFFICIAL), "本学期第2次") != NULL, "%s",
	    last_to(OFFICIAL));
	ck_assert_int_eq(rows(HOME_VISITS " AND actor_id IN (SELECT id FROM"
	    " people WHERE role IN ('teacher', 'principal'))"), 2);
}
END_TEST

/* A routine visit finds the child at school, ill, or the family about to
 * leave; "refuses", "unreachable", "transferred" or "back" say a child is
 * out of school, which is a report (ABS, DROP), not a routine visit: the
 * reply says so and nothing is recorded. (From a review: a student whose
 * case was closed got 拒 recorded silently.) */
START_TEST(test_routine_visit_outcomes)
{
	static const char *const refused[] = { "拒 家长又不让去", "失", "转",
	    "返" };
	char text[64];
	size_t i;

	sms(HT, "ABS 20240102 3");
	sms(HT, "RET 20240102");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status ="
	    " 'open'"), 0);
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		snprintf(text, sizeof text, "VIS 20240102 %s", refused[i]);
		sms(HT, text);
		ck_assert_msg(strstr(last_to(HT), "ABS") != NULL &&
		    strstr(last_to(HT), "已记录") == NULL, "%s: %s", text,
		    last_to(HT));
	}
	ck_assert_int_eq(rows(HOME_VISITS), 0);
	/* A word that is no outcome: the school's people are offered 在校,
	 * a village head, who makes no routine visits, is not. */
	sms(HT, "VIS 20240102 好");
	ck_assert_msg(strstr(last_to(HT), "在校") != NULL, "%s", last_to(HT));
	sms(VHEAD1, "VIS 20240102 好");
	ck_assert_msg(strstr(last_to(VHEAD1), "家访结果应为") != NULL &&
	    strstr(last_to(VHEAD1), "在校") == NULL, "%s", last_to(VHEAD1));
	sms(HT, "VIS 20240102 病 发烧在家");
	sms(HT, "VIS 20240102 外 下月随父母去广东");
	ck_assert_int_eq(rows(HOME_VISITS), 2);
}
END_TEST

/* A case's visit is as before; "在校" is not a case's outcome: the reply
 * lists those, and the task stays open. */
START_TEST(test_case_visit_unchanged)
{
	sms(HT, "ABS 20240102 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM cases WHERE status ="
	    " 'open'"), 1);
	sms(HT, "VIS 20240102 在校");
	ck_assert_msg(strstr(last_to(HT), "返") != NULL &&
	    strstr(last_to(HT), "已记录") == NULL, "%s", last_to(HT));
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status ="
	    " 'open'"), 1);
	ck_assert_int_eq(rows(HOME_VISITS), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what ="
	    " 'visit'"), 0);
	sms(HT, "VIS 20240102 返");
	ck_assert_int_eq(rows("SELECT count(*) FROM events WHERE what ="
	    " 'visit'"), 1);
	ck_assert_int_eq(rows(HOME_VISITS), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM tasks WHERE status ="
	    " 'open'"), 0);
}
END_TEST

#define MON_SEP7 (T0 + 6 * DAY - 3600)	/* 2026-09-07T08:00:00+08:00 */
#define REMINDERS "SELECT count(*) FROM outbound WHERE kind = 'digest' " \
	"AND text LIKE '%家访未完成%'"

/* The daemon again, with its weekly digest on Mondays at 08:00 and the
 * visit reminders from week `week` of the term (week 6 holds 7
 * September: the autumn term counts from 1 August). */
static void
restart_reminding(int week)
{
	gwfix_stop(&F);
	F.cfg.digest_weekday = 1;
	F.cfg.digest_minute = 8 * 60;
	F.cfg.visits_remind_week = week;
	F.cfg.visits_special = 2;
	gwfix_start(&F, 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);	/* marks this week */
}

/*
 * Late in a term each head teacher whose class has students not yet
 * visited gets a reminder with the weekly digest, naming them (a
 * special-need student needs two visits a term): one a week, in at most
 * three SMS, none to a class all visited, none before the week set.
 */
START_TEST(test_visit_reminder)
{
	struct smslen len;
	const char *t;
	int i;

	restart_reminding(6);
	sms(HT, "VIS 20240102 在校");	/* visited: done */
	sms(HT, "VIS 20240101 在校");	/* left-behind: one of two */
	/* K0201's whole class visited, on two days (as a routine VIS
	 * records). */
	for (i = 0; i < 2; i++) {
		char q[512];

		snprintf(q, sizeof q, "INSERT INTO events(case_id, student_id,"
		    " actor_id, at, what, detail) SELECT NULL, id, (SELECT id "
		    "FROM people WHERE phone = '+8613800000102'), %lld, "
		    "'home_visit', 'outcome=fine' FROM students WHERE class = "
		    "'K0201'", (long long)(T0 + i * DAY));
		ck_assert_int_eq(tu_sql_exec(F.db, q), 0);
	}
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" HT "'"), 1);
	t = last_to(HT);
	ck_assert_msg(strstr(t, "三年级二班") && strstr(t, "家访未完成18人") &&
	    strstr(t, "20240101") && !strstr(t, "20240102") &&
	    strstr(t, "张*明"), "%s", t);
	ck_assert_int_eq(smslen_measure(t, strlen(t), &len), 0);
	ck_assert_int_le(len.segments, 3);
	/* Every head teacher of a class with someone not visited. */
	ck_assert_int_eq(rows(REMINDERS), rows("SELECT count(DISTINCT "
	    "p.phone) FROM people p WHERE p.role = 'head_teacher' AND "
	    "EXISTS (SELECT 1 FROM students s WHERE s.class = p.scope)") - 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "recipient = '+8613800000102'"), 0);
	/* The principal's digest as before. */
	ck_assert_msg(strstr(last_to(PRINCIPAL), "周报") != NULL, "%s",
	    last_to(PRINCIPAL));

	/* A week on: again, one each. */
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7 + 7 * DAY), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" HT "'"), 2);
}
END_TEST

START_TEST(test_visit_reminder_not_before_its_week)
{
	restart_reminding(7);
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_gt(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), 0);
	ck_assert_int_eq(rows(REMINDERS), 0);
	/* 0: never. */
	restart_reminding(0);
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7 + 7 * DAY), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows(REMINDERS), 0);
}
END_TEST

/* (From a review.) A large class (66 students with national 学籍号, none visited):
 * the reminder must still go, at most three SMS, and the week's digest to
 * everybody else must not stop. */
START_TEST(test_visit_reminder_big_class)
{
	struct smslen len;
	const char *t;

	restart_reminding(6);
	ck_assert_int_eq(tu_sql_exec(F.db, "WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < 66) INSERT INTO "
	    "students(student_no, name, gender, class, village) SELECT "
	    "printf('G%018d', 520000000000000000 + i), '赵小红', 'F', 'K0302', "
	    "'V01' FROM n"), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" PRINCIPAL "'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest' AND recipient = '" HT "'"), 1);
	t = last_to(HT);
	ck_assert_ptr_null(strstr(t, "520000000"));	/* masked */
	ck_assert_int_eq(smslen_measure(t, strlen(t), &len), 0);
	ck_assert_int_le(len.segments, 3);
}
END_TEST

/* 150 more classes, each a head teacher and a
 * student not visited; one slice, a restart, the rest: every head teacher
 * of a class with someone to visit once, nobody twice, the reviewers'
 * digests too. */
START_TEST(test_visit_reminder_resumed)
{
	long long first, expect;
	int more;

	ck_assert_int_eq(tu_sql_exec(F.db, "WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < 150) "
	    "INSERT INTO places(code, name, kind, parent) SELECT "
	    "printf('K9%03d', i), printf('班%d', i), 'class', 'S01' FROM n"), 0);
	ck_assert_int_eq(tu_sql_exec(F.db, "WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < 150) "
	    "INSERT INTO people(phone, name, role, scope) SELECT "
	    "printf('+86136%08d', i), '甲乙', 'head_teacher', "
	    "printf('K9%03d', i) FROM n"), 0);
	ck_assert_int_eq(tu_sql_exec(F.db, "WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < 150) "
	    "INSERT INTO students(student_no, name, gender, class, village) "
	    "SELECT printf('3%07d', i), '钱小花', 'F', printf('K9%03d', i), "
	    "'V01' FROM n"), 0);
	restart_reminding(6);
	expect = rows("SELECT count(*) FROM (SELECT DISTINCT phone, scope FROM "
	    "people WHERE left_at IS NULL AND (role IN ('township_head', "
	    "'township_official', 'principal', 'bureau', 'county') OR "
	    "(role = 'head_teacher' AND EXISTS (SELECT 1 FROM students s "
	    "WHERE s.class = scope AND s.left_at IS NULL))))");
	ck_assert_int_gt(scheduler_slice(F.g->scheduler, MON_SEP7, &more), 0);
	ck_assert_int_eq(more, 1);
	first = rows("SELECT count(*) FROM outbound WHERE kind = 'digest'");
	ck_assert_int_lt(first, expect);
	gwfix_stop(&F);
	gwfix_start(&F, 0);
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'digest'"), expect);
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT recipient FROM "
	    "outbound WHERE kind = 'digest' GROUP BY recipient HAVING "
	    "count(*) > 1)"), 0);
}
END_TEST

/* (From a review.) A student with an open case (its visits are the case's, and
 * "家访 学号 在校" is refused there) and a student registered as
 * transferred away are still named in the reminder, week after week, and
 * the head teacher cannot clear them as the reminder says. */
START_TEST(test_visit_reminder_leaves_out_cases)
{
	const char *t;

	restart_reminding(6);
	sms(HT, "ABS 20240101 3");		/* a case */
	sms(HT, "VIS 20240101 在校");		/* refused: the case's */
	ck_assert_msg(strstr(last_to(HT), "已记录家访") == NULL, "%s",
	    last_to(HT));
	sms(HT, "VIS 20240101 拒");		/* the case's visit */
	sms(PRINCIPAL, "CLOSE 20240102 转学");	/* registered: transferred */
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	t = last_to(HT);
	ck_assert_msg(strstr(t, "家访未完成") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "20240101") == NULL, "student with an open, "
	    "visited case named: %s", t);
	ck_assert_msg(strstr(t, "20240102") == NULL, "transferred student "
	    "named: %s", t);
}
END_TEST

/* A school's listing (baoxuectl visits), gathered. */
static char listing[8192];

static void
listing_cb(void *arg, const struct store_visit_line *l)
{
	size_t n = strlen(listing);

	(void)arg;
	snprintf(listing + n, sizeof listing - n, "%s:%lld ", l->student_no,
	    (long long)l->visits);
}

/* S01's students and their family's visits this term, as "学号:N ". */
static void
listing_fill(void)
{
	listing[0] = '\0';
	ck_assert_int_eq(store_school_visits(F.g->store, "S01", T0 - 40 * DAY,
	    INT64_MAX, listing_cb, NULL), STORE_OK);
}

/*
 * "Every family" (DOMAIN rule 4): children with the same guardian's
 * number are one family, and a visit to it counts for each of them: the
 * visit's reply counts the family's visits, the weekly reminder and the
 * school's listing leave the brothers and sisters out. A student with no
 * guardian's number is a family of their own.
 */
START_TEST(test_family_visit_counts)
{
	const char *t;

	/* 20240102 (K0302) and 20240201 (K0401): one guardian. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = '+8613900000002' WHERE student_no IN "
	    "('20240102', '20240201')"), 0);
	restart_reminding(6);
	sms(HT, "VIS 20240102 在校");
	ck_assert_msg(strstr(last_to(HT), "本学期第1次") != NULL, "%s",
	    last_to(HT));
	/* The brother's head teacher visits the same family, a day on. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + DAY), 0);
	sms(HT_K0401, "VIS 20240201 在校");
	ck_assert_msg(strstr(last_to(HT_K0401), "本学期第2次") != NULL, "%s",
	    last_to(HT_K0401));
	ck_assert_int_eq(rows(HOME_VISITS), 2);
	/* 20240103 has no guardian's number: no family but their own. */
	sms(HT, "VIS 20240103 在校");
	ck_assert_msg(strstr(last_to(HT), "本学期第1次") != NULL, "%s",
	    last_to(HT));

	listing_fill();
	ck_assert_msg(strstr(listing, "20240102:2 ") != NULL &&
	    strstr(listing, "20240201:2 ") != NULL &&
	    strstr(listing, "20240103:1 ") != NULL &&
	    strstr(listing, "20240101:0 ") != NULL, "%s", listing);

	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	t = last_to(HT_K0401);
	ck_assert_msg(strstr(t, "家访未完成") != NULL && strstr(t, "20240201")
	    == NULL, "the visited family's child named: %s", t);
	t = last_to(HT);
	ck_assert_msg(strstr(t, "家访未完成") != NULL && strstr(t, "20240102")
	    == NULL && strstr(t, "20240101") != NULL, "%s", t);
}
END_TEST

/* One trip to a family of two, texted for each child (a routine VIS
 * names one), is one visit of the family's, not two: the left-behind
 * child (two a term) is still named. Another day's is a second. (From a
 * review.) */
START_TEST(test_family_one_trip_two_children)
{
	const char *t;

	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = '+8613900000002' WHERE student_no IN "
	    "('20240101', '20240102')"), 0);
	restart_reminding(6);
	sms(HT, "VIS 20240101 在校");
	sms(HT, "VIS 20240102 在校");	/* the same trip */
	ck_assert_msg(strstr(last_to(HT), "该户本学期第1次") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(clock_set(&F.g->clock, MON_SEP7), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	t = last_to(HT);
	ck_assert_msg(strstr(t, "20240101") != NULL, "the left-behind child, "
	    "visited once, not named: %s", t);
	sms(HT, "VIS 20240102 在校");	/* a week on */
	ck_assert_msg(strstr(last_to(HT), "该户本学期第2次") != NULL, "%s",
	    last_to(HT));
}
END_TEST

/* Visits counted in a listing of S01: how many students have one. */
static int
listing_visited(void)
{
	const char *p = listing;
	int n = 0;

	listing_fill();
	while ((p = strstr(p, ":1 ")) != NULL) {
		n++;
		p += 3;
	}
	return n;
}

/* A number many children share is a school's or a teacher's, not a
 * family's; and brothers and sisters share a household village. Neither
 * links a visit. */
START_TEST(test_family_not_by_shared_number)
{
	/* Seven of S01's V01 children given one number. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = '+8613800000001' WHERE id IN (SELECT s.id FROM "
	    "students s JOIN places c ON c.code = s.class WHERE c.parent = "
	    "'S01' AND s.village = 'V01' AND s.student_no <> '20240101' "
	    "ORDER BY s.student_no LIMIT 7)"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM students WHERE "
	    "guardian_phone = '+8613800000001'"), 7);
	/* 20240101 (V01) and 20240201 (V02): one number, two villages. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = '+8613900000009' WHERE student_no IN "
	    "('20240101', '20240201')"), 0);
	sms(HT, "VIS 20240101 在校");
	ck_assert_int_eq(listing_visited(), 1);
	ck_assert_msg(strstr(listing, "20240201:0 ") != NULL, "%s", listing);
	gwfix_sms(&F, HT, tu_sql_text(F.db, "SELECT 'VIS ' || student_no || "
	    "' 在校' FROM students WHERE guardian_phone = '+8613800000001' "
	    "ORDER BY student_no LIMIT 1"));
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_msg(strstr(last_to(HT), "已记录家访") != NULL, "%s",
	    last_to(HT));
	ck_assert_int_eq(listing_visited(), 2);
	/* Six of that number, as a family, would have all seven visited. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = NULL WHERE guardian_phone = '+8613800000001' AND "
	    "student_no = (SELECT max(student_no) FROM students WHERE "
	    "guardian_phone = '+8613800000001')"), 0);
	ck_assert_int_eq(listing_visited(), 7);
	/* A seventh child of another village given the number: a number
	 * seven share, whatever their villages, links nobody again. */
	ck_assert_int_eq(tu_sql_exec(F.db, "UPDATE students SET "
	    "guardian_phone = '+8613800000001' WHERE student_no = '20240201'"),
	    0);
	ck_assert_int_eq(listing_visited(), 2);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("homevisit");
	TCase *tc = tcase_create("homevisit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_routine_visit_recorded);
	tcase_add_test(tc, test_routine_visit_refused);
	tcase_add_test(tc, test_routine_visit_any_role_row);
	tcase_add_test(tc, test_routine_visit_outcomes);
	tcase_add_test(tc, test_case_visit_unchanged);
	tcase_add_test(tc, test_visit_reminder);
	tcase_add_test(tc, test_visit_reminder_not_before_its_week);
	tcase_add_test(tc, test_visit_reminder_big_class);
	tcase_add_test(tc, test_visit_reminder_resumed);
	tcase_add_test(tc, test_visit_reminder_leaves_out_cases);
	tcase_add_test(tc, test_family_visit_counts);
	tcase_add_test(tc, test_family_one_trip_two_children);
	tcase_add_test(tc, test_family_not_by_shared_number);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
