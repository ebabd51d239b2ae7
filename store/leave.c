/*
 * Leaving the roster; see store_roster_leave in store.h.
 *
 * The rows an import wrote are noted in a temporary table of this
 * connection (the daemon never creates it), so these statements are
 * prepared here, when an import asks, not with the store's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* tbl in roster_seen: rows the import wrote, role rows that left, and
 * role rows it put on the roster (not there before). */
#define SEEN_PERSON 0
#define SEEN_STUDENT 1
#define SEEN_LEFT 2
#define SEEN_FRESH 3

/* ?1 is the place whose roster the files are; its places, walked down as
 * the review does (UNION: a cycle ends the walk). */
#define LEAVE_SUB \
	"WITH RECURSIVE sub(code) AS (SELECT ?1 UNION SELECT p.code " \
	"FROM places p JOIN sub ON p.parent = sub.code) "

/* People on the roster inside ?1 that the import did not write: their
 * open work, and the holder of the same role and place it wrote, who
 * takes it over (the lowest id: the first in the roster). */
static const char leave_people_sql[] =
    LEAVE_SUB
    /* The open cases each person answers for, counted in one walk of
     * the open cases (nothing indexes them by person: a look for each
     * person was a walk each). */
    ", resp(person, n) AS (SELECT person, count(*) FROM ("
    "SELECT id, school_resp AS person FROM cases WHERE status = 'open' "
    "UNION SELECT id, gov_resp FROM cases WHERE status = 'open') "
    "GROUP BY person) "
    "SELECT p.id, p.phone, p.role, p.scope, "
    "(SELECT count(*) FROM tasks t WHERE t.assignee_id = p.id "
    " AND t.status = 'open'), "
    "coalesce((SELECT n FROM resp WHERE resp.person = p.id), 0), "
    "(SELECT min(q.id) FROM people q JOIN temp.roster_seen r "
    " ON r.tbl = 0 AND r.id = q.id "
    " WHERE q.role = p.role AND q.scope = p.scope), "
    "(SELECT q.phone FROM people q JOIN temp.roster_seen r "
    " ON r.tbl = 0 AND r.id = q.id "
    " WHERE q.role = p.role AND q.scope = p.scope ORDER BY q.id LIMIT 1) "
    "FROM people p WHERE p.left_at IS NULL AND p.scope IN sub "
    "AND p.id NOT IN (SELECT id FROM temp.roster_seen WHERE tbl = 0) "
    "ORDER BY p.id";

/* Students on the roster in ?1's classes that the import did not write,
 * with an open case: they may not leave. */
static const char leave_refused_students_sql[] =
    LEAVE_SUB
    "SELECT s.student_no, c.id FROM students s "
    "JOIN cases c ON c.student_id = s.id AND c.status = 'open' "
    "WHERE s.left_at IS NULL AND s.class IN sub "
    "AND s.id NOT IN (SELECT id FROM temp.roster_seen WHERE tbl = 1) "
    "ORDER BY s.student_no";

static const char leave_students_sql[] =
    LEAVE_SUB
    "UPDATE students SET left_at = ?2, guardian_phone = NULL "
    "WHERE left_at IS NULL AND class IN sub "
    "AND id NOT IN (SELECT id FROM temp.roster_seen WHERE tbl = 1)";

/*
 * The open cases each leaver answers for or holds a task of, and those
 * each leaving number is told of, found in one walk of the open cases
 * for all of them (leave_candidates) before the leavers are taken one by
 * one: the statements below look only at a leaver's own (each walked the
 * open cases for each leaver: 20 s for 450 leavers over 20,000 open
 * cases). A superset as the leavers are handled: work passes only to
 * rows the import wrote, never to one that leaves; and what a leaver's
 * number is made a watcher of as a successor is added to its own
 * (watch_passed_sql), so that its leaving row passes it on in turn.
 */
