/*
 * The store: the only code that speaks SQL. One SQLite database in WAL mode
 * with foreign keys; the schema is migrated at open and every statement is
 * prepared then, so bad SQL fails at start, not at 3 a.m.
 *
 * Conventions: functions return enum store_rc; STORE_DUP is a success (the
 * thing was already there). Text out-parameters are fixed-size fields in
 * the record structs, copied before the statement is reset. Times are UTC
 * seconds from the daemon's clock. The caller owns transaction boundaries
 * (store_begin/commit/rollback); store functions never nest them.
 */
#ifndef BX_STORE_H
#define BX_STORE_H

#include <stddef.h>
#include <stdint.h>

enum store_rc {
	STORE_OK = 0,
	STORE_DUP = 1,		/* already present: counts as success */
	STORE_NOTFOUND = 2,
	STORE_ERR = -1,
	STORE_BUSY = -2
};

#define STORE_CODE_MAX 32
#define STORE_NAME_MAX 128
#define STORE_PHONE_MAX 20
#define STORE_ROLE_MAX 24
#define STORE_STUDENT_MAX 24
#define STORE_TEXT_MAX 2048
#define STORE_KIND_MAX 16
#define STORE_REF_MAX 64
#define STORE_CATS_MAX 256

struct store;

struct store_place {
	char code[STORE_CODE_MAX];
	char name[STORE_NAME_MAX];
	char kind[STORE_KIND_MAX];
	char parent[STORE_CODE_MAX];	/* "" for the county */
};

struct store_person {
	int64_t id;
	char phone[STORE_PHONE_MAX];
	char name[STORE_NAME_MAX];
	char role[STORE_ROLE_MAX];
	char scope[STORE_CODE_MAX];
};

struct store_student {
	int64_t id;
	char student_no[STORE_STUDENT_MAX];
	char name[STORE_NAME_MAX];
	char gender[4];			/* "M" or "F" */
	char class_code[STORE_CODE_MAX];
	char village[STORE_CODE_MAX];
	char guardian_phone[STORE_PHONE_MAX];	/* "" if none */
	char categories[STORE_CATS_MAX];	/* '|'-separated codes */
	/* Registered by CLOSE as transfer, deferred or home_schooling: its
	 * absences open no case (DOMAIN rule 7). "" if not; the import
	 * never writes it. */
	char excused_as[16];
};

struct store_inbound {
	const char *channel;
	const char *provider_id;	/* NULL if the channel gives none */
	const char *sender;		/* E.164 */
	const char *recipient;		/* E.164 or NULL */
	const char *text;
	int64_t received_at;
};

struct store_absence {
	int64_t student_id;
	int64_t reporter_id;
	int excused;			/* 1 for approved leave (LEAVE) */
	int days;
	const char *reason;		/* code or NULL */
	const char *note;		/* or NULL */
	int64_t inbound_id;
	int64_t reported_at;
};

/* A case (一人一案); id is the case number 案号. */
struct store_case {
	int64_t id;
	int64_t student_id;
	char status[16];		/* open, returned, or how it ended
					 * otherwise: transfer, deferred,
					 * home_schooling (CLOSE) */
	int level;			/* 1..4 */
	int dropout;			/* confirmed dropout */
	char reason[16];		/* opening reason code, "" if none */
	int days_absent;		/* the latest reported run of days */
	int64_t absent_since;		/* when the run of absence began */
	int64_t opened_by;		/* people.id, 0 if none */
	int64_t opened_at;
	int64_t school_resp;		/* 劝返责任人, school line; 0 if none */
	int64_t gov_resp;		/* 劝返责任人, government line */
	int64_t closed_by;
	int64_t closed_at;		/* 0 while open */
	char last_action[16];		/* event code of the last change */
	int64_t last_action_at;
	/* The escalation ladder. */
	int64_t level_at;		/* when the case entered its level */
	int64_t next_at;		/* when the ladder looks again; 0 never */
	char hold[16];			/* "", return_pause, ill_pause,
					 * whereabouts */
	int64_t notice_at;		/* written notice served; 0 if not */
	/* The inspector's co-signature of a dropout (store_case_cosign). */
	int64_t cosigned_by;		/* people.id, 0 if not yet */
	int64_t cosigned_at;
	/* Its chase (store_case_cosign_chase): asked when, the next look
	 * (0: none), how far it went (0 asked, 1 reminded, 2 reported). */
	int64_t cosign_asked_at;
	int64_t cosign_next_at;
	int cosign_chased;
};

