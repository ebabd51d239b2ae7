/*
 * Opening the database: pragmas, migrations, and preparing every statement
 * of sql.def. Also the transaction calls and the small helpers the other
 * store files share.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "store/store_int.h"

static const char *const store_sql[STMT_COUNT] = {
#define SQL(id, text) [STMT_##id] = text,
#include "store/sql.def"
#undef SQL
};

static int
store_pragma(struct store *s, const char *sql, char *err, size_t errsz)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", sql, msg ? msg : "failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * SQLite's process-wide settings, before its first use. Memory statistics
 * off: with them on, every allocation SQLite makes takes a global mutex
 * (measured: 5 % of the daemon's CPU under load), and nothing reads them.
 */
static int store_walvfs_ok;

static void
store_configure_once(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Without it the default VFS serves, only slower. */
	store_walvfs_ok = store_walvfs_register() == 0;
}

/*
 * A transaction ended without a commit (ROLLBACK, or SQLite's own after
 * an error): what it left in memory goes. Called by SQLite once the
 * write lock is released, before this connection does anything else.
 */
static void
store_rolled_back_hook(void *arg)
{
	struct store *s = arg;
	sqlite3_file *wal = NULL;

	store_outq_rolled_back(s);
	s->live_pending = 0;	/* the rows are gone with it */
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &wal) == SQLITE_OK)
		store_walvfs_discard(wal);
}

int
store_sqlname(char *out, size_t outsz, const char *path)
{
	int n = snprintf(out, outsz, "%s%s", path[0] == '/' ? "" : "./",
	    path);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* The statements, then the database's name; 0, or -1 with err set. */
static int
store_prepare_all(struct store *s, const char *path, char *err,
    size_t errsz)
{
	enum store_rc rc;
	int i;

	for (i = 0; i < STMT_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errsz, "preparing %s: %s", store_sql[i],
			    sqlite3_errmsg(s->db));
			return -1;
		}
	}
	if ((rc = store_row(s, store_stmt(s, STMT_STORE_IDENTITY))) !=
	    STORE_OK) {
		snprintf(err, errsz, "%s: the database's name: %s", path,
		    rc == STORE_NOTFOUND ? "missing from store_identity" :
		    s->err);
		return -1;
	}
	store_col_text(s->st[STMT_STORE_IDENTITY], 0, s->instance,
	    sizeof s->instance);
	sqlite3_reset(s->st[STMT_STORE_IDENTITY]);
	return 0;
}

/* A store with its connection to path opened with flags, or NULL. */
static struct store *
store_connect(const char *path, int flags, char *name, size_t namesz,
    char *err, size_t errsz)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	struct store *s;

	(void)pthread_once(&configured, store_configure_once);
	if (store_sqlname(name, namesz, path) != 0) {
		snprintf(err, errsz, "%.64s...: name too long", path);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_NOMUTEX,
	    store_walvfs_ok ? STORE_WALVFS : NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : "cannot open");
		store_close(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	return s;
}

struct store *
store_open(const char *path, char *err, size_t errsz)
{
	struct store *s;
	char name[4200];

	if ((s = store_connect(path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, name, sizeof name, err, errsz)) == NULL)
		return NULL;
	/* SQLite opens a file it may not write read-only, without a word:
	 * every message would then fail. */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		snprintf(err, errsz, "%s: read-only for this user (uid %ld): "
		    "baoxued and baoxuectl import write it; see its owner "
		    "and mode, and its directory's", path, (long)geteuid());
		goto fail;
	}
	(void)sqlite3_rollback_hook(s->db, store_rolled_back_hook, s);
	/* An acknowledged commit must survive power loss: synchronous=FULL
	 * (walvfs.c relies on it too: each commit ends in a sync). */
	/* The wait for a lock first: setting WAL mode takes one, and two
	 * processes opening at once (a backup and an import from cron)
	 * would otherwise fail at once with "database is locked". */
	if (store_pragma(s, "PRAGMA busy_timeout=2000", err, errsz) ||
	    store_pragma(s, "PRAGMA journal_mode=WAL", err, errsz) ||
	    store_pragma(s, "PRAGMA synchronous=FULL", err, errsz) ||
	    store_pragma(s, "PRAGMA foreign_keys=ON", err, errsz) ||
	    /* Tells a checkpoint's and the WAL header's syncs (FULL) from a
	     * commit's (NORMAL), which walvfs.c may hand to the sync thread;
	     * on Linux both are the same fdatasync. */
	    store_pragma(s, "PRAGMA checkpoint_fullfsync=ON", err, errsz) ||
	    /* Savepoint journals in memory: no temp file per group commit. */
	    store_pragma(s, "PRAGMA temp_store=MEMORY", err, errsz) ||
	    /* A county's hot pages (roster, open cases, the queue) stay in
	     * memory: 16 MB, inside the 64 MB budget (bench/load.sh). */
	    store_pragma(s, "PRAGMA cache_size=-16384", err, errsz) ||
	    /* After a burst, a WAL that was reset shrinks back to 256 MB.
	     * SQLite shrinks it with an ftruncate in the first commit after
	     * the reset, on the loop: under load (5,000 msg/s, the WAL at
	     * 80-100 MB between checkpoints) a limit of 64 MB cost some
	     * twenty stalls of up to 9 ms in 10 s (bench/load.sh TRACE=1;
	     * up to 40 ms timed with strace, which slows the run);
	     * above the WAL's working size a reset file is written over
	     * instead, and only a WAL that a long reader let grow past
	     * 256 MB is cut back. */
	    store_pragma(s, "PRAGMA journal_size_limit=268435456", err,
	    errsz)) {
		/* "file is not a database": which file. */
		char why[512];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errsz, "%s: %s", path, why);
		goto fail;
	}
	if (store_migrate(s, err, errsz) != 0 ||
	    store_outq_open(s, err, errsz) != 0 ||
	    store_ckpt_start(s, name, err, errsz) != 0 ||
	    store_prepare_all(s, path, err, errsz) != 0)
		goto fail;
	if (store_walvfs_ok && store_walsync_start(s, err, errsz) != 0)
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

