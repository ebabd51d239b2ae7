/*
 * Counting for review: the weekly digest and SUM (one place, one period)
 * and the statistics table (辍学情况统计表, per school or village). The same
 * rules everywhere: a student belongs to a place by class or household
 * village; a case is open at a moment if opened before it and not struck
 * off by then.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

const char *const store_report_reasons[STORE_REASONS] = {
	"illness", "family", "weariness", "poverty", "work", "marriage",
	"distance", "none"
};
const char *const store_report_categories[STORE_CATEGORIES] = {
	"left_behind", "disabled", "orphan", "unsupported", "distress",
	"registered_poor", "low_income", "learning_difficulty", "single_parent"
};

static void
store_bind_scope(sqlite3_stmt *st, const char *scope, int64_t from,
    int64_t to)
{
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
}

/*
 * The four counts, read one of two ways (sql.def): for a county, from the
 * period's facts; below it, from the scope's students. A place not in
 * the roster has no students, either way.
 */
static const enum store_stmt store_digest_narrow[4] = { STMT_DIGEST_ABSENT,
    STMT_DIGEST_OPEN, STMT_DIGEST_CLOSED, STMT_DIGEST_OVERDUE };
static const enum store_stmt store_digest_wide[4] = {
    STMT_DIGEST_ABSENT_WIDE, STMT_DIGEST_OPEN_WIDE, STMT_DIGEST_CLOSED_WIDE,
    STMT_DIGEST_OVERDUE_WIDE };

static enum store_rc
store_digest_way(struct store *s, const char *scope,
    const enum store_stmt **q)
{
	struct store_place pl;
	enum store_rc rc = store_place_get(s, scope, &pl);

	*q = rc == STORE_OK && !strcmp(pl.kind, "county") ?
	    store_digest_wide : store_digest_narrow;
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

/* The first column into *n, the second into *n2 unless NULL. */
static enum store_rc
store_digest_count(struct store *s, enum store_stmt id, const char *scope,
    int64_t from, int64_t to, int64_t *n, int64_t *n2)
{
	sqlite3_stmt *st = store_stmt(s, id);
	int rc;

	store_bind_scope(st, scope, from, to);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	*n = sqlite3_column_int64(st, 0);
	if (n2)
		*n2 = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_digest_absent(struct store *s, const char *scope, int64_t from,
    int64_t to, int64_t *n)
{
	const enum store_stmt *q;
	enum store_rc rc;

	if ((rc = store_digest_way(s, scope, &q)) != STORE_OK)
		return rc;
	return store_digest_count(s, q[0], scope, from, to, n, NULL);
}

enum store_rc
store_digest(struct store *s, const char *scope, int64_t from, int64_t to,
    struct store_digest *d)
{
	const enum store_stmt *q;
	sqlite3_stmt *st;
	enum store_rc src;
	int rc;

	memset(d, 0, sizeof *d);
	if ((src = store_digest_way(s, scope, &q)) != STORE_OK ||
	    (src = store_digest_count(s, q[0], scope, from, to,
	    &d->absent, NULL)) != STORE_OK)
		return src;

	st = store_stmt(s, q[1]);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int lv = sqlite3_column_int(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);

		if (lv >= 1 && lv <= 4)
			d->level[lv] = n;
		d->open += n;
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);

	if ((src = store_digest_count(s, q[2], scope, from, to,
	    &d->closed, &d->ended)) != STORE_OK)
		return src;

	st = store_stmt(s, q[3]);
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1);

		d->overdue += n;
		if (d->nowers < STORE_DIGEST_OWERS) {
			store_col_text(st, 0, d->owers[d->nowers].name,
			    sizeof d->owers[0].name);
			d->owers[d->nowers++].n = n;
		}
	}
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

static struct store_report_row *
store_row_of(struct store_report_row *rows, size_t n, const char *code)
{
	size_t lo = 0, hi = n;

	/* rows are sorted by code (REPORT_GROUPS orders them). */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(rows[mid].code, code);

		if (c == 0)
			return &rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
store_index(const char *const *list, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], word))
			return i;
	return -1;
}

