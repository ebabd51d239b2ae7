/*
 * Absences and leave, cases (一人一案), the append-only event ledger, and
 * who has been told about each case.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

enum store_rc
store_absence_add(struct store *s, const struct store_absence *a, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ABSENCE_PUT);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, a->student_id);
	sqlite3_bind_int64(st, 2, a->reporter_id);
	sqlite3_bind_int(st, 3, a->days);
	if (a->reason)
		sqlite3_bind_text(st, 4, a->reason, -1, SQLITE_STATIC);
	if (a->note && *a->note)
		sqlite3_bind_text(st, 5, a->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, a->inbound_id);
	sqlite3_bind_int64(st, 7, a->reported_at);
	sqlite3_bind_int(st, 8, a->excused);
	if ((rc = store_exec(s, st)) == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum store_rc
store_absences_recent(struct store *s, int64_t student_id, int64_t since,
    int64_t *at, int *days, int *excused, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ABSENCES_RECENT);
	int r;

	*n = 0;
	sqlite3_bind_int64(st, 1, student_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		at[*n] = sqlite3_column_int64(st, 0);
		days[*n] = sqlite3_column_int(st, 1);
		excused[(*n)++] = sqlite3_column_int(st, 2);
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_case_open(struct store *s, struct store_case *c)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_OPEN);
	int rc;

	sqlite3_bind_int64(st, 1, c->student_id);
	sqlite3_bind_int(st, 2, c->level);
	sqlite3_bind_int(st, 3, c->dropout);
	sqlite3_bind_text(st, 4, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, c->days_absent);
	sqlite3_bind_int64(st, 6, c->opened_by);
	sqlite3_bind_int64(st, 7, c->opened_at);
	sqlite3_bind_int64(st, 8, c->school_resp);
	sqlite3_bind_int64(st, 9, c->gov_resp);
	sqlite3_bind_text(st, 10, c->last_action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, c->last_action_at);
	sqlite3_bind_int64(st, 12, c->absent_since);
	sqlite3_bind_int64(st, 13, c->level_at);
	sqlite3_bind_int64(st, 14, c->next_at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return STORE_DUP;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	c->id = sqlite3_last_insert_rowid(s->db);
	snprintf(c->status, sizeof c->status, "open");
	return STORE_OK;
}

enum store_rc
store_case_get(struct store *s, int64_t id, struct store_case *c)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_GET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	c->id = sqlite3_column_int64(st, 0);
	c->student_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, c->status, sizeof c->status);
	c->level = sqlite3_column_int(st, 3);
	c->dropout = sqlite3_column_int(st, 4);
	store_col_text(st, 5, c->reason, sizeof c->reason);
	c->days_absent = sqlite3_column_int(st, 6);
	c->opened_by = sqlite3_column_int64(st, 7);
	c->opened_at = sqlite3_column_int64(st, 8);
	c->school_resp = sqlite3_column_int64(st, 9);
	c->gov_resp = sqlite3_column_int64(st, 10);
	c->closed_by = sqlite3_column_int64(st, 11);
	c->closed_at = sqlite3_column_int64(st, 12);
	store_col_text(st, 13, c->last_action, sizeof c->last_action);
	c->last_action_at = sqlite3_column_int64(st, 14);
	c->absent_since = sqlite3_column_int64(st, 15);
	c->level_at = sqlite3_column_int64(st, 16);
	c->next_at = sqlite3_column_int64(st, 17);
	store_col_text(st, 18, c->hold, sizeof c->hold);
	c->notice_at = sqlite3_column_int64(st, 19);
	c->cosigned_by = sqlite3_column_int64(st, 20);
	c->cosigned_at = sqlite3_column_int64(st, 21);
	c->cosign_asked_at = sqlite3_column_int64(st, 22);
	c->cosign_next_at = sqlite3_column_int64(st, 23);
	c->cosign_chased = sqlite3_column_int(st, 24);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_case_of_student(struct store *s, int64_t student_id, int open_only,
    struct store_case *out)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_OF_STUDENT);
	int64_t id;
	int rc;

	sqlite3_bind_int64(st, 1, student_id);
	sqlite3_bind_int(st, 2, open_only);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return store_case_get(s, id, out);
}

enum store_rc
store_case_update(struct store *s, const struct store_case *c)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_UPDATE);

	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, c->level);
	sqlite3_bind_int(st, 4, c->dropout);
	sqlite3_bind_int(st, 5, c->days_absent);
	sqlite3_bind_int64(st, 6, c->closed_by);
	sqlite3_bind_int64(st, 7, c->closed_at);
	sqlite3_bind_text(st, 8, c->last_action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, c->last_action_at);
	sqlite3_bind_int64(st, 10, c->absent_since);
	sqlite3_bind_int64(st, 11, c->level_at);
	sqlite3_bind_int64(st, 12, c->next_at);
	sqlite3_bind_text(st, 13, c->hold, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, c->notice_at);
	return store_exec(s, st);
}

/* The one text column statement id reads for ?1 = id, into phone. */
static enum store_rc
store_phone_by_id(struct store *s, enum store_stmt id_stmt, int64_t id,
    char *phone, size_t phonesz)
{
	sqlite3_stmt *st = store_stmt(s, id_stmt);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	store_col_text(st, 0, phone, phonesz);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_case_dropout_by(struct store *s, int64_t id, char *phone,
    size_t phonesz)
{
	return store_phone_by_id(s, STMT_CASE_DROPOUT_BY, id, phone, phonesz);
}

enum store_rc
store_student_registrar(struct store *s, int64_t student_id, char *phone,
    size_t phonesz)
{
	return store_phone_by_id(s, STMT_STUDENT_REGISTRAR, student_id, phone,
	    phonesz);
}

enum store_rc
store_case_cosign_chase(struct store *s, int64_t id, int64_t asked_at,
    int64_t next_at, int chased)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_COSIGN_CHASE);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, asked_at);
	sqlite3_bind_int64(st, 3, next_at);
	sqlite3_bind_int(st, 4, chased);
	return store_exec(s, st);
}

