/*
 * The escalation ladder (DOMAIN.md rules 4 and 5) over the data in
 * ladder.h: entering a level creates its task and tells its people; the
 * case's next_at says when the ladder looks again; the scheduler calls
 * casework_due() for reminders and climbs, in time order, once each. VIS,
 * ACK, NOTICE and TASKS are the commands of the people on the ladder.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/taskcode.h"
#include "parsers/vocab.h"

#define CW_MAX_TASKS 16

static const char *
cw_anchor_code(const struct store_student *s, const struct cw_view *v, int a)
{
	switch (a) {
	case LADDER_AT_CLASS:		return s->class_code;
	case LADDER_AT_SCHOOL:		return v->school_code;
	case LADDER_AT_VILLAGE:		return s->village;
	case LADDER_AT_TOWNSHIP:	return v->township_code;
	default:			return v->county_code;
	}
}

/* The first person found for a list of ROLE@PLACE: 1, 0 if none, -1. */
static int
cw_who_first(struct casework *cw, const struct store_student *s,
    const struct cw_view *v, const struct ladder_who *w, int n,
    struct store_person *out)
{
	size_t k;
	int i;

	for (i = 0; i < n; i++) {
		if (store_people_in(cw->store, w[i].role,
		    cw_anchor_code(s, v, w[i].anchor), out, 1, &k) != STORE_OK)
			return -1;
		if (k)
			return 1;
	}
	return 0;
}

/* Everyone found for a list of ROLE@PLACE, appended to phones. */
static int
cw_who_all(struct casework *cw, const struct store_student *s,
    const struct cw_view *v, const struct ladder_who *w, int n,
    char (*phones)[STORE_PHONE_MAX], size_t *count)
{
	int i;

	for (i = 0; i < n; i++)
		if (cw_holders(cw, w[i].role, cw_anchor_code(s, v, w[i].anchor),
		    phones, count) != 0)
			return -1;
	return 0;
}

/* Placeholders of ladder texts. */
struct cw_lvars {
	char label[32], due[32], level[16];
	char code[TASKCODE_LEN + 1], choices[256];
	char outcome[32], days[16];
	struct render_var v[10];	/* 8, and 10 with cw_lvars_task() or
					 * cw_level_notice() */
};

static int
cw_lvars(struct casework *cw, struct cw_lvars *x, const struct cw_view *v,
    int64_t case_id, int level, int64_t due)
{
	snprintf(x->level, sizeof x->level, "%d", level);
	x->due[0] = '\0';
	if (cw_case_label(cw, case_id, x->label, sizeof x->label) != 0 ||
	    (due && cw_date(cw, due, x->due, sizeof x->due) != 0))
		return -1;
	x->v[0] = (struct render_var){ "case", x->label };
	x->v[1] = (struct render_var){ "student_no", v->student_no };
	x->v[2] = (struct render_var){ "name", v->name };
	x->v[3] = (struct render_var){ "class", v->class_name };
	x->v[4] = (struct render_var){ "school", v->school };
	x->v[5] = (struct render_var){ "village", v->village };
	x->v[6] = (struct render_var){ "due", x->due };
	x->v[7] = (struct render_var){ "level", x->level };
	return 0;
}

/* The task's code and numbered choices, as v[8] and v[9]. */
static int
cw_lvars_task(struct casework *cw, struct cw_lvars *x,
    const struct store_task *t)
{
	taskcode_make(t->id, x->code);
	if (cw_choices_text(cw, t->kind, x->choices, sizeof x->choices) != 0)
		return -1;
	x->v[8] = (struct render_var){ "code", x->code };
	x->v[9] = (struct render_var){ "choices", x->choices };
	return 0;
}

/* The visit outcome a pause waits on since (返, 病), by the case's hold;
 * NULL if the hold is none or not a pause. */
static const char *
cw_pause_outcome(const char *hold)
{
	if (!strcmp(hold, "return_pause"))
		return "return";
	if (!strcmp(hold, "ill_pause"))
		return "ill";
	if (!strcmp(hold, "whereabouts"))
		return "whereabouts";
	return NULL;
}

