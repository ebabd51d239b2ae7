/* Places, people with their roles and scopes, and students. */
#include <string.h>

#include "store/store_int.h"

static void
store_bind_text(sqlite3_stmt *st, int i, const char *t)
{
	if (t == NULL || *t == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
}

enum store_rc
store_place_put(struct store *s, const struct store_place *p)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PLACE_MOVE_UNREGISTER);
	enum store_rc rc;

	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
	store_bind_text(st, 2, p->parent);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	st = store_stmt(s, STMT_PLACE_PUT);
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
	store_bind_text(st, 4, p->parent);
	store_rcache_wrote(s);
	return store_exec(s, st);
}

enum store_rc
store_place_get(struct store *s, const char *code, struct store_place *out)
{
	sqlite3_stmt *st;
	enum store_rc cached;
	int rc;

	if (store_rcache_place(s, code, out, &cached))
		return cached;
	st = store_stmt(s, STMT_PLACE_GET);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			store_rcache_place_put(s, code, NULL);
		return (enum store_rc)rc;
	}
	store_col_text(st, 0, out->code, sizeof out->code);
	store_col_text(st, 1, out->name, sizeof out->name);
	store_col_text(st, 2, out->kind, sizeof out->kind);
	store_col_text(st, 3, out->parent, sizeof out->parent);
	sqlite3_reset(st);
	store_rcache_place_put(s, code, out);
	return STORE_OK;
}