static const char leave_tables_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS leaving ("
    " id INTEGER PRIMARY KEY, phone TEXT NOT NULL);"
    "CREATE TEMP TABLE IF NOT EXISTS leave_case ("
    " person_id INTEGER NOT NULL, case_id INTEGER NOT NULL,"
    " PRIMARY KEY (person_id, case_id)) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS leave_watch ("
    " phone TEXT NOT NULL, case_id INTEGER NOT NULL,"
    " PRIMARY KEY (phone, case_id)) WITHOUT ROWID;"
    "DELETE FROM temp.leaving; DELETE FROM temp.leave_case;"
    "DELETE FROM temp.leave_watch;";
static const char leaving_put_sql[] =
    "INSERT OR IGNORE INTO temp.leaving(id, phone) VALUES(?1, ?2)";
static const char leave_candidates_sql[] =
    "INSERT OR IGNORE INTO temp.leave_case(person_id, case_id) "
    "SELECT school_resp, id FROM cases WHERE status = 'open' "
    "AND school_resp IN (SELECT id FROM temp.leaving) "
    "UNION ALL SELECT gov_resp, id FROM cases WHERE status = 'open' "
    "AND gov_resp IN (SELECT id FROM temp.leaving) "
    "UNION ALL SELECT t.assignee_id, t.case_id FROM temp.leaving l "
    "JOIN tasks t ON t.assignee_id = l.id AND t.status = 'open';"
    "INSERT OR IGNORE INTO temp.leave_watch(phone, case_id) "
    "SELECT w.phone, c.id FROM cases c JOIN case_watchers w "
    "ON w.case_id = c.id WHERE c.status = 'open' "
    "AND w.phone IN (SELECT phone FROM temp.leaving);";

/* The cases number ?1 watched, now watched by ?2 too (watchers_move_sql),
 * among ?2's candidates when ?2 leaves as well. */
static const char watch_passed_sql[] =
    "INSERT OR IGNORE INTO temp.leave_watch(phone, case_id) "
    "SELECT ?2, case_id FROM temp.leave_watch WHERE phone = ?1 "
    "AND ?2 IN (SELECT phone FROM temp.leaving)";

/* One event on each open case whose work passes from ?1 to ?2. */
static const char handover_events_sql[] =
    "INSERT INTO events(case_id, student_id, actor_id, at, what, detail) "
    "SELECT c.id, c.student_id, NULL, ?3, 'handover', "
    "'role=' || ?4 || ' scope=' || ?5 || ' from=' || ?1 || ' to=' || ?2 "
    "FROM temp.leave_case lc JOIN cases c ON c.id = lc.case_id "
    "WHERE lc.person_id = ?1 AND c.status = 'open' AND (c.school_resp = ?1 "
    "OR c.gov_resp = ?1 OR EXISTS (SELECT 1 FROM tasks t WHERE "
    "t.case_id = c.id AND t.status = 'open' AND t.assignee_id = ?1)) "
    "ORDER BY lc.case_id";

/* The task is the new holder's own: not taken as acknowledged, and
 * reminded at the scheduler's next look while its deadline is ahead. */
static const char handover_tasks_sql[] =
    "UPDATE tasks SET assignee_id = ?2, acked_at = NULL, reminded_at = NULL, "
    "remind_at = CASE WHEN due_at > ?3 THEN ?3 END "
    "WHERE status = 'open' AND assignee_id = ?1";

static const char handover_cases_sql[] =
    "UPDATE cases SET "
    "school_resp = CASE school_resp WHEN ?1 THEN ?2 ELSE school_resp END, "
    "gov_resp = CASE gov_resp WHEN ?1 THEN ?2 ELSE gov_resp END "
    "WHERE id IN (SELECT case_id FROM temp.leave_case WHERE person_id = ?1) "
    "AND status = 'open' AND (school_resp = ?1 OR gov_resp = ?1)";

/* The one who takes over is told so by the daemon (casework_handover):
 * of open work (?3), or, for an inspector new on the roster, of the
 * co-signatures still missing (one already there was asked at DROP). */
static const char successor_told_sql[] =
    "INSERT OR IGNORE INTO handover_pending(person_id, at, since_event) "
    "SELECT ?1, ?2, (SELECT coalesce(max(id), 0) FROM events) "
    "WHERE ?3 OR EXISTS (SELECT 1 FROM temp.roster_seen WHERE tbl = 3 "
    "AND id = ?1)";

static const char person_leaves_sql[] =
    "UPDATE people SET left_at = ?2 WHERE id = ?1";

/*
 * The places a student is inside, for "does a role row's scope cover the
 * student": the class, its school, township and county, the household
 * village, its township and county (the import keeps places to those
 * kinds and parents). s is the student; cl, sc, sp, vi and vp are joined
 * by LEAVE_STUDENT_PLACES.
 */
#define LEAVE_STUDENT_PLACES \
	"JOIN places cl ON cl.code = s.class " \
	"LEFT JOIN places sc ON sc.code = cl.parent " \
	"LEFT JOIN places sp ON sp.code = sc.parent " \
	"LEFT JOIN places vi ON vi.code = s.village " \
	"LEFT JOIN places vp ON vp.code = vi.parent "
#define LEAVE_AROUND \
	"(s.class, cl.parent, sc.parent, sp.parent, s.village, vi.parent, " \
	"vp.parent)"

/* Told of an open case for the role row that leaves (?1 its number, ?3
 * its scope, ?4 its role): the one who takes over (?2) is told from now
 * on. Not for a subject teacher's row: they are told of the cases they
 * report, never for the role (README, "Cases and the dual line"). */
static const char watchers_move_sql[] =
    "INSERT OR IGNORE INTO case_watchers(case_id, phone) "
    "SELECT c.id, ?2 FROM temp.leave_watch lw JOIN cases c ON "
    "c.id = lw.case_id AND lw.phone = ?1 "
    "JOIN case_watchers w ON w.case_id = c.id AND w.phone = ?1 "
    "JOIN students s ON s.id = c.student_id " LEAVE_STUDENT_PLACES
    "WHERE c.status = 'open' AND ?3 IN " LEAVE_AROUND " AND ?4 <> "
    "'teacher'";

/*
 * Does a role row of number PHONE still on the roster cover case c of
 * student s (LEAVE_STUDENT_PLACES joined)? A head teacher's covers the
 * school of the class, as in the casework (scope.c), where a head teacher
 * reports any student of the school; a subject teacher's only the cases
 * the number acted on (they are told of those alone).
 */
#define LEAVE_COVERED(PHONE) \
	"EXISTS (SELECT 1 FROM people q WHERE q.phone = " PHONE " AND " \
	"q.left_at IS NULL AND (q.scope IN " LEAVE_AROUND " OR (q.role = " \
	"'head_teacher' AND (SELECT parent FROM places WHERE code = " \
	"q.scope) IN " LEAVE_AROUND ")) AND (q.role <> 'teacher' OR " \
	"EXISTS (SELECT 1 FROM events e JOIN people r ON r.id = " \
	"e.actor_id WHERE e.case_id = c.id AND r.phone = " PHONE ")))"

/* ... and the number that leaves is told of no open case any more that
 * none of its role rows still on the roster covers. */
static const char watchers_leave_sql[] =
    "DELETE FROM case_watchers WHERE phone = ?1 AND case_id IN ("
    "SELECT c.id FROM temp.leave_watch lw JOIN cases c ON "
    "c.id = lw.case_id AND lw.phone = ?1 "
    /* The open cases the number watches first, the rest for those
     * alone: per open case it was 58 ms a leaver on a county with
     * 25,000 open cases. */
    "JOIN case_watchers w ON w.case_id = c.id AND w.phone = ?1 "
    "JOIN students s ON s.id = c.student_id "
    LEAVE_STUDENT_PLACES
    "WHERE c.status = 'open' AND NOT " LEAVE_COVERED("?1") ")";

/*
 * What is still queued to a number whose role row left is withdrawn when
 * the number holds no role on the roster any more, or when it is about a
 * case the number is told of no more (watchers_leave_sql), or about one
 * no longer open that none of its remaining roles covers (the watchers
 * of a closed case are left alone: walking every closed case a number
 * watched would cost each leaver the ledger): a notice held
 * over the quiet hours would tell a stranger, or the village head of
 * another village now, of a minor in the morning, and a task or
 * reminder names work that is someone else's. Replies stay: each answers
 * what the number itself sent while on the roster. Failed, not deleted:
 * the ledger keeps what was queued, and the queue's totals follow
 * (migration 18).
 */
#define WITHDRAWN "'withdrawn: the recipient left the roster' "
#define WITHDRAW_WHICH \
    "AND kind <> 'reply' AND recipient IN " \
    "(SELECT p.phone FROM people p JOIN temp.roster_seen r ON r.tbl = 2 " \
    "AND r.id = p.id) AND (NOT EXISTS (SELECT 1 FROM people q " \
    "WHERE q.phone = outbound.recipient AND q.left_at IS NULL) OR " \
    "(case_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM case_watchers w " \
    "WHERE w.case_id = outbound.case_id AND w.phone = outbound.recipient) " \
    "OR EXISTS (SELECT 1 FROM cases c JOIN students s ON " \
    "s.id = c.student_id " LEAVE_STUDENT_PLACES "WHERE " \
    "c.id = outbound.case_id AND c.status <> 'open' AND NOT " \
    LEAVE_COVERED("outbound.recipient") "))))"
static const char withdraw_sql[] =
    "UPDATE outbound SET status = 'failed', last_error = " WITHDRAWN
    /* One walk of the queue for all of them: nothing indexes the queued
     * rows by number (outq.c says why). */
    "WHERE status = 'queued' " WITHDRAW_WHICH;
/* One in flight (the sender's, another process's here) may go; it is
 * marked so that it never comes back to the queue: a retry, a deferral
 * or the restart after a crash makes it failed instead (migration 26's
 * trigger outbound_withdrawn). */
static const char withdraw_sending_sql[] =
    "UPDATE outbound SET last_error = " WITHDRAWN
    "WHERE status = 'sending' " WITHDRAW_WHICH;

static const char person_left_sql[] =
    "INSERT OR IGNORE INTO temp.roster_seen(tbl, id) VALUES(2, ?1)";

enum store_rc
store_roster_track(struct store *s)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS roster_seen ("
	    " tbl INTEGER NOT NULL, id INTEGER NOT NULL,"
	    " PRIMARY KEY (tbl, id)) WITHOUT ROWID;"
	    "DELETE FROM temp.roster_seen;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(s->err, sizeof s->err, "%s",
		    msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return STORE_ERR;
	}
	s->roster_track = 1;
	return STORE_OK;
}

