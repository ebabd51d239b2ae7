/* Retention of what people wrote; see store_retention_step in store.h. */
#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_int.h"

struct retention_table {
	const char *name;	/* its row in retention_progress */
	enum store_stmt scan, wipe;
};

static const struct retention_table retention_tables[] = {
	{ "inbound", STMT_RETAIN_INBOUND_SCAN, STMT_RETAIN_INBOUND_WIPE },
	{ "outbound", STMT_RETAIN_OUTBOUND_SCAN, STMT_RETAIN_OUTBOUND_WIPE },
	{ "absences", STMT_RETAIN_ABSENCES_SCAN, STMT_RETAIN_ABSENCES_WIPE },
	{ "events", STMT_RETAIN_EVENTS_SCAN, STMT_RETAIN_EVENTS_WIPE },
};

/*
 * One table: from the place reached, the rows that may be wiped, up to
 * the first that may not yet, wiped as one range; the place moves past
 * them. Rows are in time order by id as long as the clock goes forward:
 * one stamped later than its neighbours holds them back until it is old
 * itself (reported when it is dated after `ahead`).
 */
static enum store_rc
retention_table(struct store *s, const struct retention_table *t,
    int64_t before, int64_t ahead, int batch, int64_t *wiped,
    struct store_wiped *w, int *more)
{
	sqlite3_stmt *st = store_stmt(s, STMT_RETAIN_AFTER);
	int64_t after = 0, upto;
	int r, n = 0, stopped = 0;
	enum store_rc rc;

	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK) {
		after = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	} else if (rc != STORE_NOTFOUND)
		return rc;
	st = store_stmt(s, t->scan);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int(st, 3, batch);
	upto = after;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (!sqlite3_column_int(st, 1)) {
			stopped = 1;
			if (sqlite3_column_int64(st, 2) > ahead &&
			    w->ahead_table == NULL) {
				w->ahead_table = t->name;
				w->ahead_id = sqlite3_column_int64(st, 0);
				w->ahead_at = sqlite3_column_int64(st, 2);
			}
			break;
		}
		upto = sqlite3_column_int64(st, 0);
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	if (upto == after)
		return STORE_OK;
	st = store_stmt(s, t->wipe);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, upto);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	*wiped += sqlite3_changes(s->db);
	st = store_stmt(s, STMT_RETAIN_MARK);
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, upto);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	if (!stopped && n == batch)
		*more = 1;
	return STORE_OK;
}

enum store_rc
store_retention_step(struct store *s, int64_t before, int64_t ahead,
    int batch, struct store_wiped *w, int *more)
{
	int64_t *count[] = { &w->inbound, &w->outbound, &w->absences,
	    &w->events };
	enum store_rc rc;
	size_t i;

	*more = 0;
	w->ahead_table = NULL;
	w->ahead_id = w->ahead_at = 0;
	if (batch < 1)
		return STORE_ERR;
	/*
	 * Wiped words overwritten in their pages, not left in free space.
	 * Debian's SQLite has this on from the start (SQLITE_SECURE_DELETE);
	 * a step makes sure. Run, not prepared once: this PRAGMA acts as it
	 * is prepared.
	 */
	if (sqlite3_exec(s->db, "PRAGMA secure_delete = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, NULL, sqlite3_errcode(s->db));
	for (i = 0; i < sizeof retention_tables / sizeof retention_tables[0];
	    i++) {
		*count[i] = 0;
		if ((rc = retention_table(s, &retention_tables[i], before,
		    ahead, batch, count[i], w, more)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}
