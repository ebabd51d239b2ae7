/*
 * The outbox channel: "sends" by appending one JSON object per line to a
 * file (and, for the demo, printing it on the console). Used by the demo
 * and by every test that needs to see what would reach a phone:
 * {"id":..,"to":"+86...","text":"...","segments":N,"kind":"reply","at":"..."}
 * Each line is flushed and fsync'ed before the message counts as sent.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/channels/channel.h"
#include "gateway/log.h"
#include "gateway/timefmt.h"
#include "gateway/xmalloc.h"

struct outbox {
	FILE *f;
	int console;
};

static int
outbox_send(struct channel *ch, const struct chan_msg *m)
{
	struct outbox *ob = ch->impl;
	char at[TIMEFMT_MAX], ref[32];
	json_t *o;
	char *line;
	int ok;

	timefmt_format(m->now, at, sizeof at);
	o = json_pack("{sI ss ss si ss ss}", "id", (json_int_t)m->id,
	    "to", m->to, "text", m->text, "segments", m->segments,
	    "kind", m->kind, "at", at);
	if (o == NULL)
		return -1;
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line == NULL)
		return -1;
	ok = fprintf(ob->f, "%s\n", line) > 0 && fflush(ob->f) == 0 &&
	    fsync(fileno(ob->f)) == 0;
	if (ok && ob->console) {
		printf("[outbox %s] %s -> %s (%d seg): %s\n", at, m->kind,
		    m->to, m->segments, m->text);
		fflush(stdout);
	}
	free(line);
	snprintf(ref, sizeof ref, "outbox-%lld", (long long)m->id);
	if (ok)
		channel_report(ch, m->id, CHAN_SENT, ref, NULL);
	else
		channel_report(ch, m->id, CHAN_RETRY, NULL, strerror(errno));
	return 0;
}

static int
outbox_ready(const struct channel *ch)
{
	(void)ch;
	return 1;
}

static void
outbox_free(struct channel *ch)
{
	struct outbox *ob = ch->impl;

	if (ob == NULL)
		return;
	if (ob->f)
		fclose(ob->f);
	free(ob);
}

static const struct channel_ops outbox_ops = {
	"outbox", outbox_send, outbox_ready, outbox_free, NULL
};

struct channel *
outbox_new(const char *name, const char *path, int console, char *err,
    size_t errsz)
{
	struct channel *ch = xcalloc(1, sizeof *ch);
	struct outbox *ob = xcalloc(1, sizeof *ob);

	snprintf(ch->name, sizeof ch->name, "%s", name);
	ch->ops = &outbox_ops;
	ch->impl = ob;
	ob->console = console;
	if ((ob->f = fopen(path, "a")) == NULL) {
		snprintf(err, errsz, "channel %s: %s: %s", name, path,
		    strerror(errno));
		channel_free(ch);
		return NULL;
	}
	return ch;
}