/* A task: an action owed by one person on one case, with a deadline. */
struct store_task {
	int64_t id;
	int64_t case_id;
	int level;
	char kind[16];			/* visit, joint_visit, serve_notice */
	int64_t assignee_id;
	char status[12];		/* open, done, cancelled */
	int64_t created_at;
	int64_t due_at;
	int64_t remind_at;		/* 0 once reminded, acked or done */
	int64_t reminded_at;
	int64_t acked_at;
	int64_t done_at;
	int64_t done_by;
	char outcome[16];
};

/* What the scheduler must do next. */
enum store_due_kind { STORE_DUE_TASK_REMIND, STORE_DUE_CASE,
	STORE_DUE_COSIGN };
struct store_due {
	enum store_due_kind kind;
	int64_t id;			/* task or case id */
	int64_t at;
};

/* A due item whose step failed, put off until at (its own time moved:
 * the items behind it go on meanwhile). */
enum store_rc store_due_later(struct store *, const struct store_due *,
    int64_t at);

/* One ledger row: every change to a case, or a student with no case. */
struct store_event {
	int64_t case_id;		/* 0 if none */
	int64_t student_id;
	int64_t actor_id;		/* people.id, 0 for the system */
	int64_t at;
	const char *what;		/* open, update, dropout, return, ... */
	const char *detail;		/* key=value text, or NULL */
	int64_t inbound_id;		/* 0 if none */
};

struct store_outbound {
	int64_t id;
	char to[STORE_PHONE_MAX];
	char text[STORE_TEXT_MAX];
	char kind[STORE_KIND_MAX];	/* reply notice task reminder ... */
	int priority;			/* lower goes first */
	int64_t inbound_id;		/* 0 if none */
	int64_t case_id;		/* the case it is about, 0 if none */
	int64_t created_at;
	int64_t due_at;
	int attempts;
};

struct store_queue_stats {
	int64_t queued;			/* queued or being sent */
	int64_t failed;
	int64_t sent;
	int64_t delivered;		/* delivery reports */
	int64_t undelivered;
};

/* Opens (creating if needed) and migrates. NULL with err set on failure. */
struct store *store_open(const char *path, char *err, size_t errsz);
/*
 * For reading beside the daemon (baoxuectl's cases and report): a
 * database that exists, of exactly this program's schema, opened
 * read-only; nothing is created, migrated or written (a write fails with
 * STORE_ERR). NULL with err set on failure.
 */
struct store *store_open_readonly(const char *path, char *err,
    size_t errsz);
void store_close(struct store *);
/* Removes a closed database's files: path, path-wal and path-shm. */
void store_unlink(const char *path);
/*
 * A checked copy of the database file dbpath at dest, made beside a
 * daemon that writes it, through a read-only connection of its own
 * (nothing created or migrated): the last committed state, one read
 * transaction's snapshot, written as dest.partial (made here, mode 0600),
 * checked (integrity_check), synced, then given its name. Never over a
 * file that exists; nothing left behind when it fails (STORE_ERR, err
 * says why), but for a failed sync of the directory once the copy has its
 * name (err says so). store/backup.c.
 */
enum store_rc store_backup(const char *dbpath, const char *dest, char *err,
    size_t errsz);
const char *store_errmsg(const struct store *);
int store_schema_version(const struct store *);
/* This database's name: 16 hex digits made at its creation and kept. A
 * file written beside it records it, so as not to be taken for another
 * database's (the outbox). Owned by the store. */
const char *store_instance(const struct store *);

enum store_rc store_begin(struct store *);	/* BEGIN IMMEDIATE */
enum store_rc store_commit(struct store *);
void store_rollback(struct store *);		/* safe outside a transaction */
/* Inside a transaction: one message's effects, kept or undone on their own
 * (group commit). */
enum store_rc store_savepoint(struct store *);
enum store_rc store_release(struct store *);
/* Then store_release(). Failing, the savepoint's writes may remain: the
 * caller must not commit. */
enum store_rc store_rollback_to(struct store *);
/*
 * COMMIT, with the WAL's fdatasync left to the store's sync thread: on
 * return the transaction is seen by every connection, but may not be on
 * disk. *ticket is what store_synced must reach for it (and all committed
 * before it) to be on disk. Until then nothing it did may be told to
 * anyone outside (an answer, an SMS): a power cut would take it back.
 * A commit that wrote nothing gets the ticket of the last that did.
 * Without the sync thread (its VFS missing) this is store_commit and the
 * ticket is already reached.
 */
