/*
 * USSD menus: numbered pages for people who will never learn a syntax.
 * The session's state is a small struct the transport keeps (casework.h);
 * each step reads one input, moves along a stack of pages and renders the
 * next page from the templates, never longer than one USSD screen. Lists
 * are paged to fit. An action is never applied here: its last page hands
 * the transport a command text, which goes through the pipeline as an
 * inbound message of channel "ussd" and is applied there like any SMS;
 * the numbered choices of a task are those of its SMS (menu.c).
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/mask.h"
#include "parsers/normalize.h"
#include "parsers/smslen.h"
#include "parsers/taskcode.h"
#include "parsers/vocab.h"

/* Pages. */
enum mu_page {
	MU_MAIN, MU_ASK_STUDENT, MU_ASK_DAYS, MU_ASK_REASON, MU_CONFIRM,
	MU_CASES, MU_TASKS, MU_TASK_CHOICE, MU_ASK_NOTE, MU_SUM, MU_OVERDUE,
	MU_DONE
};

/* The main menu: the digit of each item is fixed, whoever sees it. */
enum mu_item {
	MU_ABS = 1, MU_RET, MU_LEAVE, MU_CASES_ITEM, MU_TASKS_ITEM, MU_SUM_ITEM,
	MU_OVERDUE_ITEM, MU_NITEMS
};
static const char *const mu_item_keys[MU_NITEMS] = {
	NULL, "ussd_item_abs", "ussd_item_ret", "ussd_item_leave",
	"ussd_item_cases", "ussd_item_tasks", "ussd_item_sum",
	"ussd_item_overdue"
};

/* The reasons offered for an absence, in the order shown. */
static const char *const mu_reasons[] = {
	"illness", "family", "weariness", "poverty", "work", "marriage",
	"distance", "none", NULL
};

#define MU_BODY_MAX 1024
#define MU_MAX_TASKS 64

/* Who the sender is, for one step. */
struct mu_ctx {
	struct casework *cw;
	struct menu_state *st;
	struct cw_msg *m;		/* roles; reply holds refusals */
	struct menu_page *out;
	const char *err;		/* error line of the page, or NULL */
	char errbuf[CW_REPLY_MAX];
};

static int
mu_is_teacher(const struct cw_msg *m, const char **scope)
{
	size_t i;

	for (i = 0; i < m->nroles; i++)
		if (vocab_role_reports_absence(vocab_role(m->roles[i].role))) {
			if (scope)
				*scope = m->roles[i].role;
			return 1;
		}
	return 0;
}

/* A role that reviews a place: principal, inspector, bureau, township,
 * county. *scope gets its place code. */
static int
mu_is_leader(const struct cw_msg *m, const char **scope)
{
	static const char *const leaders[] = {
		"principal", "inspector", "bureau", "township_official",
		"township_head", "county", NULL
	};
	size_t i, k;

	for (i = 0; i < m->nroles; i++)
		for (k = 0; leaders[k]; k++)
			if (!strcmp(m->roles[i].role, leaders[k])) {
				if (scope)
					*scope = m->roles[i].scope;
				return 1;
			}
	return 0;
}

static int
mu_item_shown(const struct cw_msg *m, int item)
{
	switch (item) {
	case MU_ABS:
	case MU_RET:
	case MU_LEAVE:
	case MU_CASES_ITEM:
		return mu_is_teacher(m, NULL);
	case MU_TASKS_ITEM:
		return 1;	/* anyone may be given a task */
	case MU_SUM_ITEM:
	case MU_OVERDUE_ITEM:
		return mu_is_leader(m, NULL);
	default:
		return 0;
	}
}

static struct menu_frame *
mu_top(struct menu_state *st)
{
	return &st->stack[st->depth - 1];
}

/* A new page on the stack; a full stack loses its oldest page. */
static void
mu_push(struct menu_state *st, int page, int offset)
{
	if (st->depth == MENU_DEPTH) {
		memmove(&st->stack[1], &st->stack[2],
		    (MENU_DEPTH - 2) * sizeof st->stack[0]);
		st->depth--;
	}
	st->stack[st->depth].page = page;
	st->stack[st->depth].offset = offset;
	st->stack[st->depth].shown = 0;
	st->depth++;
}

/* Appends a rendered template to buf. */
static int
mu_cat(struct casework *cw, char *buf, size_t sz, const char *key,
    const struct render_var *v, size_t nv)
{
	size_t o = strlen(buf);

	return render(cw->cat, key, v, nv, buf + o, sz - o);
}

