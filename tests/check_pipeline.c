/*
 * The inbound pipeline and casework on a temp database with the manual
 * clock and the F.outbox channel: one transaction per message, the replies
 * it queues, and who may report what.
 */
#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/clock.h"
#include "gateway/config.h"
#include "gateway/gw.h"
#include "gateway/http.h"
#include "gateway/import.h"
#include "gateway/pipeline.h"
#include "gateway/sender.h"
#include "store/store.h"
#include "tests/gwfix.h"
#include "tests/syncspy.h"
#include "tests/testutil.h"

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */

static struct gwfix F;

/* fsync(2) as the gateway's code calls it (linked with --wrap=fsync):
 * counted, and (fsync_sql) a moment to change the database from outside
 * between the outbox's write and the sender's record of it. */
int __real_fsync(int fd);
int __wrap_fsync(int fd);
static int fsyncs;
static int fsync_fail;			/* with EIO: the outbox fails */
static const char *fsync_fail_path;	/* ... only this file's */
static const char *fsync_sql;
static const char *F_db(void);

int
__wrap_fsync(int fd)
{
	fsyncs++;
	if (fsync_sql) {
		sqlite3 *h;

		ck_assert_int_eq(sqlite3_open(F_db(), &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(h, fsync_sql, NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(h);
		fsync_sql = NULL;
	}
	if (fsync_fail_path) {
		char path[1024];

		if (tu_fd_path(fd, path, sizeof path) == 0 &&
		    strcmp(path, fsync_fail_path) == 0) {
			errno = EIO;
			return -1;
		}
	}
	if (fsync_fail) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

static const char *
F_db(void)
{
	return F.db;
}

static void
setup(void)
{
	fsync_sql = NULL;
	fsync_fail = 0;
	fsync_fail_path = NULL;
	gwfix_config(&F, T0);
	snprintf(F.cfg.signature, sizeof F.cfg.signature, "【测试】");
	/* No ladder: these suites look at replies and notices only. */
	memset(&F.cfg.ladder, 0, sizeof F.cfg.ladder);
	F.cfg.case_threshold = 0;
	F.cfg.case_special_threshold = 0;
	gwfix_start(&F, 1);
}

static void
teardown(void)
{
	gwfix_free(&F);
}

static enum pipeline_rc
inbound(const char *from, const char *text, const char *id)
{
	struct pipeline_in in = { "http", id, from, NULL, text,
	    strlen(text), NULL, 0 };
	int64_t iid;

	return pipeline_inbound(F.g->pipeline, &in, &iid);
}

static long long
rows(const char *sql)
{
	return tu_sql_int(F.db, sql);
}

/* A change from another connection, as an operator's sqlite3 would. */
static void
by_hand(const char *sql)
{
	ck_assert_int_eq(tu_sql_exec(F.db, sql), 0);
}

/* A notice queued by hand; text is an SQL expression ('...' or a CAST). */
static void
queue_notice(const char *to, const char *text, int64_t created, int64_t due)
{
	char q[2048];
	int n = snprintf(q, sizeof q, "INSERT INTO outbound(recipient, text, "
	    "kind, priority, created_at, due_at) VALUES('%.32s', %.1024s, "
	    "'notice', 2, %lld, %lld)", to, text, (long long)created,
	    (long long)due);

	ck_assert(n > 0 && (size_t)n < sizeof q);
	by_hand(q);
}

/* The text of the newest queued or sent reply to a number. */
static char *
last_text(const char *to)
{
	static char buf[2048];
	sqlite3 *h;
	sqlite3_stmt *st;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT text FROM outbound "
	    "WHERE recipient = ?1 ORDER BY id DESC LIMIT 1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, sizeof buf, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return buf;
}

#define TEACHER "+8613800000001"	/* head_teacher K0302, teacher S01 */
#define OTHER_HT "+8613800000021"	/* head_teacher K0701 at S02 */
#define VHEAD "+8613800000004"
#define PRINCIPAL "+8613800000002"

START_TEST(test_abs_one_transaction)
{
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240102 1", "a"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences a JOIN inbound i "
	    "ON a.inbound_id = i.id WHERE a.days = 1"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued' AND kind = 'reply' AND inbound_id = 1"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 0);	/* queued, not yet sent */
	ck_assert_int_eq(gw_run_due(F.g), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'sent'"), 1);
	ck_assert_str_eq(last_text(TEACHER),
	    "【测试】已记录：20240102 李*（三年级二班）缺勤1天。");
}
END_TEST

START_TEST(test_duplicate)
{
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240102 1", "a"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240102 1", "a"),
	    PIPELINE_DUPLICATE);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 1);
}
END_TEST

START_TEST(test_several_in_one)
{
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240201 1；缺 20240102 一天 病",
	    NULL), PIPELINE_ACCEPTED);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE reason = "
	    "'illness'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 1);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "20240201"));
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "\n"));
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "原因：病"));
}
END_TEST

START_TEST(test_bad_part_keeps_the_good)
{
	const char *t;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240102 1\nABS 20240102\n"
	    "ABS 20240201 1", NULL), PIPELINE_ACCEPTED);
	/* One bad part does not discard the others. */
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
	t = last_text(TEACHER);
	ck_assert_ptr_nonnull(strstr(t, "20240102 李*"));
	ck_assert_ptr_nonnull(strstr(t, "\n第2条：缺天数。例：ABS 20240101 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "20240201"));
	/* The message itself is kept: nothing a teacher sends is lost. */
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 1);
}
END_TEST

START_TEST(test_error_replies)
{
	/* A single part: no "第1条" prefix; the example is the command's. */
	inbound(TEACHER, "ABS 20240101 99", NULL);
	ck_assert_str_eq(last_text(TEACHER),
	    "【测试】天数应为1-60的数字，例：ABS 20240101 3");
	inbound(TEACHER, "ASB 20240101 3", NULL);
	ck_assert_str_eq(last_text(TEACHER),
	    "【测试】未能识别，您是否要发ABS？例：ABS 20240101 3");
	inbound(TEACHER, "你好", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "ABS缺勤"));
	inbound(TEACHER, "hello", NULL);	/* close to HELP */
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "HELP"));
	inbound(TEACHER, "VIS 20240101 好", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "VIS 20240101 返"));
	inbound(TEACHER, "  ;; ", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "空"));
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 0);
}
END_TEST

/* Nothing a teacher sends is dropped unsaid (from a review): a second
 * 学号, a command in a note, a half day. */
START_TEST(test_nothing_dropped_unsaid)
{
	const char *t;

	inbound(TEACHER, "ABS 20240102 1 病 ABS 20240201 1", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences WHERE reason = "
	    "'illness' AND ifnull(note, '') = ''"), 1);
	inbound(TEACHER, "RET 20240102，20240201", NULL);
	t = last_text(TEACHER);
	ck_assert_ptr_nonnull(strstr(t, "20240102"));
	ck_assert_ptr_nonnull(strstr(t, "20240201"));
	/* More than a 学号 follows a second one, or a 学号 split in two:
	 * refused, and said how to send it. */
	inbound(TEACHER, "ABS 2024 0102 1", NULL);
	ck_assert_str_eq(last_text(TEACHER), "【测试】学号中间不加空格；几个学生："
	    "返校等用逗号隔开，缺勤等每人一条、用分号隔开。例：ABS 20240101 3");
	inbound(TEACHER, "ABS 20240102 1.5", NULL);
	ck_assert_str_eq(last_text(TEACHER),
	    "【测试】天数应为1-60的数字，例：ABS 20240101 3");
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
}
END_TEST

START_TEST(test_help_by_role)
{
	/* A teacher's list: the school's commands, routine visits among
	 * them; no NOTICE (check_help: every role). */
	inbound(TEACHER, "帮助", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "ABS缺勤"));
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "VIS家访"));
	ck_assert_ptr_null(strstr(last_text(TEACHER), "NOTICE"));
	inbound(VHEAD, "?", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(VHEAD), "VIS家访"));
	ck_assert_ptr_null(strstr(last_text(VHEAD), "ABS"));
	inbound("+8613800000006", "HELP", NULL);
	ck_assert_ptr_nonnull(strstr(last_text("+8613800000006"), "SUM汇总"));
}
END_TEST

