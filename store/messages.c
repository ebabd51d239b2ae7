/*
 * The inbound log (dedup by channel and provider id) and the outbound
 * queue: queued -> sending -> sent | queued (retry) | failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

enum store_rc
store_inbound_record(struct store *s, const struct store_inbound *in,
    int64_t *id)
{
	struct store_person who;
	sqlite3_stmt *st;
	enum store_rc rc;
	size_t known;

	if ((rc = store_people_by_phone(s, in->sender, &who, 1, &known)) !=
	    STORE_OK)
		return rc;
	st = store_stmt(s, STMT_INBOUND_PUT);
	sqlite3_bind_text(st, 1, in->channel, -1, SQLITE_STATIC);
	if (in->provider_id)
		sqlite3_bind_text(st, 2, in->provider_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->sender, -1, SQLITE_STATIC);
	if (in->recipient)
		sqlite3_bind_text(st, 4, in->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, in->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, in->received_at);
	sqlite3_bind_int(st, 7, known == 0);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 1) {
		*id = sqlite3_last_insert_rowid(s->db);
		if (strcmp(in->channel, "ussd") == 0)
			return STORE_OK;
		st = store_stmt(s, STMT_LAST_CHANNEL_PUT);
		sqlite3_bind_text(st, 1, in->sender, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, in->channel, -1, SQLITE_STATIC);
		return store_exec(s, st);
	}
	rc = store_inbound_find(s, in->channel, in->provider_id, id);
	if (rc == STORE_NOTFOUND) {
		/* Ignored, yet not there: say so, not an earlier error. */
		snprintf(s->err, sizeof s->err, "inbound row neither stored "
		    "nor found");
		return STORE_ERR;
	}
	return rc == STORE_OK ? STORE_DUP : rc;
}

enum store_rc
store_inbound_find(struct store *s, const char *channel,
    const char *provider_id, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INBOUND_FIND);
	int r;

	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, provider_id, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_NOTFOUND;
}

enum store_rc
store_inbound_from(struct store *s, int64_t id, const char *sender)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INBOUND_FROM);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	if ((rc = store_row(s, st)) == STORE_OK)
		sqlite3_reset(st);
	return rc;
}

enum store_rc
store_inbound_each_pid(struct store *s, const char *channel,
    const char *prefix, int max, int (*fn)(void *, int64_t, const char *,
    const char *), void *arg)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INBOUND_BY_PID_PREFIX);
	size_t n = strlen(prefix);
	char *end;
	int r;

	/* Everything that begins with prefix sorts below prefix with its
	 * last byte one higher (no prefix: all of them). */
	if (n == 0 || (unsigned char)prefix[n - 1] == 0xff)
		return STORE_ERR;
	if ((end = strdup(prefix)) == NULL)
		return STORE_ERR;
	end[n - 1]++;
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, end, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, max);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pid = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);

		if (fn(arg, sqlite3_column_int64(st, 0), pid ? pid : "",
		    text ? text : "") != 0) {
			sqlite3_reset(st);
			free(end);
			return STORE_DUP;
		}
	}
	free(end);
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_outbound_enqueue(struct store *s, const struct store_outbound *m,
    int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_PUT);
	enum store_rc rc;
	int64_t row;

	sqlite3_bind_text(st, 1, m->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, m->priority);
	/* 0: none, NULL in the row (bound so, not by nullif() in the SQL:
	 * a function call for each of the 4 rows a message queues). */
	if (m->inbound_id)
		sqlite3_bind_int64(st, 5, m->inbound_id);
	sqlite3_bind_int64(st, 6, m->created_at);
	sqlite3_bind_int64(st, 7, m->due_at);
	if (m->case_id)
		sqlite3_bind_int64(st, 8, m->case_id);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	row = sqlite3_last_insert_rowid(s->db);
	/* Counted in the queue's depth as the transaction commits (one
	 * UPDATE for all its rows), at once when there is none. */
	s->live_pending++;
	if (sqlite3_get_autocommit(s->db) &&
	    (rc = store_live_flush(s)) != STORE_OK)
		return rc;
	/* Born queued (no trigger sees it: migration 15); replies are
	 * never merged. */
	if (strcmp(m->kind, "reply") != 0)
		store_outq_queued(s, m->to, row);
	if (id)
		*id = row;
	return STORE_OK;
}