enum store_rc store_commit_deferred(struct store *, uint64_t *ticket);
/*
 * The tickets on disk: STORE_OK with *upto, every ticket up to it safe;
 * STORE_ERR once a sync failed (store_errmsg says which file and why):
 * what was committed since the last good sync may be lost, and no later
 * sync can say otherwise, so this stays STORE_ERR. Cheap: no SQL.
 */
enum store_rc store_synced(struct store *, uint64_t *upto);
/* store_synced without emptying store_sync_fd: no system call, for a
 * caller in the middle of other work (the fd stays readable). */
enum store_rc store_synced_peek(struct store *, uint64_t *upto);
/* Readable when store_synced may say more (which empties it); -1 when
 * there is no sync thread. Owned by the store. */
int store_sync_fd(const struct store *);
/* The longest of the syncs since the last call, in ms (0: none). */
long store_sync_slowest(struct store *);

/* Roster. Puts are upserts keyed by code / (phone, role, scope) / 学号. */
enum store_rc store_place_put(struct store *, const struct store_place *);
enum store_rc store_place_get(struct store *, const char *code,
    struct store_place *out);
/* STORE_OK if place is ancestor or place itself, else STORE_NOTFOUND. */
enum store_rc store_place_within(struct store *, const char *place,
    const char *ancestor);
enum store_rc store_person_put(struct store *, const struct store_person *);
/* Every role row of one phone number, up to max; *n set. */
enum store_rc store_people_by_phone(struct store *, const char *phone,
    struct store_person *out, size_t max, size_t *n);
enum store_rc store_student_put(struct store *, const struct store_student *);
enum store_rc store_student_get(struct store *, const char *student_no,
    struct store_student *out);

enum store_rc store_person_get(struct store *, int64_t id,
    struct store_person *out);
/* Work handed over by an import (store_roster_leave), or an inspector new
 * on the roster where co-signatures are missing (store_person_put), whose
 * new holder is still to be told: the first such person whose people.id
 * is above after (0: from the first) in *id, *on_roster 0 if their row
 * has left since; STORE_NOTFOUND if nobody. _done: told. */
enum store_rc store_handover_next(struct store *, int64_t after,
    int64_t *id, int *on_roster);
enum store_rc store_handover_done(struct store *, int64_t id);
/* A school's term-start report for the term beginning at term: *fresh 1
 * if recorded now, 0 if the school had reported already (at in *at). */
enum store_rc store_term_report(struct store *, const char *school,
    int64_t term, int64_t by, int64_t at, int64_t inbound_id, int *fresh,
    int64_t *when);
/* Whether school has reported for the term: STORE_OK or STORE_NOTFOUND. */
enum store_rc store_term_reported(struct store *, const char *school,
    int64_t term);
/* The schools of township that have not reported for the term: the
 * first max names into names, how many in all into *total. */
enum store_rc store_term_missing(struct store *, const char *township,
    int64_t term, char (*names)[STORE_NAME_MAX], size_t max, size_t *n,
    size_t *total);
/* A role row's open tasks and the open cases it answers for. */
enum store_rc store_person_workload(struct store *, int64_t id,
    int64_t *tasks, int64_t *cases);
/* The open confirmed dropouts of school's students not co-signed, up to
 * max ids in ids, ascending; *n set. Those a DROP asked person_id about
 * since their handover row was made are left out. */
enum store_rc store_cosign_pending(struct store *, const char *school,
    int64_t person_id, int64_t *ids, size_t max, size_t *n);
/* People holding role with exactly this scope place, up to max. */
enum store_rc store_people_in(struct store *, const char *role,
    const char *scope, struct store_person *out, size_t max, size_t *n);
enum store_rc store_student_get_id(struct store *, int64_t id,
    struct store_student *out);
/* Registers how the student is excused from cases (store_student's
 * excused_as), or clears it (as NULL or ""). */
enum store_rc store_student_excuse(struct store *, int64_t id,
    const char *as);
/* Each role at a scope with more than max holders: fn(arg, role, scope,
 * holders), in scope and role order. */
typedef void store_crowded_fn(void *arg, const char *role,
    const char *scope, long holders);
enum store_rc store_people_crowded(struct store *, size_t max,
    store_crowded_fn *fn, void *arg);

