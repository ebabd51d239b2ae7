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
#include "parsers/normalize.h"
#include "parsers/phone.h"
#include "parsers/reply.h"
#include "parsers/smslen.h"
#include "parsers/utf8.h"
#include "parsers/vocab.h"

static const char *const cw_v_none[] = { NULL };
static const char *const cw_v_student[] = { "student_no", NULL };
static const char *const cw_v_abs_ok[] = {
	"student_no", "name", "class", "days", NULL
};
static const char *const cw_v_abs_ok_reason[] = {
	"student_no", "name", "class", "days", "reason", NULL
};
static const char *const cw_v_n[] = { "n", NULL };
static const char *const cw_v_max[] = { "max", NULL };
static const char *const cw_v_example[] = { "example", NULL };
static const char *const cw_v_suggest[] = { "keyword", "example", NULL };
static const char *const cw_v_cmd[] = { "cmd", NULL };
static const char *const cw_v_case[] = { "case", NULL };
static const char *const cw_v_student_name[] = { "student_no", "name", NULL };
static const char *const cw_v_case_all[] = {
	"case", "student_no", "name", "class", "school", "village", "days", NULL
};
static const char *const cw_v_excused_abs[] = {
	"student_no", "name", "class", "days", "closure", NULL
};
static const char *const cw_v_close_not_open[] = {
	"case", "student_no", "name", "open", NULL
};
static const char *const cw_v_case_over[] = {
	"student_no", "name", "closure", "case", NULL
};
static const char *const cw_v_excuse[] = {
	"student_no", "name", "closure", NULL
};
static const char *const cw_v_closure[] = {
	"case", "student_no", "name", "class", "school", "village", "days",
	"closure", NULL
};
static const char *const cw_v_case_status[] = {
	"case", "student_no", "name", "status", "level", "days", "resp",
	"gov_resp", "action", "when", NULL
};
static const char *const cw_v_date[] = { "m", "d", NULL };
static const char *const cw_v_ladder[] = {
	"case", "student_no", "name", "class", "school", "village", "due",
	"level", NULL
};
static const char *const cw_v_ladder_pause[] = {
	"case", "student_no", "name", "class", "school", "village", "due",
	"level", "outcome", "days", NULL
};
static const char *const cw_v_item[] = {
	"case", "student_no", "name", "class", "school", "village", "due",
	"what", "code", NULL
};
static const char *const cw_v_task[] = {
	"case", "student_no", "name", "class", "school", "village", "due",
	"level", "code", "choices", NULL
};
static const char *const cw_v_code[] = { "code", NULL };
static const char *const cw_v_code_student[] = { "code", "student_no", NULL };
static const char *const cw_v_which[] = { "n", "example", NULL };
static const char *const cw_v_choice[] = { "choice", "choices", NULL };
static const char *const cw_v_items[] = { "items", NULL };
static const char *const cw_v_what[] = { "what", NULL };
static const char *const cw_v_ask_days[] = { "student_no", "name", "class",
	"what", NULL };
static const char *const cw_v_student_choices[] = { "student_no", "choices",
	NULL };
static const char *const cw_v_confirm[] = { "student_no", "name", "days",
	"reason", NULL };
static const char *const cw_v_case_item[] = { "student_no", "name", "level",
	NULL };
static const char *const cw_v_task_item[] = { "i", "student_no", "what",
	"due", NULL };
static const char *const cw_v_task_choice[] = { "student_no", "name", "what",
	"choices", NULL };
static const char *const cw_v_confirm_task[] = { "student_no", "name",
	"choice", NULL };
static const char *const cw_v_sum[] = { "place", "absent", "open", "l1", "l2",
	"l3", "l4", "closed", "ended", "overdue", NULL };
static const char *const cw_v_vis[] = { "case", "student_no", "outcome",
	NULL };
static const char *const cw_v_case_student[] = { "case", "student_no",
	NULL };
static const char *const cw_v_home_visit[] = { "student_no", "name",
	"outcome", "n", NULL };
static const char *const cw_v_digest[] = {
	"place", "period", "absent", "prev", "open", "l1", "l2", "l3", "l4",
	"closed", "ended", "overdue", "owers", NULL
};
static const char *const cw_v_ower[] = { "name", "n", NULL };
static const char *const cw_v_handover[] = { "place", "cases", "tasks",
	NULL };
static const char *const cw_v_visits_remind[] = { "class", "n", "special",
	"times", "list", NULL };
static const char *const cw_v_no_name[] = { "student_no", "name", NULL };
static const char *const cw_v_sign_when[] = {
	"case", "student_no", "name", "class", "school", "village", "days",
	"when", NULL
};
static const char *const cw_v_sign_wait[] = {
	"case", "student_no", "name", "class", "school", "village", "days",
	"wait", NULL
};
static const char *const cw_v_period[] = { "from", "to", NULL };
static const char *const cw_v_term[] = { "school", "when", NULL };
static const char *const cw_v_school[] = { "school", NULL };
static const char *const cw_v_term_missing[] = { "township", "n", "list",
	NULL };
static const char *const cw_v_name_only[] = { "name", NULL };
static const char *const cw_v_place[] = { "place", NULL };
static const char *const cw_v_help[] = { "help", NULL };
static const char *const cw_v_bad_label[] = { "choice", "choices", "word",
	"label", NULL };

