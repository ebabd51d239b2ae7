/*
 * The case lifecycle (一人一案, 台账销号): open with both lines told at once,
 * a later absence folded into the open case, confirmed dropout, strike-off
 * (销号) telling everyone who was told, and CASE for reading one. Every
 * change is an event row; a case is never deleted.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/log.h"

#define CW_DAY 86400

/* The first person holding role in place, or 0. */
static int64_t
cw_first(struct casework *cw, const char *role, const char *place)
{
	struct store_person p;
	size_t n;

	if (store_people_in(cw->store, role, place, &p, 1, &n) != STORE_OK)
		return -1;
	return n ? p.id : 0;
}

/* Both lines of a student: head teacher, principal, inspector of the
 * school; village head of the household village, township office; and
 * the county education bureau, which the 48-hour rule says is told at
 * once (DOMAIN rule 1). */
static int
cw_dual_line(struct casework *cw, const struct store_student *s,
    const struct cw_view *v, char (*list)[STORE_PHONE_MAX], size_t *n)
{
	*n = 0;
	return cw_holders(cw, "head_teacher", s->class_code, list, n) ||
	    cw_holders(cw, "principal", v->school_code, list, n) ||
	    cw_holders(cw, "inspector", v->school_code, list, n) ||
	    cw_holders(cw, "village_head", s->village, list, n) ||
	    cw_holders(cw, "township_official", v->township_code, list, n) ||
	    cw_holders(cw, "bureau", v->county_code, list, n) ? -1 : 0;
}

/*
 * A confirmed dropout waits for the co-signature of the school's
 * inspector (SIGN): the inspectors are asked in a text of their own, by
 * case number (the 学号 an SMS carries may be masked), and are in
 * ask[0..*nask) to be left out of the notice everyone else gets, which
 * asks nothing of them (one SMS each, and nothing they could not do).
 * The co-signature has its deadline (cw_cosign_due).
 */
static int
cw_ask_cosign(struct casework *cw, struct cw_msg *m, int64_t case_id,
    const struct cw_view *v, const struct render_var *vars,
    char (*ask)[STORE_PHONE_MAX], size_t *nask)
{
	int64_t next = cw->cosign_days ? ladder_after(cw->ladder, m->now,
	    cw->cosign_days, 100) : 0;

	*nask = 0;
	if (cw_holders(cw, "inspector", v->school_code, ask, nask) != 0 ||
	    store_case_cosign_chase(cw->store, case_id, m->now, next, 0) !=
	    STORE_OK)
		return -1;
	return cw_notify(cw, m, case_id, ask, *nask, "sign_request", vars, 7);
}

/* The placeholders every case text may use. */
struct cw_case_vars {
	char label[32], days[16];
	struct render_var v[7];
};

static void
cw_case_vars(struct cw_case_vars *cv, const struct cw_view *v, int days)
{
	snprintf(cv->days, sizeof cv->days, "%d", days);
	cv->v[0] = (struct render_var){ "case", cv->label };
	cv->v[1] = (struct render_var){ "student_no", v->student_no };
	cv->v[2] = (struct render_var){ "name", v->name };
	cv->v[3] = (struct render_var){ "class", v->class_name };
	cv->v[4] = (struct render_var){ "school", v->school };
	cv->v[5] = (struct render_var){ "village", v->village };
	cv->v[6] = (struct render_var){ "days", cv->days };
}

int
cw_ask_cosign_of(struct casework *cw, struct cw_msg *m, int64_t case_id,
    const char *phone)
{
	struct cw_case_vars cv;
	struct store_case cs;
	struct cw_view v;

	if (cw_case_view(cw, case_id, &cs, &v) != 0 ||
	    cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, &v, cs.days_absent);
	return cw_send(cw, m, case_id, phone, "notice", "sign_request", cv.v,
	    7);
}

/* The school's inspectors who may co-sign case cs: not the one who
 * reported the dropout (SIGN refuses it), whatever rows they hold. */
