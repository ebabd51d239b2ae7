/* The escalation ladder's data and date arithmetic; see ladder.h. */
#include "gateway/casework/ladder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/vocab.h"

static const char *const ladder_anchors[] = {
	"class", "school", "village", "township", "county"
};
/* The kind of place each anchor is (parsers/vocab.h). */
static const int ladder_kinds[] = {
	VOCAB_CLASS, VOCAB_SCHOOL, VOCAB_VILLAGE, VOCAB_TOWNSHIP, VOCAB_COUNTY
};

static const char *const ladder_outcomes[LADDER_NOUTCOMES] = {
	"return", "refuse", "away", "ill", "unreachable", "transfer"
};

static const char *const ladder_task_kinds[] = {
	"visit", "joint_visit", "serve_notice", NULL
};

const char *
ladder_anchor_name(int a)
{
	return a >= 0 && a <= LADDER_AT_COUNTY ? ladder_anchors[a] : "?";
}

int
ladder_outcome(const char *code)
{
	int i;

	for (i = 0; i < LADDER_NOUTCOMES; i++)
		if (!strcmp(ladder_outcomes[i], code))
			return i;
	return -1;
}

/* "village_head@village township_official@township" */
static int
ladder_parse_who(const char *val, struct ladder_who *out, int *n, char *why,
    size_t whysz)
{
	char buf[256], *tok, *save, *at;
	int a, r;

	*n = 0;
	if (strlen(val) >= sizeof buf)
		return snprintf(why, whysz, "list too long"), -1;
	snprintf(buf, sizeof buf, "%s", val);
	for (tok = strtok_r(buf, " ,", &save); tok;
	    tok = strtok_r(NULL, " ,", &save)) {
		if (*n == LADDER_MAX_WHO)
			return snprintf(why, whysz, "more than %d entries",
			    LADDER_MAX_WHO), -1;
		if ((at = strchr(tok, '@')) == NULL || at == tok ||
		    (size_t)(at - tok) >= sizeof out->role)
			return snprintf(why, whysz, "'%s' is not ROLE@PLACE "
			    "(e.g. village_head@village)", tok), -1;
		*at++ = '\0';
		for (a = 0; a <= LADDER_AT_COUNTY; a++)
			if (!strcmp(at, ladder_anchors[a]))
				break;
		if (a > LADDER_AT_COUNTY)
			return snprintf(why, whysz, "'%s' is not class, "
			    "school, village, township or county", at), -1;
		/* A role nobody holds, or at a place it is never held, finds
		 * nobody on any case: said now, not as "nobody to take the
		 * task" on the first case. */
		if ((r = vocab_role(tok)) < 0) {
			char roles[512];

			vocab_role_words(roles, sizeof roles);
			return snprintf(why, whysz, "'%s' is not a role: %s",
			    tok, roles), -1;
		}
		if (vocab_role_scope_kind(r) != ladder_kinds[a])
			return snprintf(why, whysz, "'%s@%s': a %s is on the "
			    "roster at a %s", tok, at, tok,
			    vocab_kind_name(vocab_role_scope_kind(r))), -1;
		snprintf(out[*n].role, sizeof out[*n].role, "%s", tok);
		out[*n].anchor = a;
		(*n)++;
	}
	return 0;
}

static int
ladder_int(const char *val, int lo, int hi, int *dst, char *why, size_t whysz)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (*val == '\0' || *end || errno || v < lo || v > hi)
		return snprintf(why, whysz, "'%s' is not a number from %d to "
		    "%d", val, lo, hi), -1;
	*dst = (int)v;
	return 0;
}

static int
ladder_set_level(struct ladder_level *lv, const char *key, const char *val,
    char *why, size_t whysz)
{
	char buf[128], *tok, *save;
	int i, o;

	if (!strcmp(key, "enter")) {
		if (!strcmp(val, "open")) {
			lv->enter = LADDER_ENTER_OPEN;
			return 0;
		}
		if (!strcmp(val, "task_deadline")) {
			lv->enter = LADDER_ENTER_TASK_DEADLINE;
			return 0;
		}
		if (!strncmp(val, "days ", 5)) {
			lv->enter = LADDER_ENTER_DAYS;
			return ladder_int(val + 5, 1, 365, &lv->enter_days,
			    why, whysz);
		}
		if (!strncmp(val, "notice ", 7)) {
			lv->enter = LADDER_ENTER_NOTICE;
			return ladder_int(val + 7, 1, 365, &lv->enter_days,
			    why, whysz);
		}
		return snprintf(why, whysz, "'%s' is not open, task_deadline, "
		    "days N or notice N", val), -1;
	}
	if (!strcmp(key, "outcomes")) {
		unsigned bits = 0;

		snprintf(buf, sizeof buf, "%s", val);
		for (tok = strtok_r(buf, " ,", &save); tok;
		    tok = strtok_r(NULL, " ,", &save)) {
			if ((o = ladder_outcome(tok)) < 0)
				return snprintf(why, whysz, "'%s' is not an "
				    "outcome (return refuse away ill "
				    "unreachable transfer)", tok), -1;
			bits |= 1u << o;
		}
		lv->outcomes = bits;
		return 0;
	}
	if (!strcmp(key, "task")) {
		for (i = 0; ladder_task_kinds[i]; i++)
			if (!strcmp(val, ladder_task_kinds[i]))
				break;
		if (val[0] && ladder_task_kinds[i] == NULL)
			return snprintf(why, whysz, "'%s' is not visit, "
			    "joint_visit or serve_notice", val), -1;
		snprintf(lv->task, sizeof lv->task, "%s", val);
		return 0;
	}
	if (!strcmp(key, "assignee") || !strcmp(key, "notify")) {
		/* Parsed aside: a bad list leaves the level as it was. */
		struct ladder_who w[LADDER_MAX_WHO];
		int n;

		if (ladder_parse_who(val, w, &n, why, whysz) != 0)
			return -1;
		memcpy(key[0] == 'a' ? lv->assignee : lv->notify, w, sizeof w);
		*(key[0] == 'a' ? &lv->nassignee : &lv->nnotify) = n;
		return 0;
	}
	if (!strcmp(key, "deadline"))
		return ladder_int(val, 1, 365, &lv->deadline_days, why, whysz);
	return snprintf(why, whysz, "unknown key"), -1;
}

