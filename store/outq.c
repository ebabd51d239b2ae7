/*
 * The queued notices of each number, in memory: the candidates merging
 * reads (store_outbound_mergeable). An index keyed by recipient over the
 * queued notices put an entry on a random page of it for every notice
 * queued, and every group commit wrote those pages again: a quarter of
 * the WAL's frames under load (bench/load.sh, frames counted by index).
 *
 * The list may hold more than the queue, never less:
 *  - the query that reads the candidates checks each row (queued, due,
 *    this number, not a reply), so an id too many costs a look-up, and
 *    one missing would cost a merge;
 *  - an id is added as its row becomes queued: an enqueue tells the lists
 *    itself (store_outq_queued, from the one INSERT into the queue:
 *    migration 15 says why no trigger runs there), and a temporary
 *    trigger on this connection sees every UPDATE back to 'queued';
 *  - an id that leaves the queue is taken out only once that is
 *    committed (the commit hook); a rollback, whole or to a savepoint, or
 *    a failed statement forgets what was to be taken out, which only
 *    leaves ids too many;
 *  - the lists are built from the queue at the first look-up, and built
 *    again when another connection committed (PRAGMA data_version:
 *    baoxuectl could queue a notice) or when a transaction that built
 *    them, or whose commit had begun, is rolled back;
 *  - they hold at most max ids (store_merge_limit): the queue lives on
 *    disk, and a long outage's backlog must not grow the daemon. Past it
 *    they are partial (merging sees only the notices kept, each still
 *    sent), until the sender has taken them below half of it and they
 *    are built again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

struct outq_list {
	char *to;			/* NULL: a free slot */
	int64_t *id;			/* ascending */
	size_t n, cap;
};

struct outq_drop {
	char to[STORE_PHONE_MAX];
	int64_t id;
};

struct store_outq {
	struct outq_list *slot;		/* open addressing, a power of two */
	size_t nslot, used;
	int built;
	sqlite3_int64 version;		/* data_version the lists are from */
	int built_in_tx;		/* built inside the open transaction */
	int committing;			/* the commit hook ran, no end seen */
	struct outq_drop *drop;		/* to take out once committed */
	size_t ndrop, capdrop;
	size_t total, max;		/* ids held, and the most held */
	int partial;			/* an id was left out: max reached */
};

static uint32_t
outq_hash(const char *to)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *to; to++)
		h = (h ^ (unsigned char)*to) * 16777619u;
	return h;
}

static void
outq_clear(struct store_outq *q)
{
	size_t i;

	for (i = 0; i < q->nslot; i++) {
		free(q->slot[i].to);
		free(q->slot[i].id);
	}
	free(q->slot);
	q->slot = NULL;
	q->nslot = q->used = 0;
	q->built = 0;
	q->ndrop = 0;
	q->total = 0;
	q->partial = 0;
}

/* The list of to, made if create; NULL if absent or out of memory. */
static struct outq_list *
outq_find(struct store_outq *q, const char *to, int create)
{
	struct outq_list *l;
	size_t i, mask;

	if (q->nslot == 0 || (create && (q->used + 1) * 10 > q->nslot * 7)) {
		struct outq_list *old = q->slot;
		size_t nold = q->nslot, n = nold ? nold * 2 : 256;

		if (!create && nold == 0)
			return NULL;
		if ((q->slot = calloc(n, sizeof *q->slot)) == NULL) {
			q->slot = old;
			return NULL;
		}
		q->nslot = n;
		for (i = 0; i < nold; i++) {
			if (old[i].to == NULL)
				continue;
			l = &q->slot[outq_hash(old[i].to) & (n - 1)];
			while (l->to != NULL)
				l = l == &q->slot[n - 1] ? q->slot : l + 1;
			*l = old[i];
		}
		free(old);
	}
	mask = q->nslot - 1;
	for (i = outq_hash(to) & mask;; i = (i + 1) & mask) {
		l = &q->slot[i];
		if (l->to == NULL)
			break;
		if (strcmp(l->to, to) == 0)
			return l;
	}
	if (!create || (l->to = strdup(to)) == NULL)
		return NULL;
	q->used++;
	return l;
}