static enum store_rc
roster_note(struct store *s, int tbl, int64_t id)
{
	sqlite3_stmt *st = s->roster_seen;

	if (!s->roster_track)
		return STORE_OK;
	/* Prepared once an import (store_roster_track), not once a row:
	 * a county's 100,000 students and 8,000 people each note one. */
	if (st == NULL && sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO "
	    "temp.roster_seen(tbl, id) VALUES(?1, ?2)", -1, &s->roster_seen,
	    NULL) != SQLITE_OK)
		return store_fail(s, NULL, sqlite3_errcode(s->db));
	st = s->roster_seen;
	sqlite3_bind_int(st, 1, tbl);
	sqlite3_bind_int64(st, 2, id);
	return store_exec(s, st);
}

enum store_rc
store_roster_seen(struct store *s, int person, int64_t id)
{
	return roster_note(s, person ? SEEN_PERSON : SEEN_STUDENT, id);
}

enum store_rc
store_roster_fresh(struct store *s, int64_t id)
{
	return roster_note(s, SEEN_FRESH, id);
}

/* sql prepared into *st; STORE_OK or the error recorded. */
static enum store_rc
leave_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK)
		return STORE_OK;
	*st = NULL;
	return store_fail(s, NULL, sqlite3_errcode(s->db));
}

