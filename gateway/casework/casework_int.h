/* Private to casework/: shared state and helpers of the domain modules. */
#ifndef BX_CASEWORK_INT_H
#define BX_CASEWORK_INT_H

#include <string.h>

#include "gateway/casework/casework.h"
#include "gateway/casework/ladder.h"
#include "parsers/command.h"
#include "parsers/smslen.h"
#include "store/store.h"
#include "templates/render.h"

#define CW_MAX_ROLES 16
#define CW_REPLY_MAX 2048

struct casework {
	struct store *store;
	const struct catalog *cat;
	const struct command_parser *parser;
	char signature[128];
	size_t siglen;
	struct smslen sig;		/* the signature alone, measured once */
	int threshold;			/* days of absence that open a case */
	int special_threshold;		/* the same for special-need students */
	const struct ladder *ladder;
	int max_segments;
	int visits_remind_week, visits_special;
	int cosign_days;		/* 0: co-signatures are not chased */
	int term_autumn, term_spring;	/* month * 100 + day */
	char answer_unregistered[128];	/* casework_cfg's */
	/* Each menu's choices as a task SMS lists them, rendered at first
	 * use (the catalog does not change while the casework lives):
	 * [0] a visit's, [1] a notice's; "" until then. */
	char choices[2][256];
	/* Every menu's labels (同意返校, ..., 已送达), by which a reply that
	 * copies one is read (parsers/reply.h): rendered at start
	 * (cw_menu_labels_load), NUL-separated in labels, listed in label[]
	 * up to a NULL. */
	char labels[512];
	const char *label[16];
};

/* As many as the store's cache of people keeps for a role at a place. */
#define CW_ROLE_MAX CASEWORK_ROLE_MAX
/* One list of people told: up to LADDER_MAX_WHO roles (a level's
 * notices; the dual line has six), each with all its holders. It used to
 * be 32, and the dual line's last role, the bureau, was the one lost. */
#define CW_MAX_NOTIFY (LADDER_MAX_WHO * CW_ROLE_MAX)

/* snprintf(dst, sz, "%s", src) without the formatting: about 700
 * instructions a call, tens of calls a message (bench/instr.sh). */
static inline void
cw_copy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (sz == 0)
		return;
	if (n >= sz)
		n = sz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* What the pipeline knows about the message being handled. */
struct cw_msg {
	int64_t inbound_id;
	const char *from;
	int64_t now;
	struct store_person roles[CW_MAX_ROLES];	/* the sender's rows */
	size_t nroles;
	char reply[CW_REPLY_MAX];			/* lines so far */
	size_t replylen;
	char prefix[64];		/* "第2条：" before the current line */
	struct cmd_list parts;
};

/* Appends rendered template key as a line of the sender's reply. */
int cw_reply(struct casework *, struct cw_msg *, const char *key,
    const struct render_var *, size_t nvars);
/* Queues text (signature added here) to one number; case_id the case
 * it is about (0: none), by which an import withdraws what is queued to a
 * number told of that case no more (store/leave.c). */
int cw_enqueue(struct casework *, const char *to, const char *kind,
    const char *body, int64_t inbound_id, int64_t case_id, int64_t now);

/* What a student looks like in a text: never more than this (PIPL). */
struct cw_view {
	char student_no[STORE_STUDENT_MAX];
	char name[STORE_NAME_MAX];		/* masked: 张*明 */
	char class_name[STORE_NAME_MAX];
	char school_code[STORE_CODE_MAX];
	char school[STORE_NAME_MAX];
	char village[STORE_NAME_MAX];
	char township_code[STORE_CODE_MAX];
	char county_code[STORE_CODE_MAX];
	int special;				/* in a special-need category */
};
int cw_view(struct casework *, const struct store_student *,
    struct cw_view *);
/* A case and its student as texts show it (tasks name a case). */
int cw_case_view(struct casework *, int64_t case_id, struct store_case *,
    struct cw_view *);

