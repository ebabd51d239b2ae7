/*
 * The WAL checkpointer. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses its threshold: the event loop would stop there while
 * thousands of pages are copied into the database file and fsync'ed, and
 * every request waiting on that commit would wait too (a p99 of 80 ms at
 * 1,000 msg/s in bench/load.sh). Here a thread with its own connection
 * runs passive checkpoints instead, which never block the writer; the
 * loop's connection only raises a flag from its WAL hook after a commit
 * that leaves enough frames. The thread shares the flag and the database
 * file (which SQLite locks) with the loop, nothing else.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store_int.h"

/*
 * Frames (pages) in the WAL that call for a checkpoint. A checkpoint
 * copies the newest version of each page once, so the fewer there are
 * the fewer copies of pages that every group commit touches again (index
 * edges, the queue's head): at SQLite's default of 1,000 the thread ran
 * after nearly every commit. Measured with bench/load.sh (COUNT=20000
 * CONNS=128 RATE=5000, back to back, twice): 1,000 frames 5,207-5,286
 * msg/s closed loop, and 3,888-3,976 msg/s with p99 1.5 s at 5,000/s
 * offered; 4,000: 5,810-6,004 and 4,400-4,515, p99 0.7-0.8 s; 16,000:
 * 6,224-6,275 and 4,883-4,886, p99 0.15-0.17 s. The price: each
 * checkpoint's fsync is larger, and commits wait behind it; at 1,000
 * msg/s after 100,000 messages the p99 went from 17 to 33 ms (max 44
 * and 45 ms). The size the WAL file keeps: journal_size_limit in db.c.
 */
#define CKPT_FRAMES 16000
/* If the thread cannot keep up (or a reader holds it back) and the WAL
 * grows past this, the writer checkpoints itself, as SQLite would. */
#define CKPT_FRAMES_INLINE 40000
/*
 * SQLite starts the WAL again from its beginning only in a write that
 * began when every frame had been copied. Under load the loop commits
 * again within a millisecond, before the thread has copied the frames of
 * the last commit, so that moment never came (it did in the pauses the
 * outbox's fsync per SMS used to make): the WAL grew to
 * CKPT_FRAMES_INLINE and the loop copied all of it itself. So once the
 * thread has copied all but this many frames, the loop copies the rest
 * itself, inside the commit (a few hundred pages and the database's
 * fsync: 5-7 ms on average, at most 14 ms, twice a second at 5,000
 * msg/s), and its next write starts the WAL again. Since commits no
 * longer wait for their sync (walsync.c) the loop writes faster than a
 * thread's pass (two fsyncs) takes to leave only 512 frames: at 9,000
 * msg/s the WAL reached CKPT_FRAMES_INLINE in two runs of three (4 and
 * 17 times). With 2,048, in none of three, the p99 unchanged
 * (bench/load.sh COUNT=20000 CONNS=128 RATE=5000, back to back).
 */
#define CKPT_TAIL 2048

struct store_ckpt {
	sqlite3 *db;			/* the thread's own connection */
	pthread_t thread;
	pthread_mutex_t mu;		/* guards what follows */
	pthread_cond_t cv;
	pthread_cond_t idle;		/* no pass asked or under way */
	int want, stop;
	unsigned truncate;		/* asked to empty the WAL (times) */
	int retry_ms;			/* and tried again after this */
	int frames;			/* WAL frames after the last commit */
	int running;			/* the thread is inside a checkpoint */
	int log, copied;		/* its last one: WAL frames, copied */
	int rc;				/* the last checkpoint's result */
	long paced;			/* its database written back on the way
					 * (walvfs.c), times in all */
	char err[128];			/* and its message, "" when fine */
};

/* Until *at, ms from now (CLOCK_MONOTONIC, the clock of c->cv: a wall
 * clock put back does not put the retry off). */
static void
ckpt_deadline(struct timespec *at, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, at);
	at->tv_sec += ms / 1000;
	at->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (at->tv_nsec >= 1000000000L) {
		at->tv_sec++;
		at->tv_nsec -= 1000000000L;
	}
}

/*
 * Cuts the WAL file to nothing (after a retention pass: its old frames
 * may hold wiped words), once a passive checkpoint has copied its frames
 * without holding the writer back. TRUNCATE holds the writer only to copy
 * what came meanwhile and cut the file, and gives up at once (no busy
 * wait, while the writer would wait behind it) when a reader or the
 * writer is in the way (SQLITE_BUSY, tried again later). The cut, an
 * ftruncate under the WAL's write lock, took 60-120 ms of a 118 MB WAL
 * (a reviewer's measure): once after a retention pass that wiped
 * anything, at most hourly.
 */
