/*
 * Crash safety under load: a client posts messages steadily (each with a
 * provider id, retried until answered, like a gateway) while the daemon is
 * killed with SIGKILL at random moments and restarted, several times. At
 * the end every message answered 200 is in the database exactly once, with
 * its absence and its reply, and no outbound message reached the outbox
 * twice, nor was lost: each message in the queue is in the one SMS that
 * carried it (its own, or the one it was merged into). Bounded well
 * under a minute.
 */
#include <check.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define KILLS 4
/* Messages answered between two kills, at least. */
#define PER_RUN 6
/* Message i of the client opens its pair's cases, else closes them. */
#define OPENS(i) ((i) / 2 % 2 == 0)

static size_t
sink(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t k = size * n;

	if (r->len + k >= sizeof r->body)
		k = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return size * n;
}

/* The client: posts until told to stop; records what was answered 200. */
static void
client(int port, const char *acked, const char *stop)
{
	/* Two pairs of students of one school, each pair of one village:
	 * a message opens (or closes) both cases of a pair, so that their
	 * notices to the principal and their village head's tasks are due
	 * together, and are merged into one SMS. */
	static const char *const pairs[][2] = {
		{ "20240102", "20240201" }, { "20241002", "20241003" }
	};
	char url[128], body[256];
	FILE *out = fopen(acked, "a");
	CURL *c;
	long code;
	int i = 0;	/* 0-1 open four cases, 2-3 close them, ... */

	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/sms/inbound", port);
	while (access(stop, F_OK) != 0) {
		struct resp r;

		memset(&r, 0, sizeof r);
		if (OPENS(i))
			snprintf(body, sizeof body, "from=13800000001&text=ABS+"
			    "%s+3%%3BABS+%s+3&id=m%d&token=" TOKEN,
			    pairs[i % 2][0], pairs[i % 2][1], i);
		else
			snprintf(body, sizeof body, "from=13800000001&text=RET+"
			    "%s%%3BRET+%s&id=m%d&token=" TOKEN,
			    pairs[i % 2][0], pairs[i % 2][1], i);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
		code = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code == 200) {
			fprintf(out, "m%d\n", i);
			fflush(out);
			i++;
		} else {
			usleep(20000);	/* down or busy: the same id again */
		}
	}
	fclose(out);
	curl_easy_cleanup(c);
	_exit(0);
}

/* Waits (30 s at most) until the client has recorded at least n answers;
 * how many it has. */
static int
acked_after(const char *acked, int n)
{
	int i, lines = 0;

	for (i = 0; i < 3000; i++) {
		char *all = tu_read(acked), *p;

		lines = 0;
		for (p = all; p && *p; p++)
			lines += *p == '\n';
		free(all);
		if (lines >= n)
			break;
		usleep(10000);
	}
	ck_assert_msg(lines >= n, "%d answers, not %d, in 30 s", lines, n);
	return lines;
}

/*
 * Every outbound message reached the outbox once, none twice: each SMS
 * (a line, named by its carrier's id) once, and each message in the
 * queue inside its carrier's SMS, its own or the one it was merged into.
 * Some were merged, or this would prove nothing about merging.
 */