enum cw_auth {
	CW_AUTH_OK,
	CW_AUTH_NO_ROLE,	/* none of the sender's roles may do this */
	CW_AUTH_SCOPE,		/* not within the sender's scope, or unknown */
	CW_AUTH_ERR = -1
};
/* Does any of the sender's roles allow command k at all (not yet asking
 * whose students)? */
int cw_may(const struct cw_msg *, enum cmd_kind k);
/*
 * The student a command names (by 学号 or 案号), if the sender holds a role
 * that may run the command on that student. Returns 1 with s (and the
 * acting role row in *actor), 0 after replying with a refusal that reveals
 * nothing about the student, or -1 on a store error.
 */
int cw_find_student(struct casework *, struct cw_msg *, const struct cmd *,
    struct store_student *s, const struct store_person **actor);

/* Queues key to each phone once, never to the sender; kind "notice";
 * about case_id (0: none, as cw_enqueue). */
int cw_notify(struct casework *, struct cw_msg *, int64_t case_id,
    char (*phones)[STORE_PHONE_MAX], size_t n, const char *key,
    const struct render_var *, size_t nvars);
int cw_notify_kind(struct casework *, struct cw_msg *, int64_t case_id,
    char (*phones)[STORE_PHONE_MAX], size_t n, const char *kind,
    const char *key, const struct render_var *, size_t nvars);
/* Renders key and queues it to one phone with the given kind. */
int cw_send(struct casework *, struct cw_msg *, int64_t case_id,
    const char *phone, const char *kind, const char *key,
    const struct render_var *, size_t nvars);
/* The phones of the holders of role at place (at most CW_ROLE_MAX),
 * appended to phones[*n..CW_MAX_NOTIFY). A full list drops the rest with
 * a warning in the log. */
int cw_holders(struct casework *, const char *role, const char *place,
    char (*phones)[STORE_PHONE_MAX], size_t *n);
/* Renders key once a page and tells every watcher of the case (but the
 * sender and the nskip phones in skip), however many. */
int cw_notify_watchers(struct casework *, struct cw_msg *, int64_t case_id,
    const char *key, const struct render_var *, size_t nvars,
    const char (*skip)[STORE_PHONE_MAX], size_t nskip);
/* Is phone one of list[0..n)? */
int cw_among(const char *phone, const char (*list)[STORE_PHONE_MAX],
    size_t n);
/* Head teacher of the class and principal of the school. */
int cw_collect_school(struct casework *, const struct store_student *,
    const struct cw_view *, char (*phones)[STORE_PHONE_MAX], size_t *n);
/* "#12" from the case_label template. */
int cw_case_label(struct casework *, int64_t id, char *buf, size_t sz);
int cw_event(struct casework *, struct cw_msg *, int64_t case_id,
    int64_t student_id, int64_t actor_id, const char *what,
    const char *detail);
/* The same at a given time (the ladder records climbs when they were due,
 * even when a stopped daemon catches up later). */
int cw_event_at(struct casework *, struct cw_msg *, int64_t at,
    int64_t case_id, int64_t student_id, int64_t actor_id, const char *what,
    const char *detail);
/* A date for texts: "9月4日" from the date_md template. */
int cw_date(struct casework *, int64_t t, char *buf, size_t sz);

/* The scheduler's: a dropout's co-signature due at, chased (cases.c). */
int cw_cosign_due(struct casework *, struct cw_msg *, int64_t case_id,
    int64_t at);
/* A new inspector was asked for case_id's co-signature now: a chase that
 * had ended (the bureau told) starts again from that ask, the bureau told
 * again cosign_days on unless signed; one under way keeps its deadline. */
int cw_cosign_rechase(struct casework *, int64_t case_id, int64_t now);
int cw_case_open(struct casework *, struct cw_msg *, const struct cmd *,
    const struct store_student *, const struct cw_view *,
    const struct store_person *reporter, int dropout);