/* First index in l whose id is >= id. */
static size_t
outq_at(const struct outq_list *l, int64_t id)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 0, or -1 out of memory (the lists are then dropped: built again). */
static int
outq_add(struct store_outq *q, const char *to, int64_t id)
{
	struct outq_list *l = outq_find(q, to, 1);
	size_t at;

	if (l == NULL)
		goto fail;
	at = l->n && l->id[l->n - 1] < id ? l->n : outq_at(l, id);
	if (at < l->n && l->id[at] == id)
		return 0;
	if (q->total >= q->max) {
		q->partial = 1;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		int64_t *p = realloc(l->id, cap * sizeof *p);

		if (p == NULL)
			goto fail;
		l->id = p;
		l->cap = cap;
	}
	memmove(l->id + at + 1, l->id + at, (l->n - at) * sizeof *l->id);
	l->id[at] = id;
	l->n++;
	q->total++;
	return 0;
fail:
	outq_clear(q);
	return -1;
}

static void
outq_take(struct store_outq *q, const char *to, int64_t id)
{
	struct outq_list *l = outq_find(q, to, 0);
	size_t at;

	if (l == NULL || (at = outq_at(l, id)) == l->n || l->id[at] != id)
		return;
	memmove(l->id + at, l->id + at + 1, (l->n - at - 1) * sizeof *l->id);
	l->n--;
	q->total--;
}

void
store_outq_queued(struct store *s, const char *to, int64_t id)
{
	struct store_outq *q = s->outq;
	size_t i;

	if (q == NULL)
		return;
	q->committing = 0;
	if (!q->built || to == NULL)
		return;
	/* Queued again in the same transaction: stays in. */
	for (i = 0; i < q->ndrop; i++)
		if (q->drop[i].id == id && strcmp(q->drop[i].to, to) == 0)
			q->drop[i].id = 0;
	(void)outq_add(q, to, id);
}

/* bx_outq_add(recipient, id): the row is queued again. */
static void
outq_add_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	store_outq_queued(sqlite3_user_data(ctx),
	    (const char *)sqlite3_value_text(argv[0]),
	    sqlite3_value_int64(argv[1]));
}

/* bx_outq_drop(recipient, id): the row left the queue, if this commits. */
static void
outq_drop_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store *s = sqlite3_user_data(ctx);
	struct store_outq *q = s->outq;
	const char *to = (const char *)sqlite3_value_text(argv[0]);
	struct outq_drop *d;

	(void)argc;
	q->committing = 0;
	if (!q->built || to == NULL || strlen(to) >= sizeof d->to)
		return;
	if (q->ndrop == q->capdrop) {
		size_t cap = q->capdrop ? q->capdrop * 2 : 32;

		if ((d = realloc(q->drop, cap * sizeof *d)) == NULL) {
			/* Left in: an id too many, never one missing. */
			return;
		}
		q->drop = d;
		q->capdrop = cap;
	}
	d = &q->drop[q->ndrop++];
	snprintf(d->to, sizeof d->to, "%s", to);
	d->id = sqlite3_value_int64(argv[1]);
}

static int
outq_commit_hook(void *arg)
{
	struct store_outq *q = ((struct store *)arg)->outq;
	size_t i;

	for (i = 0; i < q->ndrop; i++)
		if (q->drop[i].id != 0)
			outq_take(q, q->drop[i].to, q->drop[i].id);
	q->ndrop = 0;
	q->built_in_tx = 0;
	/* Room again for what was left out: built whole at the next
	 * look-up. */
	if (q->partial && q->total < q->max / 2)
		outq_clear(q);
	/* The commit can still fail after this hook; a rollback then
	 * follows, and finds this set. */
	q->committing = 1;
	return 0;
}

void
store_outq_rolled_back(struct store *s)
{
	struct store_outq *q = s->outq;

	if (q == NULL)
		return;
	if (q->built_in_tx || q->committing)
		outq_clear(q);
	q->ndrop = 0;
	q->built_in_tx = q->committing = 0;
}

void
store_outq_forget(struct store *s)
{
	if (s->outq != NULL)
		s->outq->ndrop = 0;
}

