/*
 * The outbox channel: "sends" by appending one JSON object per line to a
 * file (and, for the demo, printing it on the console). Used by the demo
 * and by every test that needs to see what would reach a phone:
 * {"id":..,"db":"..","to":"+86...","text":"...","segments":N,"kind":"reply",
 *  "at":"..."}
 * A batch's lines are written as they come and fsync'ed once, at the
 * batch's end (outbox_flush): only then do they count as sent.
 * After a crash between writing a line and recording it as sent, the
 * message is offered again: the ids already in the file are read at open,
 * so it is recorded as sent without a second line (delivery checked
 * against the queue: nothing sent twice). An id is a database's: "db" is
 * the name of the database the line was written for (store_instance),
 * and lines of another database are passed over, or a new database's
 * first messages, beside an old file, would be taken as sent and never
 * written. A line without "db" (written before lines named it) counts
 * as this database's: at worst a message is not written again.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/channels/channel.h"
#include "gateway/log.h"
#include "gateway/timefmt.h"
#include "gateway/xmalloc.h"

struct outbox {
	FILE *f;
	int console;
	char db[17];		/* the database's name (store_instance) */
	size_t nforeign;	/* lines of another database in the file */
	int64_t *seen;		/* ids in the file when it was opened, sorted */
	size_t nseen;
	int64_t *held;		/* written, not yet fsync'ed nor reported */
	size_t nheld, capheld;
};

static int
outbox_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* A line's id, if the line is this database's: 1, 0 if another's (counted
 * in nforeign), -1 if it is no message line. */
static int
outbox_line_id(struct outbox *ob, const char *line, long long *id)
{
	char db[17];

	switch (sscanf(line, "{\"id\":%lld,\"db\":\"%16[0-9a-f]\"", id,
	    db)) {
	case 1:
		return 1;	/* written before lines named their database */
	case 2:
		if (strcmp(db, ob->db) == 0)
			return 1;
		ob->nforeign++;
		return 0;
	default:
		return -1;
	}
}

/* The ids already written for this database, read from the start of f;
 * writes still go to its end. */
static void
outbox_load(struct outbox *ob, FILE *f)
{
	char line[256];
	size_t cap = 0;
	long long id;
	int64_t *p;

	rewind(f);
	while (fgets(line, sizeof line, f)) {
		if (outbox_line_id(ob, line, &id) == 1) {
			if (ob->nseen == cap) {
				cap = cap ? cap * 2 : 256;
				p = realloc(ob->seen, cap * sizeof *p);
				if (p == NULL)
					break;
				ob->seen = p;
			}
			ob->seen[ob->nseen++] = id;
		}
		/* Skip the rest of a long line. */
		while (!strchr(line, '\n') && fgets(line, sizeof line, f))
			;
	}
	/* From reading to appending: C asks for a seek in between. */
	(void)fseek(f, 0, SEEK_END);
	if (ob->nseen > 1)
		qsort(ob->seen, ob->nseen, sizeof *ob->seen, outbox_cmp);
}

static int
outbox_send(struct channel *ch, const struct chan_msg *m)
{
	struct outbox *ob = ch->impl;
	char at[TIMEFMT_MAX], ref[32];
	json_t *o;
	char *line;
	int ok;

	snprintf(ref, sizeof ref, "outbox-%lld", (long long)m->id);
	if (ob->nseen && bsearch(&m->id, ob->seen, ob->nseen,
	    sizeof *ob->seen, outbox_cmp)) {
		/* Written before a crash kept it from being recorded. */
		channel_report(ch, m->id, CHAN_SENT, ref, NULL);
		return 0;
	}
	timefmt_format(m->now, at, sizeof at);
	o = json_pack("{sI ss ss ss si ss ss}", "id", (json_int_t)m->id,
	    "db", ob->db, "to", m->to, "text", m->text, "segments", m->segments,
	    "kind", m->kind, "at", at);
	if (o == NULL)
		return -1;
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line == NULL)
		return -1;
	if (ob->nheld == ob->capheld) {
		size_t cap = ob->capheld ? ob->capheld * 2 : 32;
		int64_t *p = realloc(ob->held, cap * sizeof *p);

		if (p == NULL) {
			free(line);
			channel_report(ch, m->id, CHAN_RETRY, NULL,
			    strerror(ENOMEM));
			return 0;
		}
		ob->held = p;
		ob->capheld = cap;
	}
	ok = fprintf(ob->f, "%s\n", line) > 0 && fflush(ob->f) == 0;
	if (ok && ob->console) {
		printf("[outbox %s] %s -> %s (%d seg): %s\n", at, m->kind,
		    m->to, m->segments, m->text);
		fflush(stdout);
	}
	free(line);
	if (ok)
		ob->held[ob->nheld++] = m->id;
	else
		channel_report(ch, m->id, CHAN_RETRY, NULL, strerror(errno));
	return 0;
}

/* One fsync for the lines of a batch, then their results. */
static void
outbox_flush(struct channel *ch)
{
	struct outbox *ob = ch->impl;
	const char *err = NULL;
	char ref[32];
	size_t i;

	if (ob->nheld == 0)
		return;
	if (fsync(fileno(ob->f)) != 0)
		err = strerror(errno);
	for (i = 0; i < ob->nheld; i++) {
		snprintf(ref, sizeof ref, "outbox-%lld",
		    (long long)ob->held[i]);
		channel_report(ch, ob->held[i], err ? CHAN_RETRY : CHAN_SENT,
		    err ? NULL : ref, err);
	}
	ob->nheld = 0;
}

static int
outbox_ready(const struct channel *ch)
{
	(void)ch;
	return 1 << 20;		/* a file: no limit of its own */
}

static void
outbox_free(struct channel *ch)
{
	struct outbox *ob = ch->impl;

	if (ob == NULL)
		return;
	/* Lines never flushed stay 'sending' in the queue: offered again at
	 * the next start, and recognised there by their ids. */
	if (ob->f)
		fclose(ob->f);
	free(ob->held);
	free(ob->seen);
	free(ob);
}

static const struct channel_ops outbox_ops = {
	"outbox", outbox_send, outbox_ready, outbox_free, NULL,
	outbox_flush
};

struct channel *
outbox_new(const char *name, const char *path, int console, const char *db,
    char *err, size_t errsz)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	struct outbox *ob = xcalloc(1, sizeof *ob);
	struct stat sb;

	snprintf(ch->name, sizeof ch->name, "%s", name);
	ch->ops = &outbox_ops;
	ch->impl = ob;
	ob->console = console;
	snprintf(ob->db, sizeof ob->db, "%s", db);
	if ((ob->f = fopen(path, "a+")) == NULL) {
		snprintf(err, errsz, "channel %s: %s: %s", name, path,
		    strerror(errno));
		channel_free(ch);
		return NULL;
	}
	/* Read back whole at start: a device (/dev/zero never ends) or a
	 * pipe would not do. */
	if (fstat(fileno(ob->f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "channel %s: %s: not a regular file",
		    name, path);
		channel_free(ch);
		return NULL;
	}
	outbox_load(ob, ob->f);
	/* Said, so that an operator sees which lines stand for messages of
	 * this database and which were passed over. */
	if (ob->nforeign > 0)
		log_info("channel %s: %zu line(s) in %s were written for "
		    "another database: passed over", name, ob->nforeign, path);
	if (ob->nseen > 0)
		log_info("channel %s: %zu message id(s) of this database "
		    "already in %s (up to %lld) count as sent", name,
		    ob->nseen, path, (long long)ob->seen[ob->nseen - 1]);
	return ch;
}