int
ladder_set(struct ladder *l, int level, const char *key, const char *val,
    char *why, size_t whysz)
{
	if (level > 0) {
		if (level > LADDER_MAX_LEVELS)
			return snprintf(why, whysz, "at most %d levels",
			    LADDER_MAX_LEVELS), -1;
		if (level > l->nlevels) {
			memset(&l->lv[l->nlevels], 0, sizeof l->lv[0] *
			    (size_t)(level - l->nlevels));
			l->nlevels = level;
		}
		return ladder_set_level(&l->lv[level - 1], key, val, why,
		    whysz);
	}
	if (!strcmp(key, "levels")) {
		if (ladder_int(val, 1, LADDER_MAX_LEVELS, &level, why,
		    whysz) != 0)
			return -1;
		if (level > l->nlevels)
			memset(&l->lv[l->nlevels], 0, sizeof l->lv[0] *
			    (size_t)(level - l->nlevels));
		l->nlevels = level;
		return 0;
	}
	if (!strcmp(key, "reminder"))
		return ladder_int(val, 1, 99, &l->reminder_pct, why, whysz);
	if (!strcmp(key, "special"))
		return ladder_int(val, 1, 100, &l->special_pct, why, whysz);
	if (!strcmp(key, "return_pause"))
		return ladder_int(val, 1, 60, &l->return_pause_days, why,
		    whysz);
	if (!strcmp(key, "whereabouts"))
		return ladder_int(val, 1, 60, &l->whereabouts_days, why,
		    whysz);
	return snprintf(why, whysz, "unknown key"), -1;
}

void
ladder_defaults(struct ladder *l)
{
	static const struct {
		int level;
		const char *key, *val;
	} d[] = {
		{ 1, "enter", "open" },
		{ 1, "task", "visit" },
		{ 1, "assignee", "village_head@village" },
		{ 1, "deadline", "3" },
		{ 2, "enter", "task_deadline" },
		{ 2, "outcomes", "refuse unreachable" },
		{ 2, "task", "joint_visit" },
		{ 2, "assignee", "village_cadre@village "
		    "township_official@township" },
		{ 2, "deadline", "3" },
		{ 2, "notify", "township_head@township principal@school "
		    "inspector@school head_teacher@class" },
		{ 3, "enter", "days 7" },
		{ 3, "task", "serve_notice" },
		{ 3, "assignee", "township_official@township" },
		{ 3, "deadline", "3" },
		{ 3, "notify", "township_head@township bureau@county" },
		{ 4, "enter", "notice 15" },
		{ 4, "notify", "county@county bureau@county" },
	};
	char why[128];
	size_t i;

	memset(l, 0, sizeof *l);
	l->reminder_pct = 50;
	l->special_pct = 50;
	l->return_pause_days = 3;
	l->whereabouts_days = 7;
	for (i = 0; i < sizeof d / sizeof d[0]; i++)
		(void)ladder_set(l, d[i].level, d[i].key, d[i].val, why,
		    sizeof why);
}

int
ladder_check(const struct ladder *l, char *why, size_t whysz)
{
	int i;

	if (l->nlevels == 0 || l->lv[0].enter != LADDER_ENTER_OPEN)
		return snprintf(why, whysz, "level 1 must have enter = open"),
		    -1;
	for (i = 0; i < l->nlevels; i++) {
		const struct ladder_level *lv = &l->lv[i];

		if (i > 0 && lv->enter == LADDER_ENTER_OPEN)
			return snprintf(why, whysz, "level %d: only level 1 "
			    "enters on open", i + 1), -1;
		if (lv->enter == LADDER_ENTER_TASK_DEADLINE &&
		    l->lv[i - 1].task[0] == '\0')
			return snprintf(why, whysz, "level %d: enter = "
			    "task_deadline but level %d has no task", i + 1, i),
			    -1;
		if (lv->task[0] && (lv->nassignee == 0 ||
		    lv->deadline_days == 0))
			return snprintf(why, whysz, "level %d: a task needs "
			    "assignee and deadline", i + 1), -1;
	}
	return 0;
}

