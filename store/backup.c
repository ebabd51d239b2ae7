/*
 * A backup of the database while it is in use (store_backup, store.h).
 *
 * A connection of its own, read-only: nothing is created, migrated or
 * locked for writing, whichever binary asks. VACUUM INTO copies what one
 * read transaction sees: the last committed state, whole, while a writer
 * (the daemon's group commit) goes on and is not in it. The copy is
 * written into a file this call creates (DEST.partial, O_EXCL, mode
 * 0600: it holds minors' names and numbers), checked (PRAGMA
 * integrity_check), synced, and only then given its name without ever
 * replacing a file (link(2); renameat2 with RENAME_NOREPLACE where the
 * file system has no links), then the directory synced: a file at DEST
 * is always a whole, checked backup, even after a crash halfway. What
 * failed is removed, and only what this call created.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "store/store_int.h"

/* fsync of path (a file or a directory); 0 or -1 with errno. */
static int
backup_sync(const char *path)
{
	int fd, rc, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((rc = fsync(fd)) != 0 && errno == EINTR)
		;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* A read-only connection to path, or NULL with err set. */
static sqlite3 *
backup_open(const char *path, char *err, size_t errsz)
{
	char name[4200];
	sqlite3 *db = NULL;

	if (store_sqlname(name, sizeof name, path) != 0) {
		snprintf(err, errsz, "%.64s...: name too long", path);
		return NULL;
	}
	if (sqlite3_open_v2(name, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* The first column of sql's first row into out; 0, or -1 with err set. */
static int
backup_text(sqlite3 *db, const char *path, const char *sql, char *out,
    size_t outsz, char *err, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(db));
	else {
		snprintf(out, outsz, "%s",
		    (const char *)sqlite3_column_text(st, 0) ?
		    (const char *)sqlite3_column_text(st, 0) : "");
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The copy's own verdict: 0 if integrity_check says "ok". */
static int
backup_check(const char *path, char *err, size_t errsz)
{
	char verdict[512];
	sqlite3 *db;
	int rc = -1;

	if ((db = backup_open(path, err, errsz)) == NULL)
		return -1;
	if (backup_text(db, path, "PRAGMA integrity_check", verdict,
	    sizeof verdict, err, errsz) == 0) {
		if (strcmp(verdict, "ok") == 0)
			rc = 0;
		else
			snprintf(err, errsz, "%s: the copy failed its check: %s",
			    path, verdict);
	}
	sqlite3_close(db);
	return rc;
}

/* Gives partial its name dest, never replacing a file. */
static int
backup_name(const char *partial, const char *dest, char *err, size_t errsz)
{
	struct stat sb;

	if (link(partial, dest) == 0) {
		(void)unlink(partial);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		goto fail;
	/* A file system without hard links (FAT on a USB stick). */
	if (renameat2(AT_FDCWD, partial, AT_FDCWD, dest,
	    RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		goto fail;
	/* Nor RENAME_NOREPLACE (an old kernel): look, then rename. */
	if (lstat(dest, &sb) == 0) {
		errno = EEXIST;
		goto fail;
	}
	if (rename(partial, dest) == 0)
		return 0;
fail:
	if (errno == EEXIST)
		snprintf(err, errsz, "%s exists: a backup never writes over "
		    "a file", dest);
	else
		snprintf(err, errsz, "%s: %s", dest, strerror(errno));
	return -1;
}

enum store_rc
store_backup(const char *dbpath, const char *dest, char *err, size_t errsz)
{
	char partial[4096], dir[4096], tmp[4096], name[4200], id[64];
	struct stat sb, made;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int fd, rc;

	if (dest == NULL || dest[0] == '\0') {
		snprintf(err, errsz, "no file named for the backup");
		return STORE_ERR;
	}
	if (snprintf(partial, sizeof partial, "%s.partial", dest) >=
	    (int)sizeof partial ||
	    store_sqlname(name, sizeof name, partial) != 0) {
		snprintf(err, errsz, "%.64s...: name too long", dest);
		return STORE_ERR;
	}
	/* Asked to copy what is not there, it does not create it. */
	if (stat(dbpath, &sb) != 0) {
		snprintf(err, errsz, "%s: %s", dbpath, strerror(errno));
		return STORE_ERR;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a file", dbpath);
		return STORE_ERR;
	}
	/* dirname may write into its argument and return a pointer to it. */
	snprintf(tmp, sizeof tmp, "%s", dest);
	snprintf(dir, sizeof dir, "%s", dirname(tmp));
	if (lstat(dest, &sb) == 0) {
		snprintf(err, errsz, "%s exists: a backup never writes over "
		    "a file", dest);
		return STORE_ERR;
	}
	/* Made here, or not at all: another backup's file is left alone. */
	if ((fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		if (errno == EEXIST)
			snprintf(err, errsz, "%s exists: another backup is "
			    "being made, or one was interrupted (remove it)",
			    partial);
		else
			snprintf(err, errsz, "%s: %s", partial, strerror(errno));
		return STORE_ERR;
	}
	rc = fstat(fd, &made);
	close(fd);
	if (rc != 0) {
		snprintf(err, errsz, "%s: %s", partial, strerror(errno));
		(void)unlink(partial);
		return STORE_ERR;
	}
	if ((db = backup_open(dbpath, err, errsz)) == NULL)
		goto fail;
	/* A database of ours, not any SQLite file. */
	if (backup_text(db, dbpath, "SELECT name FROM store_identity", id,
	    sizeof id, err, errsz) != 0) {
		snprintf(err, errsz, "%s: not a baoxue database (%s)", dbpath,
		    sqlite3_errmsg(db));
		goto fail;
	}
	/* Into the empty file made above: VACUUM INTO takes one. */
	if (sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		snprintf(err, errsz, "%s: %s", partial, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	db = NULL;
	if (rc != SQLITE_DONE || backup_check(partial, err, errsz) != 0)
		goto fail;
	if (backup_sync(partial) != 0) {
		snprintf(err, errsz, "%s: fsync: %s", partial, strerror(errno));
		goto fail;
	}
	if (backup_name(partial, dest, err, errsz) != 0)
		goto fail;
	/* EINVAL: a file system that cannot sync a directory. */
	if (backup_sync(dir) != 0 && errno != EINVAL) {
		snprintf(err, errsz, "%s: fsync: %s (the copy is in place, "
		    "but a power cut could lose its name)", dir,
		    strerror(errno));
		return STORE_ERR;
	}
	return STORE_OK;
fail:
	sqlite3_close(db);
	/* Only the file this call made, should another have replaced it. */
	if (lstat(partial, &sb) == 0 && sb.st_dev == made.st_dev &&
	    sb.st_ino == made.st_ino)
		(void)unlink(partial);
	return STORE_ERR;
}
