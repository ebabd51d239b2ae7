/*
 * A backup of the database while it is in use (store_backup, store.h).
 *
 * VACUUM INTO copies what one read transaction sees: the last committed
 * state, whole, while a writer (the daemon's group commit) goes on and is
 * not in it. The copy is written under a name of its own (DEST.partial),
 * checked (PRAGMA integrity_check), synced, and only then given its name,
 * by link(2), which never replaces a file (rename(2) where the file
 * system has no links), then the directory synced: a file at DEST is
 * always a whole, checked backup, even after a crash halfway. What
 * failed is removed.
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

/* The copy's own verdict: 0 if integrity_check says "ok". */
static int
backup_check(const char *path, char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(err, errsz, "%s: checking: %s", path,
		    sqlite3_errmsg(db));
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		snprintf(err, errsz, "%s: the copy failed its check: %s", path,
		    (const char *)sqlite3_column_text(st, 0));
	else
		rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

enum store_rc
store_backup(struct store *s, const char *dest, char *err, size_t errsz)
{
	char partial[4096], dir[4096], tmp[4096];
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc;

	if (dest == NULL || dest[0] == '\0') {
		snprintf(err, errsz, "no file named for the backup");
		return STORE_ERR;
	}
	if (snprintf(partial, sizeof partial, "%s.partial", dest) >=
	    (int)sizeof partial) {
		snprintf(err, errsz, "%.64s...: name too long", dest);
		return STORE_ERR;
	}
	/* dirname may write into its argument and return a pointer to it. */
	snprintf(tmp, sizeof tmp, "%s", dest);
	snprintf(dir, sizeof dir, "%s", dirname(tmp));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "%s: no such directory", dir);
		return STORE_ERR;
	}
	if (lstat(dest, &sb) == 0) {
		snprintf(err, errsz, "%s exists: a backup never writes over "
		    "a file", dest);
		return STORE_ERR;
	}
	if (lstat(partial, &sb) == 0) {
		snprintf(err, errsz, "%s exists: another backup is being "
		    "made, or one was interrupted (remove it)", partial);
		return STORE_ERR;
	}
	if (!sqlite3_get_autocommit(s->db)) {
		snprintf(err, errsz, "a backup cannot be made inside a "
		    "transaction");
		return STORE_ERR;
	}
	if (sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s", sqlite3_errmsg(s->db));
		return STORE_ERR;
	}
	sqlite3_bind_text(st, 1, partial, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		snprintf(err, errsz, "%s: %s", partial, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || backup_check(partial, err, errsz) != 0)
		goto fail;
	if (backup_sync(partial) != 0) {
		snprintf(err, errsz, "%s: fsync: %s", partial, strerror(errno));
		goto fail;
	}
	/* link, not rename: a file that appeared at dest meanwhile stays. */
	if (link(partial, dest) == 0)
		(void)unlink(partial);
	else if (errno != EPERM && errno != EOPNOTSUPP) {
		snprintf(err, errsz, "%s: %s", dest, strerror(errno));
		goto fail;
	} else {
		/* A file system without hard links (a FAT-formatted USB
		 * stick): rename, having looked once more. */
		if (lstat(dest, &sb) == 0) {
			snprintf(err, errsz, "%s exists: a backup never writes "
			    "over a file", dest);
			goto fail;
		}
		if (rename(partial, dest) != 0) {
			snprintf(err, errsz, "%s: %s", dest, strerror(errno));
			goto fail;
		}
	}
	/* EINVAL: a file system that cannot sync a directory. */
	if (backup_sync(dir) != 0 && errno != EINVAL) {
		snprintf(err, errsz, "%s: fsync: %s (the copy is in place, "
		    "but a power cut could lose its name)", dir,
		    strerror(errno));
		return STORE_ERR;
	}
	return STORE_OK;
fail:
	(void)unlink(partial);
	return STORE_ERR;
}