enum store_rc
store_case_cosign(struct store *s, int64_t id, int64_t by, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASE_COSIGN);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, by);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_DUP;
}

enum store_rc
store_event_add(struct store *s, const struct store_event *e)
{
	sqlite3_stmt *st = store_stmt(s, STMT_EVENT_PUT);

	sqlite3_bind_int64(st, 1, e->case_id);
	sqlite3_bind_int64(st, 2, e->student_id);
	sqlite3_bind_int64(st, 3, e->actor_id);
	sqlite3_bind_int64(st, 4, e->at);
	sqlite3_bind_text(st, 5, e->what, -1, SQLITE_STATIC);
	if (e->detail)
		sqlite3_bind_text(st, 6, e->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, e->inbound_id);
	return store_exec(s, st);
}

enum store_rc
store_event_last(struct store *s, int64_t case_id, char *what, size_t whatsz,
    int64_t *at)
{
	sqlite3_stmt *st = store_stmt(s, STMT_EVENT_LAST);
	int rc;

	sqlite3_bind_int64(st, 1, case_id);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	store_col_text(st, 0, what, whatsz);
	*at = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_home_visits_since(struct store *s, int64_t student_id, int64_t since,
    int64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_HOME_VISITS_SINCE);
	int rc;

	sqlite3_bind_int64(st, 1, student_id);
	sqlite3_bind_int64(st, 2, since);
	if ((rc = store_row(s, st)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERR : (enum store_rc)rc;
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_watchers_add(struct store *s, int64_t case_id,
    const char (*phones)[STORE_PHONE_MAX], size_t n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_WATCHERS_PUT);
	enum store_rc rc = STORE_OK;
	size_t i = 0, k;

	while (rc == STORE_OK && i < n) {
		sqlite3_bind_int64(st, 1, case_id);
		for (k = 0; k < STORE_WATCHERS_PUT; k++, i++)
			if (i < n)
				sqlite3_bind_text(st, (int)k + 2, phones[i], -1,
				    SQLITE_STATIC);
			else
				sqlite3_bind_null(st, (int)k + 2);
		rc = store_exec(s, st);
	}
	return rc;
}

enum store_rc
store_watchers(struct store *s, int64_t case_id, const char *after,
    char (*phones)[STORE_PHONE_MAX], size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_WATCHERS);
	int rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_text(st, 2, after, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		store_col_text(st, 0, phones[(*n)++], STORE_PHONE_MAX);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}