/*
 * The notice of level k in key, with *nv of x's vars. Entered because a
 * pause ran out (pause: the outcome it waited on since, else NULL), it
 * is escalation_N_pause where the catalog has one, saying so with
 * {outcome} and {days} (v[8], v[9]): escalation_N gives the level's own
 * reason, its deadline passed or the family refused, which after a visit
 * the family agreed at is not true (a review).
 */
static int
cw_level_notice(struct casework *cw, struct cw_lvars *x, int k,
    const char *pause, char *key, size_t sz, size_t *nv)
{
	char okey[32];

	*nv = 8;
	snprintf(key, sz, "escalation_%d_pause", k);
	if (pause == NULL || catalog_text(cw->cat, key) == NULL) {
		snprintf(key, sz, "escalation_%d", k);
		return 0;
	}
	snprintf(okey, sizeof okey, "outcome_%s", pause);
	if (render(cw->cat, okey, NULL, 0, x->outcome,
	    sizeof x->outcome) != 0)
		return -1;
	snprintf(x->days, sizeof x->days, "%d", !strcmp(pause, "whereabouts") ?
	    cw->ladder->whereabouts_days : cw->ladder->return_pause_days);
	x->v[8] = (struct render_var){ "outcome", x->outcome };
	x->v[9] = (struct render_var){ "days", x->days };
	*nv = 10;
	return 0;
}

static int
cw_pct(const struct casework *cw, const struct cw_view *v)
{
	return v->special ? cw->ladder->special_pct : 100;
}

/* When the ladder must look at a case at level k again (0: never). */
static int64_t
cw_next_at(struct casework *cw, const struct store_case *cs,
    const struct cw_view *v, int k, int64_t task_due)
{
	const struct ladder *l = cw->ladder;
	const struct ladder_level *nx;

	if (k >= l->nlevels)
		return 0;
	nx = &l->lv[k];
	switch (nx->enter) {
	case LADDER_ENTER_TASK_DEADLINE:
		return task_due ? task_due : ladder_after(l, cs->level_at,
		    l->lv[k - 1].deadline_days, cw_pct(cw, v));
	case LADDER_ENTER_DAYS:
		return ladder_after(l, cs->level_at, nx->enter_days,
		    cw_pct(cw, v));
	case LADDER_ENTER_NOTICE:
		/* Served: the days it gave the family. Not yet: its task's
		 * deadline, which missed climbs as any task's does. */
		if (cs->notice_at)
			return ladder_after(l, cs->notice_at, nx->enter_days,
			    100);
		if (task_due)
			return task_due;
		/* A level without a task has no deadline to miss. */
		return l->lv[k - 1].task[0] && l->lv[k - 1].deadline_days ?
		    ladder_after(l, cs->level_at, l->lv[k - 1].deadline_days,
		    cw_pct(cw, v)) : 0;
	default:
		return 0;
	}
}

/* The deadline of the case's newest open task of its level, or 0. */
static int64_t
cw_open_task_due(struct casework *cw, const struct store_case *cs)
{
	struct store_task t[CW_MAX_TASKS];
	size_t n, i;
	int64_t due = 0;

	if (store_tasks_of_case(cw->store, cs->id, 0, t, CW_MAX_TASKS, &n) !=
	    STORE_OK)
		return 0;
	for (i = 0; i < n; i++)
		if (t[i].level == cs->level)
			due = t[i].due_at;
	return due;
}

/* The deadline of the task level k gives at t (0: the level has none). */
static int64_t
cw_level_due(struct casework *cw, const struct cw_view *v, int k, int64_t t)
{
	const struct ladder_level *lv = &cw->ladder->lv[k - 1];

	return lv->task[0] ? ladder_after(cw->ladder, t, lv->deadline_days,
	    cw_pct(cw, v)) : 0;
}

/* The case's own fields for entering level k at t; no store access. */
static void
cw_level_plan(struct casework *cw, struct store_case *cs,
    const struct cw_view *v, int k, int64_t t)
{
	cs->level = k;
	cs->level_at = t;
	cs->hold[0] = '\0';
	cs->next_at = cw_next_at(cw, cs, v, k, cw_level_due(cw, v, k, t));
	if (k > 1) {
		cw_copy(cs->last_action, sizeof cs->last_action, "level");
		cs->last_action_at = t;
	}
}