static int
cw_cosigners(struct casework *cw, const struct store_case *cs,
    const struct cw_view *v, char (*to)[STORE_PHONE_MAX], size_t *n)
{
	char by[STORE_PHONE_MAX];
	size_t i, k = 0;

	*n = 0;
	if (cw_holders(cw, "inspector", v->school_code, to, n) != 0 ||
	    store_case_dropout_by(cw->store, cs->id, by, sizeof by) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < *n; i++)
		if (strcmp(to[i], by) != 0)
			memmove(to[k++], to[i], STORE_PHONE_MAX);
	*n = k;
	return 0;
}

/*
 * DOMAIN rule 5, every step a deadline and a responsible person: a
 * co-signature not given cosign_days after it was asked is asked again of
 * the school's inspectors, once; as long again, or at once if the school
 * has no inspector on the roster who may sign, the county's bureau (whose
 * inspectors they are) is told it is missing, and the chase ends (a new
 * inspector asked starts it again, cw_cosign_rechase). A case no longer
 * open, or signed, is not chased (a co-signature then still counts: it
 * vouches for the report). Recorded in the ledger at the time it was due.
 */
int
cw_cosign_due(struct casework *cw, struct cw_msg *m, int64_t case_id,
    int64_t at)
{
	char to[CW_ROLE_MAX][STORE_PHONE_MAX], wait[24], detail[32];
	struct render_var vars[8];
	struct cw_case_vars cv;
	struct store_case cs;
	struct cw_view v;
	int64_t due;
	size_t n = 0;
	const char *key;

	if (cw_case_view(cw, case_id, &cs, &v) != 0)
		return -1;
	if (cw->cosign_days == 0 || !cs.dropout || cs.cosigned_at ||
	    strcmp(cs.status, "open") != 0)
		return store_case_cosign_chase(cw->store, cs.id,
		    cs.cosign_asked_at, 0, cs.cosign_chased) == STORE_OK ?
		    0 : -1;
	/* Looked at before its deadline (migration 27 marks every waiting
	 * dropout to be looked at, however recent): its time is set. */
	due = ladder_after(cw->ladder, cs.cosign_asked_at, cw->cosign_days,
	    100);
	if (cs.cosign_chased == 0 && at < due)
		return store_case_cosign_chase(cw->store, cs.id,
		    cs.cosign_asked_at, due, 0) == STORE_OK ? 0 : -1;
	if (cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, &v, cs.days_absent);
	memcpy(vars, cv.v, sizeof cv.v);
	snprintf(wait, sizeof wait, "%lld",
	    (long long)((at - cs.cosign_asked_at + CW_DAY / 2) / CW_DAY));
	vars[7] = (struct render_var){ "wait", wait };
	if (cs.cosign_chased == 0 && cw_cosigners(cw, &cs, &v, to, &n) != 0)
		return -1;
	if (n > 0) {
		snprintf(detail, sizeof detail, "inspectors=%zu", n);
		if (cw_notify_kind(cw, m, cs.id, to, n, "reminder",
		    "sign_reminder", vars, 8) != 0 ||
		    cw_event_at(cw, m, at, cs.id, cs.student_id, 0,
		    "cosign_remind", detail) != 0 ||
		    store_case_cosign_chase(cw->store, cs.id,
		    cs.cosign_asked_at, ladder_after(cw->ladder, at,
		    cw->cosign_days, 100), 1) != STORE_OK)
			return -1;
		log_info("case %lld: co-signature chased, %zu inspector(s)",
		    (long long)cs.id, n);
		return 0;
	}
	key = cs.cosign_chased ? "sign_overdue_notice" :
	    "sign_overdue_no_inspector";
	if (cw_holders(cw, "bureau", v.county_code, to, &n) != 0 ||
	    cw_notify_kind(cw, m, cs.id, to, n, "escalation", key, vars,
	    8) != 0 ||
	    cw_event_at(cw, m, at, cs.id, cs.student_id, 0, "cosign_overdue",
	    cs.cosign_chased ? NULL : "no_inspector") != 0 ||
	    store_case_cosign_chase(cw->store, cs.id, cs.cosign_asked_at, 0,
	    2) != STORE_OK)
		return -1;
	log_info("case %lld: co-signature missing, %zu bureau holder(s) told",
	    (long long)cs.id, n);
	return 0;
}