static void
outbox_matches_queue(void)
{
	static char *text[1 << 18];
	char *all = tu_read(outbox), *l, *save;
	sqlite3_stmt *st;
	sqlite3 *h;
	int lines = 0, merged = 0, rc;

	ck_assert_ptr_nonnull(all);
	for (l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n",
	    &save), lines++) {
		json_t *o = json_loads(l, 0, NULL);
		json_int_t id;

		ck_assert_msg(o != NULL, "not JSON: %s", l);
		id = json_integer_value(json_object_get(o, "id"));
		ck_assert(id > 0 && id < (json_int_t)(1 << 18));
		ck_assert_msg(text[id] == NULL, "outbound %lld twice in the "
		    "outbox", (long long)id);
		text[id] = strdup(jstr(o, "text"));
		json_decref(o);
	}
	free(all);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT id, "
	    "coalesce(merged_into, 0), text FROM outbound", -1, &st, NULL),
	    SQLITE_OK);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		long long in = sqlite3_column_int64(st, 1);
		const char *body = (const char *)sqlite3_column_text(st, 2);
		long long sms = in ? in : id;

		if (!strncmp(body, SIG, strlen(SIG)))
			body += strlen(SIG);
		ck_assert_msg(sms < (1 << 18) && text[sms] != NULL, "outbound "
		    "%lld (in %lld) never reached the outbox", id, sms);
		ck_assert_msg(strstr(text[sms], body) != NULL, "outbound %lld "
		    "is not in the SMS of %lld: %s", id, sms, text[sms]);
		merged += in != 0;
	}
	ck_assert_int_eq(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	ck_assert_int_eq(lines, rows("SELECT count(*) FROM outbound WHERE "
	    "merged_into IS NULL"));
	ck_assert_int_gt(merged, 0);
	for (rc = 0; rc < (1 << 18); rc++)
		free(text[rc]);
}

START_TEST(test_kill_9_under_load)
{
	char acked[1100], stop[1100], *ids, *line, *save, q[512];
	unsigned seed = (unsigned)getpid();
	pid_t child;
	int k, n = 0, st, seen = 0;
	struct resp r;

	setup_dirs();
	conf_port = fixed_port();
	write_conf("manual");
	start_daemon_configured();
	snprintf(acked, sizeof acked, "%s/acked", dir);
	snprintf(stop, sizeof stop, "%s/stop", dir);
	if ((child = fork()) == 0)
		client(conf_port, acked, stop);
	for (k = 0; k < KILLS; k++) {
		/* Killed at a random moment after some progress: how many
		 * messages a second get through is the machine's (a
		 * sanitizer build's fsync may take 100 ms), and a count of
		 * them after a time would measure its speed. */
		seen = acked_after(acked, seen + PER_RUN);
		usleep(300000 + rand_r(&seed) % 500000);
		kill(daemon_p.pid, SIGKILL);
		waitpid(daemon_p.pid, NULL, 0);
		daemon_p.pid = 0;
		ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
		    10000) == 0);
	}
	seen = acked_after(acked, seen + PER_RUN);
	tu_write(stop, "");
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	/* Let the queue drain, then stop cleanly. */
	http(NULL, "/admin/clock", "advance=0", ADMIN, NULL, &r);
	wait_rows("SELECT count(*) FROM outbound WHERE status <> 'sent'", 0);
	ids = tu_read(acked);
	ck_assert_ptr_nonnull(ids);
	for (line = strtok_r(ids, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save), n++) {
		int opens = OPENS(atoi(line + 1));

		/* Once, with its two cases opened (two absences) or
		 * closed, and one reply. */
		snprintf(q, sizeof q, "SELECT count(*) FROM inbound i WHERE "
		    "i.provider_id = '%s' AND (SELECT count(*) FROM events e "
		    "WHERE e.inbound_id = i.id AND e.what = '%s') = 2 AND "
		    "(SELECT count(*) FROM absences a WHERE a.inbound_id = "
		    "i.id) = %d AND (SELECT count(*) FROM outbound o WHERE "
		    "o.inbound_id = i.id AND o.kind = 'reply') = 1", line,
		    opens ? "open" : "return", opens ? 2 : 0);
		ck_assert_msg(rows(q) == 1, "%s: %lld rows", line, rows(q));
	}
	free(ids);
	ck_assert_int_ge(n, (KILLS + 1) * PER_RUN);
	/* Nothing the client did not get an answer for was stored twice. */
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT provider_id FROM "
	    "inbound GROUP BY provider_id HAVING count(*) > 1)"), 0);
	outbox_matches_queue();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("crash");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kill_9_under_load);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
