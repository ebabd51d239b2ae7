/*
 * The term-start report (DOMAIN.md rule 6: schools report to the township
 * within a week of term start). A principal's TERM (开学) records the
 * school's report for the term, once (store_term_report); the Monday
 * digest run reminds, in the term's first week, the principals of schools
 * that have not reported, and tells the township in its second week which
 * have still not (casework_digest_step calls cw_term_text).
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/log.h"

#define CW_TERM_WEEK (7 * 86400)	/* a report's grace before the term */
/* Schools a township's list names; the rest are counted. */
#define CW_TERM_NAMED 8

/* Local midnight of month * 100 + day md in year. */
static int64_t
cw_term_day(int year, int md)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = md / 100 - 1;
	tm.tm_mday = md % 100;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int64_t
cw_term_begin(const struct casework *cw, int64_t t)
{
	time_t tt = (time_t)t;
	int64_t c[4], best = INT64_MIN;
	struct tm tm;
	int i;

	localtime_r(&tt, &tm);
	/* This year's and last year's first days, whichever order the
	 * configuration gives them in. */
	c[0] = cw_term_day(tm.tm_year + 1900, cw->term_autumn);
	c[1] = cw_term_day(tm.tm_year + 1900, cw->term_spring);
	c[2] = cw_term_day(tm.tm_year + 1899, cw->term_autumn);
	c[3] = cw_term_day(tm.tm_year + 1899, cw->term_spring);
	for (i = 0; i < 4; i++)
		if (c[i] <= t && c[i] > best)
			best = c[i];
	return best;
}

/* Whole calendar days from local midnight term to the day of t (a change
 * of clocks is not a day). */
static int64_t
cw_term_days(int64_t term, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm) - term + 43200) / 86400;
}

/* TERM: the sender's schools (each principal row's) reported for the
 * term now; a second report says when the first was. */
int
cw_term(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	struct render_var v[2];
	/* A report in the week before the first day is the coming term's
	 * (schools open a day or two before the county's date). */
	int64_t term = cw_term_begin(cw, m->now + CW_TERM_WEEK), when;
	struct store_place school;
	char date[32];
	size_t r;
	int any = 0, fresh;

	for (r = 0; r < m->nroles; r++) {
		const struct store_person *p = &m->roles[r];

		if (strcmp(p->role, "principal") != 0)
			continue;
		any = 1;
		if (store_place_get(cw->store, p->scope, &school) != STORE_OK ||
		    store_term_report(cw->store, p->scope, term, p->id, m->now,
		    m->inbound_id, &fresh, &when) != STORE_OK ||
		    cw_date(cw, when, date, sizeof date) != 0)
			return -1;
		v[0] = (struct render_var){ "school", school.name };
		v[1] = (struct render_var){ "when", date };
		if (fresh)
			log_info("inbound %lld: term-start report of %s",
			    (long long)m->inbound_id, p->scope);
		if (cw_reply(cw, m, fresh ? "term_ok" : "term_already", v,
		    2) != 0)
			return -1;
	}
	if (!any) {
		v[0] = (struct render_var){ "cmd", cmd_kind_name(c->kind) };
		return cw_reply(cw, m, "refused_role", v, 1);
	}
	return 0;
}

/* "后柳镇中学、…" into list: the names while they fit in CW_TERM_LIST
 * bytes, then "等" for the rest (the count is in the text besides). */
#define CW_TERM_LIST 480
static int
cw_term_list(struct casework *cw, char (*names)[STORE_NAME_MAX], size_t n,
    size_t total, char *list, size_t sz)
{
	char part[STORE_NAME_MAX + 64], more[64];
	size_t i, len = 0, lim = sz < CW_TERM_LIST ? sz : CW_TERM_LIST;

	if (render(cw->cat, "term_missing_more", NULL, 0, more,
	    sizeof more) != 0)
		return -1;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		struct render_var v = { "name", names[i] };

		if (render(cw->cat, i ? "term_missing_item_next" :
		    "term_missing_item", &v, 1, part, sizeof part) != 0)
			return -1;
		if (len + strlen(part) + strlen(more) >= lim)
			break;
		memcpy(list + len, part, strlen(part) + 1);
		len += strlen(part);
	}
	if (i < total)
		memcpy(list + len, more, strlen(more) + 1);
	return 0;
}

int
cw_term_text(struct casework *cw, const struct store_person *p,
    int64_t due, char *out, size_t outsz)
{
	char names[CW_TERM_NAMED][STORE_NAME_MAX], list[CW_REPLY_MAX / 2];
	char n_text[24];
	int64_t term = cw_term_begin(cw, due), days;
	struct store_place pl;
	size_t n, total;
	enum store_rc rc;
	int principal = !strcmp(p->role, "principal");

	/* The first week for the principals, the second for the township,
	 * by the day the run fell due (any weekday of [digest]). */
	if (term == INT64_MIN)
		return 0;
	days = cw_term_days(term, due);
	if (days < (principal ? 0 : 7) || days >= (principal ? 7 : 14))
		return 0;
	if (strcmp(p->role, "township_official") != 0 &&
	    strcmp(p->role, "township_head") != 0 && !principal)
		return 0;
	if (store_place_get(cw->store, p->scope, &pl) != STORE_OK)
		return -1;
	if (principal) {
		struct render_var v = { "school", pl.name };

		if ((rc = store_term_reported(cw->store, p->scope, term)) ==
		    STORE_OK)
			return 0;
		if (rc != STORE_NOTFOUND)
			return -1;
		return render(cw->cat, "term_remind", &v, 1, out, outsz) ==
		    0 ? 1 : -1;
	}
	if (store_term_missing(cw->store, p->scope, term, names,
	    CW_TERM_NAMED, &n, &total) != STORE_OK)
		return -1;
	if (total == 0)
		return 0;
	snprintf(n_text, sizeof n_text, "%zu", total);
	if (cw_term_list(cw, names, n, total, list, sizeof list) != 0)
		return -1;
	{
		struct render_var v[3] = {
			{ "township", pl.name }, { "n", n_text },
			{ "list", list }
		};

		return render(cw->cat, "term_missing", v, 3, out, outsz) ==
		    0 ? 1 : -1;
	}
}