enum store_rc
store_outbound_claim(struct store *s, int64_t now, const char *channel,
    int replies_only, struct store_outbound *out)
{
	sqlite3_stmt *st = store_stmt(s, replies_only ?
	    STMT_OUTBOUND_NEXT_REPLY : STMT_OUTBOUND_NEXT);
	int rc;

	sqlite3_bind_int64(st, 1, now);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	out->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, out->to, sizeof out->to);
	store_col_text(st, 2, out->text, sizeof out->text);
	store_col_text(st, 3, out->kind, sizeof out->kind);
	out->priority = sqlite3_column_int(st, 4);
	out->inbound_id = sqlite3_column_int64(st, 5);
	out->created_at = sqlite3_column_int64(st, 6);
	out->due_at = sqlite3_column_int64(st, 7);
	out->attempts = sqlite3_column_int(st, 8) + 1;
	sqlite3_reset(st);

	st = store_stmt(s, STMT_OUTBOUND_SENDING);
	sqlite3_bind_int64(st, 1, out->id);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	return store_exec(s, st);
}

static enum store_rc
store_outbound_update(struct store *s, enum store_stmt id_stmt, int64_t id,
    int64_t t, const char *text)
{
	sqlite3_stmt *st = store_stmt(s, id_stmt);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, id);
	if (id_stmt == STMT_OUTBOUND_FAILED) {
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_int64(st, 2, t);
		if (text)
			sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	}
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_outbound_sent(struct store *s, int64_t id, int64_t now,
    const char *provider_ref, const char *channel)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_SENT);
	enum store_rc rc;
	int r;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (provider_ref)
		sqlite3_bind_text(st, 3, provider_ref, -1, SQLITE_STATIC);
	if (channel)
		sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return STORE_NOTFOUND;
	if (provider_ref == NULL || channel == NULL)
		return STORE_OK;
	/* A report that overtook the provider's answer. */
	st = store_stmt(s, STMT_DLR_TAKE);
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, provider_ref, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char status[16];
		int64_t at = sqlite3_column_int64(st, 1);

		store_col_text(st, 0, status, sizeof status);
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_reset(st);
		/* Held too long to be this message's: an earlier one's with a
		 * reference that came round again. */
		if (at < now - STORE_DLR_HOLD)
			return STORE_OK;
		return store_outbound_dlr(s, id, status, at);
	}
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_outbound_retry(struct store *s, int64_t id, int64_t due_at,
    const char *error)
{
	return store_outbound_update(s, STMT_OUTBOUND_RETRY, id, due_at,
	    error);
}

enum store_rc
store_outbound_defer(struct store *s, int64_t id, int64_t due_at)
{
	return store_outbound_update(s, STMT_OUTBOUND_DEFER, id, due_at, NULL);
}

enum store_rc
store_outbound_dlr(struct store *s, int64_t id, const char *status,
    int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_DLR);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	if (sqlite3_changes(s->db) == 1)
		return STORE_OK;
	/* Only a report of delivery says the provider took it: a failed
	 * one may be the SMSC's refusal, and the retry is right then. */
	if (strcmp(status, "delivered") != 0)
		return STORE_NOTFOUND;
	st = store_stmt(s, STMT_OUTBOUND_DLR_DELIVERED_RETRY);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

enum store_rc
store_outbound_dlr_ref(struct store *s, const char *channel, const char *ref,
    const char *to, const char *status, int64_t at)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_BY_REF);
	int64_t id;
	int r;

	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return store_outbound_dlr(s, id, status, at);
	}
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	/* Not known yet: hold it for store_outbound_sent(), for a while. */
	st = store_stmt(s, STMT_DLR_PURGE);
	sqlite3_bind_int64(st, 1, at - STORE_DLR_HOLD);
	if (store_exec(s, st) != STORE_OK)
		return STORE_ERR;
	st = store_stmt(s, STMT_DLR_HOLD);
	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	return store_exec(s, st) == STORE_OK ? STORE_DUP : STORE_ERR;
}

enum store_rc
store_inbound_recent(struct store *s, const char *channel, const char *sender,
    const char *text, int64_t since, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INBOUND_RECENT);
	int r;

	sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, since);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_NOTFOUND;
}