static void
store_report_bind(sqlite3_stmt *st, const char *kind, int64_t from,
    int64_t to, int threshold, int special)
{
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int(st, 4, threshold);
	sqlite3_bind_int(st, 5, special);
}

enum store_rc
store_report(struct store *s, const char *kind, const char *township,
    int64_t from, int64_t to, int threshold, int special,
    struct store_report_row **rowsp, size_t *np)
{
	static const enum store_stmt metrics[] = {
		STMT_REPORT_ENROLLED, STMT_REPORT_ABSENT, STMT_REPORT_CASES,
		STMT_REPORT_REASONS, STMT_REPORT_CATEGORIES
	};
	struct store_report_row *rows = NULL, *r;
	size_t n = 0, cap = 0, m;
	sqlite3_stmt *st;
	char code[STORE_CODE_MAX], word[32];
	int rc, i;

	*rowsp = NULL;
	*np = 0;
	st = store_stmt(s, STMT_REPORT_GROUPS);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (township)
		sqlite3_bind_text(st, 2, township, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((r = realloc(rows, cap * sizeof *rows)) == NULL) {
				free(rows);
				return store_fail(s, st, SQLITE_NOMEM);
			}
			rows = r;
		}
		memset(&rows[n], 0, sizeof rows[n]);
		store_col_text(st, 0, rows[n].code, sizeof rows[n].code);
		store_col_text(st, 1, rows[n].name, sizeof rows[n].name);
		n++;
	}
	if (rc != SQLITE_DONE) {
		free(rows);
		return store_fail(s, st, rc);
	}
	sqlite3_reset(st);
	for (m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
		st = store_stmt(s, metrics[m]);
		store_report_bind(st, kind, from, to, threshold, special);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			store_col_text(st, 0, code, sizeof code);
			if ((r = store_row_of(rows, n, code)) == NULL)
				continue;	/* another township's */
			switch (metrics[m]) {
			case STMT_REPORT_ENROLLED:
				r->enrolled = sqlite3_column_int64(st, 1);
				break;
			case STMT_REPORT_ABSENT:
				r->absent = sqlite3_column_int64(st, 1);
				break;
			case STMT_REPORT_CASES:
				r->opened = sqlite3_column_int64(st, 1);
				r->dropouts = sqlite3_column_int64(st, 2);
				r->cosigned = sqlite3_column_int64(st, 3);
				r->returned = sqlite3_column_int64(st, 4);
				r->closed = sqlite3_column_int64(st, 5);
				r->still_out = sqlite3_column_int64(st, 6);
				break;
			case STMT_REPORT_REASONS:
				store_col_text(st, 1, word, sizeof word);
				if ((i = store_index(store_report_reasons,
				    STORE_REASONS, word)) >= 0)
					r->reason[i] = sqlite3_column_int64(st, 2);
				break;
			default:
				store_col_text(st, 1, word, sizeof word);
				if ((i = store_index(store_report_categories,
				    STORE_CATEGORIES, word)) >= 0)
					r->category[i] =
					    sqlite3_column_int64(st, 2);
				break;
			}
		}
		if (rc != SQLITE_DONE) {
			free(rows);
			return store_fail(s, st, rc);
		}
		sqlite3_reset(st);
	}
	*rowsp = rows;
	*np = n;
	return STORE_OK;
}

enum store_rc
store_digest_run_get(struct store *s, int64_t week)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_RUN_GET);
	int rc;

	sqlite3_bind_int64(st, 1, week);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_digest_run_put(struct store *s, int64_t week, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_RUN_PUT);

	sqlite3_bind_int64(st, 1, week);
	sqlite3_bind_int64(st, 2, at);
	return store_exec(s, st);
}

enum store_rc
store_digest_pos_get(struct store *s, struct store_digest_pos *pos)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_POS_GET);
	int rc;

	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	pos->week = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, pos->scope, sizeof pos->scope);
	store_col_text(st, 2, pos->phone, sizeof pos->phone);
	pos->sent = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_digest_pos_put(struct store *s, const struct store_digest_pos *pos)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_POS_PUT);

	sqlite3_bind_int64(st, 1, pos->week);
	sqlite3_bind_text(st, 2, pos->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, pos->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, pos->sent);
	return store_exec(s, st);
}

