#include "tests/testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

char *
tu_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/baoxue-test-XXXXXX", t ? t : "/tmp") < 0)
		abort();
	if (mkdtemp(p) == NULL)
		abort();
	return p;
}

void
tu_rmdir(char *dir)
{
	char *cmd;

	if (dir == NULL || strstr(dir, "/baoxue-test-") == NULL)
		return;
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
	}
	free(dir);
}

int
tu_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

char *
tu_read_n(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

char *
tu_read(const char *path)
{
	return tu_read_n(path, NULL);
}

int
tu_lines(const char *path)
{
	char *b = tu_read(path), *p;
	int n = 0;

	if (b == NULL)
		return 0;
	for (p = b; *p; p++)
		n += *p == '\n';
	free(b);
	return n;
}

int
tu_sql_exec(const char *db, const char *sql)
{
	sqlite3 *h;
	int rc = -1;

	if (sqlite3_open(db, &h) == SQLITE_OK) {
		sqlite3_busy_timeout(h, 2000);
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	}
	sqlite3_close(h);
	return rc;
}

long long
tu_sql_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

const char *
tu_sql_text(const char *db, const char *sql)
{
	static char buf[4096];
	sqlite3 *h;
	sqlite3_stmt *st;

	buf[0] = '\0';
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return buf;
	}
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0))
			snprintf(buf, sizeof buf, "%s",
			    sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return buf;
}

const char *
tu_last_to(const char *db, const char *to)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT text FROM outbound WHERE recipient = "
	    "'%s' ORDER BY id DESC LIMIT 1", to);
	return tu_sql_text(db, q);
}

long long
tu_last_len(const char *db, const char *to)
{
	char q[256];

	snprintf(q, sizeof q, "SELECT length(text) FROM outbound WHERE "
	    "recipient = '%s' ORDER BY id DESC LIMIT 1", to);
	return tu_sql_int(db, q);
}

const char *
tu_src(const char *rel)
{
	static char buf[4096];
	const char *s = getenv("BX_SOURCE_DIR");

	snprintf(buf, sizeof buf, "%s/%s", s ? s : ".", rel);
	return buf;
}

int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int
tu_fd_path(int fd, char *buf, size_t bufsz)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if (bufsz == 0 || (n = readlink(link, buf, bufsz - 1)) < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Atomic: SQLite's checkpoint thread writes through these wrappers while
 * the test thread turns the full disk off (read once per call: a NULL
 * read between the test and the call was a crash, seen under ASan). */
typedef int tu_full_fn(const char *);
static _Atomic(tu_full_fn *) tu_full;
static sqlite3_syscall_ptr tu_real_pwrite, tu_real_pwrite64, tu_real_write;

static int
tu_fd_full(int fd)
{
	tu_full_fn *full = atomic_load(&tu_full);
	char path[4096];

	return full && tu_fd_path(fd, path, sizeof path) == 0 && full(path);
}

static ssize_t
tu_full_pwrite(int fd, const void *b, size_t n, off_t off)
{
	if (tu_fd_full(fd))
		return errno = ENOSPC, -1;
	return ((ssize_t (*)(int, const void *, size_t,
	    off_t))tu_real_pwrite)(fd, b, n, off);
}

static ssize_t
tu_full_pwrite64(int fd, const void *b, size_t n, off64_t off)
{
	if (tu_fd_full(fd))
		return errno = ENOSPC, -1;
	return ((ssize_t (*)(int, const void *, size_t,
	    off64_t))tu_real_pwrite64)(fd, b, n, off);
}

static ssize_t
tu_full_write(int fd, const void *b, size_t n)
{
	if (tu_fd_full(fd))
		return errno = ENOSPC, -1;
	return ((ssize_t (*)(int, const void *, size_t))tu_real_write)(fd, b,
	    n);
}

void
tu_disk_full(int (*full)(const char *path))
{
	sqlite3_vfs *u = sqlite3_vfs_find("unix");

	ck_assert_ptr_nonnull(u);
	if (tu_real_pwrite == NULL && tu_real_pwrite64 == NULL) {
		tu_real_pwrite = u->xGetSystemCall(u, "pwrite");
		tu_real_pwrite64 = u->xGetSystemCall(u, "pwrite64");
		tu_real_write = u->xGetSystemCall(u, "write");
		ck_assert(tu_real_pwrite || tu_real_pwrite64);
	}
	atomic_store(&tu_full, full);
	/* Whichever of them this SQLite's unix VFS uses. */
	if (tu_real_pwrite)
		u->xSetSystemCall(u, "pwrite", full ?
		    (sqlite3_syscall_ptr)tu_full_pwrite : tu_real_pwrite);
	if (tu_real_pwrite64)
		u->xSetSystemCall(u, "pwrite64", full ?
		    (sqlite3_syscall_ptr)tu_full_pwrite64 : tu_real_pwrite64);
	if (tu_real_write)
		u->xSetSystemCall(u, "write", full ?
		    (sqlite3_syscall_ptr)tu_full_write : tu_real_write);
}

int
tu_stderr_to(const char *path)
{
	int fd, saved;

	fflush(stderr);
	ck_assert_int_ge(saved = dup(2), 0);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
	    0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
	return saved;
}

void
tu_stderr_back(int saved)
{
	fflush(stderr);
	ck_assert_int_eq(dup2(saved, 2), 2);
	close(saved);
}

int
tu_count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL)
		n++, s++;
	return n;
}

int
tu_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}