void
cw_ladder_plan(struct casework *cw, struct store_case *cs,
    const struct cw_view *v, int64_t t)
{
	cw_level_plan(cw, cs, v, 1, t);
}

/*
 * The case enters level k at time t: its task (to the first person found),
 * its notices, its watchers, the ledger row, and when to look next.
 * *assignee gets the task's phone ("" if none). opening: the case is being
 * opened, its row inserted with cw_level_plan()'s fields, and the caller
 * records its watchers with the assignee. pause: the visit outcome (返,
 * 病) of a pause that ran out, which the notice gives as the reason; NULL
 * for the level's own.
 */
static int
cw_enter_level(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    const struct store_student *s, const struct cw_view *v, int k, int64_t t,
    char *assignee, int opening, const char *pause)
{
	const struct ladder_level *lv = &cw->ladder->lv[k - 1];
	/* Those told of the level, then the task's person. */
	char phones[CW_MAX_NOTIFY + 1][STORE_PHONE_MAX], key[48], detail[48];
	struct store_person who;
	struct store_task task;
	struct cw_lvars x;
	size_t n = 0, nv;
	int r;

	assignee[0] = '\0';
	if (!opening)
		cw_level_plan(cw, cs, v, k, t);
	memset(&task, 0, sizeof task);
	if (lv->task[0]) {
		if ((r = cw_who_first(cw, s, v, lv->assignee, lv->nassignee,
		    &who)) < 0)
			return -1;
		task.due_at = cw_level_due(cw, v, k, t);
		if (r == 0) {
			log_warnx("case %lld level %d: nobody to take the %s "
			    "task", (long long)cs->id, k, lv->task);
			if (cw_event_at(cw, m, t, cs->id, s->id, 0,
			    "no_assignee", lv->task) != 0)
				return -1;
		} else {
			task.case_id = cs->id;
			task.level = k;
			cw_copy(task.kind, sizeof task.kind, lv->task);
			task.assignee_id = who.id;
			task.created_at = t;
			task.remind_at = t + (task.due_at - t) *
			    cw->ladder->reminder_pct / 100;
			snprintf(key, sizeof key, "task_%s", lv->task);
			if (store_task_add(cw->store, &task) != STORE_OK ||
			    cw_lvars(cw, &x, v, cs->id, k, task.due_at) != 0 ||
			    cw_lvars_task(cw, &x, &task) != 0 ||
			    cw_send(cw, m, cs->id, who.phone, "task", key, x.v,
			    10) != 0)
				return -1;
			cw_copy(assignee, STORE_PHONE_MAX, who.phone);
		}
	}
	if (k > 1 && lv->nnotify) {
		if (cw_who_all(cw, s, v, lv->notify, lv->nnotify, phones,
		    &n) != 0 || cw_lvars(cw, &x, v, cs->id, k, 0) != 0 ||
		    cw_level_notice(cw, &x, k, pause, key, sizeof key,
		    &nv) != 0)
			return -1;
		if (cw_notify_kind(cw, m, cs->id, phones, n, "escalation", key,
		    x.v, nv) != 0)
			return -1;
	}
	cw_copy(phones[n], STORE_PHONE_MAX, assignee);
	if (!opening && store_watchers_add(cw->store, cs->id, phones, n + 1) !=
	    STORE_OK)
		return -1;
	snprintf(detail, sizeof detail, "level=%d", k);
	if (k > 1 && cw_event_at(cw, m, t, cs->id, s->id, 0, "level",
	    detail) != 0)
		return -1;
	log_info("case %lld at level %d%s%s", (long long)cs->id, k,
	    assignee[0] ? ", task " : "", assignee[0] ? lv->task : "");
	if (opening)
		return 0;
	return store_case_update(cw->store, cs) == STORE_OK ? 0 : -1;
}

int
cw_ladder_start(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    const struct store_student *s, const struct cw_view *v, char *assignee)
{
	return cw_enter_level(cw, m, cs, s, v, 1, m->now, assignee, 1, NULL);
}

