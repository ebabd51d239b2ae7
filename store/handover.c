/*
 * Work handed over at an import --replace (store/leave.c), as the daemon
 * tells its new holder: who is still to be told, what is theirs now.
 */
#include <stdlib.h>

#include "store/store_int.h"

static int
handover_id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

enum store_rc
store_handover_next(struct store *s, int64_t after, int64_t *id,
    int *on_roster)
{
	sqlite3_stmt *st = store_stmt(s, STMT_HANDOVER_NEXT);
	int rc;

	sqlite3_bind_int64(st, 1, after);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		sqlite3_reset(st);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_fail(s, st, rc);
	*id = sqlite3_column_int64(st, 0);
	*on_roster = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_handover_done(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_HANDOVER_DONE);

	sqlite3_bind_int64(st, 1, id);
	return store_exec(s, st);
}

enum store_rc
store_person_workload(struct store *s, int64_t id, int64_t *tasks,
    int64_t *cases)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PERSON_WORKLOAD);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	*tasks = sqlite3_column_int64(st, 0);
	*cases = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_cosign_pending(struct store *s, const char *school, int64_t person_id,
    int64_t *ids, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_COSIGN_PENDING);
	int rc;

	*n = 0;
	sqlite3_bind_text(st, 1, school, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 3, person_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	/* Sorted here: the plan finds them by school, not by id. */
	qsort(ids, *n, sizeof *ids, handover_id_cmp);
	return STORE_OK;
}

/* When school reported for term into *when, or STORE_NOTFOUND. */
static enum store_rc
store_term_report_at(struct store *s, const char *school, int64_t term,
    int64_t *when)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TERM_REPORT_AT);
	enum store_rc rc;

	sqlite3_bind_text(st, 1, school, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, term);
	if ((rc = store_row(s, st)) != STORE_OK)
		return rc;
	*when = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_term_reported(struct store *s, const char *school, int64_t term)
{
	int64_t when;

	return store_term_report_at(s, school, term, &when);
}

enum store_rc
store_term_report(struct store *s, const char *school, int64_t term,
    int64_t by, int64_t at, int64_t inbound_id, int *fresh, int64_t *when)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TERM_REPORT_PUT);
	enum store_rc rc;

	sqlite3_bind_text(st, 1, school, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, term);
	sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, inbound_id);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	*fresh = sqlite3_changes(s->db) == 1;
	*when = at;
	if (*fresh)
		return STORE_OK;
	rc = store_term_report_at(s, school, term, when);
	return rc == STORE_NOTFOUND ? STORE_ERR : rc;
}

enum store_rc
store_term_missing(struct store *s, const char *township, int64_t term,
    char (*names)[STORE_NAME_MAX], size_t max, size_t *n, size_t *total)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_TERM_MISSING);
	int rc;

	*n = *total = 0;
	sqlite3_bind_text(st, 1, township, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, term);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < max)
			store_col_text(st, 0, names[(*n)++], STORE_NAME_MAX);
		(*total)++;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}
