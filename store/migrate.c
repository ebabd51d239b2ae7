/*
 * Schema migrations keyed by PRAGMA user_version. Steps are append-only:
 * a released step is never edited, a change is a new step. A database
 * newer than this binary is refused rather than guessed at.
 */
#include <stdio.h>

#include "store/store_int.h"

static const char *const store_steps[] = {
	/* 1: roster, inbound log, absences, outbound queue. */
	"CREATE TABLE places ("
	" code TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN"
	"  ('county', 'township', 'village', 'school', 'class')),"
	" parent TEXT REFERENCES places(code));"
	"CREATE INDEX places_parent ON places(parent);"
	"CREATE TABLE people ("
	" id INTEGER PRIMARY KEY,"
	" phone TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" scope TEXT NOT NULL REFERENCES places(code),"
	" UNIQUE (phone, role, scope));"
	"CREATE TABLE students ("
	" id INTEGER PRIMARY KEY,"
	" student_no TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" gender TEXT NOT NULL CHECK (gender IN ('M', 'F')),"
	" class TEXT NOT NULL REFERENCES places(code),"
	" village TEXT NOT NULL REFERENCES places(code),"
	" guardian_phone TEXT);"
	"CREATE INDEX students_class ON students(class);"
	"CREATE INDEX students_village ON students(village);"
	"CREATE TABLE student_categories ("
	" student_id INTEGER NOT NULL REFERENCES students(id),"
	" category TEXT NOT NULL,"
	" PRIMARY KEY (student_id, category)) WITHOUT ROWID;"
	"CREATE TABLE inbound ("
	" id INTEGER PRIMARY KEY,"
	" channel TEXT NOT NULL,"
	" provider_id TEXT,"
	" sender TEXT NOT NULL,"
	" recipient TEXT,"
	" text TEXT NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" UNIQUE (channel, provider_id));"
	"CREATE TABLE absences ("
	" id INTEGER PRIMARY KEY,"
	" student_id INTEGER NOT NULL REFERENCES students(id),"
	" reporter_id INTEGER NOT NULL REFERENCES people(id),"
	" days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),"
	" reason TEXT,"
	" note TEXT,"
	" inbound_id INTEGER NOT NULL REFERENCES inbound(id),"
	" reported_at INTEGER NOT NULL);"
	"CREATE INDEX absences_student ON absences(student_id, reported_at);"
	"CREATE TABLE outbound ("
	" id INTEGER PRIMARY KEY,"
	" recipient TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('reply', 'notice', 'task',"
	"  'reminder', 'escalation', 'digest')),"
	" priority INTEGER NOT NULL,"
	" inbound_id INTEGER REFERENCES inbound(id),"
	" status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN"
	"  ('queued', 'sending', 'sent', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL,"
	" due_at INTEGER NOT NULL,"
	" sent_at INTEGER,"
	" channel TEXT,"
	" provider_ref TEXT,"
	" last_error TEXT);"
	"CREATE INDEX outbound_due ON outbound(status, priority, due_at, id);"
	"CREATE INDEX outbound_recipient ON outbound(recipient, kind, created_at);",

	/* 2: excused leave, cases (一人一案), the event ledger, who was told. */
	"ALTER TABLE absences ADD COLUMN excused INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE cases ("
	" id INTEGER PRIMARY KEY,"
	" student_id INTEGER NOT NULL REFERENCES students(id),"
	" status TEXT NOT NULL CHECK (status IN ('open', 'returned')),"
	" level INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 4),"
	" dropout INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT,"
	" days_absent INTEGER NOT NULL DEFAULT 0,"
	" absent_since INTEGER NOT NULL,"
	" opened_by INTEGER REFERENCES people(id),"
	" opened_at INTEGER NOT NULL,"
	" school_resp INTEGER REFERENCES people(id),"
	" gov_resp INTEGER REFERENCES people(id),"
	" closed_by INTEGER REFERENCES people(id),"
	" closed_at INTEGER,"
	" last_action TEXT NOT NULL,"
	" last_action_at INTEGER NOT NULL);"
	/* One open case per student, enforced where it cannot be forgotten. */
	"CREATE UNIQUE INDEX cases_one_open ON cases(student_id) "
	" WHERE status = 'open';"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" case_id INTEGER REFERENCES cases(id),"
	" student_id INTEGER NOT NULL REFERENCES students(id),"
	" actor_id INTEGER REFERENCES people(id),"
	" at INTEGER NOT NULL,"
	" what TEXT NOT NULL,"
	" detail TEXT,"
	" inbound_id INTEGER REFERENCES inbound(id));"
	"CREATE INDEX events_case ON events(case_id, id);"
	"CREATE INDEX events_student ON events(student_id, id);"
	"CREATE TABLE case_watchers ("
	" case_id INTEGER NOT NULL REFERENCES cases(id),"
	" phone TEXT NOT NULL,"
	" PRIMARY KEY (case_id, phone)) WITHOUT ROWID;"
	"CREATE INDEX people_scope ON people(scope, role);",

	/* 3: the escalation ladder: tasks, and when each case is next due. */
	"CREATE TABLE tasks ("
	" id INTEGER PRIMARY KEY,"
	" case_id INTEGER NOT NULL REFERENCES cases(id),"
	" level INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" assignee_id INTEGER NOT NULL REFERENCES people(id),"
	" status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),"
	" created_at INTEGER NOT NULL,"
	" due_at INTEGER NOT NULL,"
	" remind_at INTEGER,"
	" reminded_at INTEGER,"
	" acked_at INTEGER,"
	" done_at INTEGER,"
	" done_by INTEGER REFERENCES people(id),"
	" outcome TEXT);"
	"CREATE INDEX tasks_case ON tasks(case_id, status);"
	"CREATE INDEX tasks_assignee ON tasks(assignee_id, status, due_at);"
	"CREATE INDEX tasks_remind ON tasks(remind_at) WHERE status = 'open';"
	"ALTER TABLE cases ADD COLUMN level_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN next_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN hold TEXT;"
	"ALTER TABLE cases ADD COLUMN notice_at INTEGER;"
	"CREATE INDEX cases_next ON cases(next_at) WHERE status = 'open';",

	/* 4: delivery reports, inbound without ids, signed webhooks. */
	"ALTER TABLE outbound ADD COLUMN dlr_status TEXT;"
	"ALTER TABLE outbound ADD COLUMN dlr_at INTEGER;"
	"CREATE INDEX outbound_ref ON outbound(provider_ref, channel);"
	"CREATE TABLE dlr_pending ("
	" channel TEXT NOT NULL,"
	" provider_ref TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" PRIMARY KEY (channel, provider_ref)) WITHOUT ROWID;"
	"CREATE INDEX inbound_sender ON inbound(sender, received_at);"
	"CREATE TABLE webhook_seen ("
	" sig TEXT PRIMARY KEY,"
	" at INTEGER NOT NULL) WITHOUT ROWID;",

	/* 5: several notices to one person in one SMS; per-number limits. */
	"ALTER TABLE outbound ADD COLUMN merged_into INTEGER "
	" REFERENCES outbound(id);"
	"CREATE INDEX outbound_merged ON outbound(merged_into) "
	" WHERE merged_into IS NOT NULL;"
	"CREATE INDEX outbound_sent_to ON outbound(recipient, sent_at);",

	/* 6: weekly digests sent (once each, also after downtime). */
	"CREATE TABLE digest_runs ("
	" week INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX absences_time ON absences(reported_at);"
	"CREATE INDEX cases_student ON cases(student_id);",

	/* 7: the queue's own indexes, so that claiming, merging and the next
	 * wake cost O(log n) however deep the queue (measured: without them
	 * a 60,000-row backlog cut inbound throughput tenfold). */
	"DROP INDEX outbound_due;"
	"CREATE INDEX outbound_queue ON outbound(priority, created_at, id) "
	" WHERE status = 'queued';"
	"CREATE INDEX outbound_queue_due ON outbound(due_at) "
	" WHERE status = 'queued';"
	"CREATE INDEX outbound_queue_to ON outbound(recipient) "
	" WHERE status = 'queued';"
	"CREATE INDEX outbound_sending ON outbound(id) "
	" WHERE status = 'sending';"
	/* A row is queued without a provider ref or a send time: indexing
	 * only the rows that have one makes every enqueue cheaper. */
	"DROP INDEX outbound_sent_to;"
	"CREATE INDEX outbound_sent_to ON outbound(recipient, sent_at) "
	" WHERE sent_at IS NOT NULL;"
	"DROP INDEX outbound_ref;"
	"CREATE INDEX outbound_ref ON outbound(provider_ref, channel) "
	" WHERE provider_ref IS NOT NULL;",

	/* 8: cheaper enqueues, profiled under load (bench/load.sh).
	 * (a) The queue and the tasks are rebuilt with their CHECKs written
	 * as OR chains: SQLite 3.40 codes an IN list of three or more as a
	 * temporary b-tree, built on every INSERT and UPDATE of the row (two
	 * per enqueue: a fifth of an inbound message's CPU).
	 * (b) Fewer random index pages per commit: the queue's index by
	 * recipient over every row is gone (its two readers go through the
	 * inbound id, an index that is only appended to); the merge index
	 * holds only queued notices, never replies; nothing read the ledger
	 * by student (cases_student, then events_case, would). */
	"CREATE TABLE outbound_v8 ("
	" id INTEGER PRIMARY KEY,"
	" recipient TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind = 'reply' OR kind = 'notice' OR"
	"  kind = 'task' OR kind = 'reminder' OR kind = 'escalation' OR"
	"  kind = 'digest'),"
	" priority INTEGER NOT NULL,"
	" inbound_id INTEGER REFERENCES inbound(id),"
	" status TEXT NOT NULL DEFAULT 'queued' CHECK (status = 'queued' OR"
	"  status = 'sending' OR status = 'sent' OR status = 'failed'),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL,"
	" due_at INTEGER NOT NULL,"
	" sent_at INTEGER,"
	" channel TEXT,"
	" provider_ref TEXT,"
	" last_error TEXT,"
	" dlr_status TEXT,"
	" dlr_at INTEGER,"
	/* Refers to itself under its new name: the rename below makes it
	 * outbound, and the old table can go with no child pointing at it. */
	" merged_into INTEGER REFERENCES outbound_v8(id));"
	"INSERT INTO outbound_v8 SELECT id, recipient, text, kind, priority,"
	" inbound_id, status, attempts, created_at, due_at, sent_at, channel,"
	" provider_ref, last_error, dlr_status, dlr_at, merged_into"
	" FROM outbound ORDER BY id;"
	"DROP TABLE outbound;"
	"ALTER TABLE outbound_v8 RENAME TO outbound;"
	"CREATE INDEX outbound_queue ON outbound(priority, created_at, id) "
	" WHERE status = 'queued';"
	"CREATE INDEX outbound_queue_due ON outbound(due_at) "
	" WHERE status = 'queued';"
	"CREATE INDEX outbound_queue_to ON outbound(recipient) "
	" WHERE status = 'queued' AND kind <> 'reply';"
	"CREATE INDEX outbound_sending ON outbound(id) "
	" WHERE status = 'sending';"
	"CREATE INDEX outbound_sent_to ON outbound(recipient, sent_at) "
	" WHERE sent_at IS NOT NULL;"
	"CREATE INDEX outbound_ref ON outbound(provider_ref, channel) "
	" WHERE provider_ref IS NOT NULL;"
	"CREATE INDEX outbound_merged ON outbound(merged_into) "
	" WHERE merged_into IS NOT NULL;"
	"CREATE INDEX outbound_inbound ON outbound(inbound_id) "
	" WHERE inbound_id IS NOT NULL;"
	/* (c) In quiet hours only replies go; the index that ordered the
	 * whole queue made each claim, and each wake-up, walk the night's
	 * notices. Replies have their own, by due time. */
	"CREATE INDEX outbound_queue_reply ON outbound(due_at, id)"
	" WHERE status = 'queued' AND kind = 'reply';"
	"CREATE TABLE tasks_v8 ("
	" id INTEGER PRIMARY KEY,"
	" case_id INTEGER NOT NULL REFERENCES cases(id),"
	" level INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" assignee_id INTEGER NOT NULL REFERENCES people(id),"
	" status TEXT NOT NULL CHECK (status = 'open' OR status = 'done' OR"
	"  status = 'cancelled'),"
	" created_at INTEGER NOT NULL,"
	" due_at INTEGER NOT NULL,"
	" remind_at INTEGER,"
	" reminded_at INTEGER,"
	" acked_at INTEGER,"
	" done_at INTEGER,"
	" done_by INTEGER REFERENCES people(id),"
	" outcome TEXT);"
	"INSERT INTO tasks_v8 SELECT id, case_id, level, kind, assignee_id,"
	" status, created_at, due_at, remind_at, reminded_at, acked_at,"
	" done_at, done_by, outcome FROM tasks ORDER BY id;"
	"DROP TABLE tasks;"
	"ALTER TABLE tasks_v8 RENAME TO tasks;"
	"CREATE INDEX tasks_case ON tasks(case_id, status);"
	"CREATE INDEX tasks_assignee ON tasks(assignee_id, status, due_at);"
	"CREATE INDEX tasks_remind ON tasks(remind_at) WHERE status = 'open';"
	"DROP INDEX events_student;",

	/* 9: no whole-table read or sort per message (check_store:
	 * test_no_scan_or_sort). The purges of expired webhook signatures
	 * and held delivery reports ran on every signed message and report
	 * and read the whole table: 42-45 ms a message at 1,000 signed
	 * messages a second (600,000 signatures in the window). The
	 * signatures are now keyed by the time they were signed, so that
	 * each is appended and the purge cuts the oldest off, instead of
	 * landing at a random place of a table that holds twice hmac_window
	 * of them. Those remembered so far go: a request signed before the
	 * upgrade and replayed within the window after it is taken once
	 * more, and answered as a duplicate when it has a provider id. A
	 * sender's roles by phone, looked up for every message, were sorted
	 * by id each time: the unique (phone, role, scope) index is not in
	 * id order, an index by phone alone is. */
	"DROP TABLE webhook_seen;"
	"CREATE TABLE webhook_seen ("
	" ts INTEGER NOT NULL,"
	" sig TEXT NOT NULL,"
	" PRIMARY KEY (ts, sig)) WITHOUT ROWID;"
	"CREATE INDEX dlr_pending_at ON dlr_pending(at);"
	"CREATE INDEX people_phone ON people(phone);",

	/* 10: one index by student for the cases, not two. The open case
	 * (unique, partial) and all of a student's cases each put a random
	 * page into the commit of every case opened: 11 % of the WAL's
	 * frames at 5,000 msg/s (bench/load.sh, frames counted by index).
	 * One unique index keyed (student, 0 while open, else the case's
	 * own id) finds the open case, finds the latest, and still lets no
	 * student have two open cases; a case that closes moves within its
	 * student's entries. */
	"DROP INDEX cases_one_open;"
	"DROP INDEX cases_student;"
	"CREATE UNIQUE INDEX cases_student ON cases(student_id, "
	" (CASE WHEN status = 'open' THEN 0 ELSE id END));",

	/* 11: /healthz's totals kept as rows change, not counted over the
	 * whole table on the loop (0.23-0.37 s a call with a million rows).
	 * Triggers, so that no path can forget them; they fire only where
	 * a row becomes or stops being sent, failed or reported, which the
	 * sender and the delivery reports do at the provider's pace, never
	 * an enqueue (rows are born queued). OR chains, not IN lists (see
	 * 8). */
	"CREATE TABLE outbound_totals ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" sent INTEGER NOT NULL, failed INTEGER NOT NULL,"
	" delivered INTEGER NOT NULL, undelivered INTEGER NOT NULL);"
	"INSERT INTO outbound_totals SELECT 1,"
	" count(*) FILTER (WHERE status = 'sent'),"
	" count(*) FILTER (WHERE status = 'failed'),"
	" count(*) FILTER (WHERE dlr_status = 'delivered'),"
	" count(*) FILTER (WHERE dlr_status = 'failed') FROM outbound;"
	"CREATE TRIGGER outbound_totals_insert AFTER INSERT ON outbound"
	" WHEN new.status = 'sent' OR new.status = 'failed' OR"
	"  new.dlr_status IS NOT NULL BEGIN"
	" UPDATE outbound_totals SET sent = sent + (new.status = 'sent'),"
	"  failed = failed + (new.status = 'failed'),"
	"  delivered = delivered + (new.dlr_status IS 'delivered'),"
	"  undelivered = undelivered + (new.dlr_status IS 'failed');"
	" END;"
	"CREATE TRIGGER outbound_totals_update AFTER UPDATE OF status,"
	" dlr_status ON outbound"
	" WHEN old.status = 'sent' OR old.status = 'failed' OR"
	"  new.status = 'sent' OR new.status = 'failed' OR"
	"  old.dlr_status IS NOT new.dlr_status BEGIN"
	" UPDATE outbound_totals SET"
	"  sent = sent + (new.status = 'sent') - (old.status = 'sent'),"
	"  failed = failed + (new.status = 'failed') - (old.status = 'failed'),"
	"  delivered = delivered + (new.dlr_status IS 'delivered') -"
	"   (old.dlr_status IS 'delivered'),"
	"  undelivered = undelivered + (new.dlr_status IS 'failed') -"
	"   (old.dlr_status IS 'failed');"
	" END;"
	"CREATE TRIGGER outbound_totals_delete AFTER DELETE ON outbound"
	" WHEN old.status = 'sent' OR old.status = 'failed' OR"
	"  old.dlr_status IS NOT NULL BEGIN"
	" UPDATE outbound_totals SET sent = sent - (old.status = 'sent'),"
	"  failed = failed - (old.status = 'failed'),"
	"  delivered = delivered - (old.dlr_status IS 'delivered'),"
	"  undelivered = undelivered - (old.dlr_status IS 'failed');"
	" END;",

	/* 12: a name for the database, made once, at random: a file kept
	 * beside it (the outbox's lines) says which database it belongs to,
	 * so that a new database's message 1 is not taken for an old one's
	 * (store_instance). */
	"CREATE TABLE store_identity ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" name TEXT NOT NULL);"
	"INSERT INTO store_identity VALUES (1, lower(hex(randomblob(8))));",

	/* 13: no index keyed by the sender's number over every inbound
	 * message. Each message put an entry on a random page of an index
	 * that grows with every message, a page each commit wrote again:
	 * 13 % of the WAL's frames under load (bench/load.sh, frames
	 * counted by index). Its three readers each need far fewer rows:
	 * (a) the same text again within the window is a retry only from a
	 * gateway that gives no ids, so only id-less messages are indexed;
	 * (b) the quiet period of a number the roster does not know counts
	 * the replies to what it sent while unknown, so only those messages
	 * are (the flag is set as the row is stored; existing rows are
	 * marked by who is unknown now); (c) the channel a number last
	 * texted on (USSD aside) is kept per number, written only when it
	 * changes. */
	"ALTER TABLE inbound ADD COLUMN unknown_sender INTEGER NOT NULL "
	" DEFAULT 0 CHECK (unknown_sender = 0 OR unknown_sender = 1);"
	"UPDATE inbound SET unknown_sender = 1 "
	" WHERE NOT EXISTS (SELECT 1 FROM people WHERE phone = sender);"
	"CREATE TABLE last_channel ("
	" phone TEXT PRIMARY KEY,"
	" channel TEXT NOT NULL) WITHOUT ROWID;"
	"INSERT INTO last_channel SELECT sender, channel FROM (SELECT sender,"
	" channel, row_number() OVER (PARTITION BY sender ORDER BY"
	" received_at DESC, id DESC) AS n FROM inbound"
	" WHERE channel <> 'ussd') WHERE n = 1;"
	"DROP INDEX inbound_sender;"
	"CREATE INDEX inbound_noid ON inbound(sender, received_at)"
	" WHERE provider_id IS NULL;"
	"CREATE INDEX inbound_unknown ON inbound(sender, received_at)"
	" WHERE unknown_sender = 1;",

	/* 14: no index by recipient over the queued notices. Each notice
	 * queued put an entry on a random page of it (one per number's
	 * tail: some 600 numbers receive the county's notices), and every
	 * group commit wrote those pages again: a quarter of the WAL's
	 * frames under load (bench/load.sh, frames counted by index). Its
	 * one reader, merging, now gets its candidates from lists kept in
	 * memory (store/outq.c). */
	"DROP INDEX outbound_queue_to;",

	/* 15: no trigger on an enqueue. Any trigger on INSERT, even one
	 * whose WHEN never holds, gives the INSERT a statement journal: a
	 * copy of every page it touches, so that it can be undone alone.
	 * That was 2 of the 5 µs of each SMS queued, three or four per
	 * inbound message (bench/load.sh, time per statement). The totals'
	 * (11) counted rows born sent or failed, which only a hand-made
	 * INSERT makes: rows are born queued, and baoxued counts the
	 * totals again as it starts (store_outbound_recount). */
	"DROP TRIGGER IF EXISTS outbound_totals_insert;",

	/* 16: fewer index pages written per message (bench/apply.sh over
	 * 250,000 messages, frames counted by index from the WAL). An index
	 * keyed by a random person or case puts a page into the commit of
	 * every message that adds or moves one of its entries:
	 * (a) a person's tasks: only the open ones are ever asked for, so
	 * the index holds only those, and closing a task takes its entry
	 * out instead of moving it among the person's done tasks;
	 * (b) a case's tasks: keyed by the case alone, so that a status
	 * change moves nothing (a case has a handful of tasks).
	 * The absences' index by student stays, although it is as large a
	 * share of the frames: without it, a school's or a village's digest
	 * reads the whole county's week (1.3 against 7.3 ms with 4,700
	 * absences in the week, bench_review with the daemon's plans). */
	"DROP INDEX tasks_assignee;"
	"CREATE INDEX tasks_assignee ON tasks(assignee_id, due_at) "
	" WHERE status = 'open';"
	"DROP INDEX tasks_case;"
	"CREATE INDEX tasks_case ON tasks(case_id);",

	/* 17: a weekly digest run goes in slices, each its own transaction
	 * (the loop answers between them); this is where the run got to,
	 * so that a restart neither skips nor repeats anyone. */
	"CREATE TABLE digest_progress ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" week INTEGER NOT NULL,"
	" after_scope TEXT NOT NULL,"
	" after_phone TEXT NOT NULL,"
	" sent INTEGER NOT NULL);",

	/* 18: the queue's depth kept with the totals (11), not counted at
	 * each /healthz: counting the queued rows took 83 ms on the loop
	 * with two million queued (0.7 s cold). A row leaves or comes back
	 * to the queue by an UPDATE to or from sent or failed, which the
	 * update trigger sees already, or by a DELETE, which it now always
	 * sees; rows are born queued, and those the store queues are added
	 * as their transaction commits (store_live_flush: no trigger on an
	 * enqueue, see 15). */
	"ALTER TABLE outbound_totals ADD COLUMN live INTEGER NOT NULL "
	" DEFAULT 0;"
	"UPDATE outbound_totals SET live = (SELECT count(*) FROM outbound"
	" WHERE status = 'queued' OR status = 'sending');"
	"DROP TRIGGER outbound_totals_update;"
	"CREATE TRIGGER outbound_totals_update AFTER UPDATE OF status,"
	" dlr_status ON outbound"
	" WHEN old.status = 'sent' OR old.status = 'failed' OR"
	"  new.status = 'sent' OR new.status = 'failed' OR"
	"  old.dlr_status IS NOT new.dlr_status BEGIN"
	" UPDATE outbound_totals SET"
	"  sent = sent + (new.status = 'sent') - (old.status = 'sent'),"
	"  failed = failed + (new.status = 'failed') - (old.status = 'failed'),"
	"  delivered = delivered + (new.dlr_status IS 'delivered') -"
	"   (old.dlr_status IS 'delivered'),"
	"  undelivered = undelivered + (new.dlr_status IS 'failed') -"
	"   (old.dlr_status IS 'failed'),"
	"  live = live + (new.status = 'queued' OR new.status = 'sending') -"
	"   (old.status = 'queued' OR old.status = 'sending');"
	" END;"
	"DROP TRIGGER outbound_totals_delete;"
	"CREATE TRIGGER outbound_totals_delete AFTER DELETE ON outbound BEGIN"
	" UPDATE outbound_totals SET sent = sent - (old.status = 'sent'),"
	"  failed = failed - (old.status = 'failed'),"
	"  delivered = delivered - (old.dlr_status IS 'delivered'),"
	"  undelivered = undelivered - (old.dlr_status IS 'failed'),"
	"  live = live - (old.status = 'queued' OR old.status = 'sending');"
	" END;",

	/* 19: a case whose written notice was never served waited for ever
	 * at its level (next_at NULL); since, the serve_notice task's
	 * deadline climbs like any missed task's (escalate.c): such open
	 * cases, not on hold, get that deadline. */
	"UPDATE cases SET next_at = (SELECT max(t.due_at) FROM tasks t"
	" WHERE t.case_id = cases.id AND t.kind = 'serve_notice'"
	" AND t.status = 'open')"
	" WHERE status = 'open' AND next_at IS NULL AND notice_at IS NULL"
	" AND (hold IS NULL OR hold = '') AND EXISTS (SELECT 1 FROM tasks t"
	" WHERE t.case_id = cases.id AND t.kind = 'serve_notice'"
	" AND t.status = 'open');",

	/* 20: the inspector's co-signature of a confirmed dropout (DOMAIN:
	 * the school's 责任督学 co-signs its dropout report): who and when,
	 * NULL until SIGN. */
	"ALTER TABLE cases ADD COLUMN cosigned_by INTEGER"
	" REFERENCES people(id);"
	"ALTER TABLE cases ADD COLUMN cosigned_at INTEGER;",

	/* 21: retention (PROTOCOLS.md 8.3): for each table whose words are
	 * wiped when old (store/retention.c), the last id looked at, so
	 * that a pass reads only the rows that have aged since. */
	"CREATE TABLE retention_progress ("
	" tbl TEXT PRIMARY KEY,"
	" after INTEGER NOT NULL) WITHOUT ROWID;",

	/* 22: routine home visits (DOMAIN rule 4), events of their own
	 * with no case, counted per student and term: an index of those
	 * alone, which no other event enters (nothing on the hot path). */
	"CREATE INDEX events_home_visit"
	" ON events(student_id, at)"
	" WHERE what = 'home_visit';",

	/* 23: leaving the roster (baoxuectl import --replace): when a
	 * person's role row or a student left it, NULL while on it. The
	 * rows stay: cases, tasks, absences and events name them. */
	"ALTER TABLE people ADD COLUMN left_at INTEGER;"
	"ALTER TABLE students"
	" ADD COLUMN left_at INTEGER;",

	/* 24: a case that ends otherwise than by a return (DOMAIN rule 7,
	 * CLOSE): the status says how, 'transfer', 'deferred' (延缓入学) or
	 * 'home_schooling' (送教上门), so that a return is still only a
	 * return in every count. SQLite cannot widen a CHECK in place: the
	 * table is made again, the same columns and rows (store_rebuilds:
	 * foreign keys off meanwhile, checked before it commits). */
	"CREATE TABLE cases_v24 ("
	" id INTEGER PRIMARY KEY,"
	" student_id INTEGER NOT NULL REFERENCES students(id),"
	/* An OR chain, not IN: see step 8. */
	" status TEXT NOT NULL CHECK (status = 'open' OR"
	"  status = 'returned' OR status = 'transfer' OR"
	"  status = 'deferred' OR status = 'home_schooling'),"
	" level INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 4),"
	" dropout INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT,"
	" days_absent INTEGER NOT NULL DEFAULT 0,"
	" absent_since INTEGER NOT NULL,"
	" opened_by INTEGER REFERENCES people(id),"
	" opened_at INTEGER NOT NULL,"
	" school_resp INTEGER REFERENCES people(id),"
	" gov_resp INTEGER REFERENCES people(id),"
	" closed_by INTEGER REFERENCES people(id),"
	" closed_at INTEGER,"
	" last_action TEXT NOT NULL,"
	" last_action_at INTEGER NOT NULL,"
	" level_at INTEGER,"
	" next_at INTEGER,"
	" hold TEXT,"
	" notice_at INTEGER,"
	" cosigned_by INTEGER REFERENCES people(id),"
	" cosigned_at INTEGER);"
	"INSERT INTO cases_v24(id, student_id, status, level, dropout, reason,"
	" days_absent, absent_since, opened_by, opened_at, school_resp,"
	" gov_resp, closed_by, closed_at, last_action, last_action_at,"
	" level_at, next_at, hold, notice_at, cosigned_by, cosigned_at)"
	" SELECT id, student_id, status, level, dropout, reason,"
	" days_absent, absent_since, opened_by, opened_at, school_resp,"
	" gov_resp, closed_by, closed_at, last_action, last_action_at,"
	" level_at, next_at, hold, notice_at, cosigned_by, cosigned_at"
	" FROM cases ORDER BY id;"
	"DROP TABLE cases;"
	"ALTER TABLE cases_v24 RENAME TO cases;"
	"CREATE INDEX cases_next ON cases(next_at) WHERE status = 'open';"
	"CREATE UNIQUE INDEX cases_student ON cases(student_id,"
	" (CASE WHEN status = 'open' THEN 0 ELSE id END));",

	/* 25: DOMAIN rule 7's "prevent one": a student registered by CLOSE
	 * as transferred, with enrolment put off or schooled at home has
	 * absences that open no case, until RET: how, NULL if none. */
	"ALTER TABLE students ADD COLUMN excused_as TEXT;",

	/* 26: who took work over at an import --replace and is still to be
	 * told so by SMS: written by baoxuectl, which renders no texts, and
	 * emptied by the daemon's scheduler (casework_handover). And who
	 * registered a student by CLOSE, to be told when a RET ends it: the
	 * registrations alone are indexed, a CLOSE with no case open
	 * ('excuse') or ending one ('close') (as 22's visits; the events of
	 * the hot path enter no index by student since 8). */
	"CREATE TABLE handover_pending ("
	" person_id INTEGER PRIMARY KEY REFERENCES people(id),"
	" at INTEGER NOT NULL);"
	"CREATE INDEX events_excuse ON events(student_id, id)"
	" WHERE what = 'excuse' OR what = 'close';"
	/* And the case a queued SMS is about (NULL: none, as a reply or a
	 * digest), so that an import withdraws what would tell a number
	 * of a case it is told of no more (store/leave.c). No REFERENCES:
	 * the check would cost every enqueue a look-up (9's measurements),
	 * and nothing deletes a case. */
	"ALTER TABLE outbound ADD COLUMN case_id INTEGER;"
	/* An SMS in flight as an import withdrew what was queued to its
	 * number is marked (last_error "withdrawn: ..."): whatever would
	 * put it back in the queue (a retry, a deferral, the restart after
	 * a crash, a merge undone) fails it instead. The WHEN is false at
	 * once for every other change of status. */
	"CREATE TRIGGER outbound_withdrawn AFTER UPDATE OF status ON outbound"
	" WHEN new.status = 'queued' AND old.status = 'sending'"
	" AND substr(old.last_error, 1, 10) = 'withdrawn:' BEGIN"
	" UPDATE outbound SET status = 'failed', last_error = old.last_error"
	"  WHERE id = new.id;"
	" END;",

	/* 27: a dropout's co-signature is chased (DOMAIN rule 5: every
	 * step a deadline): when it was asked, when the scheduler looks
	 * next (NULL: never), and how far the chase went (0 asked, 1 the
	 * inspectors reminded, 2 the bureau told). The dropouts already
	 * waiting are chased from the upgrade on, from their reminder. */
	"ALTER TABLE cases ADD COLUMN cosign_asked_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN cosign_next_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN cosign_chased INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE cases SET cosign_asked_at = coalesce((SELECT max(e.at) FROM"
	"  events e WHERE e.case_id = cases.id AND e.what = 'dropout'),"
	"  opened_at), cosign_next_at = CAST(strftime('%s', 'now') AS"
	"  INTEGER)"
	" WHERE dropout = 1 AND cosigned_at IS NULL AND status = 'open';"
	"CREATE INDEX cases_cosign ON cases(cosign_next_at, id)"
	" WHERE cosign_next_at IS NOT NULL;"
	/* And the ledger's last event when a person was left to be told of
	 * a handover: a DROP after it asked them already (NULL: a row of
	 * 26's, asked of everything). */
	"ALTER TABLE handover_pending ADD COLUMN since_event INTEGER;"
	/* And the schools' term-start reports (DOMAIN rule 6: within a
	 * week of term start, to the township): one a school a term (the
	 * term's first day), who and when. */
	"CREATE TABLE term_reports ("
	" school TEXT NOT NULL REFERENCES places(code),"
	" term INTEGER NOT NULL,"
	" by INTEGER REFERENCES people(id),"
	" at INTEGER NOT NULL,"
	" inbound_id INTEGER REFERENCES inbound(id),"
	" PRIMARY KEY (school, term)) WITHOUT ROWID;",

	/* 28: a family's children found by their guardian's number, so
	 * that a routine home visit counts for each of them (DOMAIN rule
	 * 4: every family once a term). */
	"CREATE INDEX students_guardian ON students(guardian_phone)"
	" WHERE guardian_phone IS NOT NULL;",

	/* 29: the answers to a message are looked up by it (a repeated
	 * message answered again, the messages of a number the roster did
	 * not know), never the notices it caused: those (three of the four
	 * rows a message queues) enter the index no more. */
	"DROP INDEX outbound_inbound;"
	"CREATE INDEX outbound_inbound ON outbound(inbound_id)"
	" WHERE inbound_id IS NOT NULL AND kind = 'reply';",

	/* 30: families by an id of their own, not by the guardian's number:
	 * a leaver's number is wiped (store/leave.c), and with it went the
	 * link that made a visit to the family count for the brother or
	 * sister who stays. A family's number is kept while a child of it
	 * on the roster holds it, and a child keeps the family after
	 * leaving. Triggers keep the link for every way a number is
	 * written (the import, an operator by hand); no inbound message
	 * writes either column. No foreign key on family: families are
	 * never deleted. */
	"CREATE TABLE families ("
	" id INTEGER PRIMARY KEY,"
	" guardian_phone TEXT,"
	" village TEXT NOT NULL REFERENCES places(code),"
	" UNIQUE (guardian_phone, village));"
	"ALTER TABLE students ADD COLUMN family INTEGER;"
	"INSERT INTO families(guardian_phone, village)"
	" SELECT DISTINCT guardian_phone, village FROM students"
	" WHERE guardian_phone IS NOT NULL;"
	"UPDATE students SET family = (SELECT f.id FROM families f"
	" WHERE f.guardian_phone = students.guardian_phone"
	" AND f.village = students.village) WHERE guardian_phone IS NOT NULL;"
	"CREATE INDEX students_family ON students(family)"
	" WHERE family IS NOT NULL;"
	/* Not INSERT OR IGNORE: in a trigger the outer statement's conflict
	 * policy wins (the import's upsert: ABORT). */
	"CREATE TRIGGER students_family_new AFTER INSERT ON students"
	" WHEN new.guardian_phone IS NOT NULL BEGIN"
	" INSERT INTO families(guardian_phone, village)"
	"  SELECT new.guardian_phone, new.village WHERE NOT EXISTS (SELECT 1"
	"  FROM families WHERE guardian_phone = new.guardian_phone"
	"  AND village = new.village);"
	" UPDATE students SET family = (SELECT id FROM families"
	"  WHERE guardian_phone = new.guardian_phone AND village = new.village)"
	"  WHERE id = new.id;"
	" END;"
	/* A number taken away from a child on the roster unlinks them (one
	 * back on it with none too); one wiped as the child leaves (left_at
	 * set in the same UPDATE) does not. The family's own copy of the
	 * number goes once no child on the roster holds it (a review: it
	 * stayed while a child without it was back, or after a plain import
	 * gave the last holder another). */
	"CREATE TRIGGER students_family_moved AFTER UPDATE OF guardian_phone,"
	" village, left_at ON students"
	" WHEN new.guardian_phone IS NOT old.guardian_phone"
	" OR new.village IS NOT old.village"
	" OR (old.left_at IS NOT NULL AND new.left_at IS NULL) BEGIN"
	" INSERT INTO families(guardian_phone, village)"
	"  SELECT new.guardian_phone, new.village"
	"  WHERE new.guardian_phone IS NOT NULL AND NOT EXISTS (SELECT 1"
	"  FROM families WHERE guardian_phone = new.guardian_phone"
	"  AND village = new.village);"
	" UPDATE students SET family = CASE"
	"  WHEN new.guardian_phone IS NOT NULL THEN (SELECT id FROM families"
	"   WHERE guardian_phone = new.guardian_phone AND village = new.village)"
	"  WHEN new.left_at IS NULL THEN NULL ELSE family END"
	"  WHERE id = new.id;"
	" UPDATE families SET guardian_phone = NULL WHERE id = old.family"
	"  AND guardian_phone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	"  students s WHERE s.family = old.family AND s.left_at IS NULL"
	"  AND s.guardian_phone = families.guardian_phone);"
	" END;",

	/* 31: the names a roster row had. The import renames a row in
	 * place when its number, role and place stay (a name corrected, an
	 * office's phone passed on), and what the one before did and was
	 * sent then read under the new name (a review; DOMAIN rule 8: every
	 * report, visit and notice attributable to a person and a time).
	 * Each old name is kept with the time it gave way; the listings
	 * read the name of the time. */
	"CREATE TABLE people_names ("
	" person_id INTEGER NOT NULL REFERENCES people(id),"
	" name TEXT NOT NULL,"
	" until INTEGER NOT NULL,"
	" PRIMARY KEY (person_id, until)) WITHOUT ROWID;"
	/* Twice in a second: the older name is kept (not INSERT OR IGNORE:
	 * in a trigger the import's upsert's ABORT would win). */
	"CREATE TRIGGER people_renamed AFTER UPDATE OF name ON people"
	" WHEN new.name IS NOT old.name BEGIN"
	" INSERT INTO people_names(person_id, name, until)"
	"  SELECT old.id, old.name, unixepoch() WHERE NOT EXISTS (SELECT 1"
	"  FROM people_names WHERE person_id = old.id AND until = unixepoch());"
	" END;",

	/* 32: a case held for the school to confirm a child's whereabouts
	 * (a visit's 外 or 转) waited with no deadline, and stopped there
	 * for ever when nobody answered (a review; DOMAIN rule 5: every
	 * step has a deadline). Each gets the default's seven days from
	 * now, the wall clock's ([ladder] whereabouts, for new holds, is
	 * the configuration's, which a migration does not read). */
	"UPDATE cases SET next_at = unixepoch() + 7 * 86400"
	" WHERE status = 'open' AND hold = 'whereabouts' AND next_at IS NULL;",
};