/* Steps st (bound) to its end; the rows it changed in *changes. */
static enum store_rc
leave_run(struct store *s, sqlite3_stmt *st, long *changes)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	if (changes)
		*changes += sqlite3_changes(s->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return STORE_OK;
}

/* A person who leaves: who takes their work over (0: nobody). */
struct leaver {
	int64_t id, to;
	char phone[STORE_PHONE_MAX], role[STORE_ROLE_MAX];
	char scope[STORE_CODE_MAX], to_phone[STORE_PHONE_MAX];
};

/* How many of a kind are on the roster inside ?1, and how many of them
 * the import wrote. */
static const char leave_inside_people_sql[] =
    LEAVE_SUB
    "SELECT count(*), count(r.id) FROM people p "
    "LEFT JOIN temp.roster_seen r ON r.tbl = 0 AND r.id = p.id "
    "WHERE p.left_at IS NULL AND p.scope IN sub";
static const char leave_inside_students_sql[] =
    LEAVE_SUB
    "SELECT count(*), count(r.id) FROM students s "
    "LEFT JOIN temp.roster_seen r ON r.tbl = 1 AND r.id = s.id "
    "WHERE s.left_at IS NULL AND s.class IN sub";

/* A file that names nobody inside code, where some are on the roster, is
 * another place's (or cut short): refused rather than all taken off. */