/* Every template the casework renders, with the placeholders it supplies;
 * checked at start so that a missing or mistyped file stops the daemon. */
const struct cw_template cw_templates[] = {
	{ "abs_ok", cw_v_abs_ok },
	{ "abs_ok_reason", cw_v_abs_ok_reason },
	{ "leave_ok", cw_v_abs_ok },
	{ "leave_ok_reason", cw_v_abs_ok_reason },
	{ "refused_student", cw_v_student },
	{ "refused_case", cw_v_case },
	{ "refused_role", cw_v_cmd },
	{ "case_label", cw_v_n },
	{ "case_opened", cw_v_case_all },
	{ "case_open_notice", cw_v_case_all },
	{ "case_dropout_opened", cw_v_case_all },
	{ "case_dropout_notice", cw_v_case_all },
	{ "case_updated", cw_v_case_all },
	{ "case_dropout_raised_notice", cw_v_case_all },
	{ "drop_raised", cw_v_case_all },
	{ "drop_already", cw_v_case_all },
	{ "ret_ok", cw_v_case_all },
	{ "case_closed_notice", cw_v_case_all },
	{ "ret_no_case", cw_v_student_name },
	{ "case_none", cw_v_student_name },
	{ "case_status", cw_v_case_status },
	{ "status_open", cw_v_none },
	{ "status_open_dropout", cw_v_none },
	{ "status_open_dropout_signed", cw_v_none },
	{ "sign_request", cw_v_case_all },
	{ "term_ok", cw_v_term },
	{ "term_already", cw_v_term },
	{ "term_remind", cw_v_school },
	{ "term_missing", cw_v_term_missing },
	{ "term_missing_item", cw_v_name_only },
	{ "term_missing_item_next", cw_v_name_only },
	{ "term_missing_more", cw_v_none },
	{ "example_term", cw_v_none },
	{ "sign_reminder", cw_v_sign_wait },
	{ "sign_overdue_notice", cw_v_sign_wait },
	{ "sign_overdue_no_inspector", cw_v_sign_wait },
	{ "handover_notice", cw_v_handover },
	{ "visits_remind", cw_v_visits_remind },
	{ "visits_remind_item", cw_v_no_name },
	{ "visits_remind_item_next", cw_v_no_name },
	{ "visits_remind_more", cw_v_n },
	{ "sign_ok", cw_v_case_all },
	{ "sign_notice", cw_v_case_all },
	{ "sign_already", cw_v_sign_when },
	{ "sign_not_dropout", cw_v_case_all },
	{ "sign_own", cw_v_case_all },
	{ "status_returned", cw_v_none },
	{ "status_transfer", cw_v_none },
	{ "status_deferred", cw_v_none },
	{ "status_home_schooling", cw_v_none },
	{ "close_ok", cw_v_closure },
	{ "excuse_ok", cw_v_excuse },
	{ "excuse_already", cw_v_excuse },
	{ "outcome_whereabouts", cw_v_none },
	{ "ret_unregistered", cw_v_excuse },
	{ "ret_unregistered_notice", cw_v_excuse },
	{ "case_none_registered", cw_v_excuse },
	{ "case_over_registered", cw_v_case_over },
	{ "close_not_open", cw_v_close_not_open },
	{ "abs_excused", cw_v_excused_abs },
	{ "case_ended_notice", cw_v_closure },
	{ "closure_transfer", cw_v_none },
	{ "closure_deferred", cw_v_none },
	{ "closure_home_schooling", cw_v_none },
	{ "action_close", cw_v_none },
	{ "action_open", cw_v_none },
	{ "action_update", cw_v_none },
	{ "action_dropout", cw_v_none },
	{ "action_return", cw_v_none },
	{ "resp_none", cw_v_none },
	{ "date_md", cw_v_date },
	{ "no_open_case", cw_v_student_name },
	{ "vis_ok", cw_v_vis },
	{ "vis_fine_open", cw_v_case_student },
	{ "home_visit_ok", cw_v_home_visit },
	{ "home_visit_report", cw_v_student_name },
	{ "outcome_return", cw_v_none },
	{ "outcome_refuse", cw_v_none },
	{ "outcome_away", cw_v_none },
	{ "outcome_ill", cw_v_none },
	{ "outcome_unreachable", cw_v_none },
	{ "outcome_transfer", cw_v_none },
	{ "outcome_fine", cw_v_none },
	{ "whereabouts_check", cw_v_ladder },
	{ "pause_return_notice", cw_v_ladder },
	{ "pause_ill_notice", cw_v_ladder },
	{ "ack_ok", cw_v_case },
	{ "ack_none", cw_v_case },
	{ "notice_ok", cw_v_ladder },
	{ "notice_ok_open", cw_v_ladder },
	{ "tasks_none", cw_v_none },
	{ "task_list_head", cw_v_n },
	{ "task_list_item", cw_v_item },
	{ "task_list_more", cw_v_n },
	{ "action_visit", cw_v_none },
	{ "action_notice", cw_v_none },
	{ "action_level", cw_v_none },
	{ "digest", cw_v_digest },
	{ "digest_zero", cw_v_digest },
	{ "digest_ower", cw_v_ower },
	{ "digest_more", cw_v_n },
	{ "digest_period", cw_v_period },
	{ "sum_period", cw_v_period },
	{ "sum_refused", cw_v_place },
	{ "part_prefix", cw_v_n },
	{ "err_empty", cw_v_none },
	{ "err_too_long", cw_v_none },
	{ "err_bad_utf8", cw_v_none },
	{ "err_too_many", cw_v_max },
	{ "err_unknown_command", cw_v_help },
	{ "err_unknown_help", cw_v_none },
	{ "err_did_you_mean", cw_v_suggest },
	{ "err_missing_student", cw_v_example },
	{ "err_bad_student", cw_v_example },
	{ "err_missing_target", cw_v_example },
	{ "err_bad_target", cw_v_example },
	{ "err_missing_days", cw_v_example },
	{ "err_bad_days", cw_v_example },
	{ "err_days_range", cw_v_example },
	{ "err_missing_outcome", cw_v_example },
	{ "err_bad_outcome", cw_v_example },
	{ "err_bad_outcome_school", cw_v_example },
	{ "err_missing_closure", cw_v_example },
	{ "err_bad_closure", cw_v_example },
	{ "err_bad_place", cw_v_example },
	{ "unregistered", cw_v_none },
	{ "help_school", cw_v_none },
	{ "help_village", cw_v_none },
	{ "help_township", cw_v_none },
	{ "help_county", cw_v_none },
	{ "help_inspector", cw_v_none },
	{ "help_principal", cw_v_none },
	{ "help_bureau", cw_v_none },
	{ "example_abs", cw_v_none },
	{ "example_leave", cw_v_none },
	{ "example_ret", cw_v_none },
	{ "example_drop", cw_v_none },
	{ "example_vis", cw_v_none },
	{ "example_ack", cw_v_none },
	{ "example_tasks", cw_v_none },
	{ "example_case", cw_v_none },
	{ "example_sum", cw_v_none },
	{ "example_notice", cw_v_none },
	{ "example_sign", cw_v_none },
	{ "example_close", cw_v_none },
	{ "example_help", cw_v_none },
	{ "usage_abs", cw_v_none },
	{ "usage_leave", cw_v_none },
	{ "usage_ret", cw_v_none },
	{ "usage_drop", cw_v_none },
	{ "usage_vis", cw_v_none },
	{ "usage_vis_school", cw_v_none },
	{ "usage_ack", cw_v_none },
	{ "usage_tasks", cw_v_none },
	{ "usage_case", cw_v_none },
	{ "usage_sum", cw_v_none },
	{ "usage_notice", cw_v_none },
	{ "usage_sign", cw_v_none },
	{ "usage_close", cw_v_none },
	{ "usage_term", cw_v_none },
	{ "usage_not_yours", cw_v_cmd },
	{ "reason_illness", cw_v_none },
	{ "reason_family", cw_v_none },
	{ "reason_weariness", cw_v_none },
	{ "reason_poverty", cw_v_none },
	{ "reason_work", cw_v_none },
	{ "reason_marriage", cw_v_none },
	{ "reason_distance", cw_v_none },
	{ "reason_none", cw_v_none },
	{ "choice_ack", cw_v_none },
	{ "choice_notice", cw_v_none },
	{ "menu_which", cw_v_which },
	{ "menu_item", cw_v_code_student },
	{ "menu_which_more", cw_v_n },
	{ "menu_bad_code", cw_v_code },
	{ "menu_no_task", cw_v_code },
	{ "menu_bad_choice", cw_v_choice },
	{ "menu_bad_label", cw_v_bad_label },
	{ "menu_no_case", cw_v_case },
	{ "tasks_note", cw_v_none },
	{ "ussd_main", cw_v_items },
	{ "ussd_item_abs", cw_v_none },
	{ "ussd_item_ret", cw_v_none },
	{ "ussd_item_leave", cw_v_none },
	{ "ussd_item_cases", cw_v_none },
	{ "ussd_item_tasks", cw_v_none },
	{ "ussd_item_sum", cw_v_none },
	{ "ussd_item_overdue", cw_v_none },
	{ "ussd_unregistered", cw_v_none },
	{ "ussd_restart", cw_v_none },
	{ "ussd_err_choice", cw_v_none },
	{ "ussd_err_no_more", cw_v_none },
	{ "ussd_err_short", cw_v_none },
	{ "ussd_err_student", cw_v_none },
	{ "ussd_err_days", cw_v_none },
	{ "ussd_err_note", cw_v_none },
	{ "ussd_nav", cw_v_none },
	{ "ussd_nav_more", cw_v_none },
	{ "ussd_ask_student", cw_v_what },
	{ "ussd_ask_days", cw_v_ask_days },
	{ "ussd_ask_reason", cw_v_student_choices },
	{ "ussd_confirm_abs", cw_v_confirm },
	{ "ussd_confirm_ret", cw_v_confirm },
	{ "ussd_confirm_leave", cw_v_confirm },
	{ "ussd_cases_head", cw_v_n },
	{ "ussd_cases_item", cw_v_case_item },
	{ "ussd_cases_none", cw_v_none },
	{ "ussd_tasks_head", cw_v_n },
	{ "ussd_tasks_item", cw_v_task_item },
	{ "ussd_tasks_none", cw_v_none },
	{ "ussd_task_choice", cw_v_task_choice },
	{ "ussd_ask_note", cw_v_none },
	{ "ussd_confirm_task", cw_v_confirm_task },
	{ "ussd_sum", cw_v_sum },
	{ "ussd_overdue_head", cw_v_n },
	{ "ussd_overdue_item", cw_v_ower },
	{ "ussd_overdue_none", cw_v_none },
	{ "ussd_done", cw_v_none },
	{ "ussd_failed", cw_v_none },
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
	int i;

	for (t = cw_templates; t->key; t++)
		if (catalog_require(cat, t->key, t->vars, err, errsz) != 0)
			return NULL;
	if (cfg->ladder == NULL) {
		cw_copy(err, errsz, "casework: no ladder");
		return NULL;
	}
	/* The ladder is data: its texts are checked against what it uses. */
	for (i = 0; i < cfg->ladder->nlevels; i++) {
		const struct ladder_level *lv = &cfg->ladder->lv[i];
		static const char *const forms[] = {
			"task_%s", "reminder_%s", "task_what_%s"
		};
		char key[48];
		size_t f;

		for (f = 0; lv->task[0] && f < 3; f++) {
			snprintf(key, sizeof key, forms[f], lv->task);
			if (catalog_require(cat, key, f == 2 ? cw_v_none :
			    cw_v_task, err, errsz) != 0)
				return NULL;
		}
		snprintf(key, sizeof key, "escalation_%d", i + 1);
		if (i > 0 && lv->nnotify &&
		    catalog_require(cat, key, cw_v_ladder, err, errsz) != 0)
			return NULL;
		/* Its words after a pause (返, 病) ran out, if it has them. */
		snprintf(key, sizeof key, "escalation_%d_pause", i + 1);
		if (i > 0 && lv->nnotify && catalog_text(cat, key) != NULL &&
		    catalog_require(cat, key, cw_v_ladder_pause, err,
		    errsz) != 0)
			return NULL;
	}
	if ((cw = calloc(1, sizeof *cw)) == NULL) {
		cw_copy(err, errsz, "out of memory");
		return NULL;
	}
	cw->store = st;
	cw->cat = cat;
	cw->parser = parser;
	cw_copy(cw->signature, sizeof cw->signature,
	    cfg->signature ? cfg->signature : "");
	cw->siglen = strlen(cw->signature);
	if (smslen_measure(cw->signature, cw->siglen, &cw->sig) != 0) {
		cw_copy(err, errsz, "signature is not valid UTF-8 text");
		free(cw);
		return NULL;
	}
	cw->threshold = cfg->threshold > 0 ? cfg->threshold : 2;
	cw->special_threshold = cfg->special_threshold > 0 ?
	    cfg->special_threshold : 1;
	cw->visits_remind_week = cfg->visits_remind_week;
	cw->visits_special = cfg->visits_special > 0 ? cfg->visits_special : 2;
	cw->cosign_days = cfg->cosign_days;
	snprintf(cw->answer_unregistered, sizeof cw->answer_unregistered,
	    "%s", cfg->answer_unregistered ? cfg->answer_unregistered : "+86");
	cw->term_autumn = cfg->term_autumn ? cfg->term_autumn : 901;
	cw->term_spring = cfg->term_spring ? cfg->term_spring : 301;
	cw->ladder = cfg->ladder;
	cw->max_segments = cfg->max_segments > 0 ? cfg->max_segments : 3;
	if (cw_menu_labels_load(cw, err, errsz) != 0) {
		free(cw);
		return NULL;
	}
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

/* Queues the signature and body[0..len) as m's text. */
static int
cw_put(struct casework *cw, struct store_outbound *m, const char *body,
    size_t len)
{
	if (cw->siglen + len >= sizeof m->text) {
		log_warnx("casework: outbound text too long (%zu bytes), "
		    "inbound %lld", cw->siglen + len, (long long)m->inbound_id);
		return -1;
	}
	memcpy(m->text, cw->signature, cw->siglen);
	memcpy(m->text + cw->siglen, body, len);
	m->text[cw->siglen + len] = '\0';
	if (store_outbound_enqueue(cw->store, m, NULL) != STORE_OK) {
		log_warnx("casework: enqueue: %s", store_errmsg(cw->store));
		return -1;
	}
	return 0;
}

/*
 * Queues one text, signature first. A text longer than max_segments SMS is
 * split at a sentence or line boundary into several, each signed, rather
 * than truncated.
 */
int
cw_enqueue(struct casework *cw, const char *to, const char *kind,
    const char *body, int64_t inbound_id, int64_t case_id, int64_t now)
{
	struct store_outbound m;
	struct smslen all;
	size_t len = strlen(body), piece, cap;
	char *whole;
	int n;

	memset(&m, 0, sizeof m);
	cw_copy(m.to, sizeof m.to, to);
	cw_copy(m.kind, sizeof m.kind, kind);
	m.priority = cw_priority(kind);
	m.inbound_id = inbound_id;
	m.case_id = case_id;
	m.created_at = now;
	m.due_at = now;
	if (len == 0)
		return 0;	/* nothing to say: no SMS */
	/*
	 * Short enough to need no measuring: a UTF-16 code unit takes at
	 * least a byte of UTF-8, and a GSM-7 text at most two septets a
	 * byte (153 a part against UCS-2's 67), so no more bytes than
	 * max_segments parts of UCS-2 hold always fit. Most replies and
	 * notices are: the measuring was 6 % of a message's instructions
	 * (bench/instr.sh). Its UTF-8 is checked all the same.
	 */
	if (cw->siglen + len <= (size_t)cw->max_segments * SMSLEN_UCS2_PART)
		return utf8_count(body, len) < 0 ? -1 :
		    cw_put(cw, &m, body, len);
	if ((whole = malloc(cw->siglen + len + 1)) == NULL)
		return -1;
	memcpy(whole, cw->signature, cw->siglen);
	memcpy(whole + cw->siglen, body, len + 1);
	n = smslen_measure(whole, cw->siglen + len, &all);
	free(whole);
	if (n != 0)
		return -1;
	cap = smslen_capacity(all.enc, (size_t)cw->max_segments);
	if (cw->sig.units + 10 > cap)
		return -1;
	while (len > 0) {
		piece = all.segments <= (size_t)cw->max_segments ? len :
		    smslen_fit(body, len, all.enc, cap - cw->sig.units);
		if (cw_put(cw, &m, body, piece) != 0)
			return -1;
		body += piece;
		len -= piece;
		while (len > 0 && (*body == '\n' || *body == ' ')) {
			body++;
			len--;
		}
	}
	return 0;
}

/* Appends prefix (may be "") and the rendered key as one reply line. */
static int
cw_reply_line(struct casework *cw, struct cw_msg *m, const char *prefix,
    const char *key, const struct render_var *vars, size_t nvars)
{
	char line[CW_REPLY_MAX];
	size_t l, pl = strlen(prefix);

	if (pl >= sizeof line || render(cw->cat, key, vars, nvars, line + pl,
	    sizeof line - pl) != 0) {
		log_warnx("casework: cannot render template %s", key);
		return -1;
	}
	memcpy(line, prefix, pl);
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

int
cw_reply_text(struct casework *cw, struct cw_msg *m, const char *text)
{
	size_t l = strlen(text);

	(void)cw;
	if (m->replylen + l + 2 > sizeof m->reply)
		return -1;
	if (m->replylen)
		m->reply[m->replylen++] = '\n';
	memcpy(m->reply + m->replylen, text, l + 1);
	m->replylen += l;
	return 0;
}

int
cw_append(struct casework *cw, char *buf, size_t sz, size_t *len,
    const char *key, const struct render_var *vars, size_t nvars)
{
	if (*len >= sz || render(cw->cat, key, vars, nvars, buf + *len,
	    sz - *len) != 0)
		return -1;
	*len += strlen(buf + *len);
	return 0;
}

int64_t
casework_week_start(int64_t t)
{
	return cw_week_start(t);
}

int64_t
casework_term_start(int64_t t)
{
	return cw_term_start(t);
}

int
cw_reply(struct casework *cw, struct cw_msg *m, const char *key,
    const struct render_var *vars, size_t nvars)
{
	return cw_reply_line(cw, m, m->prefix, key, vars, nvars);
}

void
cw_detail_note(char *buf, size_t sz, const char *key, const struct cmd *c)
{
	snprintf(buf, sz, "%s=%s%s%s", key, c->outcome,
	    c->note[0] ? " note=" : "", c->note);
}

int
cw_closure(struct casework *cw, const char *code, char *buf, size_t sz)
{
	char key[40];

	snprintf(key, sizeof key, "closure_%s", code);
	return render(cw->cat, key, NULL, 0, buf, sz);
}

/* Does the sender hold a role of the school line's that reports? */
static int
cw_any_school_role(const struct cw_msg *m)
{
	size_t i;

	for (i = 0; i < m->nroles; i++)
		if (vocab_role_reports_absence(vocab_role(m->roles[i].role)))
			return 1;
	return 0;
}

/* The HELP line of each kind of role (cw_help_kinds()). */
static const char *const cw_help_keys[] = {
	"help_school", "help_village", "help_township", "help_county",
	"help_inspector", "help_principal", "help_bureau"
};
#define CW_HELP_KINDS (sizeof cw_help_keys / sizeof cw_help_keys[0])

/* Which HELP lines the sender's roles get (want[i] for cw_help_keys[i]);
 * how many. */
static size_t
cw_help_kinds(const struct cw_msg *m, int want[CW_HELP_KINDS])
{
	size_t r, i, n = 0;

	for (i = 0; i < CW_HELP_KINDS; i++)
		want[i] = 0;
	for (r = 0; r < m->nroles; r++) {
		const char *role = m->roles[r].role;

		/* Who may close a case (CLOSE) get lines that say so, each
		 * still one SMS. */
		if (!strcmp(role, "principal"))
			want[5] = 1;
		else if (!strcmp(role, "bureau"))
			want[6] = 1;
		else if (vocab_role_reports_absence(vocab_role(role)))
			want[0] = 1;
		else if (!strcmp(role, "village_head") ||
		    !strcmp(role, "village_cadre"))
			want[1] = 1;
		else if (!strcmp(role, "township_official") ||
		    !strcmp(role, "township_head"))
			want[2] = 1;
		else if (!strcmp(role, "inspector"))
			want[4] = 1;
		else
			want[3] = 1;
	}
	/* A principal's line is the school's with CLOSE in it; the
	 * bureau's, the county's. */
	if (want[5])
		want[0] = 0;
	for (i = 0; i < CW_HELP_KINDS; i++)
		n += (size_t)want[i];
	return n;
}

/*
 * Words that are no command: "not understood" and the sender's own HELP
 * line (a village head's says to answer a task SMS by its number), when
 * the sender holds one kind of role and it fits one SMS with the
 * signature and prefix; else "not understood" and to send HELP.
 */
static int
cw_unknown(struct casework *cw, struct cw_msg *m)
{
	char help[CATALOG_MAX_TEXT], text[CW_REPLY_MAX];
	struct render_var v = { "help", help };
	struct smslen len;
	int want[CW_HELP_KINDS];
	size_t i, o;

	if (cw_help_kinds(m, want) != 1)
		return cw_reply(cw, m, "err_unknown_help", NULL, 0);
	for (i = 0; !want[i]; i++)
		;
	o = cw->siglen + strlen(m->prefix);
	if (o >= sizeof text || render(cw->cat, cw_help_keys[i], NULL, 0, help,
	    sizeof help) != 0 || render(cw->cat, "err_unknown_command", &v, 1,
	    text + o, sizeof text - o) != 0)
		return -1;
	memcpy(text, cw->signature, cw->siglen);
	memcpy(text + cw->siglen, m->prefix, o - cw->siglen);
	if (smslen_measure(text, strlen(text), &len) != 0 ||
	    len.segments > 1)
		return cw_reply(cw, m, "err_unknown_help", NULL, 0);
	return cw_reply(cw, m, "err_unknown_command", &v, 1);
}

/* The reply for a part the parser could not understand: what was wrong
 * and the right form, from the templates. */
static int
cw_part_error(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	char key[48], example[CATALOG_MAX_TEXT];
	struct render_var v[2];
	enum cmd_kind k = c->kind;

	if (c->err == PERR_UNKNOWN_COMMAND && c->suggest == CMD_NONE)
		return cw_unknown(cw, m);
	if (c->err == PERR_UNKNOWN_COMMAND)
		k = c->suggest;
	snprintf(key, sizeof key, "example_%s", cmd_kind_key(k));
	if (render(cw->cat, key, NULL, 0, example, sizeof example) != 0)
		return -1;
	if (c->err == PERR_UNKNOWN_COMMAND) {
		v[0] = (struct render_var){ "keyword", cmd_kind_name(k) };
		v[1] = (struct render_var){ "example", example };
		return cw_reply(cw, m, "err_did_you_mean", v, 2);
	}
	v[0] = (struct render_var){ "example", example };
	snprintf(key, sizeof key, "err_%s", perr_name(c->err));
	/* Only the school's people make routine visits (在校): the others
	 * are not offered the word. */
	if (c->err == PERR_BAD_OUTCOME && cw_any_school_role(m))
		cw_copy(key, sizeof key, "err_bad_outcome_school");
	if (catalog_text(cw->cat, key) == NULL)
		return cw_unknown(cw, m);
	return cw_reply(cw, m, key, v, 1);
}

/*
 * HELP with a command asked about: its use (usage_abs, ...), or that the
 * sender's roles may not use it. Without: the commands of each kind of
 * role the sender holds, one SMS each.
 */
static int
cw_help(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	int want[CW_HELP_KINDS];
	size_t i;

	if (c->topic != CMD_NONE) {
		struct render_var v[1] = { { "cmd", cmd_kind_name(c->topic) } };
		char key[32];

		if (!cw_may(m, c->topic))
			return cw_reply(cw, m, "usage_not_yours", v, 1);
		/* Only the school's people make routine visits (在校). */
		snprintf(key, sizeof key, "usage_%s%s", cmd_kind_key(c->topic),
		    c->topic == CMD_VIS && cw_any_school_role(m) ? "_school" :
		    "");
		return cw_reply(cw, m, key, NULL, 0);
	}
	cw_help_kinds(m, want);
	for (i = 0; i < CW_HELP_KINDS; i++)
		if (want[i] && cw_reply(cw, m, cw_help_keys[i], NULL, 0) != 0)
			return -1;
	return 0;
}

int
cw_command(struct casework *cw, struct cw_msg *m, const struct cmd *c)
{
	switch (c->kind) {
	case CMD_ABS:
		return cw_abs(cw, m, c);
	case CMD_LEAVE:
		return cw_leave(cw, m, c);
	case CMD_DROP:
		return cw_drop(cw, m, c);
	case CMD_RET:
		return cw_ret(cw, m, c);
	case CMD_CASE:
		return cw_case(cw, m, c);
	case CMD_VIS:
		return cw_vis(cw, m, c);
	case CMD_ACK:
		return cw_ack(cw, m, c);
	case CMD_TASKS:
		return cw_tasks(cw, m);
	case CMD_NOTICE:
		return cw_notice(cw, m, c);
	case CMD_SIGN:
		return cw_sign(cw, m, c);
	case CMD_CLOSE:
		return cw_close(cw, m, c);
	case CMD_SUM:
		return cw_sum(cw, m, c);
	case CMD_HELP:
		return cw_help(cw, m, c);
	case CMD_TERM:
		return cw_term(cw, m, c);
	case CMD_NONE:
	case CMD_KIND_COUNT:
		break;	/* an unknown keyword is a parse error, never here */
	}
	/* No default: -Wswitch names a kind added without its handler. */
	log_warnx("casework: no handler for command kind %d", (int)c->kind);
	return -1;
}

/* Where part i ends in norm: at the end of its line, at a ';', or where
 * the next part starts after a ',' (the parser keeps only the start). */
static size_t
cw_part_end(const char *norm, size_t nlen, const struct cmd_list *l,
    size_t i)
{
	size_t a = l->v[i].off, b = a;
	size_t lim = i + 1 < l->n ? l->v[i + 1].off : nlen;

	while (b < lim && norm[b] != '\n' && norm[b] != ';')
		b++;
	while (b > a && (norm[b - 1] == ' ' || norm[b - 1] == ','))
		b--;
	return b;
}

/* Does a numbered reply name its task (a code, 任务#12)? Only a
 * message's first part may be a bare number: after it, "2、下周一到校"
 * is a line of the note, not an answer to the sender's other task, and
 * after a blank line "3 组 张大山" is a signature. */
static int
cw_reply_named(const struct menu_reply *r)
{
	return r->code[0] != '\0' || r->case_no != 0;
}

/* Is part i words, neither a command nor a reply that names its task?
 * 1, 0, or -1. */
static int
cw_part_is_words(struct casework *cw, const char *norm, size_t nlen,
    const struct cmd_list *l, size_t i)
{
	const struct cmd *c = &l->v[i];
	struct menu_reply r;
	int rc;

	if (c->err != PERR_UNKNOWN_COMMAND || c->suggest != CMD_NONE)
		return 0;
	rc = cw_menu_parse(cw, norm + c->off, cw_part_end(norm, nlen, l, i) -
	    c->off, &r);
	return rc < 0 ? -1 : rc == 0 || !cw_reply_named(&r);
}

/*
 * Part i as a numbered reply, answered: 1 if it was one (*last the last
 * part it took), 0 if not, -1 on failure. Its note goes on over the parts
 * after it that are words ("3\n家长说要去打工"), but another reply or a
 * command is a part of its own ("K7QX 3\nD4VK 3").
 */
static int
cw_part_reply(struct casework *cw, struct cw_msg *m, const char *norm,
    size_t nlen, const struct cmd_list *l, size_t i, int first,
    const char *prefix, size_t *last)
{
	struct menu_reply r, whole;
	size_t a = l->v[i].off, j = i;
	int rc;

	rc = cw_menu_parse(cw, norm + a, cw_part_end(norm, nlen, l, i) - a,
	    &r);
	if (rc != 1 || (!first && !cw_reply_named(&r)))
		return rc < 0 ? -1 : 0;
	while (j + 1 < l->n && (rc = cw_part_is_words(cw, norm, nlen, l,
	    j + 1)) != 0) {
		if (rc < 0)
			return -1;
		j++;
	}
	if (j > i && cw_menu_parse(cw, norm + a, cw_part_end(norm, nlen, l, j) -
	    a, &whole) == 1)
		r = whole;
	*last = j;
	return cw_menu_answer(cw, m, &r, prefix) == 0 ? 1 : -1;
}

/* 任务 with a number after it ("任务#12 3天后", "任务 3"): not an answer
 * (nor the list, which with this would not fit one SMS). */
static int
cw_tasks_numbered(const struct cmd *c)
{
	return c->kind == CMD_TASKS && strpbrk(c->note, "0123456789") != NULL;
}

/*
 * Where the parser stopped reading text[0..len) as parts of l, if a
 * numbered reply is there: after a blank line it takes words for a
 * phone's signature (command.h), but "K7QX 3\n\nD4VK 3" answers two tasks.
 * The offset of that line, or 0.
 */
static size_t
cw_after_blank(struct casework *cw, const char *text, size_t len,
    const struct cmd_list *l)
{
	struct menu_reply r;
	const char *nl;
	size_t p, e;

	if (l->n == 0 || l->dropped ||
	    (nl = memchr(text + l->v[l->n - 1].off, '\n', len -
	    l->v[l->n - 1].off)) == NULL)
		return 0;
	for (p = (size_t)(nl - text); p < len && text[p] == '\n'; p++)
		;
	for (e = p; e < len && text[e] != '\n' && text[e] != ';'; e++)
		;
	return p < len && cw_menu_parse(cw, text + p, e - p, &r) == 1 &&
	    cw_reply_named(&r) ? p : 0;
}

/*
 * The parts of l, read from text, answered: numbered no + 1, ..., with
 * "第n条：" on what failed if several. *nerr counts parts not understood.
 */
static int
cw_parts(struct casework *cw, struct cw_msg *m, const char *text,
    size_t len, const struct cmd_list *l, size_t no, int several,
    size_t *nerr)
{
	char n[24], prefix[sizeof m->prefix];
	struct render_var vn = { "n", n };
	size_t i, last;
	int r;

	for (i = 0; i < l->n; i = last + 1) {
		const struct cmd *c = &l->v[i];

		last = i;
		m->prefix[0] = prefix[0] = '\0';
		snprintf(n, sizeof n, "%zu", no + i + 1);
		if (several && render(cw->cat, "part_prefix", &vn, 1, prefix,
		    sizeof prefix) != 0)
			return -1;
		if ((r = cw_part_reply(cw, m, text, len, l, i, no + i == 0,
		    prefix, &last)) < 0)
			return -1;
		if (r == 1)
			continue;
		if (c->err != PERR_NONE) {
			(*nerr)++;
			cw_copy(m->prefix, sizeof m->prefix, prefix);
			if (cw_part_error(cw, m, c) != 0)
				return -1;
			continue;
		}
		if (cw_tasks_numbered(c)) {
			cw_copy(m->prefix, sizeof m->prefix, prefix);
			if (cw_reply(cw, m, "tasks_note", NULL, 0) != 0)
				return -1;
			continue;
		}
		if (cw_command(cw, m, c) != 0)
			return -1;
	}
	m->prefix[0] = '\0';
	return 0;
}

/*
 * The reply to a whole message: one line (or more) per part, each part
 * a numbered reply or a command. *nparts: parts read; *nerr: those not
 * understood.
 */
static int
cw_message(struct casework *cw, struct cw_msg *m, const char *norm,
    size_t nlen, struct cmd_list *l, enum perr_code rc, size_t *nparts,
    size_t *nerr)
{
	char max[24];
	struct render_var vm = { "max", max };
	size_t base = 0, next;
	struct perr e;

	*nparts = *nerr = 0;
	switch (rc) {
	case PERR_NONE:
		break;
	case PERR_TOO_LONG:
		return cw_reply(cw, m, "err_too_long", NULL, 0);
	case PERR_BAD_UTF8:
		return cw_reply(cw, m, "err_bad_utf8", NULL, 0);
	case PERR_EMPTY:
		return cw_reply(cw, m, "err_empty", NULL, 0);
	default:
		return -1;
	}
	for (;;) {
		next = cw_after_blank(cw, norm + base, nlen - base, l);
		if (cw_parts(cw, m, norm + base, nlen - base, l, *nparts,
		    *nparts > 0 || l->n > 1 || next > 0, nerr) != 0)
			return -1;
		*nparts += l->n;
		if (l->dropped || next == 0)
			break;
		base += next;
		if (*nparts >= CMD_MAX) {
			l->dropped = 1;
			break;
		}
		if (command_parse_normalized(cw->parser, norm + base, nlen -
		    base, l, &e) != PERR_NONE)
			break;
	}
	if (l->dropped) {
		snprintf(max, sizeof max, "%d", CMD_MAX);
		return cw_reply(cw, m, "err_too_many", &vm, 1);
	}
	return 0;
}

static enum perr_code
cw_first_error(const struct cmd_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].err != PERR_NONE)
			return l->v[i].err;
	return PERR_NONE;
}

