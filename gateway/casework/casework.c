/*
 * Inbound dispatch: who sent it, what it says, and the reply. The domain
 * rules of each command live in their own files (absence.c, ...).
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/mask.h"
#include "parsers/smslen.h"

static const char *const cw_v_none[] = { NULL };
static const char *const cw_v_student[] = { "student_no", NULL };
static const char *const cw_v_abs_ok[] = {
	"student_no", "name", "class", "days", NULL
};
static const char *const cw_v_abs_ok_reason[] = {
	"student_no", "name", "class", "days", "reason", NULL
};
static const char *const cw_v_piece[] = { "n", NULL };
static const char *const cw_v_max[] = { "max", NULL };

const struct cw_template cw_templates[] = {
	{ "abs_ok", cw_v_abs_ok },
	{ "abs_ok_reason", cw_v_abs_ok_reason },
	{ "abs_unknown_student", cw_v_student },
	{ "abs_denied", cw_v_student },
	{ "abs_not_school_role", cw_v_none },
	{ "err_unknown", cw_v_none },
	{ "err_empty", cw_v_none },
	{ "err_too_long", cw_v_none },
	{ "err_too_many", cw_v_max },
	{ "err_abs_student", cw_v_none },
	{ "err_abs_days", cw_v_none },
	{ "err_abs_days_range", cw_v_none },
	{ "err_nothing_recorded", cw_v_piece },
	{ "unregistered", cw_v_none },
	{ "reason_illness", cw_v_none },
	{ "reason_family", cw_v_none },
	{ "reason_weariness", cw_v_none },
	{ "reason_poverty", cw_v_none },
	{ "reason_work", cw_v_none },
	{ "reason_marriage", cw_v_none },
	{ "reason_distance", cw_v_none },
	{ "reason_none", cw_v_none },
	{ NULL, NULL }
};

/* An unregistered number gets one answer a day at most. */
#define CW_UNREGISTERED_QUIET (24 * 3600)

