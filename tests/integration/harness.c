/*
 * The integration harness: a temp directory with a config, a database with
 * the demo roster (imported by the real baoxuectl), the real baoxued on a
 * free loopback port, an HTTP client (libcurl) and readers for the outbox
 * file and the database. Shared by the integration suites.
 */
#include "tests/integration/harness.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


char *dir;
char conf[1024], db[1024], outbox[1024], logpath[1024];
struct proc daemon_p;
int conf_port;

const char *
env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL, "%s not set (run through ctest)", name);
	return v;
}

void
write_conf(const char *clock_mode)
{
	write_conf_at(clock_mode, "2026-09-01T09:00:00+08:00", "");
}

void
write_conf_at(const char *clock_mode, const char *start, const char *extra)
{
	char text[16384], startline[128] = "";

	if (strcmp(clock_mode, "manual") == 0)
		snprintf(startline, sizeof startline, "start = %s\n", start);
	snprintf(text, sizeof text,
	    "[daemon]\n"
	    "listen = 127.0.0.1:%d\n"
	    "database = %s\n"
	    "templates = %s\n"
	    "timezone = Asia/Shanghai\n"
	    "admin_token = " ADMIN "\n"
	    "signature = " SIG "\n"
	    "[clock]\n"
	    "mode = %s\n"
	    "%s"
	    "[inbound.http]\n"
	    "token = " TOKEN "\n"
	    "%s%s%s"
	    "%s",
	    conf_port, db, tu_src("templates/zh-CN"), clock_mode, startline,
	    /* A test that names its own channels gets no outbox. */
	    strstr(extra, "[channel.") ? "" : "[channel.outbox]\n"
	    "type = outbox\npath = ", strstr(extra, "[channel.") ? "" : outbox,
	    strstr(extra, "[channel.") ? "" : "\n", extra);
	ck_assert_int_eq(tu_write(conf, text), 0);
}

void
start_daemon(const char *clock_mode)
{
	write_conf(clock_mode);
	start_daemon_configured();
}

void
start_daemon_configured(void)
{
	char implog[4200], roster[4096];
	char *const imp[] = { (char *)env("BAOXUECTL"), "-d", db, "import",
	    roster, NULL };

	snprintf(roster, sizeof roster, "%s", tu_src("examples/demo"));
	snprintf(implog, sizeof implog, "%s/import.log", dir);
	ck_assert_int_eq(proc_run(imp, implog), 0);
	ck_assert_msg(proc_start(&daemon_p, env("BAOXUED"), conf, logpath,
	    10000) == 0, "baoxued did not start; see %s", logpath);
}

void
setup_dirs(void)
{
	dir = tu_tmpdir();
	snprintf(conf, sizeof conf, "%s/baoxued.conf", dir);
	snprintf(db, sizeof db, "%s/baoxue.db", dir);
	snprintf(outbox, sizeof outbox, "%s/outbox.jsonl", dir);
	snprintf(logpath, sizeof logpath, "%s/baoxued.log", dir);
	memset(&daemon_p, 0, sizeof daemon_p);
	conf_port = 0;
}

void
setup_manual(void)
{
	setup_dirs();
	start_daemon("manual");
}

/*
 * Every test ends with a clean stop: exit status 0 and nothing from the
 * sanitizers (the ASan build runs this suite against an ASan baoxued).
 */
void
teardown(void)
{
	char *log;
	int st;

	if (daemon_p.pid > 0) {
		st = proc_stop(&daemon_p, SIGTERM, 30000);
		log = tu_read(logpath);
		ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "baoxued exit status %d; log:\n%s", st, log);
		ck_assert_msg(log == NULL || (!strstr(log, "Sanitizer") &&
		    !strstr(log, "runtime error")), "sanitizer report:\n%s",
		    log);
		free(log);
	}
	tu_rmdir(dir);
	dir = NULL;
}


static size_t
resp_write(char *p, size_t size, size_t n, void *arg)
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

/*
 * One request to the daemon; a failure says why, with the end of the
 * daemon's log (a request the daemon never answered is most often the
 * daemon gone: a sanitizer's report, say, is there).
 */
static void
perform(CURL *c)
{
	CURLcode rc = curl_easy_perform(c);
	char *log;
	size_t n;

	if (rc == CURLE_OK)
		return;
	log = tu_read(logpath);
	n = log ? strlen(log) : 0;
	ck_abort_msg("curl: %s; the daemon's log ends:\n%s",
	    curl_easy_strerror(rc), log ? log + (n > 3000 ? n - 3000 : 0) :
	    "(none)");
}

/* One request; body NULL means GET. */
void
http(const char *method, const char *path, const char *body,
    const char *bearer, const char *ctype, struct resp *r)
{
	char url[8192], auth[256], ct[256];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();

	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", daemon_p.port,
	    path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
	}
	if (ctype) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		h = curl_slist_append(h, ct);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

