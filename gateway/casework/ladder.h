/*
 * The escalation ladder as data (DOMAIN.md rules 4 and 5): which level a
 * case climbs to, when, who gets a task and who is told. Built-in defaults
 * follow the township plans; [ladder] and [ladder.N] in the configuration
 * change any of it without a rebuild. Pure: parsing and date arithmetic,
 * no store, no I/O but the calendar file.
 */
#ifndef BX_LADDER_H
#define BX_LADDER_H

#include <stddef.h>
#include <stdint.h>

#define LADDER_MAX_LEVELS 8
#define LADDER_MAX_WHO 6
#define LADDER_MAX_NO_SCHOOL 1024
#define LADDER_DAY 86400

/* Where a role is looked for, relative to the student. */
enum ladder_anchor {
	LADDER_AT_CLASS, LADDER_AT_SCHOOL, LADDER_AT_VILLAGE,
	LADDER_AT_TOWNSHIP, LADDER_AT_COUNTY
};

/* What makes a case enter a level. */
enum ladder_enter {
	LADDER_ENTER_OPEN,		/* the case opens (level 1) */
	LADDER_ENTER_TASK_DEADLINE,	/* the previous level's task is overdue */
	LADDER_ENTER_DAYS,		/* N days after entering the previous */
	LADDER_ENTER_NOTICE		/* N days after the written notice */
};

/* Visit outcomes, as bits of ladder_level.outcomes. */
enum ladder_outcome {
	LADDER_RETURN, LADDER_REFUSE, LADDER_AWAY, LADDER_ILL,
	LADDER_UNREACHABLE, LADDER_TRANSFER, LADDER_NOUTCOMES
};

struct ladder_who {
	char role[24];
	int anchor;			/* enum ladder_anchor */
};

struct ladder_level {
	int enter;			/* enum ladder_enter */
	int enter_days;
	unsigned outcomes;		/* outcomes that climb here at once */
	char task[16];			/* visit, joint_visit, serve_notice, "" */
	struct ladder_who assignee[LADDER_MAX_WHO];	/* first found */
	int nassignee;
	int deadline_days;
	struct ladder_who notify[LADDER_MAX_WHO];	/* everyone found */
	int nnotify;
};

struct ladder {
	int nlevels;
	struct ladder_level lv[LADDER_MAX_LEVELS];	/* lv[0] is level 1 */
	int reminder_pct;		/* remind at this share of a deadline */
	int special_pct;		/* special-need deadlines, percent */
	int return_pause_days;		/* outcome 返 holds the ladder */
	int whereabouts_days;		/* outcome 外/转: the school's days
					 * to confirm, then it climbs */
	int32_t no_school[LADDER_MAX_NO_SCHOOL];	/* YYYYMMDD, sorted */
	size_t nno_school;
	int weekends;			/* Saturdays and Sundays have no school */
	int calendar;			/* count school days */
};

void ladder_defaults(struct ladder *);
/* One key of [ladder] or [ladder.N] (level from 1); 0 or -1 with why. */
int ladder_set(struct ladder *, int level, const char *key, const char *val,
    char *why, size_t whysz);
/* Reads a calendar file: one YYYY-MM-DD per line, "weekends", '#'
 * comments. 0, or -1 with "line N: why". */
int ladder_load_calendar(struct ladder *, const char *path, char *why,
    size_t whysz);
/* Checks levels are complete; 0 or -1 with why. */
int ladder_check(const struct ladder *, char *why, size_t whysz);

/* t plus days (scaled by pct percent), counting school days when a
 * calendar is loaded (time of day kept; local dates). */
int64_t ladder_after(const struct ladder *, int64_t t, int days, int pct);
/*
 * How many days in a row a student is absent, by the reports at[i] of
 * days[i] days each (each ending on its own date), the latest first and
 * an absence: the latest's days, joined by each earlier absence that
 * reaches the day before the run so far begins (school days when a
 * calendar is loaded, else calendar days). A day at school between two
 * reports ends it, and so does leave (excused[i]) that reaches it.
 */
int ladder_absent_run(const struct ladder *, const int64_t *at,
    const int *days, const int *excused, size_t n);
int ladder_outcome(const char *code);		/* enum or -1 */
const char *ladder_anchor_name(int);

#endif