START_TEST(test_every_reply_fits_one_segment)
{
	/* Errors and help must fit one 70-character UCS-2 SMS with a
	 * 9-character signature such as 【后柳镇控辍保学】 (this suite's has 4:
	 * so 65 here). */
	static const char *const texts[] = {
		"ABS", "ABS 12 3", "ABS 20240101", "ABS 20240101 x",
		"ABS 20240101 0", "VIS", "VIS x", "VIS 20240101",
		"VIS 20240101 好", "SUM 后柳镇", "ASB 1 2", "hello", "",
		"HELP", "LEAVE 20240101 20240102 2 病",
	};
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		inbound(TEACHER, texts[i], NULL);
		ck_assert_msg(tu_sql_int(F.db, "SELECT length(text) FROM "
		    "outbound ORDER BY id DESC LIMIT 1") <= 65,
		    "reply to '%s' is over 65: %s", texts[i],
		    last_text(TEACHER));
	}
}
END_TEST

START_TEST(test_who_may_report)
{
	/* Another school's head teacher. */
	inbound(OTHER_HT, "ABS 20240101 3", NULL);
	ck_assert_str_eq(last_text(OTHER_HT),
	    "【测试】您的范围内没有学号20240101，未处理。");
	/* The same words for a 学号 that does not exist: nothing leaks. */
	inbound(OTHER_HT, "ABS 20249999 3", NULL);
	ck_assert_str_eq(last_text(OTHER_HT),
	    "【测试】您的范围内没有学号20249999，未处理。");
	/* A village head is not on the school line. */
	inbound(VHEAD, "ABS 20240101 3", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(VHEAD), "身份不能使用ABS"));
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 0);
	/* The principal's scope is the whole school. */
	inbound(PRINCIPAL, "ABS 20240201 1", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences a JOIN people p "
	    "ON a.reporter_id = p.id WHERE p.role = 'principal'"), 1);
	/* A (head) teacher of the school may report any class of it. */
	inbound(TEACHER, "ABS 20240201 1", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences a JOIN people p "
	    "ON a.reporter_id = p.id WHERE p.phone = '" TEACHER "'"), 1);
	inbound(TEACHER, "ABS 99999999 1", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(TEACHER), "没有学号99999999"));
}
END_TEST

START_TEST(test_unregistered_once_a_day)
{
	const char *stranger = "+8613700000001";

	inbound(stranger, "ABS 20240101 3", NULL);
	ck_assert_ptr_nonnull(strstr(last_text(stranger), "未登记"));
	inbound(stranger, "hello?", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "recipient = '+8613700000001'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 24 * 3600), 0);
	inbound(stranger, "hello?", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "recipient = '+8613700000001'"), 2);
}
END_TEST

/* A number from abroad that is on no roster is stored and not answered:
 * each new number would otherwise cost an international SMS (SMS
 * pumping; a review). [daemon] answer_unregistered, +86 by default. */
START_TEST(test_unregistered_abroad_not_answered)
{
	inbound("+19005550100", "ABS 20240101 3", NULL);
	inbound("+882999999999", "hello", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 0);
	inbound("+8613700000001", "hello", NULL);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 1);
}
END_TEST

START_TEST(test_failure_rolls_back_everything)
{
	sqlite3 *h;

	/* Make the casework step fail after the inbound row is written. */
	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE INSERT ON "
	    "absences BEGIN SELECT RAISE(ABORT, 'disk on fire'); END", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "x"),
	    PIPELINE_FAILED);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), 0);
	/* The provider's retry, once the fault is gone, is a new message. */
	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	sqlite3_exec(h, "DROP TRIGGER boom", NULL, NULL, NULL);
	sqlite3_close(h);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "x"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 1);
}
END_TEST

/* What a done callback saw: the result, and whether the inbound row was
 * already visible to another connection (i.e. committed). */
struct seen {
	int called;
	enum pipeline_rc rc;
	long long committed;
	long long inbound;	/* inbound rows committed by then */
};

static void
done_cb(void *arg, enum pipeline_rc rc, int64_t inbound_id)
{
	struct seen *w = arg;
	char sql[128];

	w->called++;
	w->rc = rc;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM inbound WHERE id = %lld",
	    (long long)inbound_id);
	w->committed = rows(sql);
	w->inbound = rows("SELECT count(*) FROM inbound");
}

static int
submit_as(const char *text, const char *id, unsigned flags, struct seen *w)
{
	struct pipeline_in in = { "http", id, TEACHER, NULL, text,
	    strlen(text), NULL, 0 };

	return pipeline_submit(F.g->pipeline, &in, flags, done_cb, w);
}

/* As HTTP submits: done_cb uses a connection of its own, not the store. */
static int
submit(const char *text, const char *id, struct seen *w)
{
	return submit_as(text, id, PIPELINE_DONE_PLAIN, w);
}

/* Runs the loop until every submitted message is answered: applied,
 * committed, and its commit on disk. */
static void
settle(void)
{
	while (pipeline_pending(F.g->pipeline) +
	    pipeline_syncing(F.g->pipeline) > 0)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
}

/* Makes an ABS of 7 days fail half-way through its effect. */
static void
abs7_fails(void)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE INSERT ON "
	    "absences WHEN NEW.days = 7 BEGIN SELECT RAISE(ABORT, 'no'); END",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

START_TEST(test_group_commit_isolates_a_bad_neighbour)
{
	struct seen w[3] = { { 0 } };

	/* The middle message's effect fails half-way through. */
	abs7_fails();
	ck_assert_int_eq(submit("ABS 20240101 3", "g1", &w[0]), 0);
	ck_assert_int_eq(submit("ABS 20240102 7", "g2", &w[1]), 0);
	ck_assert_int_eq(submit("ABS 20240103 3", "g3", &w[2]), 0);
	/* Nothing is answered before the commit. */
	ck_assert_int_eq(w[0].called + w[1].called + w[2].called, 0);
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), 3);
	settle();
	ck_assert_int_eq(w[0].called, 1);
	ck_assert_int_eq(w[0].rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w[0].committed, 1);
	ck_assert_int_eq(w[1].called, 1);
	ck_assert_int_eq(w[1].rc, PIPELINE_FAILED);
	ck_assert_int_eq(w[2].called, 1);
	ck_assert_int_eq(w[2].rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w[2].committed, 1);
	/* Found out in the first pass, applied again one by one. */
	ck_assert_uint_eq(pipeline_regroups(F.g->pipeline), 1);
	/* The neighbours keep their whole effect; the bad one left nothing. */
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound "
	    "WHERE provider_id = 'g2'"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply' AND inbound_id IS NOT NULL"), 2);
}
END_TEST

/*
 * The log says what committed. A group applied again after a failure
 * logged its messages' lines twice (the first pass's, rolled back, were
 * held in stdio's buffer and went out with the warning), the failing
 * message's own lines too, and its "not stored" once for each pass.
 */
START_TEST(test_group_logs_what_committed)
{
	struct seen w[3] = { { 0 } };
	char path[1100], *log;
	int saved;

	abs7_fails();
	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	ck_assert_int_eq(submit("ABS 20240101 3", "l1", &w[0]), 0);
	ck_assert_int_eq(submit("ABS 20240102 7", "l2", &w[1]), 0);
	ck_assert_int_eq(submit("ABS 20240103 3", "l3", &w[2]), 0);
	settle();
	tu_stderr_back(saved);
	ck_assert_int_eq(w[1].rc, PIPELINE_FAILED);

	ck_assert_ptr_nonnull(log = tu_read(path));
	/* Two messages committed: two arrivals, two cases opened. */
	ck_assert_msg(tu_count(log, " bytes\n") == 2, "%s", log);
	ck_assert_msg(tu_count(log, " opened") == 2, "%s", log);
	ck_assert_msg(tu_count(log, "applying them again") == 1, "%s", log);
	/* Casework's own warning, once: the first pass's went with it. */
	ck_assert_msg(tu_count(log, "absence: no") == 1, "%s", log);
	ck_assert_msg(tu_count(log, "not stored") == 1, "%s", log);
	ck_assert_msg(strstr(log, "applying them again") <
	    strstr(log, "not stored"), "%s", log);
	free(log);
}
END_TEST

/* A message applied alone (a modem's, say) that fails leaves no line
 * saying it arrived. */
START_TEST(test_failed_message_logs_no_arrival)
{
	char path[1100], *log;
	int64_t iid;
	struct pipeline_in in = { "http", "a1", TEACHER, NULL,
	    "ABS 20240102 7", 14, NULL, 0 };
	int saved;

	abs7_fails();
	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	ck_assert_int_eq(pipeline_inbound(F.g->pipeline, &in, &iid),
	    PIPELINE_FAILED);
	tu_stderr_back(saved);
	ck_assert_ptr_nonnull(log = tu_read(path));
	ck_assert_msg(tu_count(log, " bytes\n") == 0, "%s", log);
	ck_assert_msg(tu_count(log, "not stored") == 1, "%s", log);
	free(log);
}
END_TEST

