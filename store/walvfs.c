/*
 * A thin VFS over the default one that writes a commit to the WAL in one
 * system call per 30 pages instead of two per page. SQLite 3.40 writes a frame as
 * a 24-byte header and then the page, each with its own pwrite; a group
 * commit of a few hundred pages was a thousand system calls (measured:
 * pwrite was 17 % of the daemon's CPU at 5,000 msg/s). Here contiguous
 * writes to a WAL file are gathered in memory and written together when
 * anything else happens to the file: before every sync (so a commit is on
 * disk exactly when SQLite believes it is), read, truncate, size query,
 * file control or close, and when the buffer is full.
 *
 * Held bytes are dropped once written. If writing them fails (a full
 * disk), they stay held, reads are answered from them, the call that
 * needed them written fails (a sync always does), and the next attempt
 * writes them again: SQLite never reads back anything but what it wrote,
 * and never hears that a commit is on disk when it is not.
 *
 * They are dropped unwritten when their transaction ends without a
 * commit (store_walvfs_discard, from the store's rollback hook in db.c)
 * and when the file closes: a committed frame is never held (its sync
 * wrote it), so what is left then is a rolled-back transaction's. Once
 * its write lock is gone, another connection (baoxuectl import beside
 * the daemon) may commit frames at the same offsets, and writing the
 * stale bytes over them would corrupt what that one was told is on disk
 * (check_store test_wal_rolled_back_bytes_dropped).
 *
 * It relies on every commit ending in a sync, i.e. synchronous=FULL on
 * the connection that uses it (db.c): under NORMAL a committed frame could
 * stay here while other connections already read the WAL index that
 * points at it. The checkpoint connection does not use it. A commit's
 * sync may be handed to the store's sync thread (store_walvfs_defer,
 * walsync.c): the held bytes are written all the same before the call
 * returns, only the fdatasync moves.
 *
 * Every other file (the database, its shared memory, temporary files) is
 * opened by the default VFS straight into the caller's sqlite3_file, so
 * it runs the default code unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/*
 * Gathered bytes. The unix VFS writes at most 0x1ffff bytes per call (its
 * seekAndWrite masks the count: SQLite itself never writes more than a
 * page and a frame header), and reports a longer write as a full disk.
 * 30 frames of 4 KB pages.
 */
#define WALVFS_BUF (30 * (4096 + 24))
_Static_assert(WALVFS_BUF <= 0x1ffff, "the unix VFS writes less");

struct walvfs_file {
	sqlite3_file base;
	sqlite3_file *real;		/* the default VFS's, after this */
	sqlite3_int64 off;		/* file offset of buf[0] */
	size_t len;
	unsigned char *buf;		/* WALVFS_BUF, allocated on first use */
	struct store_walsync *defer;	/* takes the commit's sync, or NULL */
};

static sqlite3_vfs *walvfs_real;

static int
walvfs_flush(struct walvfs_file *f)
{
	int rc;

	if (f->len == 0)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	if (rc == SQLITE_OK)
		f->len = 0;
	return rc;
}

/* Nothing held is written: see the top of this file. */
static int
walvfs_close(sqlite3_file *pf)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc = f->real->pMethods->xClose(f->real);

	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	return rc;
}

static int
walvfs_read(sqlite3_file *pf, void *p, int n, sqlite3_int64 off)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	sqlite3_int64 lo, hi, size;
	int rc;

	if (walvfs_flush(f) == SQLITE_OK)
		return f->real->pMethods->xRead(f->real, p, n, off);
	/* Not written: the file, with what is held laid over it. */
	rc = f->real->pMethods->xRead(f->real, p, n, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	lo = off > f->off ? off : f->off;
	hi = off + n < f->off + (sqlite3_int64)f->len ? off + n :
	    f->off + (sqlite3_int64)f->len;
	if (lo < hi)
		memcpy((unsigned char *)p + (lo - off), f->buf + (lo - f->off),
		    (size_t)(hi - lo));
	/* Short only if the held bytes do not reach the end asked for. */
	if (rc == SQLITE_IOERR_SHORT_READ &&
	    f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK &&
	    f->off <= size && f->off + (sqlite3_int64)f->len >= off + n)
		rc = SQLITE_OK;
	return rc;
}

static int
walvfs_write(sqlite3_file *pf, const void *p, int n, sqlite3_int64 off)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc;

	if (f->buf == NULL && (f->buf = malloc(WALVFS_BUF)) == NULL)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	/* Gathered only if it follows what is held and fits. */
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + (size_t)n > WALVFS_BUF)) {
		if ((rc = walvfs_flush(f)) != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WALVFS_BUF)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)n);
	f->len += (size_t)n;
	return SQLITE_OK;
}

static int
walvfs_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc;

	if ((rc = walvfs_flush(f)) != SQLITE_OK) {
		if (f->off < size)
			return rc;
		f->len = 0;		/* all of it cut away */
	}
	return f->real->pMethods->xTruncate(f->real, size);
}