/*
 * Leaving the roster (store/leave.c): files that are the whole roster of a
 * place. Inside a transaction, store_roster_track starts noting every
 * person and student row store_person_put and store_student_put write;
 * store_roster_leave then takes the untouched ones inside code (people by
 * scope, students by class) off the roster. A person's open tasks, and the
 * open cases they answer for, pass to the noted holder of the same role
 * and scope (an event 'handover' on each case; a note to fn for each
 * person). A person with open work and no such holder, and a student with
 * an open case, are refusals: each one to fn, and nothing is changed (the
 * caller rolls back). Rows that leave are kept (cases, tasks and events
 * name them), marked left_at; a student's guardian number is wiped, and a
 * number that no longer holds any role is no longer told of the cases it
 * watched.
 */
struct store_leave_counts {
	long people, students;		/* rows that left */
	long tasks, cases;		/* open work handed over */
	long withdrawn;			/* queued SMS to them withdrawn */
	long in_flight;			/* being sent: not to go again */
	long told;			/* successors to be told by SMS */
	long refused;
};
struct store_leave_note {
	int refused;			/* 1: may not leave; 0: handed over */
	const char *phone, *role, *scope;	/* a person, or NULL */
	long tasks, cases;		/* their open work */
	const char *to;			/* handed to this number */
	const char *student_no;		/* a student, or NULL */
	int64_t case_id;		/* ... and their open case */
	/* Refused whole: the file ("people.csv", "students.csv") names
	 * nobody inside scope, where tasks rows are on the roster. */
	const char *all;
};
typedef void store_leave_fn(void *arg, const struct store_leave_note *);
enum store_rc store_roster_track(struct store *);
enum store_rc store_roster_leave(struct store *, const char *code,
    int64_t now, store_leave_fn *fn, void *arg,
    struct store_leave_counts *);

/* Cases. store_case_open inserts c whole (its ladder fields too) and sets
 * c->id; STORE_DUP if the student already has an open case (one per
 * student). */
enum store_rc store_case_open(struct store *, struct store_case *c);
enum store_rc store_case_get(struct store *, int64_t id, struct store_case *);
/* The open case of a student, or the newest closed one; NOTFOUND if none. */
enum store_rc store_case_of_student(struct store *, int64_t student_id,
    int open_only, struct store_case *out);
/* Writes the mutable fields: status, level, dropout, days_absent,
 * closed_by, closed_at, last_action, last_action_at, absent_since,
 * level_at, next_at, hold, notice_at. */
enum store_rc store_case_update(struct store *, const struct store_case *);
/* The phone of whoever reported the case's dropout ("" if unknown). */
enum store_rc store_case_dropout_by(struct store *, int64_t id, char *phone,
    size_t phonesz);
/* The phone of whoever registered the student by CLOSE, if still on the
 * roster ("" if not, or none). */
enum store_rc store_student_registrar(struct store *, int64_t student_id,
    char *phone, size_t phonesz);
/* The inspector's co-signature: DUP if the case has one already. */
/* A dropout's co-signature: asked at, looked at next (0: never), chased
 * how far (struct store_case). */
enum store_rc store_case_cosign_chase(struct store *, int64_t id,
    int64_t asked_at, int64_t next_at, int chased);
enum store_rc store_case_cosign(struct store *, int64_t id, int64_t by,
    int64_t at);
enum store_rc store_event_add(struct store *, const struct store_event *);
/* How many routine home visits (events "home_visit") a student has had
 * at or after since. */
enum store_rc store_home_visits_since(struct store *, int64_t student_id,
    int64_t since, int64_t *n);
/* The newest event of a case; NOTFOUND if none. what is copied. */
enum store_rc store_event_last(struct store *, int64_t case_id, char *what,
    size_t whatsz, int64_t *at);
/* Who has been told about a case (phones, E.164): n phones added at once,
 * empty strings and phones already there skipped. */
enum store_rc store_watchers_add(struct store *, int64_t case_id,
    const char (*phones)[STORE_PHONE_MAX], size_t n);
/* Its watchers in phone order, those after the phone after ("" for the
 * first), at most max: a page, as a case may have any number. */
enum store_rc store_watchers(struct store *, int64_t case_id,
    const char *after, char (*phones)[STORE_PHONE_MAX], size_t max,
    size_t *n);

/* Tasks. */
enum store_rc store_task_add(struct store *, struct store_task *t);
enum store_rc store_task_get(struct store *, int64_t id, struct store_task *);
/* Writes status, remind_at, reminded_at, acked_at, done_at, done_by,
 * outcome. */