void
http_headers(const char *path, const char *body, const char **hdrs, int n,
    struct resp *r)
{
	char url[8192];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	int i;

	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", daemon_p.port,
	    path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	for (i = 0; i < n; i++)
		h = curl_slist_append(h, hdrs[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

void
post(const char *path, const char *body, struct resp *r)
{
	http(NULL, path, body, NULL, NULL, r);
}

/* Waits until the outbox has n lines (the sender runs after the ack).
 * The waits here are long (30 s): they cost nothing once met, and a
 * machine running three sanitizer builds at once may be slow to meet
 * them. */
void
wait_outbox(int n)
{
	int i;

	for (i = 0; i < 3000 && tu_lines(outbox) < n; i++)
		usleep(10000);
	ck_assert_int_eq(tu_lines(outbox), n);
}

/* Line n (from 1) of the outbox as JSON. */
json_t *
outbox_line(int n)
{
	char *all = tu_read(outbox), *p = all, *nl;
	json_error_t e;
	json_t *o;

	ck_assert_ptr_nonnull(all);
	while (--n > 0 && (p = strchr(p, '\n')) != NULL)
		p++;
	ck_assert_ptr_nonnull(p);
	if ((nl = strchr(p, '\n')) != NULL)
		*nl = '\0';
	o = json_loads(p, 0, &e);
	ck_assert_msg(o != NULL, "bad JSON line: %s", p);
	free(all);
	return o;
}

const char *
jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	ck_assert_msg(v != NULL, "no string %s", k);
	return v;
}

long long
jint(const char *body, const char *k)
{
	json_t *o = json_loads(body, 0, NULL);
	long long v;

	ck_assert_msg(o != NULL, "not JSON: %s", body);
	v = json_integer_value(json_object_get(o, k));
	json_decref(o);
	return v;
}

long long
rows(const char *sql)
{
	return tu_sql_int(db, sql);
}

/* Waits until a count query reaches n (the sender records after writing). */
void
wait_rows(const char *sql, long long n)
{
	int i;

	for (i = 0; i < 3000 && rows(sql) != n; i++)
		usleep(10000);
	ck_assert_int_eq(rows(sql), n);
}

/* Recipients of outbox lines whose text contains needle, sorted. */
void
outbox_recipients(const char *needle, const char *kind, char *out,
    size_t outsz)
{
	char list[32][24];
	int n = 0, i, j, total = tu_lines(outbox);

	out[0] = '\0';
	for (i = 1; i <= total && n < 32; i++) {
		json_t *o = outbox_line(i);

		if (strstr(jstr(o, "text"), needle) &&
		    !strcmp(jstr(o, "kind"), kind))
			snprintf(list[n++], sizeof list[0], "%s",
			    jstr(o, "to"));
		json_decref(o);
	}
	for (i = 1; i < n; i++)	/* insertion sort, n is small */
		for (j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			char t[24];

			memcpy(t, list[j], sizeof t);
			memcpy(list[j], list[j - 1], sizeof t);
			memcpy(list[j - 1], t, sizeof t);
		}
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s",
		    i ? "," : "", list[i]);
}


void
form_escape(const char *in, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *in && o + 4 < outsz; in++) {
		unsigned char c = (unsigned char)*in;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			out[o++] = (char)c;
		else if (c == ' ')
			out[o++] = '+';
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	ck_assert_msg(*in == '\0', "form_escape: %s too long", in);
	out[o] = '\0';
}

void
sms_text(const char *from, const char *text)
{
	char body[2048], esc[1800];
	struct resp r;

	form_escape(text, esc, sizeof esc);
	snprintf(body, sizeof body, "from=%s&text=%s&token=" TOKEN, from, esc);
	post("/sms/inbound", body, &r);
	ck_assert_msg(r.code == 200, "sms: %ld %s", r.code, r.body);
}

void
clock_to(int hours)
{
	long long t = 1788224400LL + hours * 3600LL;	/* 2026-09-01T09:00+08 */
	time_t tt = (time_t)t;
	char body[64];
	struct resp r;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(body, sizeof body, "set=%Y-%m-%dT%H:%M:%SZ", &tm);
	http(NULL, "/admin/clock", body, ADMIN, NULL, &r);
	ck_assert_msg(r.code == 200, "clock: %ld %s", r.code, r.body);
}

void
settle(void)
{
	struct resp r;

	http(NULL, "/admin/clock", "advance=0", ADMIN, NULL, &r);
	ck_assert_int_eq(r.code, 200);
}

int
fixed_port(void)
{
	static int given[64], ngiven;
	/* Seeded apart: suites running at once must not draw alike. */
	static unsigned seed;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	int low = 32768, i, j, port, s, ok;

	if (f != NULL) {
		if (fscanf(f, "%d", &low) != 1)
			low = 32768;
		fclose(f);
	}
	ck_assert_msg(low > 2048, "ephemeral ports from %d", low);
	if (seed == 0)
		seed = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 1000; i++) {
		/* In [low / 2, low): clear of the well-known ports too. */
		port = low / 2 + (int)(rand_r(&seed) % (unsigned)(low / 2));
		for (j = 0, ok = 1; j < ngiven; j++)
			ok &= given[j] != port;
		if (!ok)
			continue;
		sin.sin_port = htons((uint16_t)port);
		ck_assert_int_ge(s = socket(AF_INET, SOCK_STREAM, 0), 0);
		ok = bind(s, (struct sockaddr *)&sin, sizeof sin) == 0;
		close(s);
		if (ok) {
			ck_assert_int_lt(ngiven, 64);
			given[ngiven++] = port;
			return port;
		}
	}
	ck_abort_msg("no free port below %d", low);
	return -1;
}