enum store_rc
store_digest_pos_clear(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_DIGEST_POS_CLEAR));
}

struct report_cases_cb {
	void (*fn)(void *, const struct store_case_line *);
	void *arg;
};

static void
report_case_row(sqlite3_stmt *st, void *arg)
{
	struct report_cases_cb *cb = arg;
	struct store_case_line l;

	memset(&l, 0, sizeof l);
	l.id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, l.status, sizeof l.status);
	l.level = sqlite3_column_int(st, 2);
	l.dropout = sqlite3_column_int(st, 3);
	store_col_text(st, 4, l.reason, sizeof l.reason);
	l.opened_at = sqlite3_column_int64(st, 5);
	l.closed_at = sqlite3_column_int64(st, 6);
	store_col_text(st, 7, l.student_no, sizeof l.student_no);
	store_col_text(st, 8, l.name, sizeof l.name);
	store_col_text(st, 9, l.class_name, sizeof l.class_name);
	store_col_text(st, 10, l.village, sizeof l.village);
	l.cosigned = sqlite3_column_int(st, 11);
	cb->fn(cb->arg, &l);
}

enum store_rc
store_cases_list(struct store *s, int open_only, const char *village,
    const char *school, void (*fn)(void *, const struct store_case_line *),
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CASES_LIST);
	struct report_cases_cb cb = { fn, arg };

	sqlite3_bind_int(st, 1, open_only);
	if (village)
		sqlite3_bind_text(st, 2, village, -1, SQLITE_STATIC);
	if (school)
		sqlite3_bind_text(st, 3, school, -1, SQLITE_STATIC);
	return store_each(s, st, report_case_row, &cb);
}

/* The caller's callback and its argument, for store_each's rows. */
struct report_people_cb {
	void (*fn)(void *, const struct store_person_line *);
	void *arg;
};

static void
report_person_row(sqlite3_stmt *st, void *arg)
{
	struct report_people_cb *cb = arg;
	struct store_person_line l;

	memset(&l, 0, sizeof l);
	store_col_text(st, 0, l.p.phone, sizeof l.p.phone);
	store_col_text(st, 1, l.p.name, sizeof l.p.name);
	store_col_text(st, 2, l.p.role, sizeof l.p.role);
	store_col_text(st, 3, l.p.scope, sizeof l.p.scope);
	store_col_text(st, 4, l.place_name, sizeof l.place_name);
	cb->fn(cb->arg, &l);
}

enum store_rc
store_people_list(struct store *s, const char *place, const char *role,
    const char *phone, void (*fn)(void *, const struct store_person_line *),
    void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_REPORT_PEOPLE);
	struct report_people_cb cb = { fn, arg };

	if (place)
		sqlite3_bind_text(st, 1, place, -1, SQLITE_STATIC);
	if (role)
		sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	if (phone)
		sqlite3_bind_text(st, 3, phone, -1, SQLITE_STATIC);
	return store_each(s, st, report_person_row, &cb);
}

struct report_history_cb {
	void (*on_event)(void *, const struct store_history_event *);
	void (*on_sms)(void *, const struct store_history_sms *);
	void *arg;
};

static void
report_event_row(sqlite3_stmt *st, void *arg)
{
	struct report_history_cb *cb = arg;
	struct store_history_event e;

	memset(&e, 0, sizeof e);
	e.at = sqlite3_column_int64(st, 0);
	e.case_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, e.what, sizeof e.what);
	store_col_text(st, 3, e.detail, sizeof e.detail);
	store_col_text(st, 4, e.name, sizeof e.name);
	store_col_text(st, 5, e.role, sizeof e.role);
	store_col_text(st, 6, e.scope, sizeof e.scope);
	cb->on_event(cb->arg, &e);
}

