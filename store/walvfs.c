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
 * The checkpoint connection opens its database through a second VFS of
 * the same code (STORE_CKPTVFS), which paces the database file's writes
 * instead. A checkpoint copies some 16,000 pages into the database at
 * memory speed and then fsyncs it: tens of MB reached the disk at once,
 * and the WAL's syncs, which the group commits wait on, queued behind
 * them (bench/load.sh TRACE=1 on the grown database: that fsync took
 * 76-92 ms, and the sync thread's fdatasync 10-25 ms against about 1 ms
 * meanwhile). Here each WALVFS_PACE bytes written are written back and
 * waited for as the checkpoint goes (sync_file_range), so that the
 * checkpoint copies at the disk's pace and a commit's sync finds little
 * ahead of it. A hint only: the same bytes are written, and SQLite's
 * fsync still makes them durable.
 *
 * Every other file (the loop's database, shared memory, temporary files)
 * is opened by the default VFS straight into the caller's sqlite3_file,
 * so it runs the default code unchanged.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

/*
 * Gathered bytes. The unix VFS writes at most 0x1ffff bytes per call (its
 * seekAndWrite masks the count: SQLite itself never writes more than a
 * page and a frame header), and reports a longer write as a full disk.
 * 30 frames of 4 KB pages.
 */
#define WALVFS_BUF (30 * (4096 + 24))
_Static_assert(WALVFS_BUF <= 0x1ffff, "the unix VFS writes less");
/* A checkpoint's database writes, written back each this many bytes. */
#define WALVFS_PACE (1 << 20)

struct walvfs_file {
	sqlite3_file base;
	sqlite3_file *real;		/* the default VFS's, after this */
	sqlite3_int64 off;		/* file offset of buf[0] */
	size_t len;
	unsigned char *buf;		/* WALVFS_BUF, allocated on first use */
	struct store_walsync *defer;	/* takes the commit's sync, or NULL */
	int pace_fd;			/* a database paced: its file, read-only
					 * (for sync_file_range), else -1 */
	size_t unpaced;			/* ... bytes written since */
	long paced;			/* ... times written back */
};

static sqlite3_vfs *walvfs_real;
static const sqlite3_io_methods walvfs_methods, walvfs_db_methods;

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

	if (f->pace_fd >= 0)
		close(f->pace_fd);
	f->pace_fd = -1;
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

/*
 * A database page, written through; each WALVFS_PACE bytes, written back
 * and waited for. Written back means handed to the disk, not flushed
 * from its cache: durability stays the fsync's, after the checkpoint.
 */
static int
walvfs_db_write(sqlite3_file *pf, const void *p, int n, sqlite3_int64 off)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	int rc = f->real->pMethods->xWrite(f->real, p, n, off);

	if (rc != SQLITE_OK || f->pace_fd < 0 ||
	    (f->unpaced += (size_t)n) < WALVFS_PACE)
		return rc;
	f->unpaced = 0;
#ifdef SYNC_FILE_RANGE_WRITE
	if (sync_file_range(f->pace_fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
	    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0)
		f->paced++;
#endif
	return rc;
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

	if (op == STORE_FCNTL_PACED && pf->pMethods == &walvfs_db_methods) {
		*(long *)arg = f->paced;
		return SQLITE_OK;
	}
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

/* A database's shared memory and mapping: the default VFS's. */
static int
walvfs_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend,
    void volatile **pp)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int
walvfs_shm_lock(sqlite3_file *pf, int off, int n, int flags)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xShmLock(f->real, off, n, flags);
}

static void
walvfs_shm_barrier(sqlite3_file *pf)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	f->real->pMethods->xShmBarrier(f->real);
}

static int
walvfs_shm_unmap(sqlite3_file *pf, int del)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	return f->real->pMethods->xShmUnmap(f->real, del);
}

static int
walvfs_fetch(sqlite3_file *pf, sqlite3_int64 off, int n, void **pp)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	/* A file of version 2 maps nothing: read as any other. */
	if (f->real->pMethods->iVersion < 3) {
		*pp = NULL;
		return SQLITE_OK;
	}
	return f->real->pMethods->xFetch(f->real, off, n, pp);
}

static int
walvfs_unfetch(sqlite3_file *pf, sqlite3_int64 off, void *p)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;

	if (f->real->pMethods->iVersion < 3)
		return SQLITE_OK;
	return f->real->pMethods->xUnfetch(f->real, off, p);
}

/* Version 1: a WAL file has no shared memory and is never mapped. */
static const sqlite3_io_methods walvfs_methods = {
	1, walvfs_close, walvfs_read, walvfs_write, walvfs_truncate,
	walvfs_sync, walvfs_size, walvfs_lock, walvfs_unlock, walvfs_reserved,
	walvfs_fcntl, walvfs_sector, walvfs_device,
	NULL, NULL, NULL, NULL, NULL, NULL
};

/* Version 3, as the default VFS's: a database has both. Holds nothing
 * (len stays 0), so the shared calls only pass through. */
static const sqlite3_io_methods walvfs_db_methods = {
	3, walvfs_close, walvfs_read, walvfs_db_write, walvfs_truncate,
	walvfs_sync, walvfs_size, walvfs_lock, walvfs_unlock, walvfs_reserved,
	walvfs_fcntl, walvfs_sector, walvfs_device, walvfs_shm_map,
	walvfs_shm_lock, walvfs_shm_barrier, walvfs_shm_unmap, walvfs_fetch,
	walvfs_unfetch
};

static sqlite3_vfs walvfs, ckptvfs;

static int
walvfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags,
    int *outflags)
{
	struct walvfs_file *f = (struct walvfs_file *)pf;
	const sqlite3_io_methods *m;
	int rc;

	if (vfs == &walvfs && (flags & SQLITE_OPEN_WAL))
		m = &walvfs_methods;
	else if (vfs == &ckptvfs && (flags & SQLITE_OPEN_MAIN_DB) &&
	    name != NULL)
		m = &walvfs_db_methods;
	else
		return walvfs_real->xOpen(walvfs_real, name, pf, flags,
		    outflags);
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	f->pace_fd = -1;
	rc = walvfs_real->xOpen(walvfs_real, name, f->real, flags, outflags);
	/* The same file, for sync_file_range (as fdatasync, any descriptor
	 * will do). Without one it is simply not paced: a hint. */
	if (rc == SQLITE_OK && m == &walvfs_db_methods)
		f->pace_fd = open(name, O_RDONLY | O_CLOEXEC);
	/* Even on failure SQLite calls xClose if pMethods is set. */
	if (f->real->pMethods == NULL)
		m = NULL;
	f->base.pMethods = m;
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
	/* The same, for the checkpoint connection: its database paced. */
	ckptvfs = walvfs;
	ckptvfs.zName = STORE_CKPTVFS;
	return sqlite3_vfs_register(&walvfs, 0) == SQLITE_OK &&
	    sqlite3_vfs_register(&ckptvfs, 0) == SQLITE_OK ? 0 : -1;
}