static int
walvfs_sync(sqlite3_file *pf, int flags)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc;

	if ((rc = walvfs_flush(f)) != SQLITE_OK)
		return rc;
	/*
	 * A commit's sync comes with SQLITE_SYNC_NORMAL; the WAL header's
	 * and a checkpoint's with SQLITE_SYNC_FULL (checkpoint_fullfsync,
	 * db.c; the same fdatasync on Linux). Only the first is handed over:
	 * the others must be on disk before SQLite writes on.
	 */
	if (f->defer != NULL && (flags & 0x0f) == SQLITE_SYNC_NORMAL) {
		store_walsync_ask(f->defer);
		return SQLITE_OK;
	}
	return f->real->pMethods->xSync(f->real, flags);
}

static int
walvfs_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc;

	if ((rc = walvfs_flush(f)) == SQLITE_OK)
		return f->real->pMethods->xFileSize(f->real, size);
	/* The file as SQLite wrote it: held bytes included. */
	if ((rc = f->real->pMethods->xFileSize(f->real, size)) == SQLITE_OK &&
	    *size < f->off + (sqlite3_int64)f->len)
		*size = f->off + (sqlite3_int64)f->len;
	return rc;
}

/* SQLite locks the database and its shared memory, never the WAL. */
static int
walvfs_lock(sqlite3_file *pf, int lock)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xLock(f->real, lock);
}

static int
walvfs_unlock(sqlite3_file *pf, int lock)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
walvfs_reserved(sqlite3_file *pf, int *out)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
walvfs_fcntl(sqlite3_file *pf, int op, void *arg)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	/* Whatever the control does, it sees the file as written, if the
	 * disk lets it (the bytes stay held if not). */
	(void)walvfs_flush(f);
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
walvfs_sector(sqlite3_file *pf)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
walvfs_device(sqlite3_file *pf)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: a WAL file has no shared memory and is never mapped. */
static const sqlite3_io_methods walvfs_methods = {
	1, walvfs_close, walvfs_read, walvfs_write, walvfs_truncate,
	walvfs_sync, walvfs_size, walvfs_lock, walvfs_unlock, walvfs_reserved,
	walvfs_fcntl, walvfs_sector, walvfs_device,
	NULL, NULL, NULL, NULL, NULL, NULL
};

static int
walvfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags,
    int *outflags)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc;

	(void)vfs;
	if ((flags & SQLITE_OPEN_WAL) == 0)
		return walvfs_real->xOpen(walvfs_real, name, pf, flags,
		    outflags);
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	rc = walvfs_real->xOpen(walvfs_real, name, f->real, flags, outflags);
	/* Even on failure SQLite calls xClose if pMethods is set. */
	f->base.pMethods = f->real->pMethods ? &walvfs_methods : NULL;
	return rc;
}

/* The rest of the VFS is the default one's. */
static int
walvfs_delete(sqlite3_vfs *v, const char *n, int sync)
{
	(void)v;
	return walvfs_real->xDelete(walvfs_real, n, sync);
}

static int
walvfs_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
	(void)v;
	return walvfs_real->xAccess(walvfs_real, n, flags, out);
}

static int
walvfs_fullpath(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return walvfs_real->xFullPathname(walvfs_real, n, len, out);
}

static int
walvfs_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return walvfs_real->xRandomness(walvfs_real, n, out);
}

static int
walvfs_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return walvfs_real->xSleep(walvfs_real, us);
}

static int
walvfs_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return walvfs_real->xCurrentTime(walvfs_real, out);
}

static int
walvfs_lasterror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return walvfs_real->xGetLastError(walvfs_real, n, out);
}

static int
walvfs_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return walvfs_real->xCurrentTimeInt64(walvfs_real, out);
}

static sqlite3_vfs walvfs = {
	2, 0, 0, NULL, STORE_WALVFS, NULL,
	walvfs_open, walvfs_delete, walvfs_access, walvfs_fullpath,
	NULL, NULL, NULL, NULL,
	walvfs_random, walvfs_sleep, walvfs_time, walvfs_lasterror,
	walvfs_time64, NULL, NULL, NULL
};

int
store_walvfs_defer(sqlite3_file *wal, struct store_walsync *ws)
{
	if (wal == NULL || wal->pMethods != &walvfs_methods)
		return -1;
	((struct walvfs_file *)wal)->defer = ws;
	return 0;
}

void
store_walvfs_discard(sqlite3_file *wal)
{
	if (wal != NULL && wal->pMethods == &walvfs_methods)
		((struct walvfs_file *)wal)->len = 0;
}

int
store_walvfs_register(void)
{
	if ((walvfs_real = sqlite3_vfs_find(NULL)) == NULL ||
	    walvfs_real->iVersion < 2)
		return -1;
	walvfs.szOsFile = (int)sizeof(struct walvfs_file) +
	    walvfs_real->szOsFile;
	walvfs.mxPathname = walvfs_real->mxPathname;
	return sqlite3_vfs_register(&walvfs, 0) == SQLITE_OK ? 0 : -1;
}