static enum store_rc
leave_refuse_all(struct store *s, const char *code, store_leave_fn *fn,
    void *arg, struct store_leave_counts *c)
{
	static const char *const sql[2] = {
		leave_inside_people_sql, leave_inside_students_sql
	};
	static const char *const file[2] = { "people.csv", "students.csv" };
	sqlite3_stmt *st;
	enum store_rc rc;
	int k, r;

	for (k = 0; k < 2; k++) {
		if ((rc = leave_prepare(s, sql[k], &st)) != STORE_OK)
			return rc;
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		if ((r = sqlite3_step(st)) != SQLITE_ROW) {
			rc = store_fail(s, st, r);
			sqlite3_finalize(st);
			return rc;
		}
		if (sqlite3_column_int64(st, 0) > 0 &&
		    sqlite3_column_int64(st, 1) == 0) {
			struct store_leave_note f = { 1, NULL, NULL, code,
			    (long)sqlite3_column_int64(st, 0), 0, NULL, NULL,
			    0, file[k] };

			c->refused++;
			if (fn)
				fn(arg, &f);
		}
		sqlite3_finalize(st);
	}
	return STORE_OK;
}

/* The people leaving inside code into *out (*n of them), refusals told
 * to fn. */
static enum store_rc
leave_people(struct store *s, const char *code, store_leave_fn *fn,
    void *arg, struct store_leave_counts *c, struct leaver **out, size_t *n)
{
	struct leaver *v = NULL, *l;
	size_t cap = 0;
	sqlite3_stmt *st;
	enum store_rc rc;
	int r;

	*out = NULL;
	*n = 0;
	if ((rc = leave_prepare(s, leave_people_sql, &st)) != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		long tasks = sqlite3_column_int(st, 4);
		long cases = sqlite3_column_int(st, 5);

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((l = realloc(v, cap * sizeof *v)) == NULL) {
				r = SQLITE_NOMEM;
				break;
			}
			v = l;
		}
		l = &v[*n];
		memset(l, 0, sizeof *l);
		l->id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, l->phone, sizeof l->phone);
		store_col_text(st, 2, l->role, sizeof l->role);
		store_col_text(st, 3, l->scope, sizeof l->scope);
		l->to = sqlite3_column_int64(st, 6);
		store_col_text(st, 7, l->to_phone, sizeof l->to_phone);
		if (l->to == 0 && tasks + cases > 0) {
			struct store_leave_note f = { 1, l->phone, l->role,
			    l->scope, tasks, cases, NULL, NULL, 0, NULL };

			c->refused++;
			if (fn)
				fn(arg, &f);
			continue;
		}
		(*n)++;
	}
	if (r != SQLITE_DONE) {
		free(v);
		*n = 0;
		rc = store_fail(s, st, r);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*out = v;
	return STORE_OK;
}