int
cw_cosign_rechase(struct casework *cw, int64_t case_id, int64_t now)
{
	struct store_case cs;
	int64_t next;

	if (cw->cosign_days == 0)
		return 0;
	if (store_case_get(cw->store, case_id, &cs) != STORE_OK)
		return -1;
	/* A chase under way keeps its deadline: inspectors come and go,
	 * and the bureau is not put off by each one. */
	if (cs.cosign_chased < 2)
		return 0;
	next = ladder_after(cw->ladder, now, cw->cosign_days, 100);
	return store_case_cosign_chase(cw->store, cs.id, cs.cosign_asked_at,
	    next, 1) == STORE_OK ? 0 : -1;
}

int
cw_case_open(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct store_student *s, const struct cw_view *v,
    const struct store_person *rep, int dropout)
{
	/* The dual line, then the reporter and the task's person. */
	char list[CW_MAX_NOTIFY + 2][STORE_PHONE_MAX], detail[96];
	char assignee[STORE_PHONE_MAX], ask[CW_ROLE_MAX][STORE_PHONE_MAX];
	struct cw_case_vars cv;
	struct store_case cs;
	size_t n, i, nask = 0;

	memset(&cs, 0, sizeof cs);
	cs.student_id = s->id;
	cw_ladder_plan(cw, &cs, v, m->now);
	cs.dropout = dropout;
	cw_copy(cs.reason, sizeof cs.reason, c->reason ? c->reason : "");
	cs.days_absent = c->days;
	cs.absent_since = m->now - (int64_t)c->days * CW_DAY;
	cs.opened_by = rep->id;
	cs.opened_at = m->now;
	if ((cs.school_resp = cw_first(cw, "head_teacher", s->class_code)) < 0 ||
	    (cs.gov_resp = cw_first(cw, "village_head", s->village)) < 0)
		return -1;
	cw_copy(cs.last_action, sizeof cs.last_action, "open");
	cs.last_action_at = m->now;
	if (store_case_open(cw->store, &cs) != STORE_OK)
		return -1;
	snprintf(detail, sizeof detail, "days=%d reason=%s dropout=%d",
	    c->days, c->reason ? c->reason : "", dropout);
	if (cw_event(cw, m, cs.id, s->id, rep->id, "open", detail) != 0 ||
	    cw_dual_line(cw, s, v, list, &n) != 0 ||
	    cw_ladder_start(cw, m, &cs, s, v, assignee) != 0)
		return -1;
	/* Told of the opening, told of the end: the dual line, the reporter
	 * and the task's person, in one statement. */
	cw_copy(list[n], STORE_PHONE_MAX, m->from);
	cw_copy(list[n + 1], STORE_PHONE_MAX, assignee);
	if (store_watchers_add(cw->store, cs.id, list, n + 2) != STORE_OK)
		return -1;
	if (cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, v, c->days);
	if (dropout && cw_ask_cosign(cw, m, cs.id, v, cv.v, ask, &nask) != 0)
		return -1;
	/* Level 1 of the ladder: its task SMS tells the village head all a
	 * notice would, so the task's person gets no notice besides; nor
	 * does an inspector asked to co-sign (who, holding the task as
	 * well, gets both asks: two SMS, two things to do). */
	for (i = 0; i < n; i++)
		if (!strcmp(list[i], assignee) || cw_among(list[i], ask, nask))
			list[i][0] = '\0';
	log_info("inbound %lld: case %lld opened%s, %zu notice(s)",
	    (long long)m->inbound_id, (long long)cs.id,
	    dropout ? " (dropout)" : "", n);
	if (cw_notify(cw, m, cs.id, list, n, dropout ? "case_dropout_notice" :
	    "case_open_notice", cv.v, 7) != 0)
		return -1;
	return cw_reply(cw, m, dropout ? "case_dropout_opened" : "case_opened",
	    cv.v, 7);
}

