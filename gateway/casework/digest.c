/*
 * Review (DOMAIN.md rule 6): the weekly digest to township leaders,
 * principals and the county, and SUM on demand, in the same shape: new
 * absences (against the week before), open cases by level, cases struck
 * off and cases ended otherwise (CLOSE), overdue tasks with the places that owe them (the worst named, the
 * rest counted), all in at most three SMS.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/log.h"
#include "parsers/smslen.h"
#include "parsers/vocab.h"

#define CW_WEEK (7 * 86400)
#define CW_DIGEST_SEGMENTS 3

/* Local midnight of the Monday of t's week. */
int64_t
cw_week_start(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int64_t
cw_term_start(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	if (tm.tm_mon == 0)		/* January: the autumn term's end */
		tm.tm_year--;
	tm.tm_mon = tm.tm_mon >= 7 || tm.tm_mon == 0 ? 7 : 1;
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
cw_md(struct casework *cw, int64_t t, char *buf, size_t sz)
{
	return cw_date(cw, t, buf, sz);
}

/*
 * The text for scope over [from, to); period_key renders the period
 * ("digest_period" or "sum_period"). Fits CW_DIGEST_SEGMENTS with the
 * signature: owing places are named while they fit, the rest counted.
 */
int
cw_digest_text(struct casework *cw, const char *scope, int64_t from,
    int64_t to, const char *period_key, char *out, size_t outsz)
{
	struct store_digest d;
	int64_t prev;
	struct store_place pl;
	struct smslen len;
	char period[96], a[32], b[32], num[10][24], owers[1024], item[160];
	char cnt[24], probe[2048];
	struct render_var pv[2] = { { "from", a }, { "to", b } };
	size_t i, named;

	if (store_digest(cw->store, scope, from, to, &d) != STORE_OK ||
	    store_digest_absent(cw->store, scope, from - CW_WEEK, from,
	    &prev) != STORE_OK ||
	    store_place_get(cw->store, scope, &pl) != STORE_OK)
		return -1;
	if (cw_md(cw, from, a, sizeof a) != 0 ||
	    cw_md(cw, to - 1, b, sizeof b) != 0 ||
	    render(cw->cat, period_key, pv, 2, period, sizeof period) != 0)
		return -1;
	snprintf(num[0], sizeof num[0], "%lld", (long long)d.absent);
	snprintf(num[1], sizeof num[1], "%lld", (long long)prev);
	snprintf(num[2], sizeof num[2], "%lld", (long long)d.open);
	for (i = 1; i <= 4; i++)
		snprintf(num[2 + i], sizeof num[0], "%lld",
		    (long long)d.level[i]);
	snprintf(num[7], sizeof num[7], "%lld", (long long)d.closed);
	snprintf(num[8], sizeof num[8], "%lld", (long long)d.overdue);
	snprintf(num[9], sizeof num[9], "%lld", (long long)d.ended);
	/* Name every place that owes tasks; while it does not fit, one fewer
	 * (the least overdue) is named and counted in "另有N处" instead. */
	for (named = d.nowers;; named--) {
		struct render_var v[] = {
			{ "place", pl.name }, { "period", period },
			{ "absent", num[0] }, { "prev", num[1] },
			{ "open", num[2] }, { "l1", num[3] }, { "l2", num[4] },
			{ "l3", num[5] }, { "l4", num[6] }, { "closed", num[7] },
			{ "ended", num[9] }, { "overdue", num[8] },
			{ "owers", owers },
		};
		int zero = d.absent == 0 && prev == 0 && d.open == 0 &&
		    d.closed == 0 && d.ended == 0 && d.overdue == 0;

		owers[0] = '\0';
		for (i = 0; i < named; i++) {
			struct render_var iv[2] = { { "name", d.owers[i].name },
			    { "n", cnt } };

			snprintf(cnt, sizeof cnt, "%lld",
			    (long long)d.owers[i].n);
			if (render(cw->cat, "digest_ower", iv, 2, item,
			    sizeof item) != 0)
				return -1;
			strncat(owers, item, sizeof owers - strlen(owers) - 1);
		}
		if (named < d.nowers) {
			struct render_var mv = { "n", cnt };

			snprintf(cnt, sizeof cnt, "%zu", d.nowers - named);
			if (render(cw->cat, "digest_more", &mv, 1, item,
			    sizeof item) != 0)
				return -1;
			strncat(owers, item, sizeof owers - strlen(owers) - 1);
		}
		if (render(cw->cat, zero ? "digest_zero" : "digest", v,
		    sizeof v / sizeof v[0], out, outsz) != 0)
			return -1;
		snprintf(probe, sizeof probe, "%s%s", cw->signature, out);
		if (smslen_measure(probe, strlen(probe), &len) != 0)
			return -1;
		if (len.segments <= CW_DIGEST_SEGMENTS || named == 0)
			return 0;
	}
}

/* Who gets which digest: the role and whose scope it covers; and in the
 * weeks of the visit reminders (visits.c) head teachers, for their class. */
static const char *const cw_digest_roles[] = {
	"township_head", "township_official", "principal", "bureau", "county",
	NULL
};
static const char *const cw_digest_roles_visits[] = {
	"township_head", "township_official", "principal", "bureau", "county",
	"head_teacher", NULL
};

/* At most this many recipients a step: one page of the roster. */
#define CW_DIGEST_PAGE 32

static int64_t
cw_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
casework_digest_step(struct casework *cw, int64_t from, int64_t to,
    int64_t now, struct store_digest_pos *pos, int budget_ms)
{
	struct store_person *p = calloc(CW_DIGEST_PAGE, sizeof *p);
	char *text = malloc(CW_REPLY_MAX), *term = malloc(CW_REPLY_MAX);
	int64_t until = cw_monotonic_ms() + budget_ms;
	int visits = cw_visits_due(cw, to), have = 0, have_term = 0;
	size_t n = 0, i, queued = 0;
	int rc = -1;

	if (p == NULL || text == NULL || term == NULL ||
	    store_digest_recipients(cw->store, visits ?
	    cw_digest_roles_visits : cw_digest_roles, pos->scope,
	    pos->phone, p, CW_DIGEST_PAGE, &n) != STORE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (i > 0 && budget_ms > 0 && cw_monotonic_ms() >= until)
			break;
		/* A place's holders come together and share its text: a
		 * class's (a head teacher's) is the visit reminder, if any. */
		if (i == 0 || strcmp(p[i].scope, p[i - 1].scope) != 0) {
			if (!strcmp(p[i].role, "head_teacher"))
				have = cw_visits_text(cw, p[i].scope, to,
				    text, CW_REPLY_MAX);
			else
				have = cw_digest_text(cw, p[i].scope, from,
				    to, "digest_period", text,
				    CW_REPLY_MAX) == 0 ? 1 : -1;
			if (have < 0)
				goto out;
		}
		/* And the term-start report's reminder or list, per place
		 * and role (a township's head and officials share it). */
		if (i == 0 || strcmp(p[i].scope, p[i - 1].scope) != 0 ||
		    strcmp(p[i].role, p[i - 1].role) != 0) {
			have_term = cw_term_text(cw, &p[i], pos->week, term,
			    CW_REPLY_MAX);
			if (have_term < 0)
				goto out;
		}
		if (have_term > 0 && cw_enqueue(cw, p[i].phone, "reminder",
		    term, 0, 0, now) != 0)
			goto out;
		if (have) {
			if (cw_enqueue(cw, p[i].phone, "digest", text, 0, 0,
			    now) != 0)
				goto out;
			queued++;
		}
	}
	if (i > 0) {
		cw_copy(pos->scope, sizeof pos->scope, p[i - 1].scope);
		cw_copy(pos->phone, sizeof pos->phone, p[i - 1].phone);
		pos->sent += (int64_t)queued;
	}
	/* A full page may have been the last: the next step finds none. */
	rc = i < n || n == CW_DIGEST_PAGE;
out:
	free(term);
	free(text);
	free(p);
	return rc;
}

/* SUM [place]: the sender's scope, or a place inside it, this week. */
int
cw_sum(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	char *text;
	const char *scope = NULL;
	struct render_var v = { "place", c->place };
	size_t i;
	int rc;

	if (c->place[0] == '\0') {
		if (m->nroles == 0)
			return -1;
		scope = m->roles[0].scope;
	} else {
		for (i = 0; i < m->nroles && scope == NULL; i++) {
			enum store_rc r = store_place_within(cw->store,
			    c->place, m->roles[i].scope);

			if (r == STORE_OK)
				scope = c->place;
			else if (r != STORE_NOTFOUND)
				return -1;
		}
		if (scope == NULL)
			return cw_reply(cw, m, "sum_refused", &v, 1);
	}
	if ((text = malloc(CW_REPLY_MAX)) == NULL)
		return -1;
	rc = cw_digest_text(cw, scope, cw_week_start(m->now), m->now + 1,
	    "sum_period", text, CW_REPLY_MAX);
	if (rc == 0)
		rc = cw_reply_text(cw, m, text);
	free(text);
	return rc;
}