/* One level up at t, if there is one; else the ladder stops there.
 * pause: as cw_enter_level()'s. */
static int
cw_climb(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    int64_t t, const char *pause)
{
	struct store_student s;
	struct cw_view v;
	char who[STORE_PHONE_MAX];

	if (cs->level >= cw->ladder->nlevels) {
		cs->next_at = 0;
		return store_case_update(cw->store, cs) == STORE_OK ? 0 : -1;
	}
	if (store_student_get_id(cw->store, cs->student_id, &s) != STORE_OK ||
	    cw_view(cw, &s, &v) != 0)
		return -1;
	return cw_enter_level(cw, m, cs, &s, &v, cs->level + 1, t, who, 0,
	    pause);
}

static int
cw_remind(struct casework *cw, struct cw_msg *m, int64_t task_id, int64_t at)
{
	struct store_task t;
	struct store_case cs;
	struct store_student s;
	struct store_person who;
	struct cw_view v;
	struct cw_lvars x;
	char key[48], detail[32];

	if (store_task_get(cw->store, task_id, &t) != STORE_OK ||
	    store_case_get(cw->store, t.case_id, &cs) != STORE_OK ||
	    store_student_get_id(cw->store, cs.student_id, &s) != STORE_OK ||
	    store_person_get(cw->store, t.assignee_id, &who) != STORE_OK ||
	    cw_view(cw, &s, &v) != 0)
		return -1;
	/* Never twice: the reminder time is cleared in this transaction. */
	t.remind_at = 0;
	t.reminded_at = at;
	snprintf(key, sizeof key, "reminder_%s", t.kind);
	snprintf(detail, sizeof detail, "task=%lld", (long long)t.id);
	if (store_task_update(cw->store, &t) != STORE_OK ||
	    cw_lvars(cw, &x, &v, cs.id, t.level, t.due_at) != 0 ||
	    cw_lvars_task(cw, &x, &t) != 0 ||
	    cw_send(cw, m, cs.id, who.phone, "reminder", key, x.v, 10) != 0 ||
	    cw_event_at(cw, m, at, cs.id, s.id, 0, "remind", detail) != 0)
		return -1;
	log_info("case %lld: task %lld reminded", (long long)cs.id,
	    (long long)t.id);
	return 0;
}

/*
 * A pause (返, 病) ran out, or a hold (外, 转) was refuted, at t: the case
 * climbs, unless the next level waits for the written notice. That
 * notice's deadline (the days it gave the family, or its task's) stands,
 * and a pause or a hold does not stand for it: the case waits for it (for
 * the notice itself where its level has no task), and climbs at once only
 * if it passed meanwhile: for the notice's deadline, which its text gives,
 * not the pause's.
 */
static int
cw_resume(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    int64_t t)
{
	const struct ladder *l = cw->ladder;
	const char *pause = cw_pause_outcome(cs->hold);
	struct store_student s;
	struct cw_view v;
	int64_t next;

	cs->hold[0] = '\0';
	if (cs->level >= l->nlevels ||
	    l->lv[cs->level].enter != LADDER_ENTER_NOTICE)
		return cw_climb(cw, m, cs, t, pause);
	if (store_student_get_id(cw->store, cs->student_id, &s) != STORE_OK ||
	    cw_view(cw, &s, &v) != 0)
		return -1;
	next = cw_next_at(cw, cs, &v, cs->level, cw_open_task_due(cw, cs));
	if (next != 0 && next <= t)
		return cw_climb(cw, m, cs, t, NULL);
	cs->next_at = next;	/* 0: the notice, when it comes, says */
	return store_case_update(cw->store, cs) == STORE_OK ? 0 : -1;
}