int
casework_inbound(struct casework *cw, int64_t inbound_id, const char *from,
    const char *text, size_t len, int64_t now)
{
	struct cw_msg *m;
	struct cmd_list *l;
	struct perr e;
	enum perr_code prc;
	int64_t recent;
	int rc = -1;
	char masked[32], *norm = NULL;
	size_t nlen = 0, nparts, nerr;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return -1;
	l = &m->parts;
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
		/* Abroad: each new number would cost an international SMS
		 * (SMS pumping); stored, not answered. */
		if (!phone_prefixed(cw->answer_unregistered, from)) {
			rc = 0;
			goto out;
		}
		if (store_replies_since(cw->store, from,
		    now - CW_UNREGISTERED_QUIET + 1, &recent) != STORE_OK)
			goto out;
		rc = 0;
		if (recent == 0 && cw_reply(cw, m, "unregistered", NULL, 0) == 0)
			rc = cw_enqueue(cw, from, "reply", m->reply,
			    inbound_id, 0, now);
		goto out;
	}
	/* Normalized once, split into parts by the command parser; each
	 * part read as a numbered reply, else as a command. */
	if ((norm = malloc(NORMALIZE_MAX_IN + 1)) == NULL)
		goto out;
	prc = normalize_text(text, len, norm, NORMALIZE_MAX_IN + 1, &nlen);
	if (prc == PERR_NONE)
		prc = command_parse_normalized(cw->parser, norm, nlen, l, &e);
	else
		l->n = l->nerr = l->dropped = 0;
	if (cw_message(cw, m, norm, nlen, l, prc, &nparts, &nerr) != 0)
		goto out;
	if (prc != PERR_NONE || nerr)
		log_info("inbound %lld from %s: %zu of %zu part(s) not "
		    "understood (%s)", (long long)inbound_id, masked,
		    prc != PERR_NONE ? 1 : nerr, prc != PERR_NONE ? 1 : nparts,
		    perr_name(prc != PERR_NONE ? prc : cw_first_error(l)));
	rc = cw_enqueue(cw, from, "reply", m->reply, inbound_id, 0,
	    now);
out:
	free(norm);
	free(m);
	return rc;
}
