/*
 * Retention of what people wrote (PROTOCOLS.md 8.3): the words of SMS
 * received and sent, absence notes and visit notes, wiped once older than
 * the configured days; who, when, what kind and the cases' facts kept.
 * First the store's step on a temp database, then the daemon's schedule
 * with the demo roster and the manual clock.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/clock.h"
#include "gateway/gw.h"
#include "store/store.h"
#include "store/store_int.h"
#include "tests/gwfix.h"
#include "tests/testutil.h"

static char *dir;
static char dbpath[4096];
static struct store *st;

static void
setup(void)
{
	char err[256];

	dir = tu_tmpdir();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	/* A student and a teacher for the rows' references (the test's own
	 * connection does not check them; the store's would). */
	ck_assert_int_eq(tu_sql_exec(dbpath,
	    "INSERT INTO places VALUES ('C', 'C', 'county', NULL),"
	    " ('T', 'T', 'township', 'C'), ('V', 'V', 'village', 'T'),"
	    " ('S', 'S', 'school', 'T'), ('K', 'K', 'class', 'S');"
	    "INSERT INTO people(id, phone, name, role, scope)"
	    " VALUES (1, '+8613800000001', '王丽', 'head_teacher', 'K');"
	    "INSERT INTO students(id, student_no, name, gender, class,"
	    " village, guardian_phone)"
	    " VALUES (1, '20240101', '张小明', 'M', 'K', 'V', NULL);"
	    "INSERT INTO cases(id, student_id, status, absent_since,"
	    " opened_at, last_action, last_action_at)"
	    " VALUES (1, 1, 'open', 100, 100, 'open', 100);"), 0);
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	tu_rmdir(dir);
}

static void
sql(const char *q)
{
	ck_assert_int_eq(tu_sql_exec(dbpath, q), 0);
}

static long long
num(const char *q)
{
	return tu_sql_int(dbpath, q);
}

static const char *
text(const char *q)
{
	return tu_sql_text(dbpath, q);
}

/* An SMS received at `at` (and nothing else about it). */
static void
put_inbound(int id, int at, const char *words)
{
	char q[512];

	snprintf(q, sizeof q, "INSERT INTO inbound(id, channel, provider_id,"
	    " sender, text, received_at) VALUES (%d, 'http', 'p%d',"
	    " '+8613800000001', '%s', %d)", id, id, words, at);
	sql(q);
}

static void
put_outbound(int id, int at, const char *status, const char *words)
{
	char q[512];

	snprintf(q, sizeof q, "INSERT INTO outbound(id, recipient, text, kind,"
	    " priority, status, created_at, due_at) VALUES (%d,"
	    " '+8613800000001', '%s', 'notice', 1, '%s', %d, %d)", id, words,
	    status, at, at);
	sql(q);
}

/* "Now" for the store's tests: rows dated after it are reported. */
#define AHEAD 10000

/* One step in its own transaction. */
static int
step(int64_t before, int batch, struct store_wiped *w)
{
	int more = -1;

	memset(w, 0, sizeof *w);
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_retention_step(st, before, AHEAD, batch, w,
	    &more), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert(more == 0 || more == 1);
	return more;
}

/* The words go; who, when, what kind, how it went and the case's facts
 * stay. */