int
casework_due(struct casework *cw, const struct store_due *d, int64_t now)
{
	struct cw_msg m;
	struct store_case cs;

	memset(&m, 0, sizeof m);
	m.from = "";
	m.now = now;
	if (d->kind == STORE_DUE_TASK_REMIND)
		return cw_remind(cw, &m, d->id, d->at);
	if (d->kind == STORE_DUE_COSIGN)
		return cw_cosign_due(cw, &m, d->id, d->at);
	if (store_case_get(cw->store, d->id, &cs) != STORE_OK)
		return -1;
	if (strcmp(cs.status, "open") != 0 || cs.next_at != d->at)
		return -1;	/* cannot happen: d was read from this row */
	/* A pause for 返 or 病 that ran out without RET, or the level's
	 * deadline: climb. */
	if (cs.hold[0])
		return cw_resume(cw, &m, &cs, d->at);
	return cw_climb(cw, &m, &cs, d->at, NULL);
}

int
cw_ladder_stop(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    int64_t actor_id, const char *outcome)
{
	struct store_task t[CW_MAX_TASKS];
	size_t n, i;

	if (store_tasks_of_case(cw->store, cs->id, 0, t, CW_MAX_TASKS, &n) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < n; i++) {
		cw_copy(t[i].status, sizeof t[i].status, "done");
		t[i].remind_at = 0;
		t[i].done_at = m->now;
		t[i].done_by = actor_id;
		cw_copy(t[i].outcome, sizeof t[i].outcome, outcome);
		if (store_task_update(cw->store, &t[i]) != STORE_OK)
			return -1;
	}
	cs->next_at = 0;
	cs->hold[0] = '\0';
	return 0;
}

int
cw_ladder_refute(struct casework *cw, struct cw_msg *m, struct store_case *cs)
{
	if (strcmp(cs->hold, "whereabouts") != 0)
		return 0;
	/* Refuted, not run out: the level's own words, not "N days
	 * passed" (cw_resume reads the hold for those). */
	cs->hold[0] = '\0';
	return cw_resume(cw, m, cs, m->now);
}

/* Completes the case's open tasks of the given kinds; returns how many. */
static int
cw_complete(struct casework *cw, struct cw_msg *m, int64_t case_id,
    const char *kinds, int64_t actor, const char *outcome)
{
	struct store_task t[CW_MAX_TASKS];
	size_t n, i;
	int done = 0;

	if (store_tasks_of_case(cw->store, case_id, 0, t, CW_MAX_TASKS, &n) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (!strstr(kinds, t[i].kind))
			continue;
		cw_copy(t[i].status, sizeof t[i].status, "done");
		t[i].remind_at = 0;
		t[i].done_at = m->now;
		t[i].done_by = actor;
		cw_copy(t[i].outcome, sizeof t[i].outcome, outcome);
		if (store_task_update(cw->store, &t[i]) != STORE_OK)
			return -1;
		done++;
	}
	return done;
}

int
cw_find_case_or_none(struct casework *cw, struct cw_msg *m,
    const struct cmd *c, int open_only, struct store_student *s,
    const struct store_person **actor, struct cw_view *v,
    struct store_case *cs)
{
	enum store_rc rc;
	int r;

	if ((r = cw_find_student(cw, m, c, s, actor)) <= 0)
		return r;
	if (cw_view(cw, s, v) != 0)
		return -1;
	rc = c->case_no ? store_case_get(cw->store, c->case_no, cs) :
	    store_case_of_student(cw->store, s->id, open_only, cs);
	if (rc == STORE_OK && (!open_only || !strcmp(cs->status, "open")))
		return 1;
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return -1;
	return 2;
}

static int
cw_no_case(struct casework *cw, struct cw_msg *m, int open_only,
    const struct cw_view *v)
{
	struct render_var vars[2];

	vars[0] = (struct render_var){ "student_no", v->student_no };
	vars[1] = (struct render_var){ "name", v->name };
	return cw_reply(cw, m, open_only ? "no_open_case" : "case_none", vars,
	    2) == 0 ? 0 : -1;
}

int
cw_find_case(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    int open_only, struct store_student *s, const struct store_person **actor,
    struct cw_view *v, struct store_case *cs)
{
	int r = cw_find_case_or_none(cw, m, c, open_only, s, actor, v, cs);

	return r == 2 ? cw_no_case(cw, m, open_only, v) : r;
}

/*
 * A routine home visit (DOMAIN rule 4: every family at least once a term,
 * the outcome recorded): a school role's VIS on a student with no open
 * case, the child at school (在校), ill or the family about to leave. An
 * event of the student's, no case; the reply counts the term's routine
 * visits. Nobody else is told; a child found out of school is reported
 * (ABS, DROP), and the reply says so.
 */
