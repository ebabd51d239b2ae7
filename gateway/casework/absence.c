/*
 * ABS: an unexcused absence reported by someone on the school line whose
 * scope holds the student's class. Recorded with reporter, days, reason and
 * the inbound message it came from; confirmed to the reporter with the
 * 学号, a masked name and the class, never more.
 * (Cases, the 48-hour rule and dual-line notices build on this.)
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/mask.h"
#include "parsers/vocab.h"

/* The sender's row that may report for this student, or NULL. */
static const struct store_person *
cw_abs_reporter(struct casework *cw, struct cw_msg *m,
    const struct store_student *s, int *school_role, int *err)
{
	size_t i;
	enum store_rc rc;

	*school_role = 0;
	*err = 0;
	for (i = 0; i < m->nroles; i++) {
		if (!vocab_role_reports_absence(vocab_role(m->roles[i].role)))
			continue;
		*school_role = 1;
		rc = store_place_within(cw->store, s->class_code,
		    m->roles[i].scope);
		if (rc == STORE_OK)
			return &m->roles[i];
		if (rc != STORE_NOTFOUND) {
			*err = 1;
			return NULL;
		}
	}
	return NULL;
}

int
cw_abs(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	struct store_student s;
	struct store_place cls;
	struct store_absence a;
	const struct store_person *rep;
	struct render_var v[5];
	char name[STORE_NAME_MAX], days[8], reason[64], key[32];
	int school_role, err;
	enum store_rc rc;

	v[0] = (struct render_var){ "student_no", c->student };
	rc = store_student_get(cw->store, c->student, &s);
	if (rc == STORE_NOTFOUND)
		return cw_reply(cw, m, "abs_unknown_student", v, 1);
	if (rc != STORE_OK)
		return -1;
	rep = cw_abs_reporter(cw, m, &s, &school_role, &err);
	if (err)
		return -1;
	if (rep == NULL)
		return school_role ? cw_reply(cw, m, "abs_denied", v, 1) :
		    cw_reply(cw, m, "abs_not_school_role", NULL, 0);

	memset(&a, 0, sizeof a);
	a.student_id = s.id;
	a.reporter_id = rep->id;
	a.days = c->days;
	a.reason = c->reason;
	a.note = c->note;
	a.inbound_id = m->inbound_id;
	a.reported_at = m->now;
	if (store_absence_add(cw->store, &a, NULL) != STORE_OK) {
		log_warnx("absence: %s", store_errmsg(cw->store));
		return -1;
	}
	if (store_place_get(cw->store, s.class_code, &cls) != STORE_OK)
		return -1;
	mask_name(s.name, name, sizeof name);
	snprintf(days, sizeof days, "%d", c->days);
	v[1] = (struct render_var){ "name", name };
	v[2] = (struct render_var){ "class", cls.name };
	v[3] = (struct render_var){ "days", days };
	if (c->reason == NULL)
		return cw_reply(cw, m, "abs_ok", v, 4);
	snprintf(key, sizeof key, "reason_%s", c->reason);
	if (render(cw->cat, key, NULL, 0, reason, sizeof reason) != 0)
		return -1;
	v[4] = (struct render_var){ "reason", reason };
	return cw_reply(cw, m, "abs_ok_reason", v, 5);
}
