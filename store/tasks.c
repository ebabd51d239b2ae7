/*
 * Tasks of the escalation ladder and the scheduler's question: what is due
 * next. Deadlines are absolute UTC seconds, so a restart rebuilds
 * everything from these rows.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

enum store_rc
store_task_add(struct store *s, struct store_task *t)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASK_PUT);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, t->case_id);
	sqlite3_bind_int(st, 2, t->level);
	sqlite3_bind_text(st, 3, t->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t->assignee_id);
	sqlite3_bind_int64(st, 5, t->created_at);
	sqlite3_bind_int64(st, 6, t->due_at);
	sqlite3_bind_int64(st, 7, t->remind_at);
	if ((rc = store_exec(s, st)) == STORE_OK) {
		t->id = sqlite3_last_insert_rowid(s->db);
		snprintf(t->status, sizeof t->status, "open");
	}
	return rc;
}

enum store_rc
store_task_get(struct store *s, int64_t id, struct store_task *t)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASK_GET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	t->id = sqlite3_column_int64(st, 0);
	t->case_id = sqlite3_column_int64(st, 1);
	t->level = sqlite3_column_int(st, 2);
	store_col_text(st, 3, t->kind, sizeof t->kind);
	t->assignee_id = sqlite3_column_int64(st, 4);
	store_col_text(st, 5, t->status, sizeof t->status);
	t->created_at = sqlite3_column_int64(st, 6);
	t->due_at = sqlite3_column_int64(st, 7);
	t->remind_at = sqlite3_column_int64(st, 8);
	t->reminded_at = sqlite3_column_int64(st, 9);
	t->acked_at = sqlite3_column_int64(st, 10);
	t->done_at = sqlite3_column_int64(st, 11);
	t->done_by = sqlite3_column_int64(st, 12);
	store_col_text(st, 13, t->outcome, sizeof t->outcome);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_task_update(struct store *s, const struct store_task *t)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASK_UPDATE);

	sqlite3_bind_int64(st, 1, t->id);
	sqlite3_bind_text(st, 2, t->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->remind_at);
	sqlite3_bind_int64(st, 4, t->reminded_at);
	sqlite3_bind_int64(st, 5, t->acked_at);
	sqlite3_bind_int64(st, 6, t->done_at);
	sqlite3_bind_int64(st, 7, t->done_by);
	sqlite3_bind_text(st, 8, t->outcome, -1, SQLITE_STATIC);
	return store_exec(s, st);
}

/* Reads up to max task ids from st, then each task. */
static enum store_rc
store_task_list(struct store *s, sqlite3_stmt *st, struct store_task *out,
    size_t max, size_t *n, size_t *total)
{
	int64_t ids[64];
	size_t k = 0, i;
	int rc = SQLITE_DONE;
	enum store_rc r;

	if (max > 64)
		max = 64;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k < max)
			ids[k] = sqlite3_column_int64(st, 0);
		k++;		/* the rest are counted, not read */
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	if (total)
		*total = k;
	if (k > max)
		k = max;
	*n = 0;
	for (i = 0; i < k; i++) {
		if ((r = store_task_get(s, ids[i], &out[i])) != STORE_OK)
			return r;
		(*n)++;
	}
	return STORE_OK;
}

enum store_rc
store_tasks_of_case(struct store *s, int64_t case_id, int64_t assignee,
    struct store_task *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASKS_OF_CASE);

	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, assignee);
	return store_task_list(s, st, out, max, n, NULL);
}

enum store_rc
store_tasks_of_person(struct store *s, int64_t assignee,
    struct store_task *out, size_t max, size_t *n, size_t *total)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASKS_OF_PERSON);

	sqlite3_bind_int64(st, 1, assignee);
	return store_task_list(s, st, out, max, n, total);
}

enum store_rc
store_tasks_by_code(struct store *s, int64_t assignee, uint32_t space,
    uint32_t value, struct store_task *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_TASKS_BY_CODE);

	sqlite3_bind_int64(st, 1, assignee);
	sqlite3_bind_int64(st, 2, space);
	sqlite3_bind_int64(st, 3, value);
	return store_task_list(s, st, out, max, n, NULL);
}

/* The head of one of the three queues of due times into d. */
static enum store_rc
store_due_head(struct store *s, enum store_stmt id, enum store_due_kind kind,
    struct store_due *d)
{
	sqlite3_stmt *st = store_stmt(s, id);
	enum store_rc rc;

	if ((rc = store_row(s, st)) != STORE_OK)
		return rc;
	d->kind = kind;
	d->id = sqlite3_column_int64(st, 0);
	d->at = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_due_later(struct store *s, const struct store_due *d, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, d->kind == STORE_DUE_CASE ?
	    STMT_CASE_STEP_LATER : d->kind == STORE_DUE_COSIGN ?
	    STMT_COSIGN_LATER : STMT_TASK_REMIND_LATER);

	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int64(st, 2, at);
	return store_exec(s, st);
}

/* The earlier of d (found when *found) and the head of another queue:
 * at the same time the one read first goes first. */
static enum store_rc
store_due_min(struct store *s, enum store_stmt id, enum store_due_kind kind,
    struct store_due *d, int *found)
{
	struct store_due c;
	enum store_rc rc;

	if ((rc = store_due_head(s, id, kind, &c)) == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	if (!*found || c.at < d->at)
		*d = c;
	*found = 1;
	return STORE_OK;
}

enum store_rc
store_next_due(struct store *s, struct store_due *d)
{
	enum store_rc rc;
	int found = 0;

	/* A reminder goes first at the same time, then a climb. */
	if ((rc = store_due_min(s, STMT_NEXT_REMIND, STORE_DUE_TASK_REMIND, d,
	    &found)) != STORE_OK ||
	    (rc = store_due_min(s, STMT_NEXT_CASE_STEP, STORE_DUE_CASE, d,
	    &found)) != STORE_OK ||
	    (rc = store_due_min(s, STMT_NEXT_COSIGN, STORE_DUE_COSIGN, d,
	    &found)) != STORE_OK)
		return rc;
	return found ? STORE_OK : STORE_NOTFOUND;
}