static int
cw_home_visit(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct store_student *s, const struct store_person *actor,
    const struct cw_view *v)
{
	char detail[CMD_NOTE_MAX + 32], key[32], word[32], count[24];
	struct render_var rv[4];
	int64_t n;

	rv[0] = (struct render_var){ "student_no", v->student_no };
	rv[1] = (struct render_var){ "name", v->name };
	/* Refused, unreachable, transferred or back: a child out of school,
	 * which is a report (ABS, DROP), not a routine visit. */
	if (strcmp(c->outcome, "fine") != 0 && strcmp(c->outcome, "ill") != 0 &&
	    strcmp(c->outcome, "away") != 0)
		return cw_reply(cw, m, "home_visit_report", rv, 2);
	cw_detail_note(detail, sizeof detail, "outcome", c);
	if (cw_event(cw, m, 0, s->id, actor->id, "home_visit", detail) != 0 ||
	    store_home_visits_since(cw->store, s->id, cw_term_start(m->now),
	    &n) != STORE_OK)
		return -1;
	snprintf(key, sizeof key, "outcome_%s", c->outcome);
	if (render(cw->cat, key, NULL, 0, word, sizeof word) != 0)
		return -1;
	snprintf(count, sizeof count, "%lld", (long long)n);
	rv[2] = (struct render_var){ "outcome", word };
	rv[3] = (struct render_var){ "n", count };
	return cw_reply(cw, m, "home_visit_ok", rv, 4);
}

/* Appends to phones[0..*n) the phone of whoever opened case cs (by ABS
 * or DROP: a school role, who may RET) while that row is on the roster. */
static int
cw_add_opener(struct casework *cw, const struct store_case *cs,
    char (*phones)[STORE_PHONE_MAX], size_t *n)
{
	struct store_person p, rows[CW_MAX_ROLES];
	enum store_rc rc;
	size_t k, i;

	if (cs->opened_by == 0 || *n >= CW_MAX_NOTIFY)
		return 0;
	if ((rc = store_person_get(cw->store, cs->opened_by, &p)) ==
	    STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK || store_people_by_phone(cw->store, p.phone, rows,
	    CW_MAX_ROLES, &k) != STORE_OK)
		return -1;
	for (i = 0; i < k; i++)
		if (rows[i].id == p.id) {
			cw_copy(phones[(*n)++], STORE_PHONE_MAX, p.phone);
			break;
		}
	return 0;
}