void
store_outq_begin(struct store *s)
{
	if (s->outq != NULL) {
		s->outq->ndrop = 0;
		s->outq->committing = 0;
	}
}

int
store_outq_open(struct store *s, char *err, size_t errsz)
{
	static const char triggers[] =
	    "CREATE TEMP TRIGGER outq_move AFTER UPDATE OF status, recipient,"
	    " kind ON main.outbound"
	    " WHEN (old.status = 'queued' AND old.kind <> 'reply') OR"
	    " (new.status = 'queued' AND new.kind <> 'reply') BEGIN"
	    " SELECT bx_outq_drop(old.recipient, old.id)"
	    "  WHERE old.status = 'queued' AND old.kind <> 'reply';"
	    " SELECT bx_outq_add(new.recipient, new.id)"
	    "  WHERE new.status = 'queued' AND new.kind <> 'reply'; END;"
	    "CREATE TEMP TRIGGER outq_gone AFTER DELETE ON main.outbound"
	    " WHEN old.status = 'queued' AND old.kind <> 'reply' BEGIN"
	    " SELECT bx_outq_drop(old.recipient, old.id); END;";
	/* Only this program's own triggers may call them (TEMP ones are
	 * exempt from SQLITE_DIRECTONLY), never a database file's schema. */
	const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
	char *msg = NULL;

	if ((s->outq = calloc(1, sizeof *s->outq)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	s->outq->max = STORE_MERGE_IDS;
	if (sqlite3_create_function(s->db, "bx_outq_add", 2, flags, s,
	    outq_add_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "bx_outq_drop", 2, flags, s,
	    outq_drop_fn, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, triggers, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "the queue's lists by number: %s",
		    msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	(void)sqlite3_commit_hook(s->db, outq_commit_hook, s);
	return 0;
}

void
store_merge_limit(struct store *s, size_t ids)
{
	if (s->outq != NULL) {
		outq_clear(s->outq);
		s->outq->max = ids;
	}
}

void
store_outq_free(struct store *s)
{
	if (s->outq == NULL)
		return;
	outq_clear(s->outq);
	free(s->outq->drop);
	free(s->outq);
	s->outq = NULL;
}

static enum store_rc
outq_build(struct store *s, sqlite3_int64 version)
{
	struct store_outq *q = s->outq;
	sqlite3_stmt *st = store_stmt(s, STMT_OUTQ_ALL);
	int rc;

	outq_clear(q);
	q->built = 1;	/* outq_add builds only a built list */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *to = (const char *)sqlite3_column_text(st, 0);

		if (to != NULL && outq_add(q, to,
		    sqlite3_column_int64(st, 1)) != 0) {
			sqlite3_reset(st);
			snprintf(s->err, sizeof s->err, "the queue's lists by "
			    "number: out of memory");
			return STORE_ERR;
		}
	}
	if (rc != SQLITE_DONE) {
		outq_clear(q);
		return store_fail(s, st, rc);
	}
	sqlite3_reset(st);
	q->version = version;
	q->built_in_tx = !sqlite3_get_autocommit(s->db);
	return STORE_OK;
}

enum store_rc
store_outq_candidates(struct store *s, const char *to, char **json)
{
	struct store_outq *q = s->outq;
	sqlite3_stmt *st = store_stmt(s, STMT_DATA_VERSION);
	const struct outq_list *l;
	sqlite3_int64 v;
	enum store_rc rc;
	size_t i, off;
	int r;

	*json = NULL;
	q->committing = 0;
	if ((r = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, r);
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((!q->built || v != q->version) &&
	    (rc = outq_build(s, v)) != STORE_OK)
		return rc;
	if ((l = outq_find(q, to, 0)) == NULL || l->n == 0)
		return STORE_NOTFOUND;
	if ((*json = malloc(l->n * 21 + 3)) == NULL) {
		snprintf(s->err, sizeof s->err, "out of memory");
		return STORE_ERR;
	}
	off = 0;
	(*json)[off++] = '[';
	for (i = 0; i < l->n; i++)
		off += (size_t)sprintf(*json + off, "%s%lld", i ? "," : "",
		    (long long)l->id[i]);
	(*json)[off++] = ']';
	(*json)[off] = '\0';
	return STORE_OK;
}