START_TEST(test_wipes_what_is_old)
{
	struct store_wiped w;

	put_inbound(1, 100, "ABS 20240101 3 病 发烧咳嗽");
	put_inbound(2, 499, "VIS 20240101 返 已回校");
	put_inbound(3, 500, "RET 20240101");
	put_outbound(1, 100, "sent", "张*明 缺课3天");
	put_outbound(2, 200, "failed", "李*四 缺课");
	put_outbound(3, 600, "sent", "王*五 已返校");
	/* A provider's refusal quoting the text. */
	sql("UPDATE outbound SET last_error = 'HTTP 400: bad content 李*四 缺课'"
	    " WHERE id = 2");
	sql("INSERT INTO absences(id, student_id, reporter_id, days, reason,"
	    " note, inbound_id, reported_at) VALUES"
	    " (1, 1, 1, 3, 'illness', '发烧咳嗽', 1, 100),"
	    " (2, 1, 1, 2, 'family', '回老家', 3, 500);"
	    "INSERT INTO events(id, case_id, student_id, actor_id, at, what,"
	    " detail, inbound_id) VALUES"
	    " (1, 1, 1, 1, 100, 'open', 'days=3 reason=illness dropout=0', 1),"
	    " (2, 1, 1, 1, 499, 'visit', 'outcome=returned note=已回校', 2),"
	    " (3, 1, 1, 1, 499, 'visit', 'outcome=refused', 2),"
	    " (4, NULL, 1, 1, 200, 'home_visit', 'outcome=fine note=父母外出',"
	    " 2),"
	    " (5, 1, 1, 1, 500, 'visit', 'outcome=ill note=在家养病', 3);");
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.inbound, 2);
	ck_assert_int_eq(w.outbound, 2);
	ck_assert_int_eq(w.absences, 1);
	ck_assert_int_eq(w.events, 2);

	ck_assert_str_eq(text("SELECT group_concat(id || ':' || text || ':' ||"
	    " sender || ':' || received_at || ':' || provider_id, '|')"
	    " FROM inbound"), "1::+8613800000001:100:p1|2::+8613800000001:"
	    "499:p2|3:RET 20240101:+8613800000001:500:p3");
	ck_assert_str_eq(text("SELECT group_concat(id || ':' || text || ':' ||"
	    " recipient || ':' || kind || ':' || status, '|') FROM outbound"),
	    "1::+8613800000001:notice:sent|2::+8613800000001:notice:failed|"
	    "3:王*五 已返校:+8613800000001:notice:sent");
	ck_assert_int_eq(num("SELECT count(*) FROM outbound WHERE last_error"
	    " IS NOT NULL"), 0);
	ck_assert_str_eq(text("SELECT group_concat(id || ':' ||"
	    " coalesce(note, '-') || ':' || reason || ':' || days, '|')"
	    " FROM absences"), "1:-:illness:3|2:回老家:family:2");
	ck_assert_str_eq(text("SELECT group_concat(id || ':' || detail, '|')"
	    " FROM events"), "1:days=3 reason=illness dropout=0|"
	    "2:outcome=returned|3:outcome=refused|4:outcome=fine|"
	    "5:outcome=ill note=在家养病");
	ck_assert_int_eq(num("SELECT count(*) FROM cases WHERE status ="
	    " 'open'"), 1);

	/* Again: nothing more to do, nothing changed. */
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.inbound + w.outbound + w.absences + w.events, 0);
}
END_TEST

/* An SMS still queued or being sent keeps its words (the sender needs
 * them), and the rows after it wait with it; once it has gone, all go. */
START_TEST(test_unsent_kept)
{
	struct store_wiped w;

	put_outbound(1, 100, "sent", "一");
	put_outbound(2, 100, "queued", "二");
	put_outbound(3, 100, "sent", "三");
	put_outbound(4, 100, "sending", "四");
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.outbound, 1);
	ck_assert_str_eq(text("SELECT group_concat(text, '|') FROM"
	    " (SELECT text FROM outbound ORDER BY id)"), "|二|三|四");
	sql("UPDATE outbound SET status = 'sent' WHERE id = 2");
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.outbound, 2);
	ck_assert_str_eq(text("SELECT group_concat(text, '|') FROM"
	    " (SELECT text FROM outbound ORDER BY id)"), "|||四");
	sql("UPDATE outbound SET status = 'failed' WHERE id = 4");
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.outbound, 1);
	ck_assert_int_eq(num("SELECT count(*) FROM outbound WHERE text <> ''"),
	    0);
}
END_TEST

/* A batch at a time, the place reached kept in the database: a restart
 * goes on from there. */
START_TEST(test_batches_resume)
{
	struct store_wiped w;
	char err[256];
	int i, steps = 0, total = 0;

	for (i = 1; i <= 7; i++)
		put_inbound(i, 100 + i, "ABS 20240101 1");
	ck_assert_int_eq(step(500, 3, &w), 1);
	ck_assert_int_eq(w.inbound, 3);
	store_close(st);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	/* The first three are not read again: a row made to look unwiped
	 * behind the place reached stays as it is. */
	sql("UPDATE inbound SET text = 'X' WHERE id = 2");
	do {
		ck_assert_int_lt(++steps, 10);
		i = step(500, 3, &w);
		total += (int)w.inbound;
	} while (i);
	ck_assert_int_eq(total, 4);
	ck_assert_str_eq(text("SELECT group_concat(text, '|') FROM"
	    " (SELECT text FROM inbound ORDER BY id)"), "|X|||||");
}
END_TEST