enum store_rc store_task_update(struct store *, const struct store_task *);
/* Open tasks of a case (all assignees if assignee is 0), oldest first. */
enum store_rc store_tasks_of_case(struct store *, int64_t case_id,
    int64_t assignee, struct store_task *out, size_t max, size_t *n);
/* Open tasks of one person, soonest deadline first: at most max in out,
 * how many there are in *total (may be NULL). */
enum store_rc store_tasks_of_person(struct store *, int64_t assignee,
    struct store_task *out, size_t max, size_t *n, size_t *total);
/* Open tasks of one person whose id % space is value (a task code,
 * parsers/taskcode.h), soonest deadline first. */
enum store_rc store_tasks_by_code(struct store *, int64_t assignee,
    uint32_t space, uint32_t value, struct store_task *out, size_t max,
    size_t *n);
/* The earliest reminder, case deadline or co-signature to chase;
 * STORE_NOTFOUND if none. */
enum store_rc store_next_due(struct store *, struct store_due *);

/* Review: what a digest or SUM says about a place and a period. */
#define STORE_DIGEST_OWERS 16
struct store_digest {
	int64_t absent;			/* students reported absent */
	int64_t open;			/* cases open at the end */
	int64_t level[5];		/* open cases by level 1..4 */
	int64_t closed;			/* struck off in the period */
	int64_t ended;			/* ended otherwise (CLOSE) in it */
	int64_t overdue;		/* tasks past their deadline */
	struct {
		char name[STORE_NAME_MAX];	/* the village, school, ... */
		int64_t n;
	} owers[STORE_DIGEST_OWERS];	/* most overdue first */
	size_t nowers;
};
/* A county's counts are read from the period's facts, a smaller scope's
 * from its students' (sql.def); an unknown scope counts nothing. */
enum store_rc store_digest(struct store *, const char *scope, int64_t from,
    int64_t to, struct store_digest *);
/* The first of them alone: students reported absent. */
enum store_rc store_digest_absent(struct store *, const char *scope,
    int64_t from, int64_t to, int64_t *n);

/* The statistics table: one row per school or village. */
#define STORE_REASONS 8
#define STORE_CATEGORIES 9
struct store_report_row {
	char code[STORE_CODE_MAX];
	char name[STORE_NAME_MAX];
	int64_t enrolled, absent, opened, dropouts, returned, still_out;
	int64_t closed;			/* ended otherwise (CLOSE): transfer,
					 * deferred, home schooling */
	int64_t cosigned;		/* of the dropouts, co-signed by the
					 * inspector before the period ends */
	int64_t reason[STORE_REASONS];	/* in store_report_reasons order */
	int64_t category[STORE_CATEGORIES];
};
extern const char *const store_report_reasons[STORE_REASONS];
extern const char *const store_report_categories[STORE_CATEGORIES];
/* Rows (malloc'd, *n of them) for kind "school" or "village", township
 * code or NULL for the county. */
enum store_rc store_report(struct store *, const char *kind,
    const char *township, int64_t from, int64_t to, int threshold,
    int special_threshold, struct store_report_row **rows, size_t *n);

/* Weekly digests: has the week starting at week been sent? Mark it. */
enum store_rc store_digest_run_get(struct store *, int64_t week);
enum store_rc store_digest_run_put(struct store *, int64_t week, int64_t at);
/* The latest week marked; STORE_NOTFOUND before the first. */
enum store_rc store_digest_run_last(struct store *, int64_t *week);
/*
 * Who gets a weekly digest: one row per (scope, phone) among the holders
 * of roles (NULL-terminated, at most 8), so that a person with two such
 * roles on one place gets one digest. Pages of max rows in (scope, phone)
 * order after the pair (after_scope, after_phone), "" "" for the first.
 */
enum store_rc store_digest_recipients(struct store *,
    const char *const *roles, const char *after_scope,
    const char *after_phone, struct store_person *out, size_t max,
    size_t *n);
/* A weekly digest run under way: its week (as digest_runs keeps it) and
 * the last recipient it has done. */
struct store_digest_pos {
	int64_t week;
	char scope[STORE_CODE_MAX];
	char phone[STORE_PHONE_MAX];
	int64_t sent;			/* digests queued so far */
};
/* The run under way; STORE_NOTFOUND if none. */
enum store_rc store_digest_pos_get(struct store *, struct store_digest_pos *);
/* Records where the run is, in place of any before. */
enum store_rc store_digest_pos_put(struct store *,
    const struct store_digest_pos *);