int
cw_vis(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *actor;
	const struct ladder *l = cw->ladder;
	char phones[CW_MAX_NOTIFY][STORE_PHONE_MAX], key[32], word[32];
	char detail[CMD_NOTE_MAX + 32];
	struct store_student s;
	struct store_case cs;
	struct cw_view v;
	struct cw_lvars x;
	struct render_var rv[3];
	size_t n = 0;
	int r, o;

	if ((r = cw_find_case_or_none(cw, m, c, 1, &s, &actor, &v, &cs)) ==
	    2 && !c->case_no) {
		if ((o = cw_school_actor(cw, m, &s, &actor)) < 0)
			return -1;
		if (o)
			return cw_home_visit(cw, m, c, &s, actor, &v);
	}
	if (r == 2)
		return cw_no_case(cw, m, 1, &v);
	if (r <= 0)
		return r;
	if ((o = ladder_outcome(c->outcome)) < 0) {
		/* "在校" is a routine visit's: a case's visit says how the
		 * family answered. */
		if (cw_case_label(cw, cs.id, x.label, sizeof x.label) != 0)
			return -1;
		rv[0] = (struct render_var){ "case", x.label };
		rv[1] = (struct render_var){ "student_no", v.student_no };
		return cw_reply(cw, m, "vis_fine_open", rv, 2);
	}
	cw_detail_note(detail, sizeof detail, "outcome", c);
	if (cw_complete(cw, m, cs.id, "visit joint_visit", actor->id,
	    c->outcome) < 0 ||
	    cw_event(cw, m, cs.id, s.id, actor->id, "visit", detail) != 0)
		return -1;
	cw_copy(cs.last_action, sizeof cs.last_action, "visit");
	cs.last_action_at = m->now;
	switch (o) {
	case LADDER_RETURN:
	case LADDER_ILL:
		/*
		 * Waiting for the school's RET; no RET, and it climbs. The
		 * school is told to watch for the child and send it: the
		 * class's head teacher and the principal, as for 外/转,
		 * and whoever reported the absence (a review: only the
		 * village head heard of it, and nobody sent the RET).
		 */
		cw_copy(cs.hold, sizeof cs.hold, o == LADDER_ILL ?
		    "ill_pause" : "return_pause");
		cs.next_at = ladder_after(l, m->now, l->return_pause_days,
		    100);
		snprintf(key, sizeof key, "pause_%s_notice", c->outcome);
		if (cw_collect_school(cw, &s, &v, phones, &n) != 0 ||
		    cw_add_opener(cw, &cs, phones, &n) != 0 ||
		    cw_lvars(cw, &x, &v, cs.id, cs.level, cs.next_at) != 0 ||
		    cw_notify(cw, m, cs.id, phones, n, key, x.v, 8) != 0)
			return -1;
		break;
	case LADDER_AWAY:
	case LADDER_TRANSFER:
		/* The school confirms where the child is, by a date; the
		 * ladder waits that long, then climbs (every step has a
		 * deadline: DOMAIN rule 5). */
		/* Another 外 on a case held already keeps the first date:
		 * a visit a week would otherwise hold it for ever. */
		if (strcmp(cs.hold, "whereabouts") != 0 || cs.next_at == 0)
			cs.next_at = ladder_after(l, m->now,
			    l->whereabouts_days, 100);
		cw_copy(cs.hold, sizeof cs.hold, "whereabouts");
		/* Asked of the school, and of whoever reported the absence,
		 * as a pause's RET is. */
		if (cw_collect_school(cw, &s, &v, phones, &n) != 0 ||
		    cw_add_opener(cw, &cs, phones, &n) != 0 ||
		    cw_lvars(cw, &x, &v, cs.id, cs.level, cs.next_at) != 0 ||
		    cw_notify(cw, m, cs.id, phones, n, "whereabouts_check",
		    x.v, 8) != 0)
			return -1;
		break;
	default:	/* refuse, unreachable */
		cs.hold[0] = '\0';
		if (cs.level < l->nlevels &&
		    (l->lv[cs.level].outcomes & (1u << o))) {
			if (store_case_update(cw->store, &cs) != STORE_OK ||
			    cw_climb(cw, m, &cs, m->now, NULL) != 0)
				return -1;
			goto reply;
		}
		cs.next_at = cw_next_at(cw, &cs, &v, cs.level,
		    cw_open_task_due(cw, &cs));
		break;
	}
	if (store_case_update(cw->store, &cs) != STORE_OK)
		return -1;
reply:
	snprintf(key, sizeof key, "outcome_%s", c->outcome);
	if (cw_case_label(cw, cs.id, x.label, sizeof x.label) != 0 ||
	    render(cw->cat, key, NULL, 0, word, sizeof word) != 0)
		return -1;
	rv[0] = (struct render_var){ "case", x.label };
	rv[1] = (struct render_var){ "student_no", v.student_no };
	rv[2] = (struct render_var){ "outcome", word };
	return cw_reply(cw, m, "vis_ok", rv, 3);
}

int
cw_ack(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *actor;
	struct store_task t[CW_MAX_TASKS];
	struct store_student s;
	struct store_case cs;
	struct cw_view v;
	char label[32];
	struct render_var rv[1] = { { "case", label } };
	size_t n, i, r2;
	int r, acked = 0;

	if ((r = cw_find_case(cw, m, c, 1, &s, &actor, &v, &cs)) <= 0)
		return r;
	/* Tasks of any of the sender's role rows. */
	for (r2 = 0; r2 < m->nroles; r2++) {
		if (store_tasks_of_case(cw->store, cs.id, m->roles[r2].id, t,
		    CW_MAX_TASKS, &n) != STORE_OK)
			return -1;
		for (i = 0; i < n; i++) {
			t[i].acked_at = m->now;
			t[i].remind_at = 0;	/* acknowledged: no reminder */
			if (store_task_update(cw->store, &t[i]) != STORE_OK)
				return -1;
			acked++;
		}
	}
	if (cw_case_label(cw, cs.id, label, sizeof label) != 0)
		return -1;
	if (acked == 0)
		return cw_reply(cw, m, "ack_none", rv, 1);
	if (cw_event(cw, m, cs.id, s.id, actor->id, "ack", NULL) != 0)
		return -1;
	return cw_reply(cw, m, "ack_ok", rv, 1);
}