/* How many times what occurs in n bytes. */
static int
count_in(const char *bytes, size_t n, const char *what)
{
	const char *p = bytes, *end = bytes + n;
	size_t w = strlen(what);
	int k = 0;

	while (p < end && (p = memmem(p, (size_t)(end - p), what, w)) != NULL) {
		k++;
		p += w;
	}
	return k;
}

/* Wiped means gone from the file, not left in a page's free space (the
 * test turns SQLite's secure_delete off first, as some builds have it). */
START_TEST(test_gone_from_the_file)
{
	/* Long enough to outlast the bytes a page's free block reuses. */
	static const char secret[] = "SECRET-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-"
	    "7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-7Q2Z-END";
	struct store_wiped w;
	char err[256], q[512], *bytes;
	size_t n;
	int i;

	/* One row among others already wiped, each table in one page: a
	 * page rebuilt (as many rows shrinking at once may have it) would
	 * hide a wipe that leaves the words in free space. */
	for (i = 1; i <= 30; i++) {
		snprintf(q, sizeof q, "INSERT INTO absences(id, student_id,"
		    " reporter_id, days, reason, note, inbound_id, reported_at)"
		    " VALUES (%d, 1, 1, 3, 'illness', %s%s%s, %d, 100)", i,
		    i == 15 ? "'" : "", i == 15 ? secret : "NULL",
		    i == 15 ? "'" : "", i);
		put_inbound(i, 100, i == 15 ? secret : "");
		sql(q);
		put_outbound(i, 100, "sent", i == 15 ? secret : "");
	}
	/* Written into the file itself, as an old row would be. */
	store_close(st);
	bytes = tu_read_n(dbpath, &n);
	ck_assert_ptr_nonnull(bytes);
	ck_assert_int_eq(count_in(bytes, n, secret), 3);
	free(bytes);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_exec(st->db,
	    "PRAGMA secure_delete = OFF", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.inbound + w.outbound + w.absences, 3);
	store_close(st);
	st = NULL;
	bytes = tu_read_n(dbpath, &n);
	ck_assert_ptr_nonnull(bytes);
	ck_assert_msg(count_in(bytes, n, "7Q2Z-7Q2Z") == 0,
	    "the wiped words are still in %s", dbpath);
	free(bytes);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
}
END_TEST

/* The words may be in old frames of the WAL too, past where it is written
 * again after a reset (a reader held a checkpoint back while a burst was
 * written): the checkpoint that empties it takes them. (From a review.) */
START_TEST(test_gone_from_the_wal)
{
	static const char secret[] = "WALSECRET-9K3J-9K3J-9K3J-9K3J-END";
	struct store_wiped w;
	char walpath[4200], *bytes;
	sqlite3 *rd;
	size_t n;
	int i;

	ck_assert_int_eq(sqlite3_open(dbpath, &rd), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM"
	    " inbound;", NULL, NULL, NULL), SQLITE_OK);
	sql("CREATE TABLE pad(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM c WHERE i < 20000) INSERT INTO pad"
	    " SELECT randomblob(200) FROM c;");
	put_inbound(1, 100, secret);
	ck_assert_int_eq(sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(rd);
	ck_assert_int_eq(sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL), SQLITE_OK);
	put_inbound(2, 100, "x");
	ck_assert_int_eq(step(500, 100, &w), 0);
	ck_assert_int_eq(w.inbound, 2);
	ck_assert_int_eq(sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL), SQLITE_OK);
	snprintf(walpath, sizeof walpath, "%s-wal", dbpath);
	bytes = tu_read_n(walpath, &n);
	ck_assert_ptr_nonnull(bytes);
	/* What the test is about: the words are there before. */
	ck_assert_int_gt(count_in(bytes, n, "9K3J-9K3J"), 0);
	free(bytes);

	/* A reader in the way: the WAL cannot be cut yet (nor does the
	 * attempt wait for it, holding the writer back); it is tried
	 * again once the reader has gone. */
	store_ckpt_retry_ms(st, 20);
	put_inbound(3, 600, "y");	/* the reader's snapshot is in the WAL */
	ck_assert_int_eq(sqlite3_open(dbpath, &rd), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(rd, "BEGIN; SELECT count(*) FROM"
	    " inbound;", NULL, NULL, NULL), SQLITE_OK);
	store_checkpoint_truncate(st);
	store_checkpoint_idle(st);
	ck_assert_int_eq(store_ckpt_truncate_pending(st), 1);
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert_int_eq(sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(rd);
	for (i = 0; i < 500 && store_ckpt_truncate_pending(st); i++)
		usleep(10000);
	ck_assert_int_eq(store_ckpt_truncate_pending(st), 0);
	bytes = tu_read_n(walpath, &n);
	ck_assert_msg(bytes == NULL || count_in(bytes, n, "9K3J-9K3J") == 0,
	    "the wiped words are still in %s (%zu bytes)", walpath, n);
	free(bytes);
	bytes = tu_read_n(dbpath, &n);
	ck_assert_int_eq(count_in(bytes, n, "9K3J-9K3J"), 0);
	free(bytes);
	ck_assert_str_eq(text("SELECT text FROM inbound WHERE id = 1"), "");
}
END_TEST

