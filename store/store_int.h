/* Private to store/: the open database and its prepared statements. */
#ifndef BX_STORE_INT_H
#define BX_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

enum store_stmt {
#define SQL(id, text) STMT_##id,
#include "store/sql.def"
#undef SQL
	STMT_COUNT
};

struct store_ckpt;
struct store_rcache;
struct store_outq;
struct store_walsync;

struct store {
	sqlite3 *db;
	struct store_ckpt *ckpt;	/* checkpoint.c; NULL if none */
	struct store_walsync *walsync;	/* walsync.c; NULL if none */
	struct store_rcache *rcache;	/* rcache.c; NULL until first used */
	struct store_outq *outq;	/* outq.c; NULL if read-only */
	sqlite3_stmt *st[STMT_COUNT];
	char err[256];
	int version;
	int readonly;			/* store_open_readonly */
	char instance[17];		/* store_identity.name */
	int roster_dirty;		/* this transaction wrote the roster */
	int roster_track;		/* ... and notes what (leave.c) */
	sqlite3_stmt *roster_seen;	/* the note, prepared while tracking:
					 * temp.roster_seen exists only then */
	/* Rows queued since the last store_live_flush, in the open
	 * transaction (or its innermost savepoint): not yet in
	 * outbound_totals.live. */
	int64_t live_pending;
};

/* With store_roster_track on, notes a person's (person 1) or student's
 * row as written by this import; else nothing. store_roster_fresh: a
 * person's row this import put on the roster (new, or back). */
enum store_rc store_roster_seen(struct store *, int person, int64_t id);
enum store_rc store_roster_fresh(struct store *, int64_t id);

/* Resets and clears bindings; returns the statement ready to bind. */
sqlite3_stmt *store_stmt(struct store *, enum store_stmt);
/* Records sqlite3_errmsg and maps the code; resets the statement. */
enum store_rc store_fail(struct store *, sqlite3_stmt *, int rc);
/* Steps a statement that returns no row; STORE_OK or an error. */
enum store_rc store_exec(struct store *, sqlite3_stmt *);
/* Steps a statement that returns at most one row: STORE_OK with the row
 * ready to read (the caller resets), STORE_NOTFOUND (reset), or an error. */
enum store_rc store_row(struct store *, sqlite3_stmt *);
/* Steps st to its end, row(st, arg) for each row, then resets it;
 * STORE_OK, or the error with st reset. */
enum store_rc store_each(struct store *, sqlite3_stmt *,
    void (*row)(sqlite3_stmt *, void *), void *arg);
void store_col_text(sqlite3_stmt *, int col, char *dst, size_t dstsz);
int store_migrate(struct store *, char *err, size_t errsz);
/* A read-only store's check: the schema is exactly this program's. 0, or
 * -1 with err naming path and why. */
int store_schema_check(struct store *, const char *path, char *err,
    size_t errsz);
/* path as SQLite must be given it: Debian's SQLite takes "file:..." for a
 * URI, so a relative name goes with "./" before it. 0, or -1 too long. */
int store_sqlname(char *out, size_t outsz, const char *path);
/* Adds live_pending to outbound_totals.live, in the open transaction
 * (migration 18): before a commit and before a savepoint, so that a
 * rollback to it keeps what came before. */
enum store_rc store_live_flush(struct store *);
/* Checkpoints in a thread of their own (checkpoint.c), after the WAL
 * hook says enough frames have piled up. */
int store_ckpt_start(struct store *, const char *path, char *err,
    size_t errsz);
void store_ckpt_stop(struct store *);
/* How many times the thread's checkpoints wrote the database back on
 * the way (walvfs.c); 0 where it cannot. */
long store_checkpoint_paced(struct store *);
/* Waits until the thread has no pass asked of it or under way: for a
 * test to know what a pass left, which is otherwise a matter of time. */
void store_checkpoint_idle(struct store *);
/* Tests: how soon an emptying of the WAL that could not be done is tried
 * again (60 s), and whether one is waiting. */
void store_ckpt_retry_ms(struct store *, int ms);
int store_ckpt_truncate_pending(struct store *);

/* The VFS that writes a commit's WAL frames in one call (walvfs.c). */
#define STORE_WALVFS "bx-wal"
/* ... and the checkpoint connection's, whose database writes are paced
 * (written back as they go); STORE_FCNTL_PACED reads how many times
 * (long) on its main database. */
#define STORE_CKPTVFS "bx-ckpt"
#define STORE_FCNTL_PACED 0x62780001
int store_walvfs_register(void);	/* both; once, before any open; 0 or -1 */
/* While ws is set on a WAL file of that VFS, its commit syncs are handed
 * to ws (store_walsync_ask) instead of made; NULL puts them back. -1 if
 * the file is not one of the VFS's. */
int store_walvfs_defer(sqlite3_file *wal, struct store_walsync *ws);
/* Drops what wal holds unwritten, once its transaction rolled back. */
void store_walvfs_discard(sqlite3_file *wal);

/* The WAL's sync thread (walsync.c), once the connection has read. */
int store_walsync_start(struct store *, char *err, size_t errsz);
void store_walsync_stop(struct store *);	/* after what was asked */
void store_walsync_ask(struct store_walsync *);

/*
 * The roster cache (rcache.c). A look-up returns 1 with the answer (rc
 * STORE_OK or STORE_NOTFOUND) or 0: ask the database, then _put what it
 * said. store_rcache_wrote after any write to places or people;
 * store_rcache_txend when a transaction ends or begins.
 */
#define STORE_RCACHE_PEOPLE 8	/* people kept per (role, scope) */
#define STORE_RCACHE_PHONE 4	/* a number with more rows is not kept */
#define STORE_WATCHERS_PUT 8	/* phones per WATCHERS_PUT statement */
int store_rcache_place(struct store *, const char *code,
    struct store_place *, enum store_rc *rc);
void store_rcache_place_put(struct store *, const char *code,
    const struct store_place *);	/* NULL: no such place */
int store_rcache_within(struct store *, const char *place,
    const char *ancestor, enum store_rc *rc);
void store_rcache_within_put(struct store *, const char *place,
    const char *ancestor, int inside);
int store_rcache_people(struct store *, const char *role, const char *scope,
    struct store_person *, size_t max, size_t *n);
void store_rcache_people_put(struct store *, const char *role,
    const char *scope, const struct store_person *, size_t n);
/* All of a number's rows, or 0: not kept (then _put every row). */
int store_rcache_phone(struct store *, const char *phone,
    struct store_person *, size_t max, size_t *n);
void store_rcache_phone_put(struct store *, const char *phone,
    const struct store_person *, size_t n);
void store_rcache_wrote(struct store *);
void store_rcache_txend(struct store *);
void store_rcache_free(struct store *);

/*
 * The queued notices of each number, kept in memory for merging
 * (outq.c): store_outq_open after the schema is migrated; the ids of
 * to's queued notices as a JSON array (malloc'd, the caller frees), a
 * superset that the caller's query checks row by row; NOTFOUND if none.
 * store_outq_queued after each notice queued, store_outq_begin as a
 * transaction begins, store_outq_rolled_back after a ROLLBACK TO and
 * after a whole rollback (db.c's hook), store_outq_forget after a failed
 * statement.
 */
int store_outq_open(struct store *, char *err, size_t errsz);
void store_outq_free(struct store *);
enum store_rc store_outq_candidates(struct store *, const char *to,
    char **json);
void store_outq_queued(struct store *, const char *to, int64_t id);
void store_outq_begin(struct store *);
void store_outq_rolled_back(struct store *);
void store_outq_forget(struct store *);

#endif
