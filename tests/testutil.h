/* Helpers shared by the test suites: temp dirs, files, counting rows. */
#ifndef BX_TESTUTIL_H
#define BX_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* mkdtemp under TMPDIR; the path is malloc'd. */
char *tu_tmpdir(void);
/* rm -r of a temp dir made by tu_tmpdir (refuses anything else). */
void tu_rmdir(char *dir);
int tu_write(const char *path, const char *text);
/* Whole file, malloc'd and NUL-terminated, or NULL. */
char *tu_read(const char *path);
/* The same, its length (binary files) in *len. */
char *tu_read_n(const char *path, size_t *len);
/* Lines in a file (0 if it does not exist). */
int tu_lines(const char *path);
/* Runs sql on a database file through a connection of its own (as
 * another process would; waits up to 2 s for a lock); 0 or -1. */
int tu_sql_exec(const char *db, const char *sql);
/* Single integer from a SQL query on a database file; -1 on error. */
long long tu_sql_int(const char *db, const char *sql);
/* Runs the suite (and frees it); EXIT_SUCCESS or EXIT_FAILURE for main. */
int tu_run(Suite *);
/* Text of the first column of the first row, in a static buffer ("" if
 * none). */
const char *tu_sql_text(const char *db, const char *sql);
/* The newest outbound text to a number, as tu_sql_text ("" if none). */
const char *tu_last_to(const char *db, const char *to);
/* Its length in characters (what an SMS counts), 0 if none. */
long long tu_last_len(const char *db, const char *to);
/* $BX_SOURCE_DIR/rel into a static buffer. */
const char *tu_src(const char *rel);
/*
 * A full disk for SQLite: while a test has it on, every write (pwrite,
 * pwrite64, write) through the unix VFS to a file whose path full(path)
 * accepts fails with ENOSPC; tu_disk_full(NULL) puts the real calls back.
 * The process's own descriptors, whichever thread writes.
 */
void tu_disk_full(int (*full)(const char *path));
/* The path an open descriptor of this process refers to; -1 if none. */
int tu_fd_path(int fd, char *buf, size_t bufsz);
/* stderr (the log) into path, truncated, until tu_stderr_back(saved). */
int tu_stderr_to(const char *path);
void tu_stderr_back(int saved);
/* How many times what occurs in s. */
int tu_count(const char *s, const char *what);
/* A blocking TCP connection to 127.0.0.1:port (the test fails if not). */
int tu_connect(int port);

#endif