static int
ckpt_cut(struct store_ckpt *c)
{
	int rc;

	sqlite3_busy_timeout(c->db, 0);
	rc = sqlite3_wal_checkpoint_v2(c->db, "main",
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(c->db, 2000);
	return rc;
}

static void *
ckpt_main(void *arg)
{
	struct store_ckpt *c = arg;
	struct timespec at;
	unsigned trunc;
	int logn, done, rc, cut;
	long paced;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		/* An emptying that could not be done is tried again. */
		if (c->truncate && !c->want && !c->stop) {
			ckpt_deadline(&at, c->retry_ms);
			while (!c->want && !c->stop &&
			    pthread_cond_timedwait(&c->cv, &c->mu, &at) == 0)
				;
			c->want = 1;
		}
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		c->running = 1;
		trunc = c->truncate;
		pthread_mutex_unlock(&c->mu);
		rc = sqlite3_wal_checkpoint_v2(c->db, "main",
		    SQLITE_CHECKPOINT_PASSIVE, &logn, &done);
		cut = SQLITE_BUSY;
		if (trunc && rc == SQLITE_OK) {
			if ((cut = ckpt_cut(c)) == SQLITE_OK)
				logn = done = 0;
			else if (cut != SQLITE_BUSY)
				rc = cut;	/* seen in /healthz */
		}
		paced = 0;
		(void)sqlite3_file_control(c->db, "main", STORE_FCNTL_PACED,
		    &paced);
		pthread_mutex_lock(&c->mu);
		/* Unless asked again meanwhile: that one needs its own. */
		if (cut == SQLITE_OK && c->truncate == trunc)
			c->truncate = 0;
		c->running = 0;
		c->paced = paced;
		if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
			c->log = logn;
			c->copied = done;
		}
		/* SQLITE_BUSY only means "not all of it this time". */
		c->rc = rc == SQLITE_BUSY ? SQLITE_OK : rc;
		snprintf(c->err, sizeof c->err, "%s", c->rc == SQLITE_OK ? "" :
		    sqlite3_errmsg(c->db));
		if (!c->want)
			pthread_cond_broadcast(&c->idle);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

void
store_ckpt_retry_ms(struct store *s, int ms)
{
	if (s->ckpt == NULL)
		return;
	pthread_mutex_lock(&s->ckpt->mu);
	s->ckpt->retry_ms = ms;
	pthread_mutex_unlock(&s->ckpt->mu);
}

int
store_ckpt_truncate_pending(struct store *s)
{
	int p;

	if (s->ckpt == NULL)
		return 0;
	pthread_mutex_lock(&s->ckpt->mu);
	p = s->ckpt->truncate != 0;
	pthread_mutex_unlock(&s->ckpt->mu);
	return p;
}

static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_ckpt *c = arg;
	int tail;

	if (frames >= CKPT_FRAMES_INLINE) {
		/* As SQLite's own automatic checkpoint: errors are not the
		 * committed transaction's. */
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->mu);
	c->frames = frames;
	if (frames < c->log)		/* started again since */
		c->log = c->copied = 0;
	tail = frames >= CKPT_FRAMES && !c->running && !c->want &&
	    c->copied > 0 && frames - c->copied <= CKPT_TAIL;
	if (frames >= CKPT_FRAMES && !tail) {
		c->want = 1;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	/* Should the thread start one meanwhile, this one is simply BUSY. */
	if (tail)
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

int
store_ckpt_start(struct store *s, const char *path, char *err, size_t errsz)
{
	pthread_condattr_t ca;
	struct store_ckpt *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return snprintf(err, errsz, "out of memory"), -1;
	/* Its database writes paced (walvfs.c), where that VFS is. */
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, sqlite3_vfs_find(STORE_CKPTVFS) ?
	    STORE_CKPTVFS : NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "%s: checkpoint connection: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "cannot open");
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	sqlite3_busy_timeout(c->db, 2000);
	c->retry_ms = 60 * 1000;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&c->idle, NULL);
	if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
		snprintf(err, errsz, "cannot start the checkpoint thread");
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		pthread_cond_destroy(&c->idle);
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	/* The loop's connection no longer checkpoints by itself. */
	sqlite3_wal_hook(s->db, ckpt_hook, c);
	s->ckpt = c;
	return 0;
}

void
store_ckpt_stop(struct store *s)
{
	struct store_ckpt *c = s->ckpt;

	if (c == NULL)
		return;
	sqlite3_wal_hook(s->db, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_cond_broadcast(&c->idle);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	pthread_cond_destroy(&c->idle);
	free(c);
	s->ckpt = NULL;
}

enum store_rc
store_checkpoint_status(struct store *s, int *frames, char *err,
    size_t errsz)
{
	struct store_ckpt *c = s->ckpt;
	int rc;

	*frames = 0;
	err[0] = '\0';
	if (c == NULL)
		return STORE_OK;
	pthread_mutex_lock(&c->mu);
	*frames = c->frames;
	rc = c->rc;
	snprintf(err, errsz, "%s", c->err);
	pthread_mutex_unlock(&c->mu);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERR;
}

long
store_checkpoint_paced(struct store *s)
{
	struct store_ckpt *c = s->ckpt;
	long n;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	n = c->paced;
	pthread_mutex_unlock(&c->mu);
	return n;
}

void
store_checkpoint_truncate(struct store *s)
{
	struct store_ckpt *c = s->ckpt;

	if (c == NULL) {
		/* No thread (it could not start): in place, not waiting. */
		sqlite3_busy_timeout(s->db, 0);
		(void)sqlite3_wal_checkpoint_v2(s->db, "main",
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_busy_timeout(s->db, 2000);
		return;
	}
	pthread_mutex_lock(&c->mu);
	c->truncate++;
	c->want = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

void
store_checkpoint_idle(struct store *s)
{
	struct store_ckpt *c = s->ckpt;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	while ((c->want || c->running) && !c->stop)
		pthread_cond_wait(&c->idle, &c->mu);
	pthread_mutex_unlock(&c->mu);
}