static int
submit_signed(const char *text, const char *id, const char *sig,
    struct seen *w)
{
	/* Signed now, as the HTTP layer requires. */
	struct pipeline_in in = { "http", id, TEACHER, NULL, text,
	    strlen(text), sig, clock_now(&F.g->clock) };

	return pipeline_submit(F.g->pipeline, &in, PIPELINE_DONE_PLAIN,
	    done_cb, w);
}

/*
 * A group is applied without a savepoint per message, so a refusal must
 * write nothing of its own: not the retry's fresh signature, not the
 * replay's inbound row.
 */
START_TEST(test_group_refusals_write_nothing)
{
	struct seen w[4] = { { 0 } };
	int i;

	ck_assert_int_eq(submit_signed("ABS 20240101 3", "r1", "S1", &w[0]),
	    0);
	/* The provider's retry of r1, signed afresh: a duplicate. */
	ck_assert_int_eq(submit_signed("ABS 20240101 3", "r1", "S2", &w[1]),
	    0);
	/* S1 again on another message: a replay. */
	ck_assert_int_eq(submit_signed("ABS 20240102 3", "r2", "S1", &w[2]),
	    0);
	ck_assert_int_eq(submit_signed("ABS 20240103 3", "r3", "S3", &w[3]),
	    0);
	settle();
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(w[i].called, 1);
	ck_assert_int_eq(w[0].rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w[1].rc, PIPELINE_DUPLICATE);
	ck_assert_int_eq(w[2].rc, PIPELINE_REPLAY);
	ck_assert_int_eq(w[3].rc, PIPELINE_ACCEPTED);
	ck_assert_uint_eq(pipeline_regroups(F.g->pipeline), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound "
	    "WHERE provider_id = 'r2'"), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM webhook_seen "
	    "WHERE sig IN ('S1', 'S3')"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM webhook_seen"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM absences"), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE kind = "
	    "'reply'"), 2);
}
END_TEST

/* Signatures out of the window are forgotten, once a second: the first
 * signed message of a later second takes them; those of its own second
 * stay until the next. */
START_TEST(test_expired_signatures_forgotten)
{
	struct seen w[3] = { { 0 } };
	int64_t window = 300;
	char err[256];

	/* The daemon again, with the window a provider's signing needs. */
	F.cfg.hmac_window = (int)window;
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
	ck_assert_int_eq(submit_signed("HELP", "e1", "E1", &w[0]), 0);
	settle();
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 2 * window + 1), 0);
	ck_assert_int_eq(submit_signed("HELP", "e2", "E2", &w[1]), 0);
	ck_assert_int_eq(submit_signed("HELP", "e3", "E3", &w[2]), 0);
	settle();
	ck_assert_int_eq(w[1].rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w[2].rc, PIPELINE_ACCEPTED);
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT group_concat(sig) FROM "
	    "(SELECT sig FROM webhook_seen ORDER BY ts, sig)"), "E2,E3");
}
END_TEST

START_TEST(test_full_queue_refuses_then_recovers)
{
	static struct seen w[PIPELINE_MAX_QUEUE + 1];
	char id[32], path[1100], *log;
	size_t i;
	int saved;

	memset(w, 0, sizeof w);
	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	for (i = 0; i < PIPELINE_MAX_QUEUE; i++) {
		snprintf(id, sizeof id, "q%zu", i);
		ck_assert_int_eq(submit("HELP", id, &w[i]), 0);
	}
	/* Full: refused (the HTTP layer answers 503 + Retry-After), and
	 * memory does not grow. */
	ck_assert_int_eq(submit("HELP", "over", &w[i]), -1);
	ck_assert_int_eq(submit("HELP", "over", &w[i]), -1);
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), PIPELINE_MAX_QUEUE);
	ck_assert_uint_eq(pipeline_refused(F.g->pipeline), 2);
	/* One pass applies at most one batch; then there is room again. */
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_uint_le(pipeline_pending(F.g->pipeline),
	    PIPELINE_MAX_QUEUE - PIPELINE_MAX_BATCH);
	ck_assert_int_eq(submit("HELP", "over", &w[i]), 0);
	tu_stderr_back(saved);
	/* Said once as it starts, once as it ends: not once a request. */
	ck_assert_ptr_nonnull(log = tu_read(path));
	ck_assert_msg(tu_count(log, "answering 503") == 1, "%s", log);
	ck_assert_msg(tu_count(log, "room again after 2 refused") == 1,
	    "%s", log);
	free(log);
	settle();
	for (i = 0; i <= PIPELINE_MAX_QUEUE; i++)
		ck_assert_int_eq(w[i].called, 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"),
	    PIPELINE_MAX_QUEUE + 1);
}
END_TEST

/*
 * With every channel down, a sender pass leaves the store alone: it does
 * not begin a transaction only to find that nothing can go (under load
 * the sender is woken after every group commit).
 */
START_TEST(test_sender_idle_while_channels_down)
{
	size_t claims;
	long long queued;
	char target[1024];
	int fd, full;

	/* The outbox's own descriptor now writes to a full disk. */
	ck_assert_int_ge(full = open("/dev/full", O_WRONLY), 0);
	for (fd = 0; fd < 1024; fd++)
		if (tu_fd_path(fd, target, sizeof target) == 0 &&
		    strcmp(target, F.outbox) == 0)
			ck_assert_int_eq(dup2(full, fd), fd);
	close(full);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	queued = rows("SELECT count(*) FROM outbound");
	ck_assert_int_ge(queued, 3);
	/* Each one fails: three in a row, and the channel is down a while. */
	ck_assert_int_eq(gw_run_due(F.g), queued);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "attempts = 1 AND status = 'queued'"), queued);
	claims = sender_claims(F.g->sender);
	ck_assert_uint_gt(claims, 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_uint_eq(sender_claims(F.g->sender), claims);
	/* Once it may be tried again, so is the queue. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 3600), 0);
	ck_assert_int_eq(gw_run_due(F.g), queued);
	ck_assert_uint_gt(sender_claims(F.g->sender), claims);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "attempts = 2"), queued);
}
END_TEST

/*
 * The outbox writes a pass's lines and makes them durable with one fsync,
 * and only then are they sent: at 5,000 msg/s one fsync per SMS held the
 * loop 5 % of the time (bench/load.sh TRACE=1).
 */
START_TEST(test_outbox_one_fsync_per_pass)
{
	long long queued;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	queued = rows("SELECT count(*) FROM outbound");
	ck_assert_int_ge(queued, 3);
	fsyncs = 0;
	ck_assert_int_eq(gw_run_due(F.g), queued);
	ck_assert_int_eq(fsyncs, 1);
	ck_assert_int_eq(tu_lines(F.outbox), queued);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent' AND provider_ref LIKE 'outbox-%'"), queued);
	/* Nothing left to send: no write, no fsync. */
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(fsyncs, 1);
}
END_TEST

/*
 * A pass the loop runs (woken after a group commit, or by its timer)
 * does not wait for the disk: its claim is committed, and the SMS go only
 * once that commit is on disk (a crash before would take the claim back,
 * and with it what was merged into them). Waiting for it held the loop
 * 2-3 ms a pass, some 15 times a second, up to 60 ms (bench/load.sh
 * TRACE=1 at 10,000 msg/s).
 */
START_TEST(test_sender_pass_waits_for_its_claim_on_disk)
{
	long long queued;
	int64_t now;
	int i;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	queued = rows("SELECT count(*) FROM outbound");
	ck_assert_int_ge(queued, 3);
	syncspy_hold(1);
	sender_wake(F.g->sender);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	/* Claimed and committed (seen by another connection), not sent. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sending'"), queued);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(tu_lines(F.outbox), 0);
	/* Queued meanwhile, after a claim that found nothing more due: the
	 * pass that sends the claim looks again. */
	now = clock_now(&F.g->clock);
	queue_notice("+8613900000999", "'又一条'", now, now);
	sender_wake(F.g->sender);
	syncspy_hold(0);
	for (i = 0; i < 5000 && tu_lines(F.outbox) < queued + 1; i++)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(tu_lines(F.outbox), queued + 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent'"), queued + 1);
}
END_TEST

static void
stopped_cb(void *arg)
{
	*(int *)arg = 1;
}

/* A claim held for the disk as the daemon stops is sent, not left
 * "sending" for the next start. */
START_TEST(test_sender_stop_sends_the_held_claim)
{
	long long queued;
	int i, stopped = 0;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	queued = rows("SELECT count(*) FROM outbound");
	syncspy_hold(1);
	sender_wake(F.g->sender);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	ck_assert_int_eq(tu_lines(F.outbox), 0);
	syncspy_hold(0);
	sender_stop(F.g->sender, stopped_cb, &stopped);
	for (i = 0; i < 5000 && !stopped; i++)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(stopped, 1);
	ck_assert_int_eq(tu_lines(F.outbox), queued);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent'"), queued);
}
END_TEST

/*
 * An outbox file kept beside a new database: the ids in it are the old
 * database's. The new database's first messages carry the same ids and
 * were taken as sent, and never written (a second `make demo` printed no
 * SMS). Each line now names its database.
 */
START_TEST(test_outbox_other_database)
{
	long long n;
	sqlite3 *h;
	char *o;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	n = rows("SELECT count(*) FROM outbound");
	ck_assert_int_eq(gw_run_due(F.g), n);
	ck_assert_int_eq(tu_lines(F.outbox), n);
	ck_assert_ptr_nonnull(o = tu_read(F.outbox));
	ck_assert_ptr_nonnull(strstr(o, store_instance(F.g->store)));
	free(o);

	gwfix_stop(&F);
	ck_assert_int_eq(unlink(F.db), 0);
	gwfix_start(&F, 1);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound"), n);
	ck_assert_int_eq(gw_run_due(F.g), n);
	ck_assert_int_eq(tu_lines(F.outbox), 2 * n);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent'"), n);
	/* Within one database a line still stands for its message: the
	 * same restart with the database kept writes nothing again. */
	gwfix_stop(&F);
	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "UPDATE outbound SET status = "
	    "'sending'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	gwfix_start(&F, 0);
	ck_assert_int_eq(gw_run_due(F.g), n);
	ck_assert_int_eq(tu_lines(F.outbox), 2 * n);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent'"), n);
}
END_TEST

/* A line written before lines named their database stands for this
 * database's message: a message written just before the upgrade is not
 * written twice. */
START_TEST(test_outbox_line_without_database)
{
	char line[256];

	gwfix_stop(&F);
	snprintf(line, sizeof line, "{\"id\":1,\"to\":\"%s\",\"text\":"
	    "\"x\",\"segments\":1,\"kind\":\"reply\",\"at\":"
	    "\"2026-09-01T09:00:00+08:00\"}\n", TEACHER);
	ck_assert_int_eq(tu_write(F.outbox, line), 0);
	gwfix_start(&F, 0);
	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_eq(gw_run_due(F.g), rows("SELECT count(*) FROM "
	    "outbound"));
	ck_assert_int_eq(tu_lines(F.outbox),
	    rows("SELECT count(*) FROM outbound"));
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE "
	    "status = 'sent'"), rows("SELECT count(*) FROM outbound"));
}
END_TEST