struct casework *
casework_new(struct store *st, const struct catalog *cat,
    const struct command_parser *parser, const struct casework_cfg *cfg,
    char *err, size_t errsz)
{
	struct casework *cw;
	const struct cw_template *t;

	for (t = cw_templates; t->key; t++)
		if (catalog_require(cat, t->key, t->vars, err, errsz) != 0)
			return NULL;
	if ((cw = calloc(1, sizeof *cw)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	cw->store = st;
	cw->cat = cat;
	cw->parser = parser;
	snprintf(cw->signature, sizeof cw->signature, "%s",
	    cfg->signature ? cfg->signature : "");
	return cw;
}

void
casework_free(struct casework *cw)
{
	free(cw);
}

static int
cw_priority(const char *kind)
{
	/* A person waiting for an answer first; digests last. */
	if (!strcmp(kind, "reply"))
		return 0;
	if (!strcmp(kind, "escalation") || !strcmp(kind, "task"))
		return 1;
	if (!strcmp(kind, "digest"))
		return 3;
	return 2;
}

int
cw_enqueue(struct casework *cw, const char *to, const char *kind,
    const char *body, int64_t inbound_id, int64_t now)
{
	struct store_outbound m;
	int n;

	memset(&m, 0, sizeof m);
	n = snprintf(m.text, sizeof m.text, "%s%s", cw->signature, body);
	if (n < 0 || (size_t)n >= sizeof m.text) {
		log_warnx("casework: outbound text too long (%d bytes), "
		    "inbound %lld", n, (long long)inbound_id);
		return -1;
	}
	snprintf(m.to, sizeof m.to, "%s", to);
	snprintf(m.kind, sizeof m.kind, "%s", kind);
	m.priority = cw_priority(kind);
	m.inbound_id = inbound_id;
	m.created_at = now;
	m.due_at = now;
	if (store_outbound_enqueue(cw->store, &m, NULL) != STORE_OK) {
		log_warnx("casework: enqueue: %s", store_errmsg(cw->store));
		return -1;
	}
	return 0;
}

int
cw_reply(struct casework *cw, struct cw_msg *m, const char *key,
    const struct render_var *vars, size_t nvars)
{
	char line[CW_REPLY_MAX];
	size_t l;

	if (render(cw->cat, key, vars, nvars, line, sizeof line) != 0) {
		log_warnx("casework: cannot render template %s", key);
		return -1;
	}
	l = strlen(line);
	if (m->replylen + l + 2 > sizeof m->reply) {
		log_warnx("casework: reply too long, inbound %lld",
		    (long long)m->inbound_id);
		return -1;
	}
	if (m->replylen)
		m->reply[m->replylen++] = '\n';
	memcpy(m->reply + m->replylen, line, l + 1);
	m->replylen += l;
	return 0;
}

/* The error reply for a message the parser could not understand. */
static int
cw_parse_error(struct casework *cw, struct cw_msg *m,
    const struct cmd_list *l, const struct perr *e)
{
	char n[16], max[16];
	struct render_var vn = { "n", n }, vm = { "max", max };
	const char *key = "err_unknown";

	if (l->n > 0) {
		snprintf(n, sizeof n, "%zu", l->n + 1);
		if (cw_reply(cw, m, "err_nothing_recorded", &vn, 1) != 0)
			return -1;
	}
	switch (e->code) {
	case PERR_EMPTY:		key = "err_empty"; break;
	case PERR_TOO_LONG:		key = "err_too_long"; break;
	case PERR_TOO_MANY:
		snprintf(max, sizeof max, "%d", CMD_MAX);
		return cw_reply(cw, m, "err_too_many", &vm, 1);
	case PERR_MISSING_STUDENT:
	case PERR_BAD_STUDENT:		key = "err_abs_student"; break;
	case PERR_MISSING_DAYS:
	case PERR_BAD_DAYS:		key = "err_abs_days"; break;
	case PERR_DAYS_RANGE:		key = "err_abs_days_range"; break;
	default:			key = "err_unknown"; break;
	}
	return cw_reply(cw, m, key, NULL, 0);
}

int
casework_inbound(struct casework *cw, int64_t inbound_id, const char *from,
    const char *text, size_t len, int64_t now)
{
	struct cw_msg *m;
	struct cmd_list l;
	struct perr e;
	size_t i;
	int64_t recent;
	int rc = -1;
	char masked[32];

	if ((m = calloc(1, sizeof *m)) == NULL)
		return -1;
	m->inbound_id = inbound_id;
	m->from = from;
	m->now = now;
	mask_phone(from, masked, sizeof masked);
	if (store_people_by_phone(cw->store, from, m->roles, CW_MAX_ROLES,
	    &m->nroles) != STORE_OK)
		goto out;
	if (m->nroles == 0) {
		log_info("inbound %lld from unregistered %s",
		    (long long)inbound_id, masked);
		if (store_outbound_count_since(cw->store, from, "reply",
		    now - CW_UNREGISTERED_QUIET + 1, &recent) != STORE_OK)
			goto out;
		rc = 0;
		if (recent == 0 && cw_reply(cw, m, "unregistered", NULL, 0) == 0)
			rc = cw_enqueue(cw, from, "reply", m->reply,
			    inbound_id, now);
		goto out;
	}
	if (command_parse(cw->parser, text, len, &l, &e) != PERR_NONE) {
		log_info("inbound %lld from %s: not understood (%s at byte "
		    "%zu)", (long long)inbound_id, masked, perr_name(e.code),
		    e.off);
		if (cw_parse_error(cw, m, &l, &e) != 0)
			goto out;
	} else {
		for (i = 0; i < l.n; i++) {
			if (cw_abs(cw, m, &l.v[i]) != 0)
				goto out;
		}
	}
	rc = cw_enqueue(cw, from, "reply", m->reply, inbound_id, now);
out:
	free(m);
	return rc;
}
