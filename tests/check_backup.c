/*
 * store_backup: a consistent copy of the database, made beside a daemon
 * that keeps writing, checked before it takes its name; never over a
 * file that exists, and nothing left behind when it fails.
 */
#include <check.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "store/store.h"
#include "tests/testutil.h"

static char *dir;
static char dbpath[4096], copy[4200];
static struct store *st;

static void
setup(void)
{
	char err[256];
	int i;

	dir = tu_tmpdir();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	snprintf(copy, sizeof copy, "%s/backup.db", dir);
	st = store_open(dbpath, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	for (i = 0; i < 50; i++) {
		struct store_outbound m = { .to = "+8613800000001",
		    .kind = "reply", .priority = 1, .created_at = 1000 + i,
		    .due_at = 1000 + i };

		snprintf(m.text, sizeof m.text, "回复 %d", i);
		ck_assert_int_eq(store_outbound_enqueue(st, &m, NULL),
		    STORE_OK);
	}
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	tu_rmdir(dir);
}

static int
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* The temporary name a backup is written under before it is checked. */
static const char *
partial(void)
{
	static char p[4300];

	snprintf(p, sizeof p, "%s.partial", copy);
	return p;
}

START_TEST(test_backup_copies)
{
	char err[512];

	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
	ck_assert_int_eq(tu_sql_int(copy, "SELECT count(*) FROM outbound"), 50);
	/* The same database by name: restored, the outbox still knows it. */
	ck_assert_str_eq(tu_sql_text(copy, "SELECT name FROM store_identity"),
	    store_instance(st));
	ck_assert_str_eq(tu_sql_text(copy, "PRAGMA integrity_check"), "ok");
	ck_assert_int_eq(tu_sql_int(copy, "PRAGMA user_version"),
	    store_schema_version(st));
	ck_assert(!exists(partial()));
	/* Restored: it opens as the database it was. */
	{
		struct store *r = store_open(copy, err, sizeof err);

		ck_assert_msg(r != NULL, "%s", err);
		ck_assert_str_eq(store_instance(r), store_instance(st));
		store_close(r);
	}
}
END_TEST

/* Names and numbers of minors: the copy is its owner's alone, whatever
 * the umask of the cron job that makes it. */
START_TEST(test_backup_private)
{
	char err[512];
	struct stat sb;

	umask(022);
	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
	ck_assert_int_eq(stat(copy, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
}
END_TEST

/* Any other SQLite file is refused, read only: nothing is created or
 * migrated in it, and no database is made where none was. */
START_TEST(test_backup_only_ours)
{
	char err[512], other[4200], none[4200];

	snprintf(other, sizeof other, "%s/other.db", dir);
	snprintf(none, sizeof none, "%s/none.db", dir);
	ck_assert_int_eq(tu_sql_exec(other, "CREATE TABLE t(x)"), 0);
	ck_assert_int_eq(store_backup(other, copy, err, sizeof err),
	    STORE_ERR);
	ck_assert_msg(strstr(err, "not a baoxue database") != NULL, "%s",
	    err);
	ck_assert_int_eq(tu_sql_int(other, "SELECT count(*) FROM "
	    "sqlite_master"), 1);
	ck_assert_int_eq(tu_sql_int(other, "PRAGMA user_version"), 0);
	ck_assert(!exists(copy));
	ck_assert(!exists(partial()));
	ck_assert_int_eq(store_backup(none, copy, err, sizeof err), STORE_ERR);
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
	ck_assert(!exists(none));
	ck_assert(!exists(partial()));
}
END_TEST

/* A relative name that SQLite would read as a URI ("file:...") is a
 * file name like any other. */
START_TEST(test_backup_name_like_a_uri)
{
	char err[512], cwd[4096];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_msg(store_backup(dbpath, "file:u.db", err, sizeof err) ==
	    STORE_OK, "%s", err);
	ck_assert(exists("file:u.db"));
	ck_assert(!exists("file:u.db.partial"));
	ck_assert(!exists("u.db.partial"));
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

/* An existing file, whatever it holds, is never written over. */
START_TEST(test_backup_never_overwrites)
{
	char err[512], *was;
	FILE *f = fopen(copy, "w");

	ck_assert_ptr_nonnull(f);
	fputs("yesterday's backup", f);
	fclose(f);
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	ck_assert_msg(strstr(err, "exists") != NULL, "%s", err);
	was = tu_read(copy);
	ck_assert_str_eq(was, "yesterday's backup");
	free(was);
	ck_assert(!exists(partial()));
	/* Nor over the database itself. */
	ck_assert_int_eq(store_backup(dbpath, dbpath, err, sizeof err),
	    STORE_ERR);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM outbound"),
	    50);
}
END_TEST

/* A copy left half made (a crash, or another backup at work) is not
 * taken over: the operator is told to look. */
START_TEST(test_backup_partial_left)
{
	char err[512];

	ck_assert_int_eq(tu_write(partial(), "half"), 0);
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	ck_assert_msg(strstr(err, "interrupted") != NULL, "%s", err);
	ck_assert(!exists(copy));
	ck_assert(exists(partial()));
}
END_TEST

/* A directory that is not there: a clear error, nothing made. */
START_TEST(test_backup_bad_path)
{
	char err[512], path[4300];

	snprintf(path, sizeof path, "%s/no/such/dir/b.db", dir);
	ck_assert_int_eq(store_backup(dbpath, path, err, sizeof err), STORE_ERR);
	ck_assert_msg(strstr(err, "no/such/dir") != NULL, "%s", err);
	ck_assert_int_eq(store_backup(dbpath, "", err, sizeof err), STORE_ERR);
}
END_TEST

/*
 * Beside a writer that is in the middle of a transaction (the daemon's
 * group commit): the copy is the last committed state, and the writer is
 * not held up; what it commits afterwards is its own.
 */
START_TEST(test_backup_beside_a_writer)
{
	char err[512];
	sqlite3 *w;

	ck_assert_int_eq(sqlite3_open(dbpath, &w), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(w, "PRAGMA busy_timeout=2000; "
	    "BEGIN IMMEDIATE; DELETE FROM outbound WHERE id > 10",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
	ck_assert_int_eq(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(w);
	ck_assert_int_eq(tu_sql_int(copy, "SELECT count(*) FROM outbound"), 50);
	ck_assert_int_eq(tu_sql_int(dbpath, "SELECT count(*) FROM outbound"),
	    10);
}
END_TEST

/* link(2) as a FAT file system answers it, while no_links is set
 * (linked with -Wl,--wrap=link). */
static int no_links;
int __real_link(const char *, const char *);
int __wrap_link(const char *, const char *);

int
__wrap_link(const char *from, const char *to)
{
	if (no_links) {
		errno = EPERM;
		return -1;
	}
	return __real_link(from, to);
}

/* A backup made, then one to the same name refused, nothing left over. */
static void
copy_then_refused(void)
{
	char err[512];

	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
	ck_assert_int_eq(tu_sql_int(copy, "SELECT count(*) FROM outbound"), 50);
	ck_assert(!exists(partial()));
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	ck_assert_msg(strstr(err, "exists") != NULL, "%s", err);
	ck_assert(!exists(partial()));
}

/* Where the file system has no hard links (a USB stick), the copy is
 * renamed to its name instead: the same copy, the same refusals. */
START_TEST(test_backup_without_links)
{
	no_links = 1;
	copy_then_refused();
	no_links = 0;
}
END_TEST

/* renameat2 as a kernel without RENAME_NOREPLACE answers it (EINVAL),
 * while no_noreplace is set (-Wl,--wrap=renameat2). */
static int no_noreplace;
int __real_renameat2(int, const char *, int, const char *, unsigned);
int __wrap_renameat2(int, const char *, int, const char *, unsigned);

int
__wrap_renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned flags)
{
	if (no_noreplace) {
		errno = EINVAL;
		return -1;
	}
	return __real_renameat2(fd1, from, fd2, to, flags);
}

/* The copy spoilt between its making and its check (a bad sector, a
 * cable): while spoil is set, a byte of an entry in the queue's index
 * changes as the check opens the copy (-Wl,--wrap=sqlite3_open_v2). */
static int spoil, appear;
int __real_sqlite3_open_v2(const char *, sqlite3 **, int, const char *);
int __wrap_sqlite3_open_v2(const char *, sqlite3 **, int, const char *);

int
__wrap_sqlite3_open_v2(const char *name, sqlite3 **db, int flags,
    const char *vfs)
{
	size_t n = strlen(name);

	/* Another file at the backup's name, come while it was made. */
	if (appear && n > 8 && strcmp(name + n - 8, ".partial") == 0) {
		appear = 0;
		ck_assert_int_eq(tu_write(copy, "another file"), 0);
	}
	if (spoil && n > 8 && strcmp(name + n - 8, ".partial") == 0) {
		long page;
		long size;
		FILE *f;
		int c;

		spoil = 0;	/* once, and not in the reads below */
		page = tu_sql_int(name, "SELECT rootpage FROM sqlite_schema "
		    "WHERE name = 'outbound_queue'");
		size = tu_sql_int(name, "PRAGMA page_size");
		f = fopen(name, "r+b");

		ck_assert_ptr_nonnull(f);
		/* The end of the page: its cells' keys. */
		ck_assert_int_eq(fseek(f, page * size - 3, SEEK_SET), 0);
		c = fgetc(f);
		ck_assert_int_eq(fseek(f, page * size - 3, SEEK_SET), 0);
		ck_assert_int_eq(fputc(c ^ 0x55, f), c ^ 0x55);
		ck_assert_int_eq(fclose(f), 0);
	}
	return __real_sqlite3_open_v2(name, db, flags, vfs);
}

/* Neither links nor RENAME_NOREPLACE: the name is looked at first, and
 * an existing file still stands. */
START_TEST(test_backup_without_noreplace)
{
	char err[512], *text;

	no_links = no_noreplace = 1;
	copy_then_refused();
	ck_assert_int_eq(tu_sql_int(copy, "SELECT count(*) FROM outbound"), 50);
	/* A file come at the name meanwhile is looked for at the end too. */
	ck_assert_int_eq(unlink(copy), 0);
	appear = 1;
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	ck_assert_int_eq(appear, 0);
	ck_assert_msg(strstr(err, "exists") != NULL, "%s", err);
	ck_assert(!exists(partial()));
	ck_assert_str_eq(text = tu_read(copy), "another file");
	free(text);
	no_links = no_noreplace = 0;
}
END_TEST

/* A copy that fails its check is not given the name: nothing is left,
 * and the answer says so. */
START_TEST(test_backup_checked)
{
	char err[512];

	spoil = 1;
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	ck_assert_int_eq(spoil, 0);
	ck_assert_msg(strstr(err, "failed its check") != NULL, "%s", err);
	ck_assert(!exists(copy));
	ck_assert(!exists(partial()));
	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
}
END_TEST

static int
backup_file(const char *path)
{
	return strstr(path, "backup.db") != NULL;
}

/* A copy that cannot be completed (the disk full under it) leaves nothing
 * behind and says why. */
START_TEST(test_backup_fails_clean)
{
	char err[512];

	tu_disk_full(backup_file);
	ck_assert_int_eq(store_backup(dbpath, copy, err, sizeof err), STORE_ERR);
	tu_disk_full(NULL);
	ck_assert_msg(strstr(err, "full") != NULL, "%s", err);
	ck_assert(!exists(copy));
	ck_assert(!exists(partial()));
	/* And the next one goes. */
	ck_assert_msg(store_backup(dbpath, copy, err, sizeof err) == STORE_OK,
	    "%s", err);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("backup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_backup_copies);
	tcase_add_test(tc, test_backup_private);
	tcase_add_test(tc, test_backup_only_ours);
	tcase_add_test(tc, test_backup_name_like_a_uri);
	tcase_add_test(tc, test_backup_never_overwrites);
	tcase_add_test(tc, test_backup_partial_left);
	tcase_add_test(tc, test_backup_bad_path);
	tcase_add_test(tc, test_backup_beside_a_writer);
	tcase_add_test(tc, test_backup_fails_clean);
	tcase_add_test(tc, test_backup_without_links);
	tcase_add_test(tc, test_backup_without_noreplace);
	tcase_add_test(tc, test_backup_checked);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