/* error line, body, navigation: 1 if it fits one screen. */
static int
mu_compose(struct mu_ctx *x, const char *body, int nav, char *out,
    size_t outsz)
{
	static const char *const navkeys[] = { NULL, "ussd_nav",
	    "ussd_nav_more" };

	out[0] = '\0';
	if (x->err && x->err[0])
		snprintf(out, outsz, "%s\n", x->err);
	if (strlen(out) + strlen(body) + 2 > outsz)
		return -1;
	strcat(out, body);
	if (nav) {
		strcat(out, "\n");
		if (mu_cat(x->cw, out, outsz, navkeys[nav], NULL, 0) != 0)
			return -1;
	}
	return smslen_ussd_fits(out, strlen(out));
}

/* Error line from a template. */
static void
mu_error(struct mu_ctx *x, const char *key)
{
	if (render(x->cw->cat, key, NULL, 0, x->errbuf, sizeof x->errbuf) ==
	    0)
		x->err = x->errbuf;
}

/*
 * The page into x->out. A page that fits without its error line may not
 * with it: the error then shrinks to the short one, then the hint line
 * goes (the keys still work). Only then is the page cut at a character
 * boundary, and flagged: the exhaustive page test must never see one.
 */
static int
mu_emit(struct mu_ctx *x, char *body, int nav, int end)
{
	struct menu_page *p = x->out;
	size_t len = strlen(body);
	int f;

	p->end = end;
	if (end)
		nav = 0;
	if ((f = mu_compose(x, body, nav, p->text, sizeof p->text)) == 0 &&
	    x->err && x->err[0]) {
		mu_error(x, "ussd_err_short");
		f = mu_compose(x, body, nav, p->text, sizeof p->text);
	}
	if (f == 0 && nav) {
		nav = 0;
		f = mu_compose(x, body, nav, p->text, sizeof p->text);
	}
	while (f == 0 && len > 0) {
		p->cut = 1;
		do
			len--;
		while (len > 0 && ((unsigned char)body[len] & 0xC0) == 0x80);
		body[len] = '\0';
		f = mu_compose(x, body, nav, p->text, sizeof p->text);
	}
	if (p->cut)
		log_warnx("ussd: a page was too long for one screen and was "
		    "cut");
	return f < 0 ? -1 : 0;
}

static int
mu_main(struct mu_ctx *x, char *body, size_t sz)
{
	char items[256], word[64];
	struct render_var v = { "items", items };
	size_t o = 0;
	int i;

	items[0] = '\0';
	for (i = 1; i < MU_NITEMS; i++) {
		if (!mu_item_shown(x->m, i))
			continue;
		if (render(x->cw->cat, mu_item_keys[i], NULL, 0, word,
		    sizeof word) != 0)
			return -1;
		o += (size_t)snprintf(items + o, sizeof items - o, "%s%d%s",
		    o ? " " : "", i, word);
		if (o >= sizeof items)
			return -1;
	}
	return render(x->cw->cat, "ussd_main", &v, 1, body, sz);
}

/* The student of the session, as texts show it. */
static int
mu_student(struct mu_ctx *x, struct cw_view *v)
{
	struct store_student s;

	if (store_student_get(x->cw->store, x->st->student_no, &s) != STORE_OK)
		return -1;
	return cw_view(x->cw, &s, v);
}

static int
mu_reasons_text(struct casework *cw, char *buf, size_t sz)
{
	char key[48], word[64];
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; mu_reasons[i]; i++) {
		snprintf(key, sizeof key, "reason_%s", mu_reasons[i]);
		if (render(cw->cat, key, NULL, 0, word, sizeof word) != 0)
			return -1;
		o += (size_t)snprintf(buf + o, sz - o, "%s%d%s", o ? " " : "",
		    i + 1, word);
		if (o >= sz)
			return -1;
	}
	return 0;
}

