/*
 * The weekly reminder of routine home visits (DOMAIN.md rule 4: every
 * family at least once a term, special-need students more often): late
 * in a term, with the Monday digest, each head teacher whose class has
 * students not visited enough yet is told who, by 学号 and masked name.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/mask.h"
#include "parsers/smslen.h"

#define CW_WEEK (7 * 86400)
/* A class's students kept, at most (all are counted). */
#define CW_VISITS_MAX 256
#define CW_VISITS_SEGMENTS 3
/* Named at most: three UCS-2 SMS hold about 190 characters, a student
 * at least six ("1 张*、"); the rest are counted in "等N人". */
#define CW_VISITS_NAMED 32

int
cw_visits_due(const struct casework *cw, int64_t week)
{
	int64_t n = (week - cw_term_start(week)) / CW_WEEK + 1;

	return cw->visits_remind_week > 0 && n >= cw->visits_remind_week &&
	    n <= CASEWORK_VISITS_LAST_WEEK;
}

/* Who of a class is still to be visited this term. */
struct cw_unvisited {
	int need, special_need;
	size_t n, special;
	struct {
		char no[STORE_STUDENT_MAX], name[STORE_NAME_MAX];
	} s[CW_VISITS_MAX];
	char class_name[STORE_NAME_MAX];
};

static void
cw_unvisited_line(void *arg, const struct store_visit_line *l)
{
	struct cw_unvisited *u = arg;

	cw_copy(u->class_name, sizeof u->class_name, l->class_name);
	if (l->visits >= (l->special ? u->special_need : u->need))
		return;
	if (l->special)
		u->special++;
	if (u->n < CW_VISITS_MAX) {
		mask_student_no(l->student_no, u->s[u->n].no,
		    sizeof u->s[0].no);
		mask_name(l->name, u->s[u->n].name, sizeof u->s[0].name);
	}
	u->n++;
}

/* The list of the first named students, and "等N人" for the rest: 0, or
 * -1 if it does not fit outsz (or a template failed to render). */
static int
cw_unvisited_list(struct casework *cw, const struct cw_unvisited *u,
    size_t named, char *out, size_t outsz)
{
	char item[160], cnt[24];
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i <= named; i++) {
		struct render_var v[2] = { { "student_no", NULL },
		    { "name", NULL } };
		struct render_var mv = { "n", cnt };

		if (i < named) {
			v[0].value = u->s[i].no;
			v[1].value = u->s[i].name;
			if (render(cw->cat, i ? "visits_remind_item_next" :
			    "visits_remind_item", v, 2, item,
			    sizeof item) != 0)
				return -1;
		} else if (named < u->n) {
			snprintf(cnt, sizeof cnt, "%zu", u->n);
			if (render(cw->cat, "visits_remind_more", &mv, 1, item,
			    sizeof item) != 0)
				return -1;
		} else
			break;
		if (len + strlen(item) >= outsz)
			return -1;
		memcpy(out + len, item, strlen(item) + 1);
		len += strlen(item);
	}
	return 0;
}

int
cw_visits_text(struct casework *cw, const char *class_code, int64_t week,
    char *out, size_t outsz)
{
	struct cw_unvisited *u = calloc(1, sizeof *u);
	char n[24], k[24], m[24], *list = malloc(CW_REPLY_MAX);
	char *probe = malloc(CW_REPLY_MAX + sizeof cw->signature);
	struct render_var v[5] = { { "class", NULL }, { "n", n },
	    { "special", k }, { "times", m }, { "list", list } };
	struct smslen len;
	size_t named;
	int rc = -1;

	if (u == NULL || list == NULL || probe == NULL)
		goto out;
	u->need = 1;
	u->special_need = cw->visits_special;
	if (store_class_visits(cw->store, class_code, cw_term_start(week),
	    cw_unvisited_line, u) != STORE_OK)
		goto out;
	if (u->n == 0) {
		rc = 0;
		goto out;
	}
	v[0].value = u->class_name;
	snprintf(n, sizeof n, "%zu", u->n);
	snprintf(k, sizeof k, "%zu", u->special);
	snprintf(m, sizeof m, "%d", cw->visits_special);
	/* Name as many as fit in three SMS with the signature: a list too
	 * long for the buffers names fewer too (a large class must not stop
	 * the digest's run). */
	for (named = u->n < CW_VISITS_NAMED ? u->n : CW_VISITS_NAMED;;
	    named--) {
		int fits = cw_unvisited_list(cw, u, named, list,
		    CW_REPLY_MAX) == 0 && render(cw->cat, "visits_remind", v,
		    5, out, outsz) == 0;

		if (fits) {
			snprintf(probe, CW_REPLY_MAX + sizeof cw->signature,
			    "%s%s", cw->signature, out);
			if (smslen_measure(probe, strlen(probe), &len) != 0)
				goto out;
			if (len.segments <= CW_VISITS_SEGMENTS)
				break;
		}
		if (named == 0)
			goto out;
	}
	rc = 1;
out:
	free(probe);
	free(list);
	free(u);
	return rc;
}