static void
report_sms_row(sqlite3_stmt *st, void *arg)
{
	struct report_history_cb *cb = arg;
	struct store_history_sms m;

	memset(&m, 0, sizeof m);
	m.created_at = sqlite3_column_int64(st, 0);
	m.case_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, m.kind, sizeof m.kind);
	store_col_text(st, 3, m.to, sizeof m.to);
	store_col_text(st, 4, m.status, sizeof m.status);
	m.sent_at = sqlite3_column_int64(st, 5);
	store_col_text(st, 6, m.dlr, sizeof m.dlr);
	store_col_text(st, 7, m.name, sizeof m.name);
	store_col_text(st, 8, m.error, sizeof m.error);
	cb->on_sms(cb->arg, &m);
}

enum store_rc
store_history(struct store *s, int64_t student_id,
    void (*on_event)(void *, const struct store_history_event *),
    void (*on_sms)(void *, const struct store_history_sms *), void *arg)
{
	struct report_history_cb cb = { on_event, on_sms, arg };
	sqlite3_stmt *st = store_stmt(s, STMT_REPORT_HISTORY_EVENTS);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, student_id);
	if ((rc = store_each(s, st, report_event_row, &cb)) != STORE_OK)
		return rc;
	st = store_stmt(s, STMT_REPORT_HISTORY_SMS);
	sqlite3_bind_int64(st, 1, student_id);
	return store_each(s, st, report_sms_row, &cb);
}

struct report_visits_cb {
	void (*fn)(void *, const struct store_visit_line *);
	void *arg;
};

static void
report_visit_row(sqlite3_stmt *st, void *arg)
{
	struct report_visits_cb *cb = arg;
	struct store_visit_line l;

	memset(&l, 0, sizeof l);
	store_col_text(st, 0, l.student_no, sizeof l.student_no);
	store_col_text(st, 1, l.name, sizeof l.name);
	store_col_text(st, 2, l.class_name, sizeof l.class_name);
	store_col_text(st, 3, l.village, sizeof l.village);
	l.special = sqlite3_column_int(st, 4);
	l.visits = sqlite3_column_int64(st, 5);
	l.last_at = sqlite3_column_int64(st, 6);
	cb->fn(cb->arg, &l);
}

static enum store_rc
store_visits(struct store *s, enum store_stmt id, const char *code,
    int64_t since, int64_t until,
    void (*fn)(void *, const struct store_visit_line *), void *arg)
{
	sqlite3_stmt *st = store_stmt(s, id);
	struct report_visits_cb cb = { fn, arg };

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	return store_each(s, st, report_visit_row, &cb);
}

enum store_rc
store_school_visits(struct store *s, const char *school, int64_t since,
    int64_t until, void (*fn)(void *, const struct store_visit_line *),
    void *arg)
{
	return store_visits(s, STMT_REPORT_SCHOOL_VISITS, school, since, until,
	    fn, arg);
}

enum store_rc
store_class_visits(struct store *s, const char *class_code, int64_t since,
    void (*fn)(void *, const struct store_visit_line *), void *arg)
{
	return store_visits(s, STMT_REPORT_CLASS_VISITS, class_code, since,
	    INT64_MAX, fn, arg);
}

enum store_rc
store_digest_run_last(struct store *s, int64_t *week)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DIGEST_RUN_LAST);
	int rc;

	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return STORE_NOTFOUND;
	}
	*week = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_sms_list(struct store *s, const char *status, const char *to,
    int limit, void (*on_sms)(void *, const struct store_history_sms *),
    void *arg)
{
	struct report_history_cb cb = { NULL, on_sms, arg };
	sqlite3_stmt *st = store_stmt(s, STMT_REPORT_SMS);

	if (status)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	return store_each(s, st, report_sms_row, &cb);
}

enum store_rc
store_person_name_at(struct store *s, int64_t id, int64_t at, char *out,
    size_t sz)
{
	sqlite3_stmt *st = store_stmt(s, STMT_REPORT_PERSON_NAME_AT);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	store_col_text(st, 0, out, sz);
	sqlite3_reset(st);
	return STORE_OK;
}
