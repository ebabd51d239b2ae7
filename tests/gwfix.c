/* The unit suites' daemon context (gwfix.h). */
#include "tests/gwfix.h"

#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/clock.h"
#include "gateway/gw.h"
#include "gateway/import.h"
#include "gateway/pipeline.h"
#include "tests/testutil.h"

void
gwfix_config(struct gwfix *f, int64_t t0)
{
	memset(f, 0, sizeof *f);
	/* Texts and quiet hours are in the township's local time. */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	f->dir = tu_tmpdir();
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	snprintf(f->outbox, sizeof f->outbox, "%s/outbox.jsonl", f->dir);
	snprintf(f->cfg.database, sizeof f->cfg.database, "%s", f->db);
	snprintf(f->cfg.templates, sizeof f->cfg.templates, "%s",
	    tu_src("templates/zh-CN"));
	f->cfg.clock_manual = 1;
	f->cfg.clock_start = t0;
	f->cfg.case_threshold = 2;
	f->cfg.case_special_threshold = 1;
	f->cfg.cosign_days = 3;	/* as config_defaults() */
	f->cfg.term_autumn = 901;
	f->cfg.term_spring = 301;
	snprintf(f->cfg.answer_unregistered,
	    sizeof f->cfg.answer_unregistered, "+86");
	ladder_defaults(&f->cfg.ladder);
	f->cfg.nchannels = 1;
	snprintf(f->cfg.channels[0].name, sizeof f->cfg.channels[0].name,
	    "outbox");
	f->cfg.channels[0].type = CHAN_TYPE_OUTBOX;
	snprintf(f->cfg.channels[0].path, sizeof f->cfg.channels[0].path,
	    "%s", f->outbox);
}

void
gwfix_start(struct gwfix *f, int roster)
{
	struct import_counts n;
	char err[512];

	f->base = event_base_new();
	ck_assert_ptr_nonnull(f->base);
	f->g = gw_new(f->base, &f->cfg, err, sizeof err);
	ck_assert_msg(f->g != NULL, "%s", err);
	if (roster)
		ck_assert_msg(roster_import(f->g->store,
		    tu_src("examples/demo"), &n, NULL, NULL) == 0,
		    "demo roster");
}

void
gwfix_stop(struct gwfix *f)
{
	gw_free(f->g);
	f->g = NULL;
	if (f->base)
		event_base_free(f->base);
	f->base = NULL;
}

void
gwfix_free(struct gwfix *f)
{
	gwfix_stop(f);
	if (f->dir)
		tu_rmdir(f->dir);
	f->dir = NULL;
}

void
gwfix_sms(struct gwfix *f, const char *from, const char *text)
{
	struct pipeline_in in = { "http", NULL, from, NULL, text,
	    strlen(text), NULL, 0 };
	int64_t id;

	ck_assert_int_eq(pipeline_inbound(f->g->pipeline, &in, &id),
	    PIPELINE_ACCEPTED);
}

void
gwfix_at(struct gwfix *f, int64_t t)
{
	ck_assert_int_eq(clock_set(&f->g->clock, t), 0);
	ck_assert_int_ge(gw_run_due(f->g), 0);
}

void
gwfix_demo(struct gwfix *f, int64_t t0)
{
	gwfix_config(f, t0);
	snprintf(f->cfg.signature, sizeof f->cfg.signature, "【后柳镇控辍保学】");
	gwfix_start(f, 1);
}