/* An absence for a student whose case is open: folded into it. */
int cw_case_absence(struct casework *, struct cw_msg *, const struct cmd *,
    struct store_case *, const struct cw_view *,
    const struct store_person *reporter);

/* The ladder (escalate.c). */
/* The level 1 fields (level, level_at, next_at) of a case about to be
 * opened at t, so that its row is inserted whole. */
void cw_ladder_plan(struct casework *, struct store_case *,
    const struct cw_view *, int64_t t);
/* Level 1 for a case just opened with cw_ladder_plan()'s fields; *assignee
 * gets the phone of the level 1 task's person ("" if none), who then needs
 * no separate notice. */
int cw_ladder_start(struct casework *, struct cw_msg *, struct store_case *,
    const struct store_student *, const struct cw_view *, char *assignee);
/* RET and CLOSE: every open task done with this outcome ("returned", or
 * how the case ended), the ladder stopped. */
int cw_ladder_stop(struct casework *, struct cw_msg *, struct store_case *,
    int64_t actor_id, const char *outcome);
/* DROP on a case held for whereabouts: the hold is refuted, it climbs. */
int cw_ladder_refute(struct casework *, struct cw_msg *, struct store_case *);
int cw_vis(struct casework *, struct cw_msg *, const struct cmd *);
int cw_ack(struct casework *, struct cw_msg *, const struct cmd *);
int cw_tasks(struct casework *, struct cw_msg *);
int cw_notice(struct casework *, struct cw_msg *, const struct cmd *);
/*
 * An event's detail for a command with a code and a free note: "KEY=CODE"
 * (c->outcome: a visit's outcome, how a case was closed), then
 * " note=TEXT" when the sender wrote one. The retention pass cuts every
 * event's detail at " note=" (store/sql.def, RETAIN_EVENTS_WIPE): the
 * format is read there.
 */
void cw_detail_note(char *buf, size_t sz, const char *key,
    const struct cmd *c);
/* How a case ended or a student is registered (CLOSE: transfer,
 * deferred, home_schooling), in the words of the templates (closure_*);
 * 0, or -1 if none renders. */
int cw_closure(struct casework *, const char *code, char *buf, size_t sz);
/* The sender's school role row (teacher, head teacher, principal) that
 * covers s, whatever other rows they hold: 1 with *actor, 0 if none, -1
 * on a store failure. */
int cw_school_actor(struct casework *, const struct cw_msg *,
    const struct store_student *, const struct store_person **actor);
/* The case a command names (by 学号 or 案号) in *cs, with its student,
 * the sender's role row that may act on it and the view: by 学号 the
 * open case, else (unless open_only) the latest. 1; 0 when refused or
 * there is none (the reply said why); -1 on a store failure. */
int cw_find_case(struct casework *, struct cw_msg *, const struct cmd *,
    int open_only, struct store_student *s,
    const struct store_person **actor, struct cw_view *v,
    struct store_case *cs);
/* The same, with no reply when there is no such case: 2 then, with the
 * student, actor and view set. */
int cw_find_case_or_none(struct casework *, struct cw_msg *,
    const struct cmd *, int open_only, struct store_student *s,
    const struct store_person **actor, struct cw_view *v,
    struct store_case *cs);
/* Asks phone (an inspector) to co-sign the confirmed dropout case_id, as
 * a DROP asks (sign_request). */
int cw_ask_cosign_of(struct casework *, struct cw_msg *, int64_t case_id,
    const char *phone);
/* The term-start report (term.c): the first day of the term t is in;
 * TERM; and what a digest recipient p gets besides in the run that fell
 * due at due: the principal's reminder in the term's first week, the
 * township's list of schools not reported in its second (1 with out, 0
 * none, -1). */
int64_t cw_term_begin(const struct casework *, int64_t t);
int cw_term(struct casework *, struct cw_msg *, const struct cmd *);
int cw_term_text(struct casework *, const struct store_person *p,
    int64_t due, char *out, size_t outsz);