int
cw_case_absence(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    struct store_case *cs, const struct cw_view *v,
    const struct store_person *rep)
{
	struct cw_case_vars cv;
	int64_t since = m->now - (int64_t)c->days * CW_DAY;
	char detail[64];

	cs->days_absent = c->days;
	if (since < cs->absent_since)
		cs->absent_since = since;
	cw_copy(cs->last_action, sizeof cs->last_action, "update");
	cs->last_action_at = m->now;
	snprintf(detail, sizeof detail, "days=%d", c->days);
	if (store_case_update(cw->store, cs) != STORE_OK ||
	    cw_event(cw, m, cs->id, cs->student_id, rep->id, "update",
	    detail) != 0 ||
	    cw_case_label(cw, cs->id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, v, c->days);
	return cw_reply(cw, m, "case_updated", cv.v, 7);
}

int
cw_drop(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	char ask[CW_ROLE_MAX][STORE_PHONE_MAX];
	const struct store_person *rep;
	struct store_student s;
	struct store_case cs;
	struct cw_case_vars cv;
	struct cw_view v;
	enum store_rc rc;
	size_t nask;
	int r;

	if ((r = cw_find_student(cw, m, c, &s, &rep)) <= 0)
		return r;
	if (cw_view(cw, &s, &v) != 0)
		return -1;
	rc = store_case_of_student(cw->store, s.id, 1, &cs);
	if (rc == STORE_NOTFOUND)
		return cw_case_open(cw, m, c, &s, &v, rep, 1);
	if (rc != STORE_OK ||
	    cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, &v, cs.days_absent);
	/* A confirmed dropout refutes "left the area"/"transferred". */
	if (cw_ladder_refute(cw, m, &cs) != 0)
		return -1;
	if (cs.dropout)
		return cw_reply(cw, m, "drop_already", cv.v, 7);
	cs.dropout = 1;
	cw_copy(cs.last_action, sizeof cs.last_action, "dropout");
	cs.last_action_at = m->now;
	if (store_case_update(cw->store, &cs) != STORE_OK ||
	    cw_event(cw, m, cs.id, s.id, rep->id, "dropout",
	    c->reason ? c->reason : NULL) != 0 ||
	    cw_ask_cosign(cw, m, cs.id, &v, cv.v, ask, &nask) != 0 ||
	    cw_notify_watchers(cw, m, cs.id, "case_dropout_raised_notice",
	    cv.v, 7, ask, nask) != 0)
		return -1;
	return cw_reply(cw, m, "drop_raised", cv.v, 7);
}

/*
 * Ends an open case, by a return (status "returned") or otherwise (CLOSE):
 * its ladder stopped and open tasks done with the status for outcome,
 * closed by actor now, the event (what, detail) recorded, and cv->label
 * set for the texts.
 */
static int
cw_case_end(struct casework *cw, struct cw_msg *m, struct store_case *cs,
    int64_t actor, const char *status, const char *what, const char *detail,
    struct cw_case_vars *cv)
{
	if (cw_ladder_stop(cw, m, cs, actor, status) != 0)
		return -1;
	cw_copy(cs->status, sizeof cs->status, status);
	cs->closed_by = actor;
	cs->closed_at = m->now;
	cw_copy(cs->last_action, sizeof cs->last_action, what);
	cs->last_action_at = m->now;
	if (store_case_update(cw->store, cs) != STORE_OK ||
	    cw_event(cw, m, cs->id, cs->student_id, actor, what, detail) != 0 ||
	    cw_case_label(cw, cs->id, cv->label, sizeof cv->label) != 0)
		return -1;
	return 0;
}

/*
 * A registration (CLOSE) is the principal's or the bureau's word: the
 * RET that ends it, with no case open, is told to the school's
 * principals and to whoever registered the student (not the sender). x:
 * student_no, name, closure.
 */
static int
cw_unregistered_notice(struct casework *cw, struct cw_msg *m,
    const struct store_student *s, const struct cw_view *v,
    const struct render_var *x)
{
	char to[CW_MAX_NOTIFY + 1][STORE_PHONE_MAX];
	size_t n = 0;

	if (cw_holders(cw, "principal", v->school_code, to, &n) != 0 ||
	    store_student_registrar(cw->store, s->id, to[n],
	    sizeof to[n]) != STORE_OK)
		return -1;
	if (to[n][0] != '\0')
		n++;
	return cw_notify(cw, m, 0, to, n, "ret_unregistered_notice", x, 3);
}

int
cw_ret(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *rep;
	struct store_student s;
	struct store_case cs;
	struct cw_case_vars cv;
	struct cw_view v;
	enum store_rc rc;
	char detail[48], how[32];
	int r, out;

	if ((r = cw_find_student(cw, m, c, &s, &rep)) <= 0)
		return r;
	if (cw_view(cw, &s, &v) != 0)
		return -1;
	/* Back in school: registered as away (CLOSE) no more; the event and
	 * the reply say so. */
	detail[0] = '\0';
	if (s.excused_as[0]) {
		snprintf(detail, sizeof detail, "excused_as=%s",
		    s.excused_as);
		if (store_student_excuse(cw->store, s.id, NULL) != STORE_OK ||
		    cw_closure(cw, s.excused_as, how, sizeof how) != 0)
			return -1;
	}
	rc = store_case_of_student(cw->store, s.id, 1, &cs);
	if (rc == STORE_NOTFOUND) {
		/* Recorded all the same: the ledger shows who said so. */
		cw_case_vars(&cv, &v, 0);
		if (cw_event(cw, m, 0, s.id, rep->id, "return_no_case",
		    detail[0] ? detail : NULL) != 0)
			return -1;
		if (s.excused_as[0]) {
			struct render_var x[3] = { cv.v[1], cv.v[2],
			    { "closure", how } };

			if (cw_unregistered_notice(cw, m, &s, &v, x) != 0)
				return -1;
			return cw_reply(cw, m, "ret_unregistered", x, 3);
		}
		return cw_reply(cw, m, "ret_no_case", cv.v + 1, 2);
	}
	if (rc != STORE_OK)
		return -1;
	out = (int)((m->now - cs.absent_since + CW_DAY - 1) / CW_DAY);
	snprintf(detail, sizeof detail, "days_out=%d%s%s", out,
	    s.excused_as[0] ? " excused_as=" : "", s.excused_as);
	if (cw_case_end(cw, m, &cs, rep->id, "returned", "return", detail,
	    &cv) != 0)
		return -1;
	cw_case_vars(&cv, &v, out);
	log_info("inbound %lld: case %lld struck off after %d day(s)",
	    (long long)m->inbound_id, (long long)cs.id, out);
	if (cw_notify_watchers(cw, m, cs.id, "case_closed_notice", cv.v,
	    7, NULL, 0) != 0)
		return -1;
	return cw_reply(cw, m, "ret_ok", cv.v, 7);
}

/*
 * CLOSE on a student with no open case (rule 7's "prevent one"): the
 * student is registered as transferred, deferred or schooled at home, so
 * that absences open no case until RET. Once is enough.
 */
static int
cw_excuse(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    const struct store_student *s, const struct cw_view *v,
    const struct store_person *actor, const char *how, const char *detail)
{
	struct render_var x[3] = {
		{ "student_no", v->student_no }, { "name", v->name },
		{ "closure", how }
	};
	const char *as = c->outcome;

	if (!strcmp(s->excused_as, as))
		return cw_reply(cw, m, "excuse_already", x, 3);
	if (store_student_excuse(cw->store, s->id, as) != STORE_OK ||
	    cw_event(cw, m, 0, s->id, actor->id, "excuse", detail) != 0)
		return -1;
	log_info("inbound %lld: student registered as %s",
	    (long long)m->inbound_id, as);
	return cw_reply(cw, m, "excuse_ok", x, 3);
}

/*
 * CLOSE: the case ends otherwise than by a return (DOMAIN rule 7): a
 * proper transfer, delayed enrolment (延缓入学) or schooling at home
 * (送教上门), on the word of the student's principal or the county
 * bureau. As at a return the ladder stops, its tasks are done, and
 * everyone who was told of the case is told how it ended; the status
 * says how, so that no count takes it for a return.
 */
int
cw_close(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *actor;
	struct store_student s;
	struct store_case cs;
	struct cw_case_vars cv;
	struct render_var x[8];
	struct cw_view v;
	char how[32], detail[CMD_NOTE_MAX + 32];
	enum store_rc rc;
	int r;

	if ((r = cw_find_case_or_none(cw, m, c, 1, &s, &actor, &v, &cs)) <= 0)
		return r;
	if (cw_closure(cw, c->outcome, how, sizeof how) != 0)
		return -1;
	/* Why, in the sender's words (which school, whose approval): kept
	 * for the record until retention wipes words. */
	cw_detail_note(detail, sizeof detail, "how", c);
	if (r == 2 && c->case_no) {
		/* A case number of a case no longer open: the student's open
		 * one, if any, is named rather than the student registered
		 * beside it. */
		rc = store_case_of_student(cw->store, s.id, 1, &cs);
		if (rc != STORE_OK && rc != STORE_NOTFOUND)
			return -1;
		if (rc == STORE_OK) {
			char asked[32], open[32];
			struct render_var y[4] = {
				{ "case", asked }, { "student_no", v.student_no },
				{ "name", v.name }, { "open", open }
			};

			if (cw_case_label(cw, c->case_no, asked,
			    sizeof asked) != 0 ||
			    cw_case_label(cw, cs.id, open, sizeof open) != 0)
				return -1;
			return cw_reply(cw, m, "close_not_open", y, 4);
		}
	}
	if (r == 2)
		return cw_excuse(cw, m, c, &s, &v, actor, how, detail);
	/* Its absences open no case from now on either, until RET. */
	if (store_student_excuse(cw->store, s.id, c->outcome) != STORE_OK)
		return -1;
	if (cw_case_end(cw, m, &cs, actor->id, c->outcome, "close", detail,
	    &cv) != 0)
		return -1;
	cw_case_vars(&cv, &v, cs.days_absent);
	memcpy(x, cv.v, sizeof cv.v);
	x[7] = (struct render_var){ "closure", how };
	log_info("inbound %lld: case %lld closed (%s)",
	    (long long)m->inbound_id, (long long)cs.id, c->outcome);
	if (cw_notify_watchers(cw, m, cs.id, "case_ended_notice", x, 8, NULL,
	    0) != 0)
		return -1;
	return cw_reply(cw, m, "close_ok", x, 8);
}

/*
 * SIGN: the school's inspector co-signs a confirmed dropout (DOMAIN.md:
 * the 责任督学 "must co-sign a school's dropout report"), once; the
 * school's head teacher and principal are told. The case's place on the
 * ladder does not change: the co-signature vouches for the report.
 */
int
cw_sign(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	char phones[CW_MAX_NOTIFY][STORE_PHONE_MAX], when[32];
	char by[STORE_PHONE_MAX];
	const struct store_person *actor;
	struct store_student s;
	struct store_case cs;
	struct cw_case_vars cv;
	struct render_var x[8];
	struct cw_view v;
	enum store_rc rc;
	size_t n;
	int r;

	/* A report stands when the student has come back meanwhile. */
	if ((r = cw_find_case(cw, m, c, 0, &s, &actor, &v, &cs)) <= 0)
		return r;
	if (cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	cw_case_vars(&cv, &v, cs.days_absent);
	if (!cs.dropout)
		return cw_reply(cw, m, "sign_not_dropout", cv.v, 7);
	/* A co-signature is a second person's (one human may hold both
	 * principal and inspector rows). */
	if (store_case_dropout_by(cw->store, cs.id, by, sizeof by) != STORE_OK)
		return -1;
	if (!strcmp(by, m->from))
		return cw_reply(cw, m, "sign_own", cv.v, 7);
	if ((rc = store_case_cosign(cw->store, cs.id, actor->id, m->now)) ==
	    STORE_DUP) {
		if (cw_date(cw, cs.cosigned_at, when, sizeof when) != 0)
			return -1;
		memcpy(x, cv.v, sizeof cv.v);
		x[7] = (struct render_var){ "when", when };
		return cw_reply(cw, m, "sign_already", x, 8);
	}
	if (rc != STORE_OK ||
	    cw_event(cw, m, cs.id, s.id, actor->id, "cosign", NULL) != 0 ||
	    cw_collect_school(cw, &s, &v, phones, &n) != 0 ||
	    cw_notify(cw, m, cs.id, phones, n, "sign_notice", cv.v, 7) != 0)
		return -1;
	log_info("inbound %lld: case %lld dropout co-signed",
	    (long long)m->inbound_id, (long long)cs.id);
	return cw_reply(cw, m, "sign_ok", cv.v, 7);
}

void
casework_status_key(char *buf, size_t sz, const char *status, int dropout,
    int cosigned)
{
	int open = !strcmp(status, "open");

	snprintf(buf, sz, "status_%s%s%s", status, open && dropout ?
	    "_dropout" : "", open && dropout && cosigned ? "_signed" : "");
}

/* A person's name for texts, or the "nobody yet" template. */
static int
cw_person_name(struct casework *cw, int64_t id, char *buf, size_t sz)
{
	struct store_person p;

	if (id == 0 || store_person_get(cw->store, id, &p) != STORE_OK)
		return render(cw->cat, "resp_none", NULL, 0, buf, sz);
	cw_copy(buf, sz, p.name);
	return 0;
}

/* CASE on a student with no case: said, with a registration by CLOSE
 * if there is one (nothing else shows it). */
static int
cw_case_none(struct casework *cw, struct cw_msg *m,
    const struct store_student *s, const struct cw_view *v)
{
	struct render_var x[3] = {
		{ "student_no", v->student_no }, { "name", v->name },
		{ "closure", NULL }
	};
	char how[32];

	if (!s->excused_as[0])
		return cw_reply(cw, m, "case_none", x, 2);
	if (cw_closure(cw, s->excused_as, how, sizeof how) != 0)
		return -1;
	x[2].value = how;
	return cw_reply(cw, m, "case_none_registered", x, 3);
}

int
cw_case(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	const struct store_person *who;
	struct store_student s;
	struct store_case cs;
	struct cw_case_vars cv;
	struct cw_view v;
	char status[64], level[8], sresp[STORE_NAME_MAX], gresp[STORE_NAME_MAX];
	char action[64], key[48], when[32], mo[16], dd[16], how[32];
	struct render_var dv[2] = { { "m", mo }, { "d", dd } };
	struct tm tm;
	time_t t;
	int r, days;

	if ((r = cw_find_case_or_none(cw, m, c, 0, &s, &who, &v, &cs)) <= 0)
		return r;
	if (r == 2)
		return cw_case_none(cw, m, &s, &v);
	if (cw_case_label(cw, cs.id, cv.label, sizeof cv.label) != 0)
		return -1;
	/* Registered after the last case ended otherwise (a CLOSE that
	 * ended it shows in its status): that is the news. */
	if (s.excused_as[0] && strcmp(cs.status, "open") != 0 &&
	    strcmp(cs.status, s.excused_as) != 0) {
		struct render_var x[4] = {
			{ "student_no", v.student_no }, { "name", v.name },
			{ "closure", how }, { "case", cv.label }
		};

		if (cw_closure(cw, s.excused_as, how, sizeof how) != 0)
			return -1;
		return cw_reply(cw, m, "case_over_registered", x, 4);
	}
	days = (int)(((cs.closed_at ? cs.closed_at : m->now) - cs.absent_since +
	    CW_DAY - 1) / CW_DAY);
	cw_case_vars(&cv, &v, days);
	casework_status_key(key, sizeof key, cs.status, cs.dropout,
	    cs.cosigned_at != 0);
	snprintf(level, sizeof level, "%d", cs.level);
	t = (time_t)cs.last_action_at;
	localtime_r(&t, &tm);
	snprintf(mo, sizeof mo, "%d", tm.tm_mon + 1);
	snprintf(dd, sizeof dd, "%d", tm.tm_mday);
	if (render(cw->cat, key, NULL, 0, status, sizeof status) != 0 ||
	    cw_person_name(cw, cs.school_resp, sresp, sizeof sresp) != 0 ||
	    cw_person_name(cw, cs.gov_resp, gresp, sizeof gresp) != 0 ||
	    (snprintf(key, sizeof key, "action_%s", cs.last_action),
	    render(cw->cat, key, NULL, 0, action, sizeof action)) != 0 ||
	    render(cw->cat, "date_md", dv, 2, when, sizeof when) != 0)
		return -1;
	{
		struct render_var x[] = {
			{ "case", cv.label }, { "student_no", v.student_no },
			{ "name", v.name }, { "status", status },
			{ "level", level }, { "days", cv.days },
			{ "resp", sresp }, { "gov_resp", gresp },
			{ "action", action }, { "when", when },
		};

		return cw_reply(cw, m, "case_status", x,
		    sizeof x / sizeof x[0]);
	}
}