struct store *
store_open_readonly(const char *path, char *err, size_t errsz)
{
	struct store *s;
	struct stat sb;
	char name[4200];

	/* SQLite's own word for a missing file is "unable to open". */
	if (stat(path, &sb) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((s = store_connect(path, SQLITE_OPEN_READONLY, name, sizeof name,
	    err, errsz)) == NULL)
		return NULL;
	s->readonly = 1;
	/* The WAL mode is the file's own; a writer's lock is waited for.
	 * No queue lists, checkpoint or sync thread: nothing is written. */
	if (store_pragma(s, "PRAGMA busy_timeout=2000", err, errsz) ||
	    store_pragma(s, "PRAGMA temp_store=MEMORY", err, errsz) ||
	    store_pragma(s, "PRAGMA cache_size=-16384", err, errsz) ||
	    store_schema_check(s, path, err, errsz) != 0 ||
	    store_prepare_all(s, path, err, errsz) != 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	store_walsync_stop(s);
	store_ckpt_stop(s);
	store_rcache_free(s);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_finalize(s->roster_seen);
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(s->db));
	store_outq_free(s);
	free(s);
}

void
store_unlink(const char *path)
{
	char side[4200];

	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err;
}

int
store_schema_version(const struct store *s)
{
	return s->version;
}

const char *
store_instance(const struct store *s)
{
	return s->instance;
}

sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->st[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

enum store_rc
store_fail(struct store *s, sqlite3_stmt *st, int rc)
{
	snprintf(s->err, sizeof s->err, "%s (%d)", sqlite3_errmsg(s->db), rc);
	/* What the statement changed before it failed is undone. */
	store_outq_forget(s);
	if (st)
		sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return STORE_BUSY;
	return STORE_ERR;
}

enum store_rc
store_exec(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_row(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return STORE_NOTFOUND;
	}
	return store_fail(s, st, rc);
}

enum store_rc
store_each(struct store *s, sqlite3_stmt *st,
    void (*row)(sqlite3_stmt *, void *), void *arg)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(st, arg);
	if (rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

void
store_col_text(sqlite3_stmt *st, int col, char *dst, size_t dstsz)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= dstsz)
		n = dstsz - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

enum store_rc
store_begin(struct store *s)
{
	/* SQLite begins one (a read, as it turns out), and the caller
	 * would learn only at its first write. */
	if (s->readonly) {
		snprintf(s->err, sizeof s->err, "opened read-only");
		return STORE_ERR;
	}
	store_rcache_txend(s);
	store_outq_begin(s);
	return store_exec(s, store_stmt(s, STMT_BEGIN));
}

enum store_rc
store_live_flush(struct store *s)
{
	sqlite3_stmt *st;
	enum store_rc rc;

	if (s->live_pending == 0)
		return STORE_OK;
	st = store_stmt(s, STMT_OUTBOUND_LIVE_ADD);
	sqlite3_bind_int64(st, 1, s->live_pending);
	if ((rc = store_exec(s, st)) == STORE_OK)
		s->live_pending = 0;
	return rc;
}

enum store_rc
store_commit(struct store *s)
{
	enum store_rc rc = store_live_flush(s);

	if (rc == STORE_OK)
		rc = store_exec(s, store_stmt(s, STMT_COMMIT));
	if (rc == STORE_OK)
		store_rcache_txend(s);
	return rc;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)store_exec(s, store_stmt(s, STMT_ROLLBACK));
	s->live_pending = 0;
	store_rcache_txend(s);
}

enum store_rc
store_savepoint(struct store *s)
{
	enum store_rc rc = store_live_flush(s);

	return rc == STORE_OK ? store_exec(s, store_stmt(s, STMT_SAVEPOINT)) :
	    rc;
}

enum store_rc
store_release(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_RELEASE));
}

enum store_rc
store_rollback_to(struct store *s)
{
	enum store_rc rc = store_exec(s, store_stmt(s, STMT_ROLLBACK_TO));

	store_outq_rolled_back(s);
	/* Queued since the savepoint, which flushed what came before. */
	if (rc == STORE_OK)
		s->live_pending = 0;
	return rc;
}