enum store_rc
store_webhook_purge(struct store *s, int64_t before)
{
	sqlite3_stmt *st = store_stmt(s, STMT_WEBHOOK_PURGE);

	sqlite3_bind_int64(st, 1, before);
	return store_exec(s, st);
}

enum store_rc
store_webhook_known(struct store *s, int64_t ts, const char *sig)
{
	sqlite3_stmt *st = store_stmt(s, STMT_WEBHOOK_KNOWN);
	int r;

	sqlite3_bind_int64(st, 1, ts);
	sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) != SQLITE_ROW && r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return r == SQLITE_ROW ? STORE_DUP : STORE_OK;
}

enum store_rc
store_webhook_add(struct store *s, int64_t ts, const char *sig)
{
	sqlite3_stmt *st = store_stmt(s, STMT_WEBHOOK_SEEN);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, ts);
	sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_DUP;
}

enum store_rc
store_outbound_failed(struct store *s, int64_t id, const char *error)
{
	return store_outbound_update(s, STMT_OUTBOUND_FAILED, id, 0, error);
}

enum store_rc
store_outbound_requeue_sending(struct store *s, int *n)
{
	enum store_rc rc;
	int loose;

	*n = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* What an import withdrew (store/leave.c) is taken out of its
	 * carrier, and the trigger outbound_withdrawn fails it: the
	 * carrier does not carry it again. */
	if ((rc = store_exec(s, store_stmt(s, STMT_OUTBOUND_REQUEUE_WITHDRAWN)))
	    != STORE_OK)
		goto fail;
	/* The loose ones first: their carriers are still 'sending'. */
	if ((rc = store_exec(s, store_stmt(s, STMT_OUTBOUND_REQUEUE_LOOSE))) !=
	    STORE_OK)
		goto fail;
	loose = sqlite3_changes(s->db);
	if ((rc = store_exec(s, store_stmt(s, STMT_OUTBOUND_REQUEUE))) !=
	    STORE_OK)
		goto fail;
	loose += sqlite3_changes(s->db);
	/* A carrier the trigger failed leaves what it carried 'sending':
	 * that goes again alone. */
	if ((rc = store_exec(s, store_stmt(s, STMT_OUTBOUND_REQUEUE_ORPHANS))) !=
	    STORE_OK)
		goto fail;
	if ((rc = store_commit(s)) != STORE_OK)
		goto fail;
	*n = loose;
	return STORE_OK;
fail:
	store_rollback(s);
	return rc;
}

/* Runs a statement returning one row of integers into v[0..n). */
static enum store_rc
store_ints(struct store *s, sqlite3_stmt *st, int64_t *v, int n, int *null0)
{
	int rc, i;

	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	if (null0)
		*null0 = sqlite3_column_type(st, 0) == SQLITE_NULL;
	for (i = 0; i < n; i++)
		v[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_outbound_next_due(struct store *s, int replies_only, int64_t *due)
{
	sqlite3_stmt *st = store_stmt(s, replies_only ?
	    STMT_OUTBOUND_NEXT_DUE_REPLY : STMT_OUTBOUND_NEXT_DUE);
	enum store_rc rc;
	int isnull = 0;	/* store_ints sets it only on STORE_OK */

	rc = store_ints(s, st, due, 1, &isnull);
	if (rc == STORE_OK && isnull)
		return STORE_NOTFOUND;
	return rc;
}

enum store_rc
store_outbound_stats(struct store *s, struct store_queue_stats *q)
{
	int64_t v[5];
	enum store_rc rc;

	rc = store_ints(s, store_stmt(s, STMT_OUTBOUND_STATS), v, 5, NULL);
	if (rc == STORE_OK) {
		/* The open transaction's own rows too, not yet added. */
		q->queued = v[0] + s->live_pending;
		q->failed = v[1];
		q->sent = v[2];
		q->delivered = v[3];
		q->undelivered = v[4];
	}
	return rc;
}

enum store_rc
store_outbound_recount(struct store *s)
{
	return store_exec(s, store_stmt(s, STMT_OUTBOUND_RECOUNT));
}

enum store_rc
store_replies_since(struct store *s, const char *to, int64_t since,
    int64_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_REPLIES_SINCE);

	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	return store_ints(s, st, n, 1, NULL);
}

enum store_rc
store_outbound_reply_of(struct store *s, const char *to, int64_t inbound_id,
    char *text, size_t sz)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_REPLY_OF);
	int rc;

	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, inbound_id);
	if ((rc = store_row(s, st)) != STORE_OK)
		return (enum store_rc)rc;
	store_col_text(st, 0, text, sz);
	sqlite3_reset(st);
	return STORE_OK;
}

