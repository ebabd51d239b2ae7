/*
 * Who may do what (DOMAIN.md roles): each command has the roles that may
 * run it, and each role row covers the students of its scope: the school
 * for school-line roles (a head teacher's class stands for its school),
 * the household village for village heads and cadres, both the schools and
 * the villages of a township or the county above them. A refusal never
 * tells whether a 学号 exists.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/mask.h"
#include "parsers/vocab.h"

/* May a role of this name run command k at all? */
static int
cw_role_may(const char *role, enum cmd_kind k)
{
	int r = vocab_role(role);

	switch (k) {
	case CMD_ABS:
	case CMD_LEAVE:
	case CMD_RET:
	case CMD_DROP:
		return vocab_role_reports_absence(r);
	case CMD_VIS:
		return vocab_role_reports_absence(r) ||
		    !strcmp(role, "village_head") ||
		    !strcmp(role, "village_cadre") ||
		    !strcmp(role, "township_official") ||
		    !strcmp(role, "township_head");
	case CMD_NOTICE:
		return !strcmp(role, "township_official") ||
		    !strcmp(role, "township_head");
	case CMD_SIGN:
		/* The school's 责任督学 co-signs its dropout reports. */
		return !strcmp(role, "inspector");
	case CMD_TERM:
		/* The school's report, by its first responsible person. */
		return !strcmp(role, "principal");
	case CMD_CLOSE:
		/* A transfer, delayed enrolment or schooling at home is the
		 * school's or the bureau's decision, not a teacher's. */
		return !strcmp(role, "principal") || !strcmp(role, "bureau");
	case CMD_CASE:
	case CMD_ACK:
	case CMD_SUM:
	case CMD_TASKS:
	case CMD_HELP:
		return r >= 0;
	default:
		return 0;
	}
}

/* Does role row p cover student s for command k? 1, 0, or -1 on error. */
static int
cw_covers(struct casework *cw, const struct store_person *p,
    const struct store_student *s, enum cmd_kind k)
{
	struct store_place cls;
	const char *scope = p->scope;
	int r = vocab_role(p->role), kind = vocab_role_scope_kind(r);
	enum store_rc rc;

	if (!strcmp(p->role, "head_teacher")) {
		/* Teachers and head teachers act on their whole school. */
		if (store_place_get(cw->store, p->scope, &cls) != STORE_OK)
			return -1;
		scope = cls.parent;
		kind = VOCAB_SCHOOL;
	}
	if (vocab_role_line(r) == VOCAB_SCHOOL_LINE && kind == VOCAB_SCHOOL)
		rc = store_place_within(cw->store, s->class_code, scope);
	else if (kind == VOCAB_VILLAGE || k == CMD_NOTICE)
		/* The written notice is the household village's township
		 * government's (DOMAIN rules 1, 5), not the school's. */
		rc = store_place_within(cw->store, s->village, scope);
	else {
		rc = store_place_within(cw->store, s->village, scope);
		if (rc == STORE_NOTFOUND)
			rc = store_place_within(cw->store, s->class_code, scope);
	}
	if (rc == STORE_OK)
		return 1;
	return rc == STORE_NOTFOUND ? 0 : -1;
}

int
cw_may(const struct cw_msg *m, enum cmd_kind k)
{
	size_t i;

	for (i = 0; i < m->nroles; i++)
		if (cw_role_may(m->roles[i].role, k))
			return 1;
	return 0;
}

static enum cw_auth
cw_authorize(struct casework *cw, struct cw_msg *m, enum cmd_kind k,
    const struct store_student *s, const struct store_person **actor)
{
	size_t i;
	int any = 0, r;

	for (i = 0; i < m->nroles; i++) {
		if (!cw_role_may(m->roles[i].role, k))
			continue;
		any = 1;
		if ((r = cw_covers(cw, &m->roles[i], s, k)) < 0)
			return CW_AUTH_ERR;
		if (r) {
			*actor = &m->roles[i];
			return CW_AUTH_OK;
		}
	}
	return any ? CW_AUTH_SCOPE : CW_AUTH_NO_ROLE;
}

int
cw_school_actor(struct casework *cw, const struct cw_msg *m,
    const struct store_student *s, const struct store_person **actor)
{
	size_t i;
	int r;

	for (i = 0; i < m->nroles; i++) {
		if (!vocab_role_reports_absence(vocab_role(m->roles[i].role)))
			continue;
		if ((r = cw_covers(cw, &m->roles[i], s, CMD_VIS)) < 0)
			return -1;
		if (r) {
			*actor = &m->roles[i];
			return 1;
		}
	}
	return 0;
}

int
cw_find_student(struct casework *cw, struct cw_msg *m, const struct cmd *c,
    struct store_student *s, const struct store_person **actor)
{
	struct render_var v[1] = { { "cmd", cmd_kind_name(c->kind) } };
	struct store_case cs;
	enum store_rc rc;
	enum cw_auth a = CW_AUTH_SCOPE;
	char label[32], masked[32];

	mask_phone(m->from, masked, sizeof masked);
	if (c->case_no) {
		rc = store_case_get(cw->store, c->case_no, &cs);
		if (rc == STORE_OK)
			rc = store_student_get_id(cw->store, cs.student_id, s);
	} else {
		rc = store_student_get(cw->store, c->student, s);
	}
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return -1;
	if (rc == STORE_OK)
		a = cw_authorize(cw, m, c->kind, s, actor);
	else if (!cw_may(m, c->kind))
		a = CW_AUTH_NO_ROLE;
	switch (a) {
	case CW_AUTH_OK:
		return 1;
	case CW_AUTH_ERR:
		return -1;
	case CW_AUTH_NO_ROLE:
		log_info("inbound %lld: refused %s from %s: no role for it",
		    (long long)m->inbound_id, cmd_kind_name(c->kind), masked);
		return cw_reply(cw, m, "refused_role", v, 1) == 0 ? 0 : -1;
	case CW_AUTH_SCOPE:
		break;
	}
	log_info("inbound %lld: refused %s from %s: %s not in scope or "
	    "unknown", (long long)m->inbound_id, cmd_kind_name(c->kind),
	    masked, c->case_no ? "case" : "student");
	if (c->case_no) {
		if (cw_case_label(cw, c->case_no, label, sizeof label) != 0)
			return -1;
		v[0] = (struct render_var){ "case", label };
		return cw_reply(cw, m, "refused_case", v, 1) == 0 ? 0 : -1;
	}
	v[0] = (struct render_var){ "student_no", c->student };
	return cw_reply(cw, m, "refused_student", v, 1) == 0 ? 0 : -1;
}
