/*
 * Crash safety under load: a client posts messages steadily (each with a
 * provider id, retried until answered, like a gateway) while the daemon is
 * killed with SIGKILL at random moments and restarted, several times. At
 * the end every message answered 200 is in the database exactly once, with
 * its absence and its reply, and no outbound message reached the outbox
 * twice. Bounded well under a minute.
 */
#include <check.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define KILLS 4

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
	static const char *const students[] = {
		"20240102", "20240201", "20241002", "20241003", "20241001"
	};
	char url[128], body[256];
	FILE *out = fopen(acked, "a");
	CURL *c;
	long code;
	int i = 1;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/sms/inbound", port);
	while (access(stop, F_OK) != 0) {
		struct resp r;

		memset(&r, 0, sizeof r);
		snprintf(body, sizeof body, "from=13800000001&text=ABS+%s+1"
		    "&id=m%d&token=" TOKEN, students[i % 5], i);
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

static int
free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof sin;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(s, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(s);
	return port;
}

START_TEST(test_kill_9_under_load)
{
	char acked[1100], stop[1100], *ids, *line, *save, q[256];
	unsigned seed = (unsigned)getpid();
	pid_t child;
	int k, n = 0, st;
	struct resp r;

	setup_dirs();
	conf_port = free_port();
	write_conf("manual");
	start_daemon_configured();
	snprintf(acked, sizeof acked, "%s/acked", dir);
	snprintf(stop, sizeof stop, "%s/stop", dir);
	if ((child = fork()) == 0)
		client(conf_port, acked, stop);
	for (k = 0; k < KILLS; k++) {
		usleep(300000 + rand_r(&seed) % 500000);
		kill(daemon_p.pid, SIGKILL);
		waitpid(daemon_p.pid, NULL, 0);
		daemon_p.pid = 0;
		ck_assert(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
		    10000) == 0);
	}
	usleep(500000);
	tu_write(stop, "");
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	/* Let the queue drain, then stop cleanly. */
	http(NULL, "/admin/clock", "advance=0", ADMIN, NULL, &r);
	wait_rows("SELECT count(*) FROM outbound WHERE status <> 'sent'", 0);
	ids = tu_read(acked);
	ck_assert_ptr_nonnull(ids);
	for (line = strtok_r(ids, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save), n++) {
		snprintf(q, sizeof q, "SELECT count(*) FROM inbound i JOIN "
		    "absences a ON a.inbound_id = i.id JOIN outbound o ON "
		    "o.inbound_id = i.id AND o.kind = 'reply' WHERE "
		    "i.provider_id = '%s'", line);
		ck_assert_msg(rows(q) == 1, "%s: %lld rows", line, rows(q));
	}
	free(ids);
	ck_assert_int_gt(n, 20);
	/* Nothing the client did not get an answer for was stored twice. */
	ck_assert_int_eq(rows("SELECT count(*) FROM (SELECT provider_id FROM "
	    "inbound GROUP BY provider_id HAVING count(*) > 1)"), 0);
	/* Every outbound message in the outbox once, none twice. */
	{
		char *all = tu_read(outbox), *l2, *s2;
		long long ids2[4096];
		int m = 0, i, j;

		for (l2 = strtok_r(all, "\n", &s2); l2 && m < 4096;
		    l2 = strtok_r(NULL, "\n", &s2))
			if (sscanf(l2, "{\"id\":%lld,", &ids2[m]) == 1)
				m++;
		for (i = 0; i < m; i++)
			for (j = i + 1; j < m; j++)
				ck_assert_msg(ids2[i] != ids2[j], "outbound "
				    "%lld twice in the outbox", ids2[i]);
		ck_assert_int_eq(m, rows("SELECT count(*) FROM outbound"));
		free(all);
	}
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