/* An outbox is a file: a device there (an endless /dev/zero to read back
 * at start) is a clear error, not a daemon that never starts. */
/* A rate-limited channel's pass waits for a tenth of a second's worth of
 * tokens (1 to 32), not for one: fewer, larger claims under a backlog. */
START_TEST(test_sender_pass_waits_for_a_burst)
{
	ck_assert_int_eq(sender_pass_wait_us(0, 0), 0);	/* no limit */
	ck_assert_int_eq(sender_pass_wait_us(1, 5), 0);	/* at least 1 */
	ck_assert_int_eq(sender_pass_wait_us(0.5, 5), 100001);
	ck_assert_int_eq(sender_pass_wait_us(1, 100), 90001);
	ck_assert_int_eq(sender_pass_wait_us(9.5, 100), 5001);
	ck_assert_int_eq(sender_pass_wait_us(10, 100), 0);
	/* At most 32. */
	ck_assert_int_eq(sender_pass_wait_us(31, 1000), 1001);
	ck_assert_int_eq(sender_pass_wait_us(32, 1000), 0);
	ck_assert_int_eq(sender_pass_wait_us(32, 10000), 0);
	ck_assert_int_eq(sender_pass_wait_us(0, 10000), 3201);
}
END_TEST

START_TEST(test_outbox_must_be_a_file)
{
	char err[512];
	struct gw *g;

	snprintf(F.cfg.channels[0].path, sizeof F.cfg.channels[0].path,
	    "/dev/zero");
	g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_ptr_null(g);
	ck_assert_msg(strstr(err, "/dev/zero: not a regular file") != NULL,
	    "%s", err);
}
END_TEST

/* A signature that is not text would make every SMS fail: refused at
 * start, with its reason. */
START_TEST(test_signature_must_be_text)
{
	char err[512];
	struct gw *g;

	snprintf(F.cfg.signature, sizeof F.cfg.signature, "\xe3\x80");
	g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_ptr_null(g);
	ck_assert_msg(strstr(err, "signature is not valid UTF-8") != NULL,
	    "%s", err);
}
END_TEST

/*
 * A background checkpoint that fails is said in the log as it starts
 * failing and as it succeeds again: otherwise only /healthz would tell,
 * while the WAL grows. The database file's writes fail (the unix VFS's
 * pwrite replaced); the WAL's do not.
 */
static int
is_db(const char *path)
{
	return strcmp(path, F.db) == 0;
}

/* Waits (at most 10 s) for the checkpoint thread's last result to be rc. */
static void
checkpoint_becomes(enum store_rc rc)
{
	char why[128];
	int frames, i;

	for (i = 0; i < 1000; i++) {
		if (store_checkpoint_status(F.g->store, &frames, why,
		    sizeof why) == rc)
			return;
		usleep(10000);
	}
	ck_abort_msg("checkpoint status never became %d", rc);
}

START_TEST(test_checkpoint_failure_logged)
{
	struct store_outbound m;
	char *log, path[1100];
	int saved, i;

	tu_disk_full(is_db);
	/* More than 16,000 pages in the WAL: the thread checkpoints. */
	memset(&m, 0, sizeof m);
	snprintf(m.to, sizeof m.to, "%s", VHEAD);
	snprintf(m.kind, sizeof m.kind, "digest");
	memset(m.text, 'x', 2000);
	ck_assert_int_eq(store_begin(F.g->store), STORE_OK);
	for (i = 0; i < 36000; i++)
		ck_assert_int_eq(store_outbound_enqueue(F.g->store, &m, NULL),
		    STORE_OK);
	ck_assert_int_eq(store_commit(F.g->store), STORE_OK);
	checkpoint_becomes(STORE_ERR);

	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	/* Said once, however many commits see it failing. */
	ck_assert_int_eq(inbound(TEACHER, "HELP", "c1"), PIPELINE_ACCEPTED);
	ck_assert_int_eq(inbound(TEACHER, "HELP", "c2"), PIPELINE_ACCEPTED);
	tu_disk_full(NULL);
	/* The next commit asks the thread again; it succeeds. */
	ck_assert_int_eq(inbound(TEACHER, "HELP", "c3"), PIPELINE_ACCEPTED);
	checkpoint_becomes(STORE_OK);
	ck_assert_int_eq(inbound(TEACHER, "HELP", "c4"), PIPELINE_ACCEPTED);
	ck_assert_int_eq(inbound(TEACHER, "HELP", "c5"), PIPELINE_ACCEPTED);
	tu_stderr_back(saved);

	ck_assert_ptr_nonnull(log = tu_read(path));
	ck_assert_msg(tu_count(log, "checkpoint failing") == 1, "%s", log);
	ck_assert_msg(strstr(log, "disk is full") != NULL, "%s", log);
	ck_assert_msg(tu_count(log, "checkpoint succeeds again") == 1, "%s",
	    log);
	free(log);
}
END_TEST