/* The open tasks of the sender, soonest deadline first. */
static int
mu_tasks(struct mu_ctx *x, struct store_task *t, size_t *n)
{
	size_t r, k, i, j;

	*n = 0;
	for (r = 0; r < x->m->nroles && *n < MU_MAX_TASKS; r++) {
		if (store_tasks_of_person(x->cw->store, x->m->roles[r].id,
		    t + *n, MU_MAX_TASKS - *n, &k, NULL) != STORE_OK)
			return -1;
		*n += k;
	}
	for (i = 1; i < *n; i++)	/* roles merged: insertion sort */
		for (j = i; j > 0 && (t[j - 1].due_at > t[j].due_at ||
		    (t[j - 1].due_at == t[j].due_at && t[j - 1].id > t[j].id));
		    j--) {
			struct store_task tmp = t[j];

			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	return 0;
}

/*
 * A paged list: the head, then items from the frame's offset while the
 * page fits with the "next page" line; records how many were shown and
 * whether more follow. item(i, buf) renders item i (absolute index) into
 * buf: 0, 1 when no more may be shown on one page, -1 on error. Returns
 * the navigation line to use (1, or 2 with "next page"), or -1.
 */
typedef int mu_item_fn(struct mu_ctx *, void *arg, size_t i, char *buf,
    size_t sz);

static int
mu_list(struct mu_ctx *x, char *body, size_t sz, size_t total,
    mu_item_fn *item, void *arg)
{
	struct menu_frame *f = mu_top(x->st);
	char line[256], *page;
	size_t i;
	int r = 0;

	if ((page = malloc(sizeof x->out->text)) == NULL)
		return -1;
	f->shown = 0;
	for (i = (size_t)f->offset; i < total; i++) {
		if ((r = item(x, arg, i, line, sizeof line)) != 0 ||
		    strlen(body) + strlen(line) + 1 > sz)
			break;
		strcat(body, line);
		/* Room for the "99 next page" line unless this is the last. */
		if (mu_compose(x, body, i + 1 < total ? 2 : 1, page,
		    sizeof x->out->text) != 1 && f->shown > 0) {
			body[strlen(body) - strlen(line)] = '\0';
			break;
		}
		f->shown++;
	}
	free(page);
	if (r < 0)
		return -1;
	f->more = (size_t)f->offset + (size_t)f->shown < total;
	return f->more ? 2 : 1;
}

/*
 * A list page: none_key when it is empty, else head_key (given {n}, the
 * count) and as many items as fit. *nav gets the navigation line.
 */
static int
mu_list_page(struct mu_ctx *x, char *body, size_t sz, size_t count,
    size_t n, const char *none_key, const char *head_key, mu_item_fn *item,
    void *arg, int *nav)
{
	char num[24];
	struct render_var v = { "n", num };

	*nav = 1;
	if (count == 0)
		return render(x->cw->cat, none_key, NULL, 0, body, sz);
	snprintf(num, sizeof num, "%zu", count);
	if (render(x->cw->cat, head_key, &v, 1, body, sz) != 0 ||
	    (*nav = mu_list(x, body, sz, n, item, arg)) < 0)
		return -1;
	return 0;
}

struct mu_tasklist {
	struct store_task t[MU_MAX_TASKS];
	size_t n;
};

static int
mu_task_item(struct mu_ctx *x, void *arg, size_t i, char *buf, size_t sz)
{
	struct mu_tasklist *l = arg;
	const struct store_task *t = &l->t[i];
	char num[8], due[32], what[64], key[48];
	struct store_case cs;
	struct cw_view v;
	struct render_var rv[4] = { { "i", num }, { "student_no", v.student_no },
	    { "what", what }, { "due", due } };
	size_t k = i - (size_t)mu_top(x->st)->offset;

	if (k >= MENU_LIST)
		return 1;
	snprintf(num, sizeof num, "%zu", k + 1);
	snprintf(key, sizeof key, "task_what_%s", t->kind);
	if (k < MENU_LIST)
		x->st->list[k] = t->id;
	if (cw_case_view(x->cw, t->case_id, &cs, &v) != 0 ||
	    cw_date(x->cw, t->due_at, due, sizeof due) != 0 ||
	    render(x->cw->cat, key, NULL, 0, what, sizeof what) != 0)
		return -1;
	return k < MENU_LIST ? render(x->cw->cat, "ussd_tasks_item", rv, 4,
	    buf, sz) : 1;
}

struct mu_caselist {
	struct store_case_line c[64];
	size_t n, total;
	char class_name[STORE_NAME_MAX];	/* head teacher: only these */
};

static void
mu_case_cb(void *arg, const struct store_case_line *c)
{
	struct mu_caselist *l = arg;

	if (l->class_name[0] && strcmp(l->class_name, c->class_name) != 0)
		return;
	if (l->n < sizeof l->c / sizeof l->c[0])
		l->c[l->n++] = *c;
	l->total++;
}

static int
mu_case_item(struct mu_ctx *x, void *arg, size_t i, char *buf, size_t sz)
{
	struct mu_caselist *l = arg;
	char name[STORE_NAME_MAX], no[STORE_STUDENT_MAX], level[16];
	struct render_var rv[3] = { { "student_no", no }, { "name", name },
	    { "level", level } };

	if (i >= l->n)
		return 1;
	mask_name(l->c[i].name, name, sizeof name);
	mask_student_no(l->c[i].student_no, no, sizeof no);
	snprintf(level, sizeof level, "%d", l->c[i].level);
	return render(x->cw->cat, "ussd_cases_item", rv, 3, buf, sz);
}

static int
mu_ower_item(struct mu_ctx *x, void *arg, size_t i, char *buf, size_t sz)
{
	const struct store_digest *d = arg;
	char n[24];
	struct render_var rv[2] = { { "name", d->owers[i].name }, { "n", n } };

	snprintf(n, sizeof n, "%lld", (long long)d->owers[i].n);
	return render(x->cw->cat, "ussd_overdue_item", rv, 2, buf, sz);
}

/* The place whose students a teacher's menu lists: school, or class. */
static int
mu_teacher_place(struct mu_ctx *x, char *school, size_t ssz, char *class_name,
    size_t csz)
{
	struct store_place p;
	size_t i;

	for (i = 0; i < x->m->nroles; i++) {
		if (!vocab_role_reports_absence(vocab_role(x->m->roles[i].role)))
			continue;
		if (store_place_get(x->cw->store, x->m->roles[i].scope, &p) !=
		    STORE_OK)
			return -1;
		if (!strcmp(p.kind, "class")) {
			cw_copy(school, ssz, p.parent);
			cw_copy(class_name, csz, p.name);
		} else {
			cw_copy(school, ssz, p.code);
			class_name[0] = '\0';
		}
		return 0;
	}
	return -1;
}

static int
mu_action_word(struct mu_ctx *x, char *buf, size_t sz)
{
	return render(x->cw->cat, mu_item_keys[x->st->action], NULL, 0, buf,
	    sz);
}

/* The confirmation page of the session's action. */
static int
mu_confirm(struct mu_ctx *x, char *body, size_t sz)
{
	struct menu_state *st = x->st;
	char days[16], word[64], key[48];
	struct render_var rv[4];
	struct cw_view v;
	struct store_task t;
	struct store_case cs;
	const struct cw_choice *c;

	if (st->action == MU_TASKS_ITEM) {
		if (store_task_get(x->cw->store, st->task_id, &t) != STORE_OK ||
		    (c = cw_choice(t.kind, st->choice)) == NULL ||
		    cw_choice_word(x->cw, c, word, sizeof word) != 0)
			return -1;
		if (cw_case_view(x->cw, t.case_id, &cs, &v) != 0)
			return -1;
		rv[0] = (struct render_var){ "student_no", v.student_no };
		rv[1] = (struct render_var){ "name", v.name };
		rv[2] = (struct render_var){ "choice", word };
		return render(x->cw->cat, "ussd_confirm_task", rv, 3, body, sz);
	}
	if (mu_student(x, &v) != 0)
		return -1;
	snprintf(days, sizeof days, "%d", st->days);
	rv[0] = (struct render_var){ "student_no", v.student_no };
	rv[1] = (struct render_var){ "name", v.name };
	rv[2] = (struct render_var){ "days", days };
	rv[3] = (struct render_var){ "reason", word };
	if (st->action == MU_ABS) {
		snprintf(key, sizeof key, "reason_%s", mu_reasons[st->reason]);
		if (render(x->cw->cat, key, NULL, 0, word, sizeof word) != 0)
			return -1;
		return render(x->cw->cat, "ussd_confirm_abs", rv, 4, body, sz);
	}
	return render(x->cw->cat, st->action == MU_RET ? "ussd_confirm_ret" :
	    "ussd_confirm_leave", rv, 3, body, sz);
}

/* Renders the page on top of the stack. */
static int
mu_render(struct mu_ctx *x)
{
	struct menu_state *st = x->st;
	struct casework *cw = x->cw;
	char *body, word[64], choices[256], place_name[STORE_NAME_MAX];
	struct render_var rv[12];
	struct cw_view v;
	int nav = 1, rc = -1, end = 0;

	if ((body = calloc(1, MU_BODY_MAX)) == NULL)
		return -1;
	switch (mu_top(st)->page) {
	case MU_MAIN:
		nav = 0;
		rc = mu_main(x, body, MU_BODY_MAX);
		break;
	case MU_ASK_STUDENT:
		if ((rc = mu_action_word(x, word, sizeof word)) != 0)
			break;
		rv[0] = (struct render_var){ "what", word };
		rc = render(cw->cat, "ussd_ask_student", rv, 1, body,
		    MU_BODY_MAX);
		break;
	case MU_ASK_DAYS:
		if ((rc = mu_action_word(x, word, sizeof word)) != 0 ||
		    (rc = mu_student(x, &v)) != 0)
			break;
		rv[0] = (struct render_var){ "student_no", v.student_no };
		rv[1] = (struct render_var){ "name", v.name };
		rv[2] = (struct render_var){ "class", v.class_name };
		rv[3] = (struct render_var){ "what", word };
		rc = render(cw->cat, "ussd_ask_days", rv, 4, body, MU_BODY_MAX);
		break;
	case MU_ASK_REASON:
		if ((rc = mu_reasons_text(cw, choices, sizeof choices)) != 0)
			break;
		if ((rc = mu_student(x, &v)) != 0)
			break;
		rv[0] = (struct render_var){ "student_no", v.student_no };
		rv[1] = (struct render_var){ "choices", choices };
		rc = render(cw->cat, "ussd_ask_reason", rv, 2, body,
		    MU_BODY_MAX);
		break;
	case MU_CONFIRM:
		rc = mu_confirm(x, body, MU_BODY_MAX);
		break;
	case MU_TASK_CHOICE: {
		struct store_task t;
		struct store_case cs;
		char key[48];

		if (store_task_get(cw->store, st->task_id, &t) != STORE_OK ||
		    cw_case_view(cw, t.case_id, &cs, &v) != 0 ||
		    cw_choices_text(cw, t.kind, choices, sizeof choices) != 0)
			break;
		snprintf(key, sizeof key, "task_what_%s", t.kind);
		if (render(cw->cat, key, NULL, 0, word, sizeof word) != 0)
			break;
		rv[0] = (struct render_var){ "student_no", v.student_no };
		rv[1] = (struct render_var){ "name", v.name };
		rv[2] = (struct render_var){ "what", word };
		rv[3] = (struct render_var){ "choices", choices };
		rc = render(cw->cat, "ussd_task_choice", rv, 4, body,
		    MU_BODY_MAX);
		break;
	}
	case MU_ASK_NOTE:
		rc = render(cw->cat, "ussd_ask_note", NULL, 0, body,
		    MU_BODY_MAX);
		break;
	case MU_TASKS: {
		struct mu_tasklist *l = malloc(sizeof *l);

		if (l == NULL || mu_tasks(x, l->t, &l->n) != 0) {
			free(l);
			break;
		}
		rc = mu_list_page(x, body, MU_BODY_MAX, l->n, l->n,
		    "ussd_tasks_none", "ussd_tasks_head", mu_task_item, l,
		    &nav);
		free(l);
		break;
	}
	case MU_CASES: {
		struct mu_caselist *l = calloc(1, sizeof *l);
		char school[STORE_CODE_MAX];

		if (l == NULL || mu_teacher_place(x, school, sizeof school,
		    l->class_name, sizeof l->class_name) != 0 ||
		    store_cases_list(cw->store, 1, NULL, school, mu_case_cb,
		    l) != STORE_OK) {
			free(l);
			break;
		}
		rc = mu_list_page(x, body, MU_BODY_MAX, l->total, l->n,
		    "ussd_cases_none", "ussd_cases_head", mu_case_item, l,
		    &nav);
		free(l);
		break;
	}
	case MU_SUM:
	case MU_OVERDUE: {
		struct store_digest *d = calloc(1, sizeof *d);
		struct store_place p;
		const char *scope = NULL;
		char n[9][24];
		int i;

		if (d == NULL || !mu_is_leader(x->m, &scope) ||
		    store_place_get(cw->store, scope, &p) != STORE_OK ||
		    store_digest(cw->store, scope, cw_week_start(x->m->now),
		    x->m->now + 1, d) != STORE_OK) {
			free(d);
			break;
		}
		cw_copy(place_name, sizeof place_name, p.name);
		if (mu_top(st)->page == MU_OVERDUE) {
			rc = mu_list_page(x, body, MU_BODY_MAX, d->nowers,
			    d->nowers, "ussd_overdue_none", "ussd_overdue_head",
			    mu_ower_item, d, &nav);
			free(d);
			break;
		}
		snprintf(n[0], sizeof n[0], "%lld", (long long)d->absent);
		snprintf(n[1], sizeof n[1], "%lld", (long long)d->open);
		for (i = 1; i <= 4; i++)
			snprintf(n[1 + i], sizeof n[0], "%lld",
			    (long long)d->level[i]);
		snprintf(n[6], sizeof n[0], "%lld", (long long)d->closed);
		snprintf(n[7], sizeof n[0], "%lld", (long long)d->overdue);
		snprintf(n[8], sizeof n[0], "%lld", (long long)d->ended);
		rv[0] = (struct render_var){ "place", place_name };
		rv[1] = (struct render_var){ "absent", n[0] };
		rv[2] = (struct render_var){ "open", n[1] };
		rv[3] = (struct render_var){ "l1", n[2] };
		rv[4] = (struct render_var){ "l2", n[3] };
		rv[5] = (struct render_var){ "l3", n[4] };
		rv[6] = (struct render_var){ "l4", n[5] };
		rv[7] = (struct render_var){ "closed", n[6] };
		rv[8] = (struct render_var){ "overdue", n[7] };
		rv[9] = (struct render_var){ "ended", n[8] };
		rc = render(cw->cat, "ussd_sum", rv, 10, body, MU_BODY_MAX);
		free(d);
		break;
	}
	case MU_DONE:
	default:
		rc = -1;
		break;
	}
	if (rc == 0)
		rc = mu_emit(x, body, nav, end);
	free(body);
	return rc;
}


/* A 学号 typed on the student page: well-formed, and the sender's. */
static int
mu_take_student(struct mu_ctx *x, const char *in, size_t len)
{
	static const enum cmd_kind kinds[MU_NITEMS] = {
		[MU_ABS] = CMD_ABS, [MU_RET] = CMD_RET, [MU_LEAVE] = CMD_LEAVE
	};
	struct store_student s;
	const struct store_person *actor;
	struct cmd c;
	size_t i;
	int r;

	if (len < 4 || len >= sizeof c.student) {
		mu_error(x, "ussd_err_student");
		return 0;
	}
	memset(&c, 0, sizeof c);
	for (i = 0; i < len; i++) {
		char ch = in[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		c.student[i] = ch;
	}
	if (strspn(c.student, "0123456789") != len &&
	    !(c.student[0] == 'G' && len == 19 &&
	    strspn(c.student + 1, "0123456789") >= 17 &&
	    strspn(c.student + 1, "0123456789X") == 18)) {
		mu_error(x, "ussd_err_student");
		return 0;
	}
	c.kind = kinds[x->st->action];
	x->m->replylen = 0;
	x->m->reply[0] = '\0';
	if ((r = cw_find_student(x->cw, x->m, &c, &s, &actor)) < 0)
		return -1;
	if (r == 0) {
		/* The refusal an SMS would get: reveals nothing more. */
		cw_copy(x->errbuf, sizeof x->errbuf, x->m->reply);
		x->err = x->errbuf;
		return 0;
	}
	cw_copy(x->st->student_no, sizeof x->st->student_no, s.student_no);
	return 1;
}

/* The command text of the session's action, checked by parsing it back
 * (so that what is logged reads as what is applied): 0, 1 if it does not
 * read back (a note the parser reads otherwise), -1 on error. */
static int
mu_command(struct mu_ctx *x)
{
	struct menu_state *st = x->st;
	struct menu_page *p = x->out;
	struct store_task t;
	const struct cw_choice *c = NULL;
	struct cmd_list *l;
	struct perr e;
	const char *note = st->note;
	int ok;

	switch (st->action) {
	case MU_ABS:
		snprintf(p->command, sizeof p->command, "ABS %s %d %s",
		    st->student_no, st->days,
		    cmd_reason_word(mu_reasons[st->reason]));
		break;
	case MU_RET:
		snprintf(p->command, sizeof p->command, "RET %s",
		    st->student_no);
		break;
	case MU_LEAVE:
		snprintf(p->command, sizeof p->command, "LEAVE %s %d",
		    st->student_no, st->days);
		break;
	case MU_TASKS_ITEM:
		if (store_task_get(x->cw->store, st->task_id, &t) != STORE_OK ||
		    (c = cw_choice(t.kind, st->choice)) == NULL)
			return -1;
		snprintf(p->command, sizeof p->command, "%s #%lld%s%s%s%s",
		    cmd_kind_name(c->kind), (long long)t.case_id,
		    c->outcome ? " " : "",
		    c->outcome ? cmd_outcome_word(c->outcome) : "",
		    note[0] ? " " : "", note);
		break;
	default:
		return -1;
	}
	if ((l = malloc(sizeof *l)) == NULL)
		return -1;
	ok = command_parse(x->cw->parser, p->command, strlen(p->command), l,
	    &e) == PERR_NONE && l->n == 1 && l->nerr == 0 &&
	    (c == NULL || (l->v[0].kind == c->kind &&
	    l->v[0].case_no == (uint32_t)t.case_id &&
	    (c->outcome == NULL || !strcmp(l->v[0].outcome, c->outcome))));
	free(l);
	if (!ok) {
		log_info("ussd: the command built for a menu action does not "
		    "read back");
		p->command[0] = '\0';
		return 1;
	}
	p->submit = 1;
	return 0;
}

/*
 * A note as the ledger keeps it: normalized as an SMS would be, on one
 * line, without the characters that separate commands (so it cannot be
 * read as a second command). 0, or -1 if it is not text or too long.
 */
static int
mu_take_note(struct menu_state *st, const char *in, size_t len)
{
	char norm[NORMALIZE_MAX_IN + 1];
	size_t n, i;

	if (len > NORMALIZE_MAX_IN || normalize_text(in, len, norm,
	    sizeof norm, &n) != PERR_NONE || n >= sizeof st->note)
		return -1;
	for (i = 0; i < n; i++)
		if (strchr(";,\n", norm[i]))
			norm[i] = ' ';
	memcpy(st->note, norm, n + 1);
	return 0;
}

/* One input on the page on top of the stack. */
static int
mu_input(struct mu_ctx *x, const char *in, size_t len)
{
	struct menu_state *st = x->st;
	struct menu_frame *f = mu_top(st);
	int d = -1, r;

	if (len == 1 && in[0] >= '0' && in[0] <= '9')
		d = in[0] - '0';
	else if (len == 2 && in[0] >= '1' && in[0] <= '9' && in[1] >= '0' &&
	    in[1] <= '9' && strcmp(in, "99") != 0)
		d = (in[0] - '0') * 10 + in[1] - '0';
	switch (f->page) {
	case MU_MAIN:
		if (d < 1 || d >= MU_NITEMS || !mu_item_shown(x->m, d))
			break;
		/* A new flow starts with nothing from the last one. */
		casework_menu_start(st);
		st->action = d;
		mu_push(st, d <= MU_LEAVE ? MU_ASK_STUDENT : d ==
		    MU_CASES_ITEM ? MU_CASES : d == MU_TASKS_ITEM ? MU_TASKS :
		    d == MU_SUM_ITEM ? MU_SUM : MU_OVERDUE, 0);
		return 1;
	case MU_ASK_STUDENT:
		if ((r = mu_take_student(x, in, len)) <= 0)
			return r < 0 ? -1 : 0;
		mu_push(st, st->action == MU_RET ? MU_CONFIRM : MU_ASK_DAYS, 0);
		return 1;
	case MU_ASK_DAYS:
		if ((r = command_days_value(in, len)) < 1) {
			mu_error(x, "ussd_err_days");
			return 0;
		}
		st->days = r;
		mu_push(st, st->action == MU_ABS ? MU_ASK_REASON : MU_CONFIRM,
		    0);
		return 1;
	case MU_ASK_REASON:
		if (d < 1 || (size_t)d > sizeof mu_reasons /
		    sizeof mu_reasons[0] - 1)
			break;
		st->reason = d - 1;
		mu_push(st, MU_CONFIRM, 0);
		return 1;
	case MU_TASKS:
		if (d < 1 || d > f->shown)
			break;
		st->task_id = st->list[d - 1];
		mu_push(st, MU_TASK_CHOICE, 0);
		return 1;
	case MU_TASK_CHOICE: {
		struct store_task t;

		if (store_task_get(x->cw->store, st->task_id, &t) != STORE_OK)
			return -1;
		if (d < 1 || cw_choice(t.kind, d) == NULL)
			break;
		st->choice = d;
		mu_push(st, MU_ASK_NOTE, 0);
		return 1;
	}
	case MU_ASK_NOTE:
		if (d == 1)
			st->note[0] = '\0';
		else if (mu_take_note(st, in, len) != 0) {
			mu_error(x, "ussd_err_note");
			return 0;
		}
		mu_push(st, MU_CONFIRM, 0);
		return 1;
	case MU_CONFIRM:
		if (d != 1)
			break;
		if ((r = mu_command(x)) < 0)
			return -1;
		if (r == 1) {
			/* Only a note can make it read otherwise: ask again. */
			st->depth--;
			st->note[0] = '\0';
			mu_error(x, "ussd_err_note");
			return 0;
		}
		mu_push(st, MU_DONE, 0);
		return 2;
	default:
		break;	/* views take nothing but navigation */
	}
	mu_error(x, "ussd_err_choice");
	return 0;
}

/* Back on a page: what it and the pages after it chose is undone. */
static void
mu_forget(struct menu_state *st)
{
	switch (mu_top(st)->page) {
	case MU_MAIN:
		st->action = 0;
		/* FALLTHROUGH */
	case MU_ASK_STUDENT:
		st->student_no[0] = '\0';
		/* FALLTHROUGH */
	case MU_ASK_DAYS:
		st->days = 0;
		/* FALLTHROUGH */
	case MU_ASK_REASON:
		st->reason = 0;
		/* FALLTHROUGH */
	case MU_TASKS:
		st->task_id = 0;
		/* FALLTHROUGH */
	case MU_TASK_CHOICE:
		st->choice = 0;
		/* FALLTHROUGH */
	case MU_ASK_NOTE:
		st->note[0] = '\0';
		break;
	default:
		break;
	}
}

void
casework_menu_undo(struct menu_state *st)
{
	if (st->depth > 1 && mu_top(st)->page == MU_DONE)
		st->depth--;
}

void
casework_menu_start(struct menu_state *st)
{
	memset(st, 0, sizeof *st);
	st->depth = 1;
	st->stack[0].page = MU_MAIN;
}

int
casework_menu_step(struct casework *cw, struct menu_state *st,
    const char *phone, const char *input, int restarted, int64_t now,
    struct menu_page *out)
{
	struct mu_ctx x;
	struct cw_msg *m;
	size_t len = input ? strlen(input) : 0;
	int rc = -1, r;

	memset(out, 0, sizeof *out);
	memset(&x, 0, sizeof x);
	if ((m = calloc(1, sizeof *m)) == NULL)
		return -1;
	m->from = phone;
	m->now = now;
	x.cw = cw;
	x.st = st;
	x.m = m;
	x.out = out;
	if (store_people_by_phone(cw->store, phone, m->roles, CW_MAX_ROLES,
	    &m->nroles) != STORE_OK)
		goto done;
	if (m->nroles == 0) {
		char body[256];

		if (render(cw->cat, "ussd_unregistered", NULL, 0, body,
		    sizeof body) == 0)
			rc = mu_emit(&x, body, 0, 1);
		goto done;
	}
	if (st->depth < 1 || mu_top(st)->page == MU_DONE)
		casework_menu_start(st);
	if (restarted)
		mu_error(&x, "ussd_restart");
	else if (input == NULL)
		;	/* the first request: the main menu */
	else if (!strcmp(input, "00"))
		casework_menu_start(st);
	else if (!strcmp(input, "0")) {
		if (st->depth > 1)
			st->depth--;
		mu_forget(st);
	} else if (!strcmp(input, "99")) {
		struct menu_frame *f = mu_top(st);
		int list = f->page == MU_TASKS || f->page == MU_CASES ||
		    f->page == MU_OVERDUE;

		/* Only a list page with more after it has a next page; the
		 * render below tells (shown < what is left). */
		if (list && f->shown > 0 && f->more)
			mu_push(st, f->page, f->offset + f->shown);
		else
			mu_error(&x, "ussd_err_no_more");
	} else {
		if ((r = mu_input(&x, input, len)) < 0)
			goto done;
		if (r == 2) {
			rc = 0;	/* the transport submits out->command */
			goto done;
		}
	}
	rc = mu_render(&x);
done:
	free(m);
	return rc;
}

int
casework_menu_result(struct casework *cw, const char *phone,
    int64_t inbound_id, int ok, struct menu_page *out)
{
	char text[STORE_TEXT_MAX];
	size_t sl = strlen(cw->signature);
	const char *body = NULL;
	enum store_rc rc;

	out->end = 1;
	out->submit = 0;
	if (ok) {
		rc = store_outbound_reply_of(cw->store, phone, inbound_id, text,
		    sizeof text);
		if (rc == STORE_ERR || rc == STORE_BUSY)
			return -1;
		if (rc == STORE_OK) {
			body = text;
			if (!strncmp(body, cw->signature, sl))
				body += sl;
			if (!smslen_ussd_fits(body, strlen(body)))
				body = NULL;
		}
	}
	/* One screen is at most 364 bytes of UTF-8: it always fits. */
	if (body && strlen(body) < sizeof out->text) {
		memcpy(out->text, body, strlen(body) + 1);
		return 0;
	}
	return render(cw->cat, ok ? "ussd_done" : "ussd_failed", NULL, 0,
	    out->text, sizeof out->text);
}