enum store_rc
store_place_within(struct store *s, const char *place, const char *ancestor)
{
	sqlite3_stmt *st;
	enum store_rc cached;
	int rc;

	if (store_rcache_within(s, place, ancestor, &cached))
		return cached;
	st = store_stmt(s, STMT_PLACE_WITHIN);
	sqlite3_bind_text(st, 1, place, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ancestor, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	store_rcache_within_put(s, place, ancestor, rc == SQLITE_ROW);
	return rc == SQLITE_ROW ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_person_put(struct store *s, const struct store_person *p)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc, fresh = 0, inspector = !strcmp(p->role, "inspector");

	/* Fresh: not on the roster before (a --replace tracks every row; an
	 * inspector is asked for the school's missing co-signatures by any
	 * import that puts them there, as a successor is). */
	if (s->roster_track || inspector) {
		st = store_stmt(s, STMT_PERSON_ON_ROSTER);
		sqlite3_bind_text(st, 1, p->phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p->role, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p->scope, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			fresh = 1;
		else if (rc == SQLITE_ROW)
			fresh = !sqlite3_column_int(st, 0);
		else
			return store_fail(s, st, rc);
		sqlite3_reset(st);
	}
	st = store_stmt(s, STMT_PERSON_PUT);
	sqlite3_bind_text(st, 1, p->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->scope, -1, SQLITE_STATIC);
	store_rcache_wrote(s);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (fresh && (rc = store_roster_fresh(s, id)) != STORE_OK)
		return (enum store_rc)rc;
	if (fresh && inspector) {
		st = store_stmt(s, STMT_HANDOVER_ASK);
		sqlite3_bind_text(st, 1, p->scope, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		if ((rc = store_exec(s, st)) != STORE_OK)
			return (enum store_rc)rc;
	}
	return store_roster_seen(s, 1, id);
}

/* Steps st (bound) and copies up to max person rows. */
static enum store_rc
store_person_rows(struct store *s, sqlite3_stmt *st, struct store_person *out,
    size_t max, size_t *n)
{
	int rc = SQLITE_DONE;

	*n = 0;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_person *p = &out[(*n)++];

		p->id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, p->phone, sizeof p->phone);
		store_col_text(st, 2, p->name, sizeof p->name);
		store_col_text(st, 3, p->role, sizeof p->role);
		store_col_text(st, 4, p->scope, sizeof p->scope);
	}
	if (*n < max && rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_people_by_phone(struct store *s, const char *phone,
    struct store_person *out, size_t max, size_t *n)
{
	struct store_person all[STORE_RCACHE_PHONE + 1];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (store_rcache_phone(s, phone, out, max, n))
		return STORE_OK;
	st = store_stmt(s, STMT_PEOPLE_BY_PHONE);
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	if (max > STORE_RCACHE_PHONE) {
		/* Fewer than asked for: all of them. */
		if ((rc = store_person_rows(s, st, out, max, n)) == STORE_OK &&
		    *n <= STORE_RCACHE_PHONE)
			store_rcache_phone_put(s, phone, out, *n);
		return rc;
	}
	/* One more than is kept, to know whether that was all. */
	if ((rc = store_person_rows(s, st, all, STORE_RCACHE_PHONE + 1, n)) !=
	    STORE_OK)
		return rc;
	if (*n <= STORE_RCACHE_PHONE)
		store_rcache_phone_put(s, phone, all, *n);
	if (*n > max)
		*n = max;
	memcpy(out, all, *n * sizeof *out);
	return STORE_OK;
}

enum store_rc
store_people_crowded(struct store *s, size_t max, store_crowded_fn *fn,
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PEOPLE_CROWDED);
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (long)sqlite3_column_int64(st, 2));
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_people_in(struct store *s, const char *role, const char *scope,
    struct store_person *out, size_t max, size_t *n)
{
	struct store_person all[STORE_RCACHE_PEOPLE];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (store_rcache_people(s, role, scope, out, max, n))
		return STORE_OK;
	st = store_stmt(s, STMT_PEOPLE_IN);
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
	if (max > STORE_RCACHE_PEOPLE)
		return store_person_rows(s, st, out, max, n);
	/* The first STORE_RCACHE_PEOPLE, kept for any later max. */
	if ((rc = store_person_rows(s, st, all, STORE_RCACHE_PEOPLE, n)) !=
	    STORE_OK)
		return rc;
	store_rcache_people_put(s, role, scope, all, *n);
	if (*n > max)
		*n = max;
	memcpy(out, all, *n * sizeof *out);
	return STORE_OK;
}

enum store_rc
store_person_get(struct store *s, int64_t id, struct store_person *out)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PERSON_GET);
	enum store_rc rc;
	size_t n;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_person_rows(s, st, out, 1, &n)) != STORE_OK)
		return rc;
	return n == 1 ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_student_put(struct store *s, const struct store_student *p)
{
	sqlite3_stmt *st = store_stmt(s, STMT_STUDENT_PUT);
	const char *c, *bar;
	int64_t id;
	int rc;

	sqlite3_bind_text(st, 1, p->student_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->gender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->class_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->village, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->guardian_phone, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((rc = store_roster_seen(s, 0, id)) != STORE_OK)
		return rc;

	st = store_stmt(s, STMT_STUDENT_CATS_CLEAR);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	for (c = p->categories; *c; c = *bar ? bar + 1 : bar) {
		bar = strchr(c, '|');
		if (bar == NULL)
			bar = c + strlen(c);
		if (bar == c)
			continue;
		st = store_stmt(s, STMT_STUDENT_CAT_ADD);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, c, (int)(bar - c), SQLITE_STATIC);
		if ((rc = store_exec(s, st)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

static enum store_rc
store_student_row(struct store *s, sqlite3_stmt *st, struct store_student *out)
{
	int rc;

	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	out->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, out->student_no, sizeof out->student_no);
	store_col_text(st, 2, out->name, sizeof out->name);
	store_col_text(st, 3, out->gender, sizeof out->gender);
	store_col_text(st, 4, out->class_code, sizeof out->class_code);
	store_col_text(st, 5, out->village, sizeof out->village);
	store_col_text(st, 6, out->guardian_phone, sizeof out->guardian_phone);
	store_col_text(st, 7, out->categories, sizeof out->categories);
	store_col_text(st, 8, out->excused_as, sizeof out->excused_as);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_student_get(struct store *s, const char *student_no,
    struct store_student *out)
{
	sqlite3_stmt *st = store_stmt(s, STMT_STUDENT_GET);

	sqlite3_bind_text(st, 1, student_no, -1, SQLITE_STATIC);
	return store_student_row(s, st, out);
}

enum store_rc
store_student_excuse(struct store *s, int64_t id, const char *as)
{
	sqlite3_stmt *st = store_stmt(s, STMT_STUDENT_EXCUSE);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, as ? as : "", -1, SQLITE_STATIC);
	return store_exec(s, st);
}

enum store_rc
store_student_get_id(struct store *s, int64_t id, struct store_student *out)
{
	sqlite3_stmt *st = store_stmt(s, STMT_STUDENT_GET_ID);

	sqlite3_bind_int64(st, 1, id);
	return store_student_row(s, st, out);
}

enum store_rc
store_digest_recipients(struct store *s, const char *const *roles,
    const char *after_scope, const char *after_phone,
    struct store_person *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_RECIPIENTS);
	int i;

	for (i = 0; i < 8; i++) {
		if (roles[i] == NULL)
			break;
		sqlite3_bind_text(st, i + 1, roles[i], -1, SQLITE_STATIC);
	}
	for (; i < 8; i++)
		sqlite3_bind_null(st, i + 1);
	sqlite3_bind_text(st, 9, after_scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, after_phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)max);
	return store_person_rows(s, st, out, max, n);
}
