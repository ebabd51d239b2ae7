/*
 * The domain: what an inbound message means for the roster and the case
 * records, and which messages must go out because of it. Runs inside the
 * pipeline's transaction; talks to the store, the catalog and the clock's
 * time passed in, never to a socket or a channel (it enqueues, the sender
 * sends). Returns 0, or -1 on a store failure (the caller rolls back).
 */
#ifndef BX_CASEWORK_H
#define BX_CASEWORK_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_due;
struct store_digest_pos;
struct catalog;
struct command_parser;
struct ladder;

struct casework;

/* People of one role at one place told of a case or given its task: the
 * first this many in roster order (the import says when a place has
 * more). */
#define CASEWORK_ROLE_MAX 8

/* The template key of a case's status as CASE and `baoxuectl cases` show
 * it: status_returned, status_open, status_open_dropout, or
 * status_open_dropout_signed (co-signed by the inspector). */
void casework_status_key(char *buf, size_t sz, const char *status,
    int dropout, int cosigned);

/* The visit reminders (casework_cfg.visits_remind_week) stop after this
 * week of the term (its last, about: the autumn term counts from 1
 * August and ends in mid-January, the spring term from 1 February to
 * mid-July). */
#define CASEWORK_VISITS_LAST_WEEK 24

struct casework_cfg {
	const char *signature;	/* prefixed to every outbound text */
	int threshold;		/* days that open a case (0: default 2) */
	int special_threshold;	/* for special-need students (0: 1) */
	const struct ladder *ladder;	/* borrowed; must outlive casework */
	int max_segments;	/* longer texts go as several SMS (0: 3) */
	int visits_remind_week;	/* term week of the first visit reminder
				 * (0: none) */
	int visits_special;	/* visits a term a special-need student
				 * needs (0: 2) */
	int cosign_days;	/* a dropout's co-signature chased after
				 * this many days of the ladder's (0: never) */
	int term_autumn, term_spring;	/* first days, month * 100 + day
					 * (0: 901 and 301) */
	const char *answer_unregistered;	/* prefixes (NULL: +86) */
};

/* Checks that every template it needs is present and well-formed. */
struct casework *casework_new(struct store *, const struct catalog *,
    const struct command_parser *, const struct casework_cfg *, char *err,
    size_t errsz);
void casework_free(struct casework *);

/*
 * The scheduler's call, inside its transaction: a task reminder or a case
 * whose next ladder step is due (at d->at, which may be in the past after a
 * restart: the ledger records it then, messages go out now).
 */
int casework_due(struct casework *, const struct store_due *d, int64_t now);

/*
 * The scheduler's call, inside its transaction, for one person who took
 * work over at an import --replace (store_handover_next): told what is
 * theirs now (open cases and tasks), and an inspector asked for every
 * co-signature still missing at the school. Nothing for one who has left
 * the roster since. The caller marks them told.
 */
int casework_handover(struct casework *, int64_t person_id, int on_roster,
    int64_t now);

/*
 * The weekly digest for [from, to), queued as kind "digest" inside the
 * caller's transaction, to the next of everyone who gets one: those after
 * pos (its scope and phone, "" "" at first; recipients come by place,
 * then phone), one page at most, fewer once budget_ms of real time has
 * gone by (0: no limit; at least one goes). pos is moved past them and
 * its count of sent raised; holders of one place share its text. 1 when
 * more remain, 0 when none do, -1 on error.
 */
int casework_digest_step(struct casework *, int64_t from, int64_t to,
    int64_t now, struct store_digest_pos *pos, int budget_ms);
/* Local midnight of the Monday of t's week. */
int64_t casework_week_start(int64_t t);
/* Local midnight starting the school term t is in (1 February or 1
 * August; January belongs to the autumn term). */
int64_t casework_term_start(int64_t t);

/* Applies one committed-to-be inbound message from an E.164 sender. */
int casework_inbound(struct casework *, int64_t inbound_id, const char *from,
    const char *text, size_t len, int64_t now);

/*
 * USSD menus (ussd.c). The transport keeps one menu_state per session
 * (plain data, no pointers: it may be copied or dropped at any time) and
 * calls casework_menu_step() with each new input; the page comes back in
 * menu_page. When submit is set, the page is not ready: command must first
 * go through the pipeline as an inbound message of channel "ussd", and
 * casework_menu_result() then gives the final page.
 */
#define MENU_DEPTH 8
#define MENU_LIST 8
#define MENU_PAGE_MAX 640
#define MENU_COMMAND_MAX 320

struct menu_frame {
	int page;			/* private to the engine */
	int offset;			/* first list item shown */
	int shown;			/* list items on the page */
	int more;			/* items after them */
};

struct menu_state {
	struct menu_frame stack[MENU_DEPTH];
	int depth;			/* stack[depth - 1] is on screen */
	int action;			/* the main menu item chosen */
	char student_no[24];
	int days;
	int reason;
	int64_t task_id;
	int choice;
	int64_t list[MENU_LIST];	/* task ids on the task page */
	char note[192];
};

struct menu_page {
	int end;			/* END (final) rather than CON */
	int submit;			/* command must be applied first */
	int cut;			/* shortened to fit a screen (a bug) */
	char text[MENU_PAGE_MAX];	/* without "CON " / "END " */
	char command[MENU_COMMAND_MAX];
};

void casework_menu_start(struct menu_state *);
/* The submitted command was not applied: back on its confirm page, so
 * that "1" tries again. */
void casework_menu_undo(struct menu_state *);
/*
 * One step for phone (E.164): input is the user's new input, NULL on the
 * first request of a session; restarted says the session was lost (a
 * daemon restart) and the user starts again. 0, or -1 on a store error.
 */
int casework_menu_step(struct casework *, struct menu_state *,
    const char *phone, const char *input, int restarted, int64_t now,
    struct menu_page *);
/*
 * The final page after the command went through the pipeline: the reply
 * the message got (as the SMS says it) if it fits one screen, else a
 * short "done, see the SMS" page; ok 0 for a message that was not stored.
 */
int casework_menu_result(struct casework *, const char *phone,
    int64_t inbound_id, int ok, struct menu_page *);

#endif