/* The run has ended. */
enum store_rc store_digest_pos_clear(struct store *);

/* The ledger for the terminal: each case, via a callback. */
struct store_case_line {
	int64_t id;
	char status[16];		/* as struct store_case's */
	int level, dropout;
	int cosigned;			/* by the inspector */
	char reason[16];
	int64_t opened_at, closed_at;
	char student_no[STORE_STUDENT_MAX];
	char name[STORE_NAME_MAX];
	char class_name[STORE_NAME_MAX];
	char village[STORE_NAME_MAX];
};
enum store_rc store_cases_list(struct store *, int open_only,
    const char *village, const char *school,
    void (*fn)(void *, const struct store_case_line *), void *arg);

/* A school's students and their routine home visits in [since, until):
 * their family's (brothers and sisters: sql.def's SQL_FAMILY_OF),
 * counted by the day. */
struct store_visit_line {
	char student_no[STORE_STUDENT_MAX];
	char name[STORE_NAME_MAX];
	char class_name[STORE_NAME_MAX];
	char village[STORE_NAME_MAX];
	int special;			/* in a special-need category */
	int64_t visits, last_at;	/* since; last_at 0 if none */
};
enum store_rc store_school_visits(struct store *, const char *school,
    int64_t since, int64_t until,
    void (*fn)(void *, const struct store_visit_line *), void *arg);
/* The same for one class, by 学号, leaving out students with an open
 * case or registered by CLOSE (no routine visit is theirs). */
enum store_rc store_class_visits(struct store *, const char *class_code,
    int64_t since, void (*fn)(void *, const struct store_visit_line *),
    void *arg);

/* The roster's people for the terminal (baoxuectl people): at place
 * and under it, of role, of phone (each NULL: any), in place, role and
 * number order; those who left it not. */
struct store_person_line {
	struct store_person p;
	char place_name[STORE_NAME_MAX];
};
enum store_rc store_people_list(struct store *, const char *place,
    const char *role, const char *phone,
    void (*fn)(void *, const struct store_person_line *), void *arg);

/* A student's history (baoxuectl history): each absence reported and
 * each event of the ledger, in time order, then each SMS queued about
 * their cases. Walks the events and the queue: for a terminal, never
 * the daemon. */
struct store_history_event {
	int64_t at, case_id;		/* case_id 0: none */
	char what[32];			/* absence, absence_excused, or an
					 * event's (open, visit, ...) */
	char detail[512];		/* key=value text; a note last */
	char name[STORE_NAME_MAX];	/* who, "" for the system */
	char role[STORE_ROLE_MAX];
	char scope[STORE_CODE_MAX];
};
struct store_history_sms {
	int64_t created_at, case_id, sent_at;	/* sent_at 0: not sent */
	char kind[STORE_KIND_MAX];
	char to[STORE_PHONE_MAX];
	char name[STORE_NAME_MAX];	/* of the number on the roster, or "" */
	char status[16];		/* queued sending sent failed */
	char dlr[16];			/* delivery report, "" if none */
	char error[64];			/* the last failure's, "" if none */
};
enum store_rc store_history(struct store *, int64_t student_id,
    void (*on_event)(void *, const struct store_history_event *),
    void (*on_sms)(void *, const struct store_history_sms *), void *arg);

/* The name person id had at time at (migration 31) into out: STORE_OK,
 * or STORE_NOTFOUND. */
enum store_rc store_person_name_at(struct store *, int64_t id, int64_t at,
    char *out, size_t sz);

/* The queue's newest SMS first, at most limit: of one status and to one
 * number (each NULL: any), as store_history's. */
enum store_rc store_sms_list(struct store *, const char *status,
    const char *to, int limit,
    void (*on_sms)(void *, const struct store_history_sms *), void *arg);

/* Inbound log: STORE_DUP (with *id of the first) for a repeated provider id.
 * A stored message also records the number's channel (USSD aside) and
 * whether the roster knew the number. */
enum store_rc store_inbound_record(struct store *, const struct store_inbound *,
    int64_t *id);
/* The student's absences and leave reported since since, the latest
 * first: at most max, their times in at, their days in days, and
 * whether each is leave in excused, *n of them. */
enum store_rc store_absences_recent(struct store *, int64_t student_id,
    int64_t since, int64_t *at, int *days, int *excused, size_t max,
    size_t *n);