static int32_t
ladder_ymd(time_t t, int *wday)
{
	struct tm tm;

	localtime_r(&t, &tm);
	if (wday)
		*wday = tm.tm_wday;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

static int
ladder_cmp32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
ladder_is_school_day(const struct ladder *l, time_t t)
{
	int wday;
	int32_t d = ladder_ymd(t, &wday);

	if (l->weekends && (wday == 0 || wday == 6))
		return 0;
	return bsearch(&d, l->no_school, l->nno_school, sizeof d,
	    ladder_cmp32) == NULL;
}

int64_t
ladder_after(const struct ladder *l, int64_t t, int days, int pct)
{
	int64_t secs = (int64_t)days * LADDER_DAY * pct / 100, whole, i;

	if (!l->calendar)
		return t + secs;
	/* Count school days one by one; the remainder of a day is added as
	 * time (a half-day deadline stays a half day). */
	whole = secs / LADDER_DAY;
	for (i = 0; i < whole; ) {
		t += LADDER_DAY;
		if (ladder_is_school_day(l, (time_t)t))
			i++;
	}
	if (secs % LADDER_DAY == 0)
		return t;
	/* The half day left over lands on a school day too (a year on at
	 * most: a calendar with no school at all is no calendar). */
	t += secs % LADDER_DAY;
	for (i = 0; i < 366 && !ladder_is_school_day(l, (time_t)t); i++)
		t += LADDER_DAY;
	return t;
}

/* A time on the first of the days school days that end on t's date. */
static int64_t
ladder_span_start(const struct ladder *l, int64_t t, int days)
{
	int i;

	for (i = 1; i < days; ) {
		t -= LADDER_DAY;
		if (!l->calendar || ladder_is_school_day(l, (time_t)t))
			i++;
	}
	return t;
}

/* A time on the school day before t's date (a calendar's year at most
 * back: a calendar with no school at all is no calendar). */
static int64_t
ladder_day_before(const struct ladder *l, int64_t t)
{
	int i;

	t -= LADDER_DAY;
	for (i = 0; l->calendar && i < 366 &&
	    !ladder_is_school_day(l, (time_t)t); i++)
		t -= LADDER_DAY;
	return t;
}

int
ladder_absent_run(const struct ladder *l, const int64_t *at, const int *days,
    const int *excused, size_t n)
{
	int64_t start, s;
	int32_t end;
	size_t i;
	int run;

	if (n == 0)
		return 0;
	start = ladder_span_start(l, at[0], days[0]);
	for (i = 1; i < n; i++) {
		if (ladder_ymd((time_t)at[i], NULL) <
		    ladder_ymd((time_t)ladder_day_before(l, start), NULL) ||
		    excused[i])
			break;
		s = ladder_span_start(l, at[i], days[i]);
		if (ladder_ymd((time_t)s, NULL) < ladder_ymd((time_t)start,
		    NULL))
			start = s;
	}
	/* The school days from start to the latest's date. */
	end = ladder_ymd((time_t)at[0], NULL);
	for (run = 1; ladder_ymd((time_t)start, NULL) < end && run < 400; ) {
		start += LADDER_DAY;
		if (!l->calendar || ladder_is_school_day(l, (time_t)start))
			run++;
	}
	return run;
}

int
ladder_load_calendar(struct ladder *l, const char *path, char *why,
    size_t whysz)
{
	char line[128];
	FILE *f;
	int y, m, d, n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return snprintf(why, whysz, "%s: %s", path, strerror(errno)),
		    -1;
	l->nno_school = 0;
	l->weekends = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = line;

		n++;
		p[strcspn(p, "#\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			continue;
		if (!strncmp(p, "weekends", 8)) {
			l->weekends = 1;
			continue;
		}
		if (sscanf(p, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
		    m > 12 || d < 1 || d > 31 || y < 2000 || y > 2100) {
			fclose(f);
			return snprintf(why, whysz, "%s:%d: '%s' is not a date "
			    "YYYY-MM-DD or 'weekends'", path, n, p), -1;
		}
		if (l->nno_school == LADDER_MAX_NO_SCHOOL) {
			fclose(f);
			return snprintf(why, whysz, "%s:%d: more than %d dates",
			    path, n, LADDER_MAX_NO_SCHOOL), -1;
		}
		l->no_school[l->nno_school++] = y * 10000 + m * 100 + d;
	}
	fclose(f);
	qsort(l->no_school, l->nno_school, sizeof l->no_school[0],
	    ladder_cmp32);
	l->calendar = 1;
	return 0;
}
