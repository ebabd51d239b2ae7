/*
 * ABS and LEAVE. An unexcused absence is recorded with reporter, days,
 * reason and the inbound message; when it reaches the case threshold (the
 * 48-hour rule: 2 days, 1 for a special-need student) and the student has
 * no open case, a case opens (cases.c). Approved leave is recorded as
 * excused and never opens or closes a case.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>

#include "gateway/log.h"

/* Reports looked at for a run of absences, and how far back beyond the
 * threshold (a long weekend, a holiday week). */
#define CW_ABSENT_REPORTS 16
#define CW_ABSENT_SLACK 14

static int
cw_absence_add(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct store_student *s, const struct store_person *rep,
    int excused)
{
	struct store_absence a = { s->id, rep->id, excused, c->days,
	    c->reason, c->note, m->inbound_id, m->now };

	if (store_absence_add(cw->store, &a, NULL) != STORE_OK) {
		log_warnx("absence: %s", store_errmsg(cw->store));
		return -1;
	}
	return 0;
}

/* The reply for a recorded absence or leave, with or without a reason. */
static int
cw_absence_reply(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct cw_view *v, const char *key)
{
	struct render_var vars[5];
	char days[16], reason[64], k[32];

	snprintf(days, sizeof days, "%d", c->days);
	vars[0] = (struct render_var){ "student_no", v->student_no };
	vars[1] = (struct render_var){ "name", v->name };
	vars[2] = (struct render_var){ "class", v->class_name };
	vars[3] = (struct render_var){ "days", days };
	if (c->reason == NULL)
		return cw_reply(cw, m, key, vars, 4);
	snprintf(k, sizeof k, "reason_%s", c->reason);
	if (render(cw->cat, k, NULL, 0, reason, sizeof reason) != 0)
		return -1;
	vars[4] = (struct render_var){ "reason", reason };
	snprintf(k, sizeof k, "%s_reason", key);
	return cw_reply(cw, m, k, vars, 5);
}

/*
 * The days in a row the student is absent by the reports so far, this
 * one (just recorded) the latest; -1 on a store error. Reports further
 * back than the threshold's days (and weekends, holidays) cannot join.
 */
static int
cw_absent_run(struct casework *cw, const struct store_student *s,
    int64_t now, int threshold)
{
	int64_t at[CW_ABSENT_REPORTS], since;
	int days[CW_ABSENT_REPORTS], excused[CW_ABSENT_REPORTS];
	struct store_case last;
	enum store_rc rc;
	size_t n;

	/* Nor past the strike-off of the last case: its absences are its. */
	since = now - (int64_t)(threshold + CW_ABSENT_SLACK) * 86400;
	rc = store_case_of_student(cw->store, s->id, 0, &last);
	if (rc == STORE_OK && last.closed_at >= since)
		since = last.closed_at + 1;
	else if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return -1;
	if (store_absences_recent(cw->store, s->id, since, at, days, excused,
	    CW_ABSENT_REPORTS, &n) != STORE_OK)
		return -1;
	return ladder_absent_run(cw->ladder, at, days, excused, n);
}

/* ABS on a student registered by CLOSE: the absence kept, excused. */
static int
cw_abs_excused(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct store_student *s, const struct store_person *rep)
{
	struct render_var vars[5];
	struct cw_view v;
	char days[16], how[32];

	if (cw_absence_add(cw, m, c, s, rep, 1) != 0 ||
	    cw_view(cw, s, &v) != 0 ||
	    cw_closure(cw, s->excused_as, how, sizeof how) != 0)
		return -1;
	snprintf(days, sizeof days, "%d", c->days);
	vars[0] = (struct render_var){ "student_no", v.student_no };
	vars[1] = (struct render_var){ "name", v.name };
	vars[2] = (struct render_var){ "class", v.class_name };
	vars[3] = (struct render_var){ "days", days };
	vars[4] = (struct render_var){ "closure", how };
	return cw_reply(cw, m, "abs_excused", vars, 5);
}

int
cw_abs(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *rep;
	struct store_student s;
	struct store_case cs;
	struct cw_view v;
	enum store_rc rc;
	int r, threshold;

	if ((r = cw_find_student(cw, m, c, &s, &rep)) <= 0)
		return r;
	rc = store_case_of_student(cw->store, s.id, 1, &cs);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return -1;
	/* Registered as transferred, deferred or schooled at home (CLOSE):
	 * recorded, excused, no case (DOMAIN rule 7). A case DROP opened
	 * meanwhile takes the report as any case does. */
	if (rc == STORE_NOTFOUND && s.excused_as[0])
		return cw_abs_excused(cw, m, c, &s, rep);
	if (cw_absence_add(cw, m, c, &s, rep, 0) != 0 || cw_view(cw, &s, &v))
		return -1;
	if (rc == STORE_OK)
		return cw_case_absence(cw, m, c, &cs, &v, rep);
	threshold = s.categories[0] ? cw->special_threshold : cw->threshold;
	if (c->days >= threshold)
		return cw_case_open(cw, m, c, &s, &v, rep, 0);
	/* Reports of a day or so each, day after day, meet the rule too. */
	if ((r = cw_absent_run(cw, &s, m->now, threshold)) < 0)
		return -1;
	if (r >= threshold) {
		struct cmd run = *c;

		run.days = r;
		return cw_case_open(cw, m, &run, &s, &v, rep, 0);
	}
	return cw_absence_reply(cw, m, c, &v, "abs_ok");
}

int
cw_leave(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *rep;
	struct store_student s;
	struct cw_view v;
	int r;

	if ((r = cw_find_student(cw, m, c, &s, &rep)) <= 0)
		return r;
	if (cw_absence_add(cw, m, c, &s, rep, 1) != 0 || cw_view(cw, &s, &v))
		return -1;
	return cw_absence_reply(cw, m, c, &v, "leave_ok");
}