enum store_rc store_absence_add(struct store *, const struct store_absence *,
    int64_t *id);

/* Outbound queue. */
enum store_rc store_outbound_enqueue(struct store *,
    const struct store_outbound *, int64_t *id);
/* The next due message (priority, due time, age), marked sending; with
 * replies_only (quiet hours) only kind 'reply'. */
enum store_rc store_outbound_claim(struct store *, int64_t now,
    const char *channel, int replies_only, struct store_outbound *out);
/* Accepted by channel's next hop; a delivery report that came before the
 * provider's answer (held under ref) is applied now. */
enum store_rc store_outbound_sent(struct store *, int64_t id, int64_t now,
    const char *provider_ref, const char *channel);
/* Queued again, due at due_at (the sender computes the backoff). */
enum store_rc store_outbound_retry(struct store *, int64_t id, int64_t due_at,
    const char *error);
/* Not sent for want of a channel: queued again, the attempt not counted. */
enum store_rc store_outbound_defer(struct store *, int64_t id, int64_t due_at);
/* A delivery report by our id: status "delivered" or "failed". A message
 * waiting for a retry (its attempt timed out, its answer lost) that is
 * reported delivered is recorded sent: the retry would send it twice. */
enum store_rc store_outbound_dlr(struct store *, int64_t id,
    const char *status, int64_t at);
/* A delivery report by the provider's id: applied, or held (STORE_DUP)
 * until store_outbound_sent() learns the id, at most STORE_DLR_HOLD
 * seconds (a provider's answer is never that late; a reference that comes
 * round again later belongs to another message). to: the number the
 * report names (a modem's), or NULL; with it, the newest message with
 * that id sent to that number. */
#define STORE_DLR_HOLD 3600
enum store_rc store_outbound_dlr_ref(struct store *, const char *channel,
    const char *ref, const char *to, const char *status, int64_t at);
/* The channel a number last wrote in on (USSD aside); STORE_NOTFOUND if
 * never. */
enum store_rc store_inbound_last_channel(struct store *, const char *sender,
    char *channel, size_t sz);
/* The first inbound without a provider id from sender with this text
 * since since, on channel (a message with an id is told apart by it). */
enum store_rc store_inbound_recent(struct store *, const char *channel,
    const char *sender, const char *text, int64_t since, int64_t *id);
/* The first inbound with this provider id on channel; STORE_NOTFOUND if
 * none. */
enum store_rc store_inbound_find(struct store *, const char *channel,
    const char *provider_id, int64_t *id);
/* Whether inbound id is from sender: STORE_OK, STORE_NOTFOUND if from
 * another (or no such row), STORE_ERR. */
enum store_rc store_inbound_from(struct store *, int64_t id,
    const char *sender);
/* The inbound on channel whose provider id begins with prefix, the
 * highest id first (a modem's: the latest sent), at most max: fn(arg, id, provider id, text) each, until it
 * returns non-zero. STORE_OK (STORE_DUP when fn stopped it), or
 * STORE_ERR. */
enum store_rc store_inbound_each_pid(struct store *, const char *channel,
    const char *prefix, int max, int (*fn)(void *, int64_t, const char *,
    const char *), void *arg);
/*
 * STORE_DUP if the webhook signature sig, signed at ts, was seen (a
 * replay), else STORE_OK. Looks, never remembers. Keyed by (ts, sig):
 * signatures are remembered in the order they are signed, not at random
 * places of a large table.
 */
enum store_rc store_webhook_known(struct store *, int64_t ts,
    const char *sig);
/* Forgets the signatures signed before before. */
enum store_rc store_webhook_purge(struct store *, int64_t before);
/* Remembers a signature; STORE_DUP if it was known already. */
enum store_rc store_webhook_add(struct store *, int64_t ts, const char *sig);
enum store_rc store_outbound_failed(struct store *, int64_t id,
    const char *error);
/*
 * Merging: other queued, due, non-reply messages to the same number never
 * offered before (one that may be on the phone already is not sent again
 * inside another), up to max, by priority and age, text copied; and
 * absorbing one into a carrier message. Absorbed rows follow their
 * carrier: sent, queued again (separately) or failed with it.
 */
enum store_rc store_outbound_mergeable(struct store *, int64_t now,
    const char *to, int64_t carrier, struct store_outbound *out, size_t max,
    size_t *n);
/* The candidates come from lists of the queued notices kept in memory
 * (store/outq.c), at most this many ids (8-16 bytes each): past it,
 * merging sees only those kept, and each notice is still sent. */