/* A row dated after "now" (a clock that ran ahead, since put right; or
 * one behind now) holds the rows after it back, and is reported: a date
 * the clock cannot vouch for wipes nothing. (From a review.) */
START_TEST(test_row_dated_ahead_reported)
{
	struct store_wiped w;
	int i;

	put_inbound(1, 100, "ABS 20240101 3 病 一");
	put_inbound(2, AHEAD + 5000, "ABS 20240101 3 病 二");
	for (i = 3; i <= 10; i++)
		put_inbound(i, 200, "ABS 20240101 3 病 发烧");
	ck_assert_int_eq(step(500, 256, &w), 0);
	ck_assert_int_eq(w.inbound, 1);
	ck_assert_str_eq(w.ahead_table, "inbound");
	ck_assert_int_eq(w.ahead_id, 2);
	ck_assert_int_eq(w.ahead_at, AHEAD + 5000);
	ck_assert_int_eq(num("SELECT count(*) FROM inbound WHERE text <>"
	    " ''"), 9);
	/* A row merely young is no such thing. */
	sql("UPDATE inbound SET received_at = 600 WHERE id = 2");
	ck_assert_int_eq(step(500, 256, &w), 0);
	ck_assert_ptr_null(w.ahead_table);
}
END_TEST

/* --- the daemon: its schedule --- */

#define T0 1788224400	/* 2026-09-01T09:00:00+08:00 */
#define DAY 86400
#define HT "+8613800000001"	/* head_teacher K0302 (S01) */
#define VHEAD2 "+8613800000014"	/* village_head V02 */

static struct gwfix F;

static void
daemon_setup(void)
{
	gwfix_config(&F, T0);
	F.cfg.content_days = 30;
	F.cfg.digest_weekday = 1;	/* Mondays at 08:00 */
	F.cfg.digest_minute = 8 * 60;
	gwfix_start(&F, 1);
}

static void
daemon_teardown(void)
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
at(int64_t secs)
{
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + secs), 0);
	ck_assert_int_ge(gw_run_due(F.g), 0);
}

static long long
dnum(const char *q)
{
	return tu_sql_int(F.db, q);
}

/* How many times what is in the database file and its WAL. */
static int
in_files(const char *what)
{
	char path[1100], *bytes;
	size_t n;
	int k = 0;

	snprintf(path, sizeof path, "%s-wal", F.db);
	if ((bytes = tu_read_n(path, &n)) != NULL)
		k += count_in(bytes, n, what);
	free(bytes);
	if ((bytes = tu_read_n(F.db, &n)) != NULL)
		k += count_in(bytes, n, what);
	free(bytes);
	return k;
}

/* What a teacher and a village head wrote stays for content_days, then
 * goes; the case, its facts and the statistics do not change. */
