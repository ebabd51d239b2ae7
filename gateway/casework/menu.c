/*
 * Menus: what a numbered answer means. Each kind of task has one table of
 * numbered choices, shown at the end of its SMS, offered on the USSD
 * outcome page, and read back from a reply ("3", "K7QX 3", "4生病",
 * "任务#12 3"; each part of an SMS on its own). A choice is turned into the
 * same command a typed VIS, ACK or NOTICE would be and applied by the same
 * code, so the ledger differs only in the source.
 */
#include "gateway/casework/casework_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "parsers/reply.h"
#include "parsers/taskcode.h"

/* Tasks listed when a bare number cannot tell which one is meant. */
#define CW_MENU_LIST 4

static const struct cw_choice cw_visit_choices[] = {
	{ 1, CMD_VIS, "return", "outcome_return" },
	{ 2, CMD_VIS, "refuse", "outcome_refuse" },
	{ 3, CMD_VIS, "away", "outcome_away" },
	{ 4, CMD_VIS, "ill", "outcome_ill" },
	{ 5, CMD_VIS, "unreachable", "outcome_unreachable" },
	{ 6, CMD_VIS, "transfer", "outcome_transfer" },
	{ 7, CMD_ACK, NULL, "choice_ack" },
	{ 0, CMD_NONE, NULL, NULL }
};

static const struct cw_choice cw_notice_choices[] = {
	{ 1, CMD_NOTICE, NULL, "choice_notice" },
	{ 2, CMD_ACK, NULL, "choice_ack" },
	{ 0, CMD_NONE, NULL, NULL }
};

const struct cw_choice *
cw_choices(const char *task_kind)
{
	if (!strcmp(task_kind, "serve_notice"))
		return cw_notice_choices;
	return cw_visit_choices;	/* visit, joint_visit */
}

const struct cw_choice *
cw_choice(const char *task_kind, int digit)
{
	const struct cw_choice *c;

	for (c = cw_choices(task_kind); c->digit; c++)
		if (c->digit == digit)
			return c;
	return NULL;
}

int
cw_choice_word(struct casework *cw, const struct cw_choice *c, char *buf,
    size_t sz)
{
	return render(cw->cat, c->word_key, NULL, 0, buf, sz);
}