START_TEST(test_sender_requeues_after_crash)
{
	char err[256];

	inbound(TEACHER, "ABS 20240102 1", NULL);
	/* A claim that never got its result, as after a crash. */
	{
		sqlite3 *h;
		ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
		sqlite3_exec(h, "UPDATE outbound SET status = 'sending'", NULL,
		    NULL, NULL);
		sqlite3_close(h);
	}
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
	ck_assert_int_eq(gw_run_due(F.g), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
}
END_TEST

/*
 * /healthz's totals follow rows as the daemon moves them; a row written
 * by hand (an operator's sqlite3) already sent is counted at the next
 * start, when the totals are counted again.
 */
START_TEST(test_totals_counted_at_start)
{
	struct store_queue_stats q;
	char err[256];
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "INSERT INTO outbound(recipient, "
	    "text, kind, priority, status, created_at, due_at, sent_at, "
	    "dlr_status) VALUES('+8613800000009', 'x', 'notice', 0, 'sent', 1, "
	    "1, 1, 'delivered'), ('+8613800000009', 'y', 'notice', 0, "
	    "'failed', 1, 1, NULL, NULL)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
	ck_assert_int_eq(store_outbound_stats(F.g->store, &q), STORE_OK);
	ck_assert_int_eq(q.sent, 1);
	ck_assert_int_eq(q.failed, 1);
	ck_assert_int_eq(q.delivered, 1);
	ck_assert_int_eq(q.undelivered, 0);
}
END_TEST

START_TEST(test_refused_by_every_channel_expires)
{
	/* A text no channel can take (not UTF-8: the F.outbox cannot encode
	 * it): one fresh, one queued a second short of max_age ago (48 h:
	 * claimed, refused, and past it when put back). */
	queue_notice(VHEAD, "CAST(X'FF41' AS TEXT)", T0, T0);
	queue_notice(PRINCIPAL, "CAST(X'FF42' AS TEXT)", T0 - 48 * 3600 + 1,
	    T0);
	gw_run_due(F.g);
	gw_run_due(F.g);
	/* The old one fails (max_age, 48 h); the fresh one waits. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    PRINCIPAL "' AND status = 'failed'"), 1);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE recipient = '"
	    VHEAD "' AND status = 'queued'"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 0);
}
END_TEST

/*
 * A message that no channel could take for longer than max_age (its
 * channels down, or the daemon stopped, for two days) fails when it is
 * next claimed instead of reaching the phone days late; one younger than
 * max_age goes. It used to be sent, however old.
 */
START_TEST(test_stale_message_expires_at_claim)
{
	queue_notice(VHEAD, "'three days late'", T0 - 3 * 86400,
	    T0 - 3 * 86400);
	queue_notice(PRINCIPAL, "'a day late'", T0 - 86400, T0 - 86400);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status || ':' || "
	    "coalesce(last_error, '') FROM outbound WHERE text = "
	    "'three days late'"), "failed:not accepted in time");
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status FROM outbound "
	    "WHERE text = 'a day late'"), "sent");
	ck_assert_int_eq(tu_lines(F.outbox), 1);
}
END_TEST

/* A long outage's stale backlog expires a batch (32) at a time, the loop
 * free between batches, and the sender due again at once. */
START_TEST(test_stale_backlog_expires_in_batches)
{
	int i;

	for (i = 0; i < 40; i++)
		queue_notice(VHEAD, "'stale'", T0 - 3 * 86400, T0 - 3 * 86400);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'failed'"), 32);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'failed'"), 40);
	ck_assert_int_eq(tu_lines(F.outbox), 0);
}
END_TEST

/*
 * A group is answered only once its commit is on disk, and the loop does
 * not wait for the disk meanwhile: with the WAL's sync held, the group is
 * committed (seen by another connection) and the next one applied, and
 * still nobody is answered; once the sync returns, all of them are.
 */
START_TEST(test_answers_wait_for_the_disk)
{
	struct seen w[4] = { { 0 } };
	int i;

	syncspy_hold(1);
	ck_assert_int_eq(submit("ABS 20240101 3", "d1", &w[0]), 0);
	ck_assert_int_eq(submit("ABS 20240102 3", "d2", &w[1]), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), 0);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline), 2);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	ck_assert_int_eq(syncspy_await_held(), 0);
	/* The next group, applied while the first one's sync waits. */
	ck_assert_int_eq(submit("ABS 20240103 3", "d3", &w[2]), 0);
	ck_assert_int_eq(submit("ABS 20240101 3", "d1", &w[3]), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline), 4);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 3);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(w[i].called, 0);
	syncspy_hold(0);
	settle();
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(w[i].called, 1);
	ck_assert_int_eq(w[0].rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w[2].rc, PIPELINE_ACCEPTED);
	/* The retry of d1: a duplicate of a commit that is now on disk. */
	ck_assert_int_eq(w[3].rc, PIPELINE_DUPLICATE);
}
END_TEST

/* An effect for the group commit: a delivery report on one row, which
 * fails after writing it when fail is set. */
struct effect {
	int64_t id;
	int fail, applied;
	struct seen seen;
};

static enum pipeline_rc
effect_apply(void *arg)
{
	struct effect *e = arg;

	e->applied++;
	if (store_outbound_dlr(F.g->store, e->id, "delivered",
	    clock_now(&F.g->clock)) != STORE_OK || e->fail)
		return PIPELINE_FAILED;
	return PIPELINE_ACCEPTED;
}

static void
effect_done(void *arg, enum pipeline_rc rc, int64_t inbound_id)
{
	struct effect *e = arg;

	ck_assert_int_eq(inbound_id, 0);
	e->seen.called++;
	e->seen.rc = rc;
}

/*
 * Effects (delivery reports) join the messages' group commit: applied
 * in the same transaction, a failing one undone with its neighbours kept
 * (the group applied again, each on its own), and each answered only
 * once the commit is on disk.
 */
START_TEST(test_effects_join_the_group)
{
	struct effect e[3] = { { .id = 1 }, { .id = 2, .fail = 1 },
	    { .id = 3 } };
	struct seen w = { 0 };
	int i;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE id <= 3 "
	    "AND status = 'sent'"), 3);
	settle();
	syncspy_hold(1);
	ck_assert_int_eq(pipeline_submit_effect(F.g->pipeline, effect_apply,
	    PIPELINE_DONE_PLAIN, effect_done, &e[0]), 0);
	ck_assert_int_eq(submit("ABS 20240102 3", "d2", &w), 0);
	for (i = 1; i < 3; i++)
		ck_assert_int_eq(pipeline_submit_effect(F.g->pipeline,
		    effect_apply, PIPELINE_DONE_PLAIN, effect_done, &e[i]), 0);
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), 4);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	/* One group: all four committed, none answered. */
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), 0);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline), 4);
	ck_assert_int_eq(rows("SELECT count(*) FROM inbound"), 2);
	/* Rows 1 and 3 (2 + 8), not 2. */
	ck_assert_int_eq(rows("SELECT sum(1 << id) FROM outbound WHERE "
	    "dlr_status = 'delivered'"), 10);
	ck_assert_int_eq(e[1].applied, 2);
	ck_assert_int_eq(e[0].seen.called + e[1].seen.called +
	    e[2].seen.called + w.called, 0);
	syncspy_hold(0);
	settle();
	ck_assert_int_eq(e[0].seen.rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(e[1].seen.rc, PIPELINE_FAILED);
	ck_assert_int_eq(e[2].seen.rc, PIPELINE_ACCEPTED);
	ck_assert_int_eq(w.rc, PIPELINE_ACCEPTED);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(e[i].seen.called, 1);
}
END_TEST

/*
 * A delivery report is answered once it is on disk, as a message is, and
 * its commit leaves the sync to the store's thread: a provider's burst of
 * reports (one for each SMS sent, three or four for each message taken
 * in) no longer holds the loop for the disk one report at a time.
 */
START_TEST(test_dlr_answer_waits_for_the_disk)
{
	static const char rq[] = "GET /sms/dlr?id=1&status=1&token=t0k "
	    "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct http *h;
	struct pollfd pf;
	char err[256], buf[512];
	size_t got = 0;
	ssize_t n;
	int fd, i;

	ck_assert_int_eq(inbound(TEACHER, "ABS 20240101 3", "d1"),
	    PIPELINE_ACCEPTED);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE id = 1 "
	    "AND status = 'sent'"), 1);
	snprintf(F.cfg.listen_host, sizeof F.cfg.listen_host, "127.0.0.1");
	F.cfg.listen_port = 0;
	snprintf(F.cfg.http_token, sizeof F.cfg.http_token, "t0k");
	F.cfg.http_max_body = 4096;
	F.cfg.http_max_conns = 8;
	F.cfg.http_slow_timeout = 10;
	h = http_new(F.g, -1, err, sizeof err);
	ck_assert_msg(h != NULL, "%s", err);
	settle();
	syncspy_hold(1);
	ck_assert_int_ge(fd = tu_connect(http_port(h)), 0);
	ck_assert_int_eq(write(fd, rq, sizeof rq - 1), (ssize_t)sizeof rq - 1);
	/* Committed (seen by another connection), not answered. Waited
	 * for by time (10 s), not by turns of the loop: the request reaches
	 * the loop from the front's thread, which a loaded machine (three
	 * sanitizer builds at once) may not run for a while. */
	for (i = 0; i < 10000 && rows("SELECT count(*) FROM outbound WHERE "
	    "id = 1 AND dlr_status = 'delivered'") == 0; i++) {
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE |
		    EVLOOP_NONBLOCK), 0);
		usleep(1000);
	}
	ck_assert_int_eq(syncspy_await_held(), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE id = 1 "
	    "AND dlr_status = 'delivered'"), 1);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
	pf.fd = fd;
	pf.events = POLLIN;
	ck_assert_int_eq(poll(&pf, 1, 50), 0);
	syncspy_hold(0);
	for (i = 0; i < 5000; i++) {
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
		if (poll(&pf, 1, 1) == 1) {
			if ((n = read(fd, buf + got, sizeof buf - 1 - got)) <= 0)
				break;
			got += (size_t)n;
		}
	}
	buf[got] = '\0';
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200", 12) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "\"applied\":1"));
	close(fd);
	http_free(h);
}
END_TEST