/* Rows of (id, text) from st into out, up to max. */
static enum store_rc
store_ids_texts(struct store *s, sqlite3_stmt *st, struct store_outbound *out,
    size_t max, size_t *n)
{
	int rc = SQLITE_DONE;

	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[*n].id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, out[*n].text, sizeof out[*n].text);
		(*n)++;
	}
	if (*n < max && rc != SQLITE_DONE)
		return store_fail(s, st, rc);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_outbound_mergeable(struct store *s, int64_t now, const char *to,
    int64_t carrier, struct store_outbound *out, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	enum store_rc qrc;
	char *ids;

	*n = 0;
	if ((qrc = store_outq_candidates(s, to, &ids)) != STORE_OK)
		return qrc == STORE_NOTFOUND ? STORE_OK : qrc;
	st = store_stmt(s, STMT_OUTBOUND_MERGEABLE);
	sqlite3_bind_text(st, 4, ids, -1, free);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, carrier);
	return store_ids_texts(s, st, out, max, n);
}

enum store_rc
store_outbound_carried(struct store *s, int64_t carrier,
    struct store_outbound *out, size_t max, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_CARRIED);

	*n = 0;
	sqlite3_bind_int64(st, 1, carrier);
	return store_ids_texts(s, st, out, max, n);
}

enum store_rc
store_outbound_unabsorb(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_UNABSORB);

	sqlite3_bind_int64(st, 1, id);
	return store_exec(s, st);
}

enum store_rc
store_outbound_absorb(struct store *s, int64_t id, int64_t carrier)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_ABSORB);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, carrier);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

/* sent: 1 sent (at, ref, channel), 0 queued again (due), -1 failed
 * (error). */
enum store_rc
store_outbound_merged_result(struct store *s, int64_t carrier, int sent,
    int64_t at_or_due, const char *ref_or_error, const char *channel)
{
	sqlite3_stmt *st;

	if (sent > 0) {
		st = store_stmt(s, STMT_OUTBOUND_MERGED_SENT);
		sqlite3_bind_int64(st, 2, at_or_due);
		if (ref_or_error)
			sqlite3_bind_text(st, 3, ref_or_error, -1,
			    SQLITE_STATIC);
		if (channel)
			sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
	} else if (sent == 0) {
		st = store_stmt(s, STMT_OUTBOUND_MERGED_RETRY);
		sqlite3_bind_int64(st, 2, at_or_due);
	} else {
		st = store_stmt(s, STMT_OUTBOUND_MERGED_FAILED);
		sqlite3_bind_text(st, 2, ref_or_error ? ref_or_error :
		    "rejected", -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 1, carrier);
	return store_exec(s, st);
}

enum store_rc
store_outbound_merged_failed(struct store *s, int64_t carrier,
    int64_t fresh_since, int64_t due, const char *error)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_MERGED_REQUEUE);
	enum store_rc rc;

	sqlite3_bind_int64(st, 1, carrier);
	sqlite3_bind_int64(st, 2, due);
	sqlite3_bind_int64(st, 3, fresh_since);
	if ((rc = store_exec(s, st)) != STORE_OK)
		return rc;
	return store_outbound_merged_result(s, carrier, -1, 0, error, NULL);
}

enum store_rc
store_outbound_sent_to(struct store *s, const char *to, const char *channel,
    int64_t since, const char *text, int64_t *n, int64_t *oldest)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOUND_SENT_TO);
	int rc;

	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	if (text)
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return store_fail(s, st, rc);
	*n = sqlite3_column_int64(st, 0);
	*oldest = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return STORE_OK;
}

enum store_rc
store_inbound_last_channel(struct store *s, const char *sender, char *channel,
    size_t sz)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INBOUND_LAST_CHANNEL);
	int r;

	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		store_col_text(st, 0, channel, sz);
		sqlite3_reset(st);
		return STORE_OK;
	}
	if (r != SQLITE_DONE)
		return store_fail(s, st, r);
	sqlite3_reset(st);
	return STORE_NOTFOUND;
}