/* "1<word> 2<word> ..." for a menu into buf; 0 or -1. */
static int
cw_choices_render(struct casework *cw, const struct cw_choice *c, char *buf,
    size_t sz)
{
	char word[64];
	size_t o = 0;
	int n;

	buf[0] = '\0';
	for (; c->digit; c++) {
		if (cw_choice_word(cw, c, word, sizeof word) != 0)
			return -1;
		n = snprintf(buf + o, sz - o, "%s%d%s", o ? " " : "", c->digit,
		    word);
		if (n < 0 || (size_t)n >= sz - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}

/* The same text for every task of a kind: rendered once (a task SMS for
 * each case opened rendered it again, 2 % of a message's instructions:
 * bench/instr.sh). */
int
cw_choices_text(struct casework *cw, const char *task_kind, char *buf,
    size_t sz)
{
	const struct cw_choice *c = cw_choices(task_kind);
	char *once = cw->choices[c == cw_notice_choices];
	size_t len;

	if (once[0] == '\0' && cw_choices_render(cw, c, once,
	    sizeof cw->choices[0]) != 0) {
		once[0] = '\0';
		return -1;
	}
	if ((len = strlen(once)) >= sz)
		return -1;
	memcpy(buf, once, len + 1);
	return 0;
}

int
cw_task_apply(struct casework *cw, struct cw_msg *m,
    const struct store_task *t, const struct cw_choice *c, const char *note)
{
	struct cmd cmd;

	memset(&cmd, 0, sizeof cmd);
	cmd.kind = c->kind;
	cmd.case_no = (uint32_t)t->case_id;
	cmd.outcome = c->outcome;
	cw_copy(cmd.note, sizeof cmd.note, note ? note : "");
	log_info("inbound %lld: menu choice %d on task %lld (%s)",
	    (long long)m->inbound_id, c->digit, (long long)t->id,
	    cmd_kind_name(c->kind));
	return cw_command(cw, m, &cmd);
}

/* "K7QX(20240101)" for each task, after m's prefix and the menu_which
 * head; then, if total is more than the n listed, that the rest are
 * there (a review: "您有6项任务" and four codes). */
static int
cw_menu_which(struct casework *cw, struct cw_msg *m,
    const struct store_task *t, size_t n, size_t total)
{
	char line[CW_REPLY_MAX], code[TASKCODE_LEN + 1];
	char count[24], example[TASKCODE_LEN + 1];
	struct render_var hv[2] = { { "n", count }, { "example", example } };
	struct render_var iv[2] = { { "code", code }, { "student_no", NULL } };
	struct store_case cs;
	struct cw_view v;
	size_t i, o = strlen(m->prefix);

	snprintf(count, sizeof count, "%zu", total);
	taskcode_make(t[0].id, example);
	memcpy(line, m->prefix, o);
	if (cw_append(cw, line, sizeof line, &o, "menu_which", hv, 2) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (cw_case_view(cw, t[i].case_id, &cs, &v) != 0)
			return -1;
		taskcode_make(t[i].id, code);
		iv[1].value = v.student_no;
		if (cw_append(cw, line, sizeof line, &o, "menu_item", iv, 2) !=
		    0)
			return -1;
	}
	snprintf(count, sizeof count, "%zu", total - n);
	if (total > n && cw_append(cw, line, sizeof line, &o,
	    "menu_which_more", hv, 1) != 0)
		return -1;
	return cw_reply_text(cw, m, line);
}

/*
 * The open tasks of every role row of the sender that r names: by its
 * code, by its case number, or all of them. At most max in t, how many
 * in all in *total.
 */
static int
cw_menu_tasks(struct casework *cw, struct cw_msg *m,
    const struct menu_reply *r, uint32_t value, struct store_task *t,
    size_t max, size_t *n, size_t *total)
{
	size_t i, k, all;
	enum store_rc rc;

	*n = *total = 0;
	for (i = 0; i < m->nroles; i++) {
		int64_t who = m->roles[i].id;

		if (r->code[0])
			rc = store_tasks_by_code(cw->store, who,
			    TASKCODE_SPACE, value, t + *n, max - *n, &k);
		else if (r->case_no)
			rc = store_tasks_of_case(cw->store, r->case_no, who,
			    t + *n, max - *n, &k);
		else
			rc = store_tasks_of_person(cw->store, who, t + *n,
			    max - *n, &k, &all);
		if (rc != STORE_OK)
			return -1;
		*n += k;
		*total += r->code[0] || r->case_no ? k : all;
	}
	return 0;
}

int
cw_menu_labels_load(struct casework *cw, char *err, size_t errsz)
{
	static const struct cw_choice *const tables[] = {
		cw_visit_choices, cw_notice_choices
	};
	const struct cw_choice *c;
	char word[64];
	size_t t, o = 0, n = 0, l;

	for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (c = tables[t]; c->digit; c++) {
			if (cw_choice_word(cw, c, word, sizeof word) != 0 ||
			    (l = strlen(word)) == 0 ||
			    o + l + 1 > sizeof cw->labels ||
			    n + 1 >= sizeof cw->label / sizeof cw->label[0]) {
				snprintf(err, errsz, "the menus' choice labels "
				    "(outcome_*, choice_*) do not fit: each "
				    "under %zu bytes, all under %zu", sizeof word,
				    sizeof cw->labels);
				return -1;
			}
			memcpy(cw->labels + o, word, l + 1);
			cw->label[n++] = cw->labels + o;
			o += l + 1;
		}
	cw->label[n] = NULL;
	return 0;
}

int
cw_menu_parse(struct casework *cw, const char *text, size_t len,
    struct menu_reply *r)
{
	return reply_parse(text, len, cw->label, r);
}

/* A refusal of a numbered reply, after the part's prefix. */
static int
cw_menu_refuse(struct casework *cw, struct cw_msg *m, const char *prefix,
    const char *key, const struct render_var *v, size_t nv)
{
	int rc;

	cw_copy(m->prefix, sizeof m->prefix, prefix);
	rc = cw_reply(cw, m, key, v, nv);
	m->prefix[0] = '\0';
	return rc;
}

int
cw_menu_answer(struct casework *cw, struct cw_msg *m,
    const struct menu_reply *r, const char *prefix)
{
	char choices[256], digit[24], word[64], case_no[24], label[32];
	struct store_task t[CW_MENU_LIST];
	const struct cw_choice *c;
	struct render_var v[4];
	size_t n, total;
	uint32_t value = 0;
	int rc;

	v[0] = (struct render_var){ "code", r->code };
	if (r->code[0] && taskcode_read(r->code, strlen(r->code), &value) !=
	    TASKCODE_OK) {
		log_info("inbound %lld: menu reply with a mistyped task code",
		    (long long)m->inbound_id);
		return cw_menu_refuse(cw, m, prefix, "menu_bad_code", v, 1);
	}
	if (cw_menu_tasks(cw, m, r, value, t, CW_MENU_LIST, &n, &total) != 0)
		return -1;
	if (total == 0 && r->case_no) {
		snprintf(case_no, sizeof case_no, "%u", (unsigned)r->case_no);
		v[0] = (struct render_var){ "n", case_no };
		if (render(cw->cat, "case_label", v, 1, label, sizeof label) !=
		    0)
			return -1;
		v[0] = (struct render_var){ "case", label };
		return cw_menu_refuse(cw, m, prefix, "menu_no_case", v, 1);
	}
	if (total == 0)
		return cw_menu_refuse(cw, m, prefix, r->code[0] ?
		    "menu_no_task" : "tasks_none", v, 1);
	if (total > 1) {
		/* Which one? Applying a guess could close the wrong case. */
		cw_copy(m->prefix, sizeof m->prefix, prefix);
		rc = cw_menu_which(cw, m, t, n, total);
		m->prefix[0] = '\0';
		return rc;
	}
	snprintf(digit, sizeof digit, "%d", r->choice);
	if (cw_choices_text(cw, t[0].kind, choices, sizeof choices) != 0)
		return -1;
	v[0] = (struct render_var){ "choice", digit };
	v[1] = (struct render_var){ "choices", choices };
	if ((c = cw_choice(t[0].kind, r->choice)) == NULL)
		return cw_menu_refuse(cw, m, prefix, "menu_bad_choice", v, 2);
	/* "4同意返校": the number and the words disagree; neither wins. */
	if (r->label[0]) {
		if (cw_choice_word(cw, c, word, sizeof word) != 0)
			return -1;
		if (!reply_label_is(r->label, word)) {
			log_info("inbound %lld: menu choice %d with another "
			    "choice's label", (long long)m->inbound_id,
			    r->choice);
			v[2] = (struct render_var){ "word", word };
			v[3] = (struct render_var){ "label", r->label };
			return cw_menu_refuse(cw, m, prefix, "menu_bad_label",
			    v, 4);
		}
	}
	return cw_task_apply(cw, m, &t[0], c, r->note);
}
