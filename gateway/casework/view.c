/*
 * Shared pieces of the casework texts and records: how a student is shown,
 * case labels, notices to a list of people, and ledger events.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/log.h"
#include "parsers/mask.h"

int
cw_view(struct casework *cw, const struct store_student *s, struct cw_view *v)
{
	struct store_place cls, school, village, township;

	if (store_place_get(cw->store, s->class_code, &cls) != STORE_OK ||
	    store_place_get(cw->store, cls.parent, &school) != STORE_OK ||
	    store_place_get(cw->store, s->village, &village) != STORE_OK ||
	    store_place_get(cw->store, village.parent, &township) != STORE_OK)
		return -1;
	cw_copy(v->county_code, sizeof v->county_code, township.parent);
	v->special = s->categories[0] != '\0';
	/* Texts reach officials' phones: never an ID number inside. */
	mask_student_no(s->student_no, v->student_no, sizeof v->student_no);
	mask_name(s->name, v->name, sizeof v->name);
	cw_copy(v->class_name, sizeof v->class_name, cls.name);
	cw_copy(v->school_code, sizeof v->school_code, school.code);
	cw_copy(v->school, sizeof v->school, school.name);
	cw_copy(v->village, sizeof v->village, village.name);
	cw_copy(v->township_code, sizeof v->township_code, village.parent);
	return 0;
}

int
cw_case_label(struct casework *cw, int64_t id, char *buf, size_t sz)
{
	char n[24];
	struct render_var v = { "n", n };

	snprintf(n, sizeof n, "%lld", (long long)id);
	return render(cw->cat, "case_label", &v, 1, buf, sz);
}

int
cw_notify(struct casework *cw, struct cw_msg *m, int64_t case_id,
    char (*phones)[STORE_PHONE_MAX], size_t n, const char *key,
    const struct render_var *vars, size_t nvars)
{
	return cw_notify_kind(cw, m, case_id, phones, n, "notice", key, vars,
	    nvars);
}

int
cw_send(struct casework *cw, struct cw_msg *m, int64_t case_id,
    const char *phone, const char *kind, const char *key,
    const struct render_var *vars, size_t nvars)
{
	char text[CW_REPLY_MAX];

	if (render(cw->cat, key, vars, nvars, text, sizeof text) != 0) {
		log_warnx("casework: cannot render template %s", key);
		return -1;
	}
	return cw_enqueue(cw, phone, kind, text, m->inbound_id, case_id,
	    m->now);
}

int
cw_holders(struct casework *cw, const char *role, const char *place,
    char (*phones)[STORE_PHONE_MAX], size_t *n)
{
	struct store_person p[CW_ROLE_MAX];
	size_t k, i;

	if (store_people_in(cw->store, role, place, p, CW_ROLE_MAX, &k) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < k; i++) {
		if (*n >= CW_MAX_NOTIFY) {
			log_warnx("casework: more than %d people to tell; "
			    "%s at %s and any after left out", CW_MAX_NOTIFY,
			    role, place);
			break;
		}
		cw_copy(phones[(*n)++], STORE_PHONE_MAX, p[i].phone);
	}
	return 0;
}

int
cw_among(const char *phone, const char (*list)[STORE_PHONE_MAX], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(phone, list[i]))
			return 1;
	return 0;
}

int
cw_notify_watchers(struct casework *cw, struct cw_msg *m, int64_t case_id,
    const char *key, const struct render_var *vars, size_t nvars,
    const char (*skip)[STORE_PHONE_MAX], size_t nskip)
{
	char page[CW_MAX_NOTIFY][STORE_PHONE_MAX], after[STORE_PHONE_MAX] = "";
	size_t n, i;

	do {
		if (store_watchers(cw->store, case_id, after, page,
		    CW_MAX_NOTIFY, &n) != STORE_OK)
			return -1;
		if (n)
			cw_copy(after, sizeof after, page[n - 1]);
		for (i = 0; i < n; i++)
			if (cw_among(page[i], skip, nskip))
				page[i][0] = '\0';
		if (cw_notify(cw, m, case_id, page, n, key, vars, nvars) != 0)
			return -1;
	} while (n == CW_MAX_NOTIFY);
	return 0;
}

int
cw_collect_school(struct casework *cw, const struct store_student *s,
    const struct cw_view *v, char (*phones)[STORE_PHONE_MAX], size_t *n)
{
	*n = 0;
	return cw_holders(cw, "head_teacher", s->class_code, phones, n) ||
	    cw_holders(cw, "principal", v->school_code, phones, n) ? -1 : 0;
}

int
cw_notify_kind(struct casework *cw, struct cw_msg *m, int64_t case_id,
    char (*phones)[STORE_PHONE_MAX], size_t n, const char *kind,
    const char *key, const struct render_var *vars, size_t nvars)
{
	char text[CW_REPLY_MAX];
	size_t i, j;

	if (render(cw->cat, key, vars, nvars, text, sizeof text) != 0) {
		log_warnx("casework: cannot render template %s", key);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (phones[i][0] == '\0' || !strcmp(phones[i], m->from))
			continue;
		for (j = 0; j < i && strcmp(phones[j], phones[i]); j++)
			;
		if (j < i)
			continue;	/* one SMS per person, whatever roles */
		if (cw_enqueue(cw, phones[i], kind, text, m->inbound_id,
		    case_id, m->now) != 0)
			return -1;
	}
	return 0;
}

int
cw_date(struct casework *cw, int64_t t, char *buf, size_t sz)
{
	char mo[16], dd[16];
	struct render_var v[2] = { { "m", mo }, { "d", dd } };
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	snprintf(mo, sizeof mo, "%d", tm.tm_mon + 1);
	snprintf(dd, sizeof dd, "%d", tm.tm_mday);
	return render(cw->cat, "date_md", v, 2, buf, sz);
}

int
cw_event(struct casework *cw, struct cw_msg *m, int64_t case_id,
    int64_t student_id, int64_t actor_id, const char *what,
    const char *detail)
{
	return cw_event_at(cw, m, m->now, case_id, student_id, actor_id, what,
	    detail);
}

int
cw_event_at(struct casework *cw, struct cw_msg *m, int64_t at,
    int64_t case_id, int64_t student_id, int64_t actor_id, const char *what,
    const char *detail)
{
	struct store_event e = { case_id, student_id, actor_id, at, what,
	    detail, m->inbound_id };

	if (store_event_add(cw->store, &e) != STORE_OK) {
		log_warnx("casework: event %s: %s", what,
		    store_errmsg(cw->store));
		return -1;
	}
	return 0;
}

int
cw_case_view(struct casework *cw, int64_t case_id, struct store_case *cs,
    struct cw_view *v)
{
	struct store_student s;

	if (store_case_get(cw->store, case_id, cs) != STORE_OK ||
	    store_student_get_id(cw->store, cs->student_id, &s) != STORE_OK)
		return -1;
	return cw_view(cw, &s, v);
}