/* Routine visits (visits.c): is the digest of the week starting at week
 * one that reminds head teachers, and the reminder for a class (1, with
 * out; 0 if nobody is left to visit; -1 on failure). */
int cw_visits_due(const struct casework *, int64_t week);
int cw_visits_text(struct casework *, const char *class_code, int64_t week,
    char *out, size_t outsz);
/* Review (digest.c). */
int64_t cw_week_start(int64_t t);
/* Local midnight starting the school term t is in: 1 February (spring)
 * or 1 August (autumn, through January). */
int64_t cw_term_start(int64_t t);
int cw_digest_text(struct casework *, const char *scope, int64_t from,
    int64_t to, const char *period_key, char *out, size_t outsz);
int cw_sum(struct casework *, struct cw_msg *, const struct cmd *);
/* Appends a ready text (not a template) as a reply line. */
int cw_reply_text(struct casework *, struct cw_msg *, const char *text);
/* Renders key at buf[*len] (buf holding sz bytes), *len moved past it:
 * a list built item by item. 0, or -1 if it does not fit. */
int cw_append(struct casework *, char *buf, size_t sz, size_t *len,
    const char *key, const struct render_var *, size_t nvars);

int cw_abs(struct casework *, struct cw_msg *, const struct cmd *);
int cw_leave(struct casework *, struct cw_msg *, const struct cmd *);
int cw_drop(struct casework *, struct cw_msg *, const struct cmd *);
int cw_ret(struct casework *, struct cw_msg *, const struct cmd *);
int cw_case(struct casework *, struct cw_msg *, const struct cmd *);
int cw_sign(struct casework *, struct cw_msg *, const struct cmd *);
int cw_close(struct casework *, struct cw_msg *, const struct cmd *);

/* Menus (menu.c): the numbered choices of a kind of task. */
struct cw_choice {
	int digit;			/* 1..9; 0 ends a table */
	enum cmd_kind kind;		/* VIS, ACK or NOTICE */
	const char *outcome;		/* VIS: the outcome code */
	const char *word_key;		/* the choice's word (template) */
};
/* The table for a task kind (visit, joint_visit, serve_notice). */
const struct cw_choice *cw_choices(const char *task_kind);
/* One choice, or NULL if digit is not on the kind's menu. */
const struct cw_choice *cw_choice(const char *task_kind, int digit);
int cw_choice_word(struct casework *, const struct cw_choice *, char *buf,
    size_t sz);
/* "1同意返校 2拒绝返校 ..." for a task kind. */
int cw_choices_text(struct casework *, const char *task_kind, char *buf,
    size_t sz);
/* Applies choice c on task t as the command it stands for. */
int cw_task_apply(struct casework *, struct cw_msg *,
    const struct store_task *t, const struct cw_choice *c, const char *note);
struct menu_reply;
/* Part text[0..len) of a message (normalized) read as a numbered reply:
 * 1 if it is one (r filled), 0 if not, -1 on failure. */
/* Renders every menu's labels into cw->labels: 0, or -1 with err set if
 * they do not fit (casework_new refuses to start). */
int cw_menu_labels_load(struct casework *, char *err, size_t errsz);
int cw_menu_parse(struct casework *, const char *text, size_t len,
    struct menu_reply *r);
/* Answers a numbered reply: the choice applied, or a reply saying why
 * not, after prefix ("第2条：", or ""). 0, or -1 on a store error. */
int cw_menu_answer(struct casework *, struct cw_msg *,
    const struct menu_reply *r, const char *prefix);
/* One understood command (casework.c). */
int cw_command(struct casework *, struct cw_msg *, const struct cmd *);

/* Template keys and the placeholders each may use. */
struct cw_template {
	const char *key;
	const char *const *vars;
};
extern const struct cw_template cw_templates[];

#endif