int
cw_notice(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *actor;
	struct store_student s;
	struct store_case cs;
	struct cw_view v;
	struct cw_lvars x;
	int64_t due;
	int r;

	if ((r = cw_find_case(cw, m, c, 1, &s, &actor, &v, &cs)) <= 0)
		return r;
	if (cw_complete(cw, m, cs.id, "serve_notice", actor->id, "served") < 0)
		return -1;
	cs.notice_at = m->now;
	cw_copy(cs.last_action, sizeof cs.last_action, "notice");
	cs.last_action_at = m->now;
	/* The notice's deadline: the case's next step, unless a pause or a
	 * hold stands (cw_resume then waits for it); said either way. */
	due = cw_next_at(cw, &cs, &v, cs.level, cw_open_task_due(cw, &cs));
	if (!cs.hold[0])
		cs.next_at = due;
	if (store_case_update(cw->store, &cs) != STORE_OK ||
	    cw_event(cw, m, cs.id, s.id, actor->id, "notice", NULL) != 0 ||
	    cw_lvars(cw, &x, &v, cs.id, cs.level, due) != 0)
		return -1;
	return cw_reply(cw, m, due ? "notice_ok" : "notice_ok_open", x.v, 8);
}

int
cw_tasks(struct casework *cw, struct cw_msg *m)
{
	struct store_task t[CW_MAX_TASKS];
	struct store_case cs;
	char line[CW_REPLY_MAX], what[64], key[48], count[24];
	struct render_var hv[1] = { { "n", count } };
	struct cw_lvars x;
	struct cw_view v;
	size_t n, all, i, r, total = 0, shown = 0, o = 0;

	line[0] = '\0';
	for (r = 0; r < m->nroles; r++) {
		if (store_tasks_of_person(cw->store, m->roles[r].id, t,
		    CW_MAX_TASKS, &n, &all) != STORE_OK)
			return -1;
		total += all;	/* all are counted; four are listed */
		for (i = 0; i < n; i++) {
			if (shown == 4)
				break;
			snprintf(key, sizeof key, "task_what_%s", t[i].kind);
			if (cw_case_view(cw, t[i].case_id, &cs, &v) != 0 ||
			    cw_lvars(cw, &x, &v, cs.id, t[i].level,
			    t[i].due_at) != 0 ||
			    render(cw->cat, key, NULL, 0, what,
			    sizeof what) != 0)
				return -1;
			x.v[7] = (struct render_var){ "what", what };
			taskcode_make(t[i].id, x.code);
			x.v[8] = (struct render_var){ "code", x.code };
			if (cw_append(cw, line, sizeof line, &o,
			    "task_list_item", x.v, 9) != 0)
				return -1;
			shown++;
		}
	}
	if (total == 0)
		return cw_reply(cw, m, "tasks_none", NULL, 0);
	/* Those not listed are said to be there (a review: "您有6项任务："
	 * and four items). */
	snprintf(count, sizeof count, "%zu", total - shown);
	if (total > shown && cw_append(cw, line, sizeof line, &o,
	    "task_list_more", hv, 1) != 0)
		return -1;
	snprintf(count, sizeof count, "%zu", total);
	if (cw_reply(cw, m, "task_list_head", hv, 1) != 0)
		return -1;
	/* The items follow the head on the same line. */
	if (m->replylen + o + 1 > sizeof m->reply)
		return -1;
	memcpy(m->reply + m->replylen, line, o + 1);
	m->replylen += o;
	return 0;
}