#define STORE_MERGE_IDS (1u << 20)
void store_merge_limit(struct store *, size_t ids);
enum store_rc store_outbound_absorb(struct store *, int64_t id,
    int64_t carrier);
/*
 * What is still merged into a carrier offered before (up to max, in the
 * order merging took them in, text copied): after a crash it goes again
 * as it was. Unabsorbing queues one of them again on its own.
 */
enum store_rc store_outbound_carried(struct store *, int64_t carrier,
    struct store_outbound *out, size_t max, size_t *n);
enum store_rc store_outbound_unabsorb(struct store *, int64_t id);
enum store_rc store_outbound_merged_result(struct store *, int64_t carrier,
    int sent, int64_t at_or_due, const char *ref_or_error,
    const char *channel);
/* The carrier failed (rejected, or expired): the messages merged into it
 * made since fresh_since are queued again on their own, due at due (they
 * may go alone, or they are not as old as it is); the older ones fail
 * with error. */
enum store_rc store_outbound_merged_failed(struct store *, int64_t carrier,
    int64_t fresh_since, int64_t due, const char *error);
/* Messages sent to a number through channel since since (optionally only
 * with this exact text); *oldest gets the earliest sent_at of them. */
enum store_rc store_outbound_sent_to(struct store *, const char *to,
    const char *channel, int64_t since, const char *text, int64_t *n,
    int64_t *oldest);
/* After a crash: what was being sent is queued again (maybe-once), each
 * carrier with what was merged into it. */
enum store_rc store_outbound_requeue_sending(struct store *, int *n);
/* Earliest due time of a queued message (or reply); NOTFOUND if none. */
enum store_rc store_outbound_next_due(struct store *, int replies_only,
    int64_t *due);
enum store_rc store_outbound_stats(struct store *, struct store_queue_stats *);
/*
 * Counts the totals store_outbound_stats reports over every row again.
 * They are kept as the daemon moves rows (migration 11), and a row is born
 * queued; one written by hand already sent or failed is counted only by
 * this, which baoxued runs as it starts (a scan: some 0.3 s a million rows).
 */
enum store_rc store_outbound_recount(struct store *);
/* The WAL: frames after the last commit, and whether the last background
 * checkpoint failed (STORE_ERR, with its message in err). */
enum store_rc store_checkpoint_status(struct store *, int *frames, char *err,
    size_t errsz);
/* The (first part of the) reply an inbound message got; NOTFOUND if none. */
enum store_rc store_outbound_reply_of(struct store *, const char *to,
    int64_t inbound_id, char *text, size_t sz);
/* Replies to one number, answering what that number sent while the
 * roster did not know it, created at or after since (the unregistered
 * sender's quiet period). */
enum store_rc store_replies_since(struct store *, const char *to,
    int64_t since, int64_t *n);

/*
 * Retention (PROTOCOLS.md 8.3; PIPL Art. 19 and 47): the words people
 * wrote, or were sent, kept no longer than needed. One step, in the
 * caller's transaction, wipes what is older than `before`: the text of
 * SMS received, of SMS sent or failed (one still queued or being sent
 * keeps its words, and the rows after it wait for it), absence notes and
 * the note of a visit's event (a case's or a routine one). Who, when, to whom, what kind, how it went
 * and every fact of the cases stay: the audit record. Each table is read
 * in id order from where the last step stopped (kept in the database), at
 * most `batch` rows of each; *more when one more step has work. The wiped
 * words are overwritten in their pages, not left in free space.
 */
struct store_wiped {
	int64_t inbound, outbound, absences, events;	/* rows changed */
	/* A table stopped at a row dated after `ahead` (a clock put back
	 * since, or one behind now): its name, the row's id and time;
	 * NULL if none. The rows after it wait: nothing is wiped on a
	 * date that may be wrong. */
	const char *ahead_table;
	int64_t ahead_id, ahead_at;
};
enum store_rc store_retention_step(struct store *, int64_t before,
    int64_t ahead, int batch, struct store_wiped *, int *more);
/* Asks the checkpoint thread to empty the WAL file: the words a
 * retention pass wiped may be in old frames there, past where the WAL is
 * written to again after a reset. It copies the frames without holding
 * the writer back, then cuts the file when no reader or writer is in the
 * way, trying again every minute until it can (checkpoint.c). */
void store_checkpoint_truncate(struct store *);

#endif