static enum store_rc
leave_refuse_students(struct store *s, const char *code,
    store_leave_fn *fn, void *arg, struct store_leave_counts *c)
{
	char no[STORE_STUDENT_MAX];
	sqlite3_stmt *st;
	enum store_rc rc;
	int r;

	if ((rc = leave_prepare(s, leave_refused_students_sql, &st)) !=
	    STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_leave_note f = { 1, NULL, NULL, NULL, 0, 0, NULL,
		    no, sqlite3_column_int64(st, 1), NULL };

		store_col_text(st, 0, no, sizeof no);
		c->refused++;
		if (fn)
			fn(arg, &f);
	}
	rc = r == SQLITE_DONE ? STORE_OK : store_fail(s, st, r);
	sqlite3_finalize(st);
	return rc;
}

/* The statements that carry the leavers out, in order. */
enum {
	L_EVENTS, L_TASKS, L_CASES, L_MOVE, L_TOLD, L_LEAVES, L_LEFT,
	L_WATCHERS, L_STUDENTS, L_WITHDRAW, L_WITHDRAW_SENDING, L_PASSED, L_N
};

/* The leavers' open cases and watched cases (leave_tables_sql), in one
 * walk of the open cases. */
static enum store_rc
leave_candidates(struct store *s, const struct leaver *v, size_t n)
{
	sqlite3_stmt *st;
	enum store_rc rc;
	char *msg = NULL;
	size_t i;

	if (sqlite3_exec(s->db, leave_tables_sql, NULL, NULL, &msg) !=
	    SQLITE_OK)
		goto failed;
	if ((rc = leave_prepare(s, leaving_put_sql, &st)) != STORE_OK)
		return rc;
	for (i = 0; i < n && rc == STORE_OK; i++) {
		sqlite3_bind_int64(st, 1, v[i].id);
		sqlite3_bind_text(st, 2, v[i].phone, -1, SQLITE_STATIC);
		rc = leave_run(s, st, NULL);
	}
	sqlite3_finalize(st);
	if (rc != STORE_OK)
		return rc;
	if (sqlite3_exec(s->db, leave_candidates_sql, NULL, NULL, &msg) ==
	    SQLITE_OK)
		return STORE_OK;
failed:
	snprintf(s->err, sizeof s->err, "%s",
	    msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return STORE_ERR;
}

static enum store_rc
leave_apply(struct store *s, const char *code, int64_t now,
    const struct leaver *v, size_t n, store_leave_fn *fn, void *arg,
    struct store_leave_counts *c)
{
	static const char *const sql[L_N] = {
		handover_events_sql, handover_tasks_sql, handover_cases_sql,
		watchers_move_sql, successor_told_sql, person_leaves_sql,
		person_left_sql,
		watchers_leave_sql, leave_students_sql, withdraw_sql,
		withdraw_sending_sql, watch_passed_sql,
	};
	sqlite3_stmt *st[L_N] = { NULL };
	enum store_rc rc = STORE_OK;
	size_t i;
	int k;

	if ((rc = leave_candidates(s, v, n)) != STORE_OK)
		return rc;
	for (k = 0; k < L_N && rc == STORE_OK; k++)
		rc = leave_prepare(s, sql[k], &st[k]);
	for (i = 0; i < n && rc == STORE_OK; i++) {
		if (v[i].to != 0) {
			struct store_leave_note f = { 0, v[i].phone,
			    v[i].role, v[i].scope, 0, 0, v[i].to_phone, NULL,
			    0, NULL };

			sqlite3_bind_int64(st[L_EVENTS], 1, v[i].id);
			sqlite3_bind_int64(st[L_EVENTS], 2, v[i].to);
			sqlite3_bind_int64(st[L_EVENTS], 3, now);
			sqlite3_bind_text(st[L_EVENTS], 4, v[i].role, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_EVENTS], 5, v[i].scope, -1,
			    SQLITE_STATIC);
			for (k = L_TASKS; k <= L_CASES; k++) {
				sqlite3_bind_int64(st[k], 1, v[i].id);
				sqlite3_bind_int64(st[k], 2, v[i].to);
			}
			sqlite3_bind_int64(st[L_TASKS], 3, now);
			sqlite3_bind_text(st[L_MOVE], 1, v[i].phone, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_MOVE], 2, v[i].to_phone, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_MOVE], 3, v[i].scope, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_MOVE], 4, v[i].role, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_PASSED], 1, v[i].phone, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st[L_PASSED], 2, v[i].to_phone, -1,
			    SQLITE_STATIC);
			if ((rc = leave_run(s, st[L_EVENTS], NULL)) !=
			    STORE_OK ||
			    (rc = leave_run(s, st[L_MOVE], NULL)) != STORE_OK ||
			    (rc = leave_run(s, st[L_PASSED], NULL)) !=
			    STORE_OK ||
			    (rc = leave_run(s, st[L_TASKS], &f.tasks)) !=
			    STORE_OK ||
			    (rc = leave_run(s, st[L_CASES], &f.cases)) !=
			    STORE_OK)
				break;
			c->tasks += f.tasks;
			c->cases += f.cases;
			if (f.tasks + f.cases > 0 ||
			    !strcmp(v[i].role, "inspector")) {
				sqlite3_bind_int64(st[L_TOLD], 1, v[i].to);
				sqlite3_bind_int64(st[L_TOLD], 2, now);
				sqlite3_bind_int(st[L_TOLD], 3,
				    f.tasks + f.cases > 0);
				if ((rc = leave_run(s, st[L_TOLD], &c->told)) !=
				    STORE_OK)
					break;
			}
			if (fn && f.tasks + f.cases > 0)
				fn(arg, &f);
		}
		sqlite3_bind_int64(st[L_LEAVES], 1, v[i].id);
		sqlite3_bind_int64(st[L_LEAVES], 2, now);
		sqlite3_bind_text(st[L_WATCHERS], 1, v[i].phone, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st[L_LEFT], 1, v[i].id);
		if ((rc = leave_run(s, st[L_LEAVES], &c->people)) != STORE_OK ||
		    (rc = leave_run(s, st[L_LEFT], NULL)) != STORE_OK ||
		    (rc = leave_run(s, st[L_WATCHERS], NULL)) != STORE_OK)
			break;
	}
	if (rc == STORE_OK) {
		sqlite3_bind_text(st[L_STUDENTS], 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[L_STUDENTS], 2, now);
		rc = leave_run(s, st[L_STUDENTS], &c->students);
	}
	/* Once every row has left: a number with two rows leaving is off
	 * the roster only after the second. */
	if (rc == STORE_OK &&
	    (rc = leave_run(s, st[L_WITHDRAW], &c->withdrawn)) == STORE_OK)
		rc = leave_run(s, st[L_WITHDRAW_SENDING], &c->in_flight);
	for (k = 0; k < L_N; k++)
		sqlite3_finalize(st[k]);
	return rc;
}

enum store_rc
store_roster_leave(struct store *s, const char *code, int64_t now,
    store_leave_fn *fn, void *arg, struct store_leave_counts *c)
{
	struct leaver *v;
	size_t n;
	enum store_rc rc;

	memset(c, 0, sizeof *c);
	if (!s->roster_track) {
		snprintf(s->err, sizeof s->err, "the roster's rows were not "
		    "tracked (store_roster_track)");
		return STORE_ERR;
	}
	if ((rc = leave_refuse_all(s, code, fn, arg, c)) != STORE_OK ||
	    (rc = leave_people(s, code, fn, arg, c, &v, &n)) != STORE_OK)
		return rc;
	if ((rc = leave_refuse_students(s, code, fn, arg, c)) == STORE_OK &&
	    c->refused == 0) {
		store_rcache_wrote(s);
		rc = leave_apply(s, code, now, v, n, fn, arg, c);
	}
	free(v);
	return rc;
}