START_TEST(test_daemon_wipes_after_days)
{
	long long inb, outb, ev, abs_;

	sms(HT, "ABS 20240102 3 病 高烧不退");
	sms(VHEAD2, "VIS 20240102 返 家长已同意");
	inb = dnum("SELECT count(*) FROM inbound");
	outb = dnum("SELECT count(*) FROM outbound");
	ev = dnum("SELECT count(*) FROM events");
	/* The ladder's own later events are not counted below. */
	abs_ = dnum("SELECT count(*) FROM absences");
	ck_assert_int_ge(outb, 2);
	at(29 * DAY);
	ck_assert_int_eq(dnum("SELECT count(*) FROM inbound WHERE text LIKE"
	    " '%高烧不退%'"), 1);
	ck_assert_int_eq(dnum("SELECT count(*) FROM absences WHERE note ="
	    " '高烧不退'"), 1);
	ck_assert_int_gt(in_files("高烧不退"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM events WHERE detail LIKE"
	    " '%家长已同意%'"), 1);
	/* 30 days and an hour: the hourly pass has run. */
	at(30 * DAY + 3600);
	/* Not in the database's files either (the WAL emptied after it). */
	store_checkpoint_idle(F.g->store);
	ck_assert_int_eq(in_files("高烧不退"), 0);
	ck_assert_int_eq(in_files("家长已同意"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM inbound WHERE text <>"
	    " ''"), 0);
	/* What the first day sent; the ladder's later texts are young. */
	ck_assert_int_eq(dnum("SELECT count(*) FROM outbound WHERE text = ''"),
	    outb);
	ck_assert_int_gt(dnum("SELECT count(*) FROM outbound WHERE text <>"
	    " ''"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM absences WHERE note IS"
	    " NOT NULL"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM events WHERE detail LIKE"
	    " '%家长已同意%'"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM events WHERE what ="
	    " 'visit' AND detail = 'outcome=return'"), 1);
	ck_assert_int_eq(dnum("SELECT count(*) FROM inbound"), inb);
	ck_assert_int_eq(dnum("SELECT count(*) FROM events WHERE at <"
	    " 1788310800"), ev);	/* T0 + DAY */
	ck_assert_int_eq(dnum("SELECT count(*) FROM absences"), abs_);
	ck_assert_int_eq(dnum("SELECT count(*) FROM absences WHERE reason ="
	    " 'illness' AND days = 3"), 1);
	/* The case is worked on as before: a new report opens nothing new,
	 * its texts are written and kept. */
	sms(HT, "CASE 20240102");
	ck_assert_int_eq(dnum("SELECT count(*) FROM outbound WHERE text LIKE"
	    " '%20240102%' AND recipient = '" HT "' AND kind = 'reply'"), 1);
}
END_TEST

/* A ladder item that fails every time (here a task whose assignee is
 * gone) holds back neither the digest nor retention. (From a review.) */
START_TEST(test_ladder_failure_does_not_block)
{
	sms(HT, "ABS 20240102 3 病 高烧不退");
	/* More than one batch of old words: the pass goes on behind the
	 * failing item, at once, not a batch a minute. */
	ck_assert_int_eq(tu_sql_exec(F.db, "WITH RECURSIVE c(i) AS (SELECT 1"
	    " UNION ALL SELECT i + 1 FROM c WHERE i < 1000) INSERT INTO"
	    " inbound(channel, provider_id, sender, text, received_at)"
	    " SELECT 'http', 'old' || i, '+8613800000001', 'ABS 20240101 1',"
	    " 1788224400 FROM c"), 0);
	ck_assert_int_eq(tu_sql_exec(F.db, "PRAGMA foreign_keys = OFF;"
	    " UPDATE tasks SET assignee_id = 99999"), 0);
	ck_assert_int_eq(clock_set(&F.g->clock, T0 + 40 * DAY), 0);
	ck_assert_int_eq(gw_run_due(F.g), -1);
	ck_assert_int_eq(dnum("SELECT count(*) FROM inbound WHERE text <>"
	    " ''"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM absences WHERE note IS"
	    " NOT NULL"), 0);
	/* The Monday digests of the weeks went, and were sent. */
	ck_assert_int_gt(dnum("SELECT count(*) FROM outbound WHERE kind ="
	    " 'digest'"), 0);
	ck_assert_int_eq(dnum("SELECT count(*) FROM outbound WHERE kind ="
	    " 'digest' AND status <> 'sent'"), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("retention");
	TCase *tc = tcase_create("store");
	TCase *td = tcase_create("daemon");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wipes_what_is_old);
	tcase_add_test(tc, test_unsent_kept);
	tcase_add_test(tc, test_batches_resume);
	tcase_add_test(tc, test_gone_from_the_file);
	tcase_add_test(tc, test_gone_from_the_wal);
	tcase_add_test(tc, test_row_dated_ahead_reported);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(td, daemon_setup, daemon_teardown);
	tcase_add_test(td, test_daemon_wipes_after_days);
	tcase_add_test(td, test_ladder_failure_does_not_block);
	suite_add_tcase(s, td);
	return tu_run(s);
}
