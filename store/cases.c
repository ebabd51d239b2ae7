/*
 * Absences (and, with the cases issue, cases, tasks and the event ledger).
 */
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
	if ((rc = store_exec(s, st)) == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}
