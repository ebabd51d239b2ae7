/*
 * The WAL's sync, in a thread of its own. A group commit used to wait in
 * its COMMIT for the WAL's fdatasync (1-2 ms, 20-25 % of the loop at
 * 5,000 msg/s in bench/load.sh TRACE=1), and nothing else ran on the loop
 * meanwhile: no request read, no next group applied. Now the COMMIT of a
 * group (store_commit_deferred) writes its frames and returns; this
 * thread syncs the WAL, and the loop answers the group only once that
 * sync has returned. The loop applies the next group in the meantime, and
 * one sync covers every commit written before it began.
 *
 * What a power cut can take is then only what nobody was told: the
 * commits after the last sync, none of them answered (and none of the
 * SMS they queued sent: the sender sends what it claimed only once its
 * claim's ticket is reached, which puts everything before it on disk
 * too; sender.c). The WAL keeps them in order
 * with chained checksums, so recovery keeps a prefix of the commits,
 * never a later one without an earlier one.
 *
 * Only the commit's own sync is deferred (walvfs.c tells it by its
 * flags): the WAL's header, written when the WAL starts over, and a
 * checkpoint's syncs stay inside the call, as SQLite needs them.
 *
 * The thread syncs through a descriptor of its own on the WAL (fdatasync
 * is per file, not per descriptor), shares only the counters below with
 * the loop, and says it moved through a pipe the loop watches.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

struct store_walsync {
	pthread_t thread;
	pthread_mutex_t mu;		/* guards the five after it */
	pthread_cond_t cv;
	uint64_t asked;			/* commits handed over (tickets) */
	uint64_t synced;		/* ... on disk, up to this one */
	long slowest;			/* ms: the longest sync since
					 * store_sync_slowest last read it */
	int err;			/* errno of a failed sync, else 0 */
	int stop;
	int fd;				/* the WAL, read-only: for fdatasync */
	int pipe[2];			/* a byte after each sync: [0] the loop's */
	char path[];			/* the WAL's, for messages */
};

static void *
walsync_main(void *arg)
{
	struct store_walsync *w = arg;
	struct timespec t0, t1;
	uint64_t target;
	long ms;
	int rc;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && w->err == 0 && w->asked == w->synced)
			pthread_cond_wait(&w->cv, &w->mu);
		/* Stopping waits for what was asked; a failure ends it all. */
		if (w->err != 0 || w->asked == w->synced)
			break;
		target = w->asked;
		pthread_mutex_unlock(&w->mu);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while ((rc = fdatasync(w->fd)) != 0 && errno == EINTR)
			;
		rc = rc == 0 ? 0 : errno;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000;
		pthread_mutex_lock(&w->mu);
		if (ms > w->slowest)
			w->slowest = ms;
		if (rc == 0)
			w->synced = target;
		else
			w->err = rc;
		/* Full (the loop is far behind) is fine: it has bytes to see. */
		(void)!write(w->pipe[1], "", 1);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
store_walsync_start(struct store *s, char *err, size_t errsz)
{
	const char *wal = sqlite3_filename_wal(sqlite3_db_filename(s->db,
	    "main"));
	struct store_walsync *w;
	size_t len;

	if (wal == NULL || (len = strlen(wal)) == 0)
		return snprintf(err, errsz, "no WAL file to sync"), -1;
	if ((w = calloc(1, sizeof *w + len + 1)) == NULL)
		return snprintf(err, errsz, "out of memory"), -1;
	memcpy(w->path, wal, len + 1);
	w->pipe[0] = w->pipe[1] = -1;
	/* The loop's connection has read the database, so its WAL is
	 * open, and stays so (and in place) while the connection is. */
	if ((w->fd = open(w->path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errsz, "%s: %s", w->path, strerror(errno));
		goto fail;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, walsync_main, w) != 0) {
		snprintf(err, errsz, "cannot start the WAL's sync thread");
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		goto fail;
	}
	s->walsync = w;
	return 0;
fail:
	if (w->fd >= 0)
		close(w->fd);
	if (w->pipe[0] >= 0) {
		close(w->pipe[0]);
		close(w->pipe[1]);
	}
	free(w);
	return -1;
}

void
store_walsync_stop(struct store *s)
{
	struct store_walsync *w = s->walsync;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	close(w->fd);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	s->walsync = NULL;
}

void
store_walsync_ask(struct store_walsync *w)
{
	pthread_mutex_lock(&w->mu);
	w->asked++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

enum store_rc
store_commit_deferred(struct store *s, uint64_t *ticket)
{
	struct store_walsync *w = s->walsync;
	sqlite3_file *wal = NULL;
	enum store_rc rc;

	if (w == NULL || sqlite3_file_control(s->db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
	    store_walvfs_defer(wal, w) != 0) {
		/* Synced in place: on disk as it returns. */
		if ((rc = store_commit(s)) == STORE_OK)
			rc = store_synced(s, ticket);
		return rc;
	}
	rc = store_commit(s);
	(void)store_walvfs_defer(wal, NULL);
	pthread_mutex_lock(&w->mu);
	*ticket = w->asked;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

enum store_rc
store_synced_peek(struct store *s, uint64_t *upto)
{
	struct store_walsync *w = s->walsync;
	int err;

	*upto = 0;
	if (w == NULL)
		return STORE_OK;
	pthread_mutex_lock(&w->mu);
	*upto = w->synced;
	err = w->err;
	pthread_mutex_unlock(&w->mu);
	if (err == 0)
		return STORE_OK;
	*upto = 0;
	snprintf(s->err, sizeof s->err, "%s: fdatasync: %s", w->path,
	    strerror(err));
	return STORE_ERR;
}

enum store_rc
store_synced(struct store *s, uint64_t *upto)
{
	char buf[256];

	/* Emptied first: a sync that returns meanwhile writes again. */
	while (s->walsync && read(s->walsync->pipe[0], buf, sizeof buf) > 0)
		;
	return store_synced_peek(s, upto);
}

long
store_sync_slowest(struct store *s)
{
	struct store_walsync *w = s->walsync;
	long ms;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	ms = w->slowest;
	w->slowest = 0;
	pthread_mutex_unlock(&w->mu);
	return ms;
}

int
store_sync_fd(const struct store *s)
{
	return s->walsync ? s->walsync->pipe[0] : -1;
}