/*
 * Steps that make a table again. Foreign keys are off while one runs (a
 * DROP of the old table would otherwise delete the rows that refer to it,
 * or refuse), and the tables named are checked before it commits: its
 * own references and those to it (PRAGMA foreign_key_check).
 */
static const struct {
	int step;
	const char *const check[5];
} store_rebuilds[] = {
	{ 24, { "cases", "tasks", "events", "case_watchers", NULL } },
};

#define STORE_NSTEPS ((int)(sizeof store_steps / sizeof store_steps[0]))

static int
store_user_version(struct store *s, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_schema_check(struct store *s, const char *path, char *err,
    size_t errsz)
{
	int v;

	if (store_user_version(s, &v) != 0) {
		snprintf(err, errsz, "%s: reading schema version: %s", path,
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (v == 0)
		snprintf(err, errsz, "%s: not a baoxue database (no schema)",
		    path);
	else if (v < STORE_NSTEPS)
		snprintf(err, errsz, "%s: database schema %d is older than "
		    "this program (%d): the daemon of this version upgrades "
		    "it when it starts", path, v, STORE_NSTEPS);
	else if (v > STORE_NSTEPS)
		snprintf(err, errsz, "%s: database schema %d is newer than "
		    "this program (%d); refusing to open", path, v,
		    STORE_NSTEPS);
	else {
		s->version = v;
		return 0;
	}
	return -1;
}

/* The tables a rebuilding step checks, or NULL for an ordinary step. */
static const char *const *
store_rebuild_checks(int step)
{
	size_t i;

	for (i = 0; i < sizeof store_rebuilds / sizeof store_rebuilds[0]; i++)
		if (store_rebuilds[i].step == step)
			return store_rebuilds[i].check;
	return NULL;
}

/* 0 when no row of these tables refers to one that is not there; -1 with
 * err naming the first that does. */
static int
store_fk_check(struct store *s, const char *const *tables, char *err,
    size_t errsz)
{
	char sql[96];
	sqlite3_stmt *st;
	int rc;

	for (; *tables; tables++) {
		snprintf(sql, sizeof sql, "PRAGMA foreign_key_check(%s)",
		    *tables);
		if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errsz, "%s: %s", sql,
			    sqlite3_errmsg(s->db));
			return -1;
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			snprintf(err, errsz, "%s row %lld refers to a missing "
			    "%s row", sqlite3_column_text(st, 0),
			    (long long)sqlite3_column_int64(st, 1),
			    sqlite3_column_text(st, 2));
		else if (rc != SQLITE_DONE)
			snprintf(err, errsz, "%s: %s", sql,
			    sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int
store_migrate(struct store *s, char *err, size_t errsz)
{
	char *msg = NULL, sql[64];
	int v, i;

	if (store_user_version(s, &v) != 0) {
		snprintf(err, errsz, "reading schema version: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (v > STORE_NSTEPS) {
		snprintf(err, errsz, "database schema %d is newer than this "
		    "program (%d); refusing to open", v, STORE_NSTEPS);
		return -1;
	}
	for (i = v; i < STORE_NSTEPS; i++) {
		const char *const *check = store_rebuild_checks(i + 1);
		char why[256] = "";

		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", i + 1);
		/* Outside a transaction, where the pragma takes effect. */
		if ((check && sqlite3_exec(s->db, "PRAGMA foreign_keys=OFF",
		    NULL, NULL, &msg) != SQLITE_OK) ||
		    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL,
		    &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, store_steps[i], NULL, NULL,
		    &msg) != SQLITE_OK ||
		    (check && store_fk_check(s, check, why, sizeof why) != 0) ||
		    sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) !=
		    SQLITE_OK) {
			snprintf(err, errsz, "schema step %d: %s", i + 1,
			    why[0] ? why : msg ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			if (check)
				sqlite3_exec(s->db, "PRAGMA foreign_keys=ON",
				    NULL, NULL, NULL);
			return -1;
		}
		if (check && sqlite3_exec(s->db, "PRAGMA foreign_keys=ON", NULL,
		    NULL, &msg) != SQLITE_OK) {
			snprintf(err, errsz, "schema step %d: %s", i + 1,
			    msg ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
			return -1;
		}
	}
	s->version = STORE_NSTEPS;
	return 0;
}