/*
 * As the daemon stops, every message still waiting is answered (503, to
 * be sent again), the queued one and the committed one alike, and what
 * its answer owned is freed by it.
 */
START_TEST(test_drop_answers_what_waits)
{
	struct seen w[2] = { { 0 } };

	syncspy_hold(1);
	ck_assert_int_eq(submit("ABS 20240101 3", "w1", &w[0]), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	ck_assert_int_eq(submit("ABS 20240102 3", "w2", &w[1]), 0);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline), 1);
	ck_assert_int_eq(pipeline_pending(F.g->pipeline), 1);
	pipeline_drop(F.g->pipeline);
	ck_assert_int_eq(w[0].called, 1);
	ck_assert_int_eq(w[0].rc, PIPELINE_FAILED);
	ck_assert_int_eq(w[1].called, 1);
	ck_assert_int_eq(w[1].rc, PIPELINE_FAILED);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline) +
	    pipeline_pending(F.g->pipeline), 0);
	syncspy_hold(0);
	/* Nothing left to answer twice. */
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_NONBLOCK), 0);
	ck_assert_int_eq(w[0].called + w[1].called, 2);
}
END_TEST

/*
 * A message changed by hand while in flight (an operator cancels it)
 * is no longer the sender's to record: its result is said and skipped,
 * and the results after it are recorded. Kept, it failed every record
 * from then on, and each message sent meanwhile stayed "sending", to be
 * sent again at the next start. (Found by a review.)
 */
START_TEST(test_result_of_a_changed_row_skipped)
{
	char q[512], path[1100], *log;
	int saved, i;

	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	queue_notice(VHEAD, "'first'", T0, T0);
	fsync_sql = "UPDATE outbound SET status = 'failed', last_error = "
	    "'cancelled by operator' WHERE text = 'first'";
	ck_assert_int_ge(gw_run_due(F.g), 0);
	for (i = 1; i <= 3; i++) {
		snprintf(q, sizeof q, "INSERT INTO outbound(recipient, text, "
		    "kind, priority, created_at, due_at) VALUES('" PRINCIPAL
		    "', 'later %d', 'notice', 2, %lld, %lld)", i,
		    (long long)T0 + i * 60, (long long)T0 + i * 60);
		by_hand(q);
		ck_assert_int_eq(clock_set(&F.g->clock, T0 + i * 60), 0);
		ck_assert_int_ge(gw_run_due(F.g), 0);
	}
	tu_stderr_back(saved);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text LIKE "
	    "'later%' AND status = 'sent'"), 3);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text = "
	    "'first' AND status = 'failed'"), 1);
	ck_assert_ptr_nonnull(log = tu_read(path));
	ck_assert_msg(strstr(log, "its result (sent) not recorded: the "
	    "message is no longer marked as being sent") != NULL, "%s", log);
	free(log);
}
END_TEST

/*
 * A message its channel does not take (the outbox cannot write a text
 * that is not UTF-8) waits on its own, and the message behind it goes:
 * it used to be put back with it, at every pass, until the first one
 * expired 48 h later. (Found by a review.)
 */
START_TEST(test_refused_message_waits_alone)
{
	queue_notice(VHEAD, "CAST(X'FF41' AS TEXT)", T0 - 60, T0);
	queue_notice(PRINCIPAL, "'good notice'", T0, T0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text = "
	    "'good notice' AND status = 'sent'"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
	/* The refused one waits, queued, for its own next try. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued' AND due_at > " "1788224400"), 1);
}
END_TEST

/*
 * Messages a channel refused are put back in a transaction of their own;
 * when that one fails (baoxuectl holding the lock past the busy timeout,
 * a full disk), they are kept in memory and put back at the next pass.
 * They used to stay 'sending' until the next start. (Found by a review.)
 */
START_TEST(test_failed_putback_tried_again)
{
	char path[1100];
	int saved;

	by_hand("CREATE TABLE block(x); INSERT INTO block VALUES(1); "
	    "CREATE TRIGGER no_putback BEFORE UPDATE ON outbound WHEN "
	    "OLD.status = 'sending' AND NEW.status = 'queued' AND "
	    "(SELECT count(*) FROM block) > 0 BEGIN SELECT RAISE(ABORT, "
	    "'blocked by the test'); END");
	queue_notice(VHEAD, "CAST(X'FF41' AS TEXT)", T0, T0);
	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	tu_stderr_back(saved);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'sending'"), 1);
	by_hand("DELETE FROM block");
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 1), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	/* Queued again, for a later try, without a restart. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'queued' AND due_at > " "1788224400"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 0);
}
END_TEST

/*
 * Nothing wakes anyone at night: a reply goes during quiet hours only to
 * someone who has just texted. One made in the afternoon and retried
 * until midnight waits for the morning. (Found by a review.)
 */
START_TEST(test_old_reply_waits_for_the_morning)
{
	char q[512];

	F.g->quiet.start = 21 * 60;
	F.g->quiet.end = 7 * 60 + 30;
	/* Made 16:00, retried, due again at 00:00; and one just made. */
	snprintf(q, sizeof q, "INSERT INTO outbound(recipient, text, kind, "
	    "priority, created_at, due_at, attempts) VALUES"
	    "('" VHEAD "', 'reply from the afternoon', 'reply', 0, %lld, "
	    "%lld, 5), ('" PRINCIPAL "', 'reply just made', 'reply', 0, "
	    "%lld, %lld, 0)", (long long)T0 + 7 * 3600,
	    (long long)T0 + 15 * 3600, (long long)T0 + 15 * 3600 - 60,
	    (long long)T0 + 15 * 3600);
	by_hand(q);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 15 * 3600), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'sent' AND text = 'reply just made'"), 1);
	/* 07:30 the next morning. */
	ck_assert_int_eq(rows("SELECT due_at FROM outbound WHERE text = "
	    "'reply from the afternoon' AND status = 'queued'"),
	    T0 + 22 * 3600 + 1800);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
}
END_TEST

/*
 * A notice merged into a message that then fails for good (not accepted
 * within max_age) is not failed with it when it is younger: it goes
 * again, alone or merged anew. It used to fail with it, seconds old.
 * (Found by a review.)
 */
START_TEST(test_merged_notice_outlives_its_carrier)
{
	char q[512], err[256];

	F.cfg.channels[0].merge = 1;
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
	snprintf(q, sizeof q, "INSERT INTO outbound(recipient, text, kind, "
	    "priority, created_at, due_at, attempts) VALUES"
	    "('" VHEAD "', 'old notice', 'notice', 2, %lld, %lld, 0),"
	    "('" VHEAD "', 'fresh notice', 'notice', 2, %lld, %lld, 0)",
	    (long long)T0 - 48 * 3600 + 10, (long long)T0, (long long)T0,
	    (long long)T0);
	by_hand(q);
	fsync_fail = 1;		/* the outbox fails once: a retry */
	ck_assert_int_ge(gw_run_due(F.g), 0);
	fsync_fail = 0;
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status || ':' || "
	    "coalesce(last_error, '') FROM outbound WHERE text = "
	    "'old notice'"), "failed:not accepted in time");
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status || ':' || "
	    "coalesce(merged_into, 0) FROM outbound WHERE text = "
	    "'fresh notice'"), "queued:0");
	/* And it goes. */
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 3600), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status FROM outbound "
	    "WHERE text = 'fresh notice'"), "sent");
}
END_TEST

/* The fixture's gateway again, with merging on its channel. */
static void
restart_merging(void)
{
	char err[256];

	F.cfg.channels[0].merge = 1;
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
}

/* The next start, and all that is due sent, now and an hour later. */
static void
restart_and_send_all(void)
{
	restart_merging();
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_ge(clock_set(&F.g->clock, T0 + 3600), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

/* How many lines of the outbox hold what. */
static int
outbox_holds(const char *what)
{
	char *all = tu_read(F.outbox);
	int n;

	ck_assert_ptr_nonnull(all);
	n = tu_count(all, what);
	free(all);
	return n;
}

/*
 * Two notices went out as one SMS, and the daemon died after the outbox
 * had the line but before the queue recorded it: both rows are still
 * 'sending' at the next start. A notice queued since must not be joined
 * to that SMS when it is offered again: the outbox knows the SMS by its
 * id, finds it written, and would count the new notice as sent with it,
 * though no line ever held it. (Found by a review.)
 */
START_TEST(test_crash_reoffers_merged_sms_as_it_was)
{
	restart_merging();
	queue_notice(VHEAD, "'first notice'", T0 - 60, T0);
	queue_notice(VHEAD, "'second notice'", T0 - 30, T0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
	ck_assert_int_eq(outbox_holds("second notice"), 1);
	/* As a kill -9 after the outbox's fsync leaves them. */
	by_hand("UPDATE outbound SET status = 'sending', sent_at = NULL, "
	    "provider_ref = NULL WHERE text LIKE '%notice'");
	queue_notice(VHEAD, "'third notice'", T0, T0);
	restart_and_send_all();
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'sent'"), 3);
	ck_assert_int_eq(outbox_holds("third notice"), 1);
	/* Nothing twice. */
	ck_assert_int_eq(outbox_holds("first notice"), 1);
	ck_assert_int_eq(outbox_holds("second notice"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 2);
}
END_TEST

/*
 * The same crash, and the notice queued since comes first in the queue:
 * it must not carry the notices that may already be on the phone. It
 * used to take them in, and they were written a second time.
 */
START_TEST(test_crash_sms_not_carried_by_another)
{
	char q[512];

	restart_merging();
	queue_notice(VHEAD, "'first notice'", T0 - 60, T0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(tu_lines(F.outbox), 1);
	by_hand("UPDATE outbound SET status = 'sending', sent_at = NULL, "
	    "provider_ref = NULL WHERE text = 'first notice'");
	/* Priority 1: ahead of notices (2) in the queue. */
	snprintf(q, sizeof q, "INSERT INTO outbound(recipient, text, kind, "
	    "priority, created_at, due_at) VALUES('" VHEAD "', "
	    "'urgent escalation', 'escalation', 1, %lld, %lld)",
	    (long long)T0, (long long)T0);
	by_hand(q);
	restart_and_send_all();
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE status = "
	    "'sent'"), 2);
	ck_assert_int_eq(outbox_holds("urgent escalation"), 1);
	ck_assert_int_eq(outbox_holds("first notice"), 1);
	ck_assert_int_eq(tu_lines(F.outbox), 2);
}
END_TEST

/* A merged row left 'sending' whose carrier is not (a carrier changed by
 * hand, say) goes again alone at the next start, not never. */
START_TEST(test_loose_merged_row_requeued)
{
	queue_notice(VHEAD, "'the carrier'", T0 - 60, T0);
	queue_notice(VHEAD, "'carried'", T0 - 30, T0);
	by_hand("UPDATE outbound SET status = 'sent', sent_at = 1 WHERE text = "
	    "'the carrier'");
	by_hand("UPDATE outbound SET status = 'sending', merged_into = (SELECT "
	    "id FROM outbound WHERE text = 'the carrier') WHERE text = "
	    "'carried'");
	restart_merging();
	ck_assert_str_eq(tu_sql_text(F.db, "SELECT status || ':' || "
	    "coalesce(merged_into, 0) FROM outbound WHERE text = 'carried'"),
	    "queued:0");
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(outbox_holds("carried"), 1);
	ck_assert_int_eq(outbox_holds("the carrier"), 0);
}
END_TEST

/*
 * A channel that is down holds up only the numbers it alone serves: a
 * message for a number another channel serves goes. It used to wait
 * behind the first message of the down channel, the batch stopped there,
 * for as long as the channel was down. (Found by a review.)
 */
START_TEST(test_down_channel_holds_only_its_own)
{
	static char outbox_b[1100];
	char q[1024], err[256];
	int i;

	/* A (the fixture's outbox) serves the village head, B the
	 * principal. */
	snprintf(F.cfg.channels[0].prefixes,
	    sizeof F.cfg.channels[0].prefixes, "%s", VHEAD);
	F.cfg.nchannels = 2;
	F.cfg.channels[1] = F.cfg.channels[0];
	snprintf(F.cfg.channels[1].name, sizeof F.cfg.channels[1].name, "b");
	snprintf(outbox_b, sizeof outbox_b, "%s/b.jsonl", F.dir);
	snprintf(F.cfg.channels[1].path, sizeof F.cfg.channels[1].path, "%s",
	    outbox_b);
	snprintf(F.cfg.channels[1].prefixes,
	    sizeof F.cfg.channels[1].prefixes, "%s", PRINCIPAL);
	gw_free(F.g);
	F.g = gw_new(F.base, &F.cfg, err, sizeof err);
	ck_assert_msg(F.g != NULL, "%s", err);
	/* Three failures in a row on A: A is down for a while. */
	fsync_fail_path = F.outbox;
	for (i = 0; i < 3; i++) {
		snprintf(q, sizeof q, "'v%d'", i);
		queue_notice(VHEAD, q, T0 - 600, T0);
		ck_assert_int_ge(gw_run_due(F.g), 0);
	}
	fsync_fail_path = NULL;
	queue_notice(VHEAD, "'for A'", T0 - 60, T0);
	queue_notice(PRINCIPAL, "'for B'", T0, T0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text = "
	    "'for B' AND status = 'sent'"), 1);
	ck_assert_int_eq(tu_lines(outbox_b), 1);
	/* A's waits for A, queued. */
	ck_assert_int_eq(rows("SELECT count(*) FROM outbound WHERE text = "
	    "'for A' AND status = 'queued' AND due_at > 1788224400"), 1);
}
END_TEST

/*
 * A slow disk is said in the log. The group's commit used to take the
 * sync's time and was logged when over 50 ms; the commit no longer
 * waits, so the sync says it itself, with the messages that waited.
 */
START_TEST(test_slow_sync_logged)
{
	struct seen w[2] = { { 0 } };
	char path[1100], *log, *at;
	long ms, longest = 0;
	int saved;

	snprintf(path, sizeof path, "%s.log", F.db);
	saved = tu_stderr_to(path);
	ck_assert_int_eq(submit("ABS 20240101 3", "s1", &w[0]), 0);
	settle();
	/* Held for 200 ms. */
	syncspy_hold(1);
	ck_assert_int_eq(submit("ABS 20240102 3", "s2", &w[1]), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	usleep(200 * 1000);
	syncspy_hold(0);
	settle();
	tu_stderr_back(saved);
	ck_assert_int_eq(w[1].called, 1);
	ck_assert_ptr_nonnull(log = tu_read(path));
	/* The held one, at least (a slow disk may add the first). */
	for (at = log; (at = strstr(at, "log took ")) != NULL; at++)
		if ((ms = strtol(at + 9, NULL, 10)) > longest)
			longest = ms;
	ck_assert_msg(longest >= 200, "%s", log);
	ck_assert_msg(strstr(log, "ms to reach the disk; 1 message(s) waited "
	    "for it") != NULL, "%s", log);
	free(log);
}
END_TEST

/*
 * bx_hook(), on every connection this program opens (registered in
 * main): a trigger on the loop's own connection calls it from inside a
 * message's apply, where the test has no other way in.
 */
static void (*hook_fn)(void);

static void
hook_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	if (hook_fn)
		hook_fn();
	sqlite3_result_null(ctx);
}

static int
hook_register(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	(void)api;
	return sqlite3_create_function(db, "bx_hook", 0, SQLITE_UTF8, NULL,
	    hook_sql, NULL, NULL);
}

/* The hook fires when the inbound row with this provider id goes in. */
static void
hook_on(const char *provider_id, void (*fn)(void))
{
	sqlite3 *h;
	char *sql;

	ck_assert_int_eq(sqlite3_open(F.db, &h), SQLITE_OK);
	sql = sqlite3_mprintf("CREATE TRIGGER hook AFTER INSERT ON inbound "
	    "WHEN NEW.provider_id = %Q BEGIN SELECT bx_hook(); END",
	    provider_id);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(h);
	hook_fn = fn;
}

/* From inside a group: the held sync goes through, and the loop waits
 * (it is this thread) until the store says so. */
static void
sync_returns_now(void)
{
	uint64_t before, upto;

	ck_assert_int_eq(store_synced_peek(F.g->store, &before), STORE_OK);
	syncspy_hold(0);
	do {
		usleep(1000);
		ck_assert_int_eq(store_synced_peek(F.g->store, &upto),
		    STORE_OK);
	} while (upto == before);
}

/*
 * A plain answer (HTTP's) goes as soon as its sync returns, even while
 * the next group is being applied, not once that group is done; an
 * answer that may read the store (USSD's) waits for the group's end.
 */
START_TEST(test_plain_answers_go_mid_group)
{
	struct seen a = { 0 }, u = { 0 }, b[2] = { { 0 } };

	syncspy_hold(1);
	ck_assert_int_eq(submit_as("ABS 20240101 3", "a1",
	    PIPELINE_DONE_PLAIN, &a), 0);
	ck_assert_int_eq(submit_as("ABS 20240102 3", "u1", 0, &u), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	ck_assert_int_eq(pipeline_syncing(F.g->pipeline), 2);
	/* The first group's sync returns inside the second group. */
	hook_on("b1", sync_returns_now);
	ck_assert_int_eq(submit("ABS 20240103 3", "b1", &b[0]), 0);
	ck_assert_int_eq(submit("ABS 20240104 3", "b2", &b[1]), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(a.called, 1);
	ck_assert_int_eq(a.rc, PIPELINE_ACCEPTED);
	/* Before the second group committed. */
	ck_assert_int_eq(a.inbound, 2);
	ck_assert_int_eq(u.called, 1);
	ck_assert_int_eq(u.inbound, 4);
	settle();
	ck_assert_int_eq(b[0].called + b[1].called, 2);
	ck_assert_int_eq(b[1].rc, PIPELINE_ACCEPTED);
}
END_TEST

static void
never_answered(void *arg, enum pipeline_rc rc, int64_t inbound_id)
{
	(void)arg;
	(void)inbound_id;
	/* Not a check failure: that exits 1 too, as the test expects. */
	fprintf(stderr, "answered (%d) after its commit's sync failed\n", rc);
	_exit(2);
}

/*
 * A failed sync of the WAL stops the daemon, unanswered: what was
 * committed since the last good sync may be gone from the disk, and no
 * later sync can tell (the kernel may have dropped the pages). The
 * providers send it again; a restart recovers what the WAL holds.
 */
/* The test below ends in exit(): no teardown runs, so its temp dir goes
 * as the process ends. */
static void
remove_dir_at_exit(void)
{
	tu_rmdir(F.dir);
}

START_TEST(test_failed_sync_stops_unanswered)
{
	struct pipeline_in in = { "http", "f1", TEACHER, NULL,
	    "ABS 20240101 3", 14, NULL, 0 };

	ck_assert_int_eq(atexit(remove_dir_at_exit), 0);
	syncspy_fail(EIO);
	ck_assert_int_eq(pipeline_submit(F.g->pipeline, &in,
	    PIPELINE_DONE_PLAIN, never_answered, NULL), 0);
	for (;;)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
}
END_TEST

/* From inside a group: the held sync fails, and the loop waits until
 * the store says so. */
static void
sync_fails_now(void)
{
	uint64_t upto;

	syncspy_hold(0);
	while (store_synced_peek(F.g->store, &upto) == STORE_OK)
		usleep(1000);
}

/* The same when the sync fails while the next group is applied: not
 * answered in the middle of it either. */
START_TEST(test_failed_sync_mid_group_unanswered)
{
	struct pipeline_in in = { "http", "f1", TEACHER, NULL,
	    "ABS 20240101 3", 14, NULL, 0 };

	ck_assert_int_eq(atexit(remove_dir_at_exit), 0);
	syncspy_hold(1);
	syncspy_fail(EIO);
	ck_assert_int_eq(pipeline_submit(F.g->pipeline, &in,
	    PIPELINE_DONE_PLAIN, never_answered, NULL), 0);
	ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(syncspy_await_held(), 0);
	hook_on("f2", sync_fails_now);
	in.provider_id = "f2";
	in.text = "ABS 20240102 3";
	ck_assert_int_eq(pipeline_submit(F.g->pipeline, &in,
	    PIPELINE_DONE_PLAIN, never_answered, NULL), 0);
	for (;;)
		ck_assert_int_eq(event_base_loop(F.base, EVLOOP_ONCE), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("pipeline");
	int failed;

	/* Before any connection: every one gets bx_hook(). */
	if (sqlite3_auto_extension((void (*)(void))hook_register) !=
	    SQLITE_OK)
		return 1;
	tcase_set_timeout(tc, 120);	/* a full queue is 4096 messages */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_abs_one_transaction);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_several_in_one);
	tcase_add_test(tc, test_bad_part_keeps_the_good);
	tcase_add_test(tc, test_error_replies);
	tcase_add_test(tc, test_nothing_dropped_unsaid);
	tcase_add_test(tc, test_help_by_role);
	tcase_add_test(tc, test_every_reply_fits_one_segment);
	tcase_add_test(tc, test_who_may_report);
	tcase_add_test(tc, test_unregistered_once_a_day);
	tcase_add_test(tc, test_unregistered_abroad_not_answered);
	tcase_add_test(tc, test_failure_rolls_back_everything);
	tcase_add_test(tc, test_sender_requeues_after_crash);
	tcase_add_test(tc, test_totals_counted_at_start);
	tcase_add_test(tc, test_sender_idle_while_channels_down);
	tcase_add_test(tc, test_outbox_must_be_a_file);
	tcase_add_test(tc, test_signature_must_be_text);
	tcase_add_test(tc, test_outbox_one_fsync_per_pass);
	tcase_add_test(tc, test_sender_pass_waits_for_its_claim_on_disk);
	tcase_add_test(tc, test_sender_stop_sends_the_held_claim);
	tcase_add_test(tc, test_outbox_other_database);
	tcase_add_test(tc, test_outbox_line_without_database);
	tcase_add_test(tc, test_expired_signatures_forgotten);
	tcase_add_test(tc, test_checkpoint_failure_logged);
	tcase_add_test(tc, test_group_commit_isolates_a_bad_neighbour);
	tcase_add_test(tc, test_group_refusals_write_nothing);
	tcase_add_test(tc, test_group_logs_what_committed);
	tcase_add_test(tc, test_failed_message_logs_no_arrival);
	tcase_add_test(tc, test_sender_pass_waits_for_a_burst);
	tcase_add_test(tc, test_full_queue_refuses_then_recovers);
	tcase_add_test(tc, test_answers_wait_for_the_disk);
	tcase_add_test(tc, test_dlr_answer_waits_for_the_disk);
	tcase_add_test(tc, test_effects_join_the_group);
	tcase_add_test(tc, test_slow_sync_logged);
	tcase_add_test(tc, test_plain_answers_go_mid_group);
	tcase_add_test(tc, test_drop_answers_what_waits);
	tcase_add_test(tc, test_result_of_a_changed_row_skipped);
	tcase_add_test(tc, test_refused_message_waits_alone);
	tcase_add_test(tc, test_failed_putback_tried_again);
	tcase_add_test(tc, test_old_reply_waits_for_the_morning);
	tcase_add_test(tc, test_merged_notice_outlives_its_carrier);
	tcase_add_test(tc, test_crash_reoffers_merged_sms_as_it_was);
	tcase_add_test(tc, test_crash_sms_not_carried_by_another);
	tcase_add_test(tc, test_loose_merged_row_requeued);
	tcase_add_test(tc, test_down_channel_holds_only_its_own);
	tcase_add_exit_test(tc, test_failed_sync_stops_unanswered, 1);
	tcase_add_exit_test(tc, test_failed_sync_mid_group_unanswered, 1);
	tcase_add_test(tc, test_refused_by_every_channel_expires);
	tcase_add_test(tc, test_stale_message_expires_at_claim);
	tcase_add_test(tc, test_stale_backlog_expires_in_batches);
	suite_add_tcase(s, tc);
	failed = tu_run(s);
	return failed;
}
