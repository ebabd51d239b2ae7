/*
 * baoxuectl: the operator's tool.
 *   baoxuectl -d DB import [--replace CODE] DIR
 *                                    load the roster CSVs (one transaction);
 *                                    with --replace they are the whole
 *                                    roster of CODE: who is not in them
 *                                    leaves it
 *   baoxuectl -d DB report --from DATE --to DATE [--township CODE]
 *       [--format xlsx|csv] [--threshold N] [--special-threshold N]
 *       [--templates DIR] -o FILE    the statistics table (辍学情况统计表)
 *   baoxuectl -d DB cases [--open] [--village CODE] [--school CODE] [--full]
 *                                    the ledger, aligned, names masked
 *   baoxuectl -d DB visits --school CODE [--term DATE] [--missing
 *       [--special N]] [--full]
 *                                    a school's students and their routine
 *                                    home visits in the term of DATE
 *   baoxuectl -d DB history STUDENT_NO|#CASE [--full]
 *                                    one student's record: every report,
 *                                    step, visit and SMS, who and when
 *   baoxuectl -d DB people [--place CODE] [--role ROLE] [--phone N]
 *                                    who holds which role where, at a
 *                                    place and under it
 *   baoxuectl -d DB sms [--status S] [--to N] [--limit N] [--full]
 *                                    the queue, newest first
 *   baoxuectl -d DB backup FILE      a checked copy, beside the daemon
 *   baoxuectl sim [-u URL] [-t TOKEN] [-i ID] FROM TEXT
 *                                    send an SMS to a running baoxued as a
 *                                    gateway would, and print its answer
 * Dates are local (TZ, default Asia/Shanghai); --to is inclusive.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gateway/casework/casework.h"
#include "gateway/ctltable.h"
#include "gateway/ctlwords.h"
#include "gateway/import.h"
#include "gateway/report.h"
#include "gateway/timefmt.h"
#include "parsers/mask.h"
#include "parsers/phone.h"
#include "parsers/utf8.h"
#include "parsers/vocab.h"
#include "store/store.h"
#include "templates/render.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: baoxuectl -d DB import [--replace CODE] DIR\n"
	    "       baoxuectl -d DB report --from DATE --to DATE [--township "
	    "CODE]\n"
	    "           [--format xlsx|csv] [--threshold N] "
	    "[--special-threshold N]\n"
	    "           [--templates DIR] -o FILE\n"
	    "       baoxuectl -d DB cases [--open] [--village CODE] "
	    "[--school CODE] [--full]\n"
	    "       baoxuectl -d DB visits --school CODE [--term DATE] "
	    "[--missing [--special N]] [--full]\n"
	    "       baoxuectl -d DB history STUDENT_NO|#CASE [--full]\n"
	    "       baoxuectl -d DB people [--place CODE] [--role ROLE] "
	    "[--phone N]\n"
	    "       baoxuectl -d DB sms [--status queued|sending|sent|failed] "
	    "[--to N] [--limit N] [--full]\n"
	    "       baoxuectl -d DB backup FILE\n"
	    "       baoxuectl sim [-u URL] [-t TOKEN] [-i ID] FROM TEXT\n"
	    "       baoxuectl --version\n"
	    "  sim defaults: -u http://127.0.0.1:8080/sms/inbound -t demo\n"
	    "  report and the listings take --templates DIR (default: "
	    "$BAOXUE_TEMPLATES,\n"
	    "  else ./templates/zh-CN, else found beside baoxuectl)\n");
}

/* A place code, 学号 or case number as typed (v01, g5101...x): upper
 * case, as the roster keeps them and the SMS commands read them. In
 * place: argv's strings are the program's. */
static char *
ctl_code(char *arg)
{
	char *p;

	for (p = arg; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return arg;
}

static void
ctl_import_say(void *arg, int error, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s%s\n", error ? "" : "note: ", line);
}

static int
ctl_import(const char *db, const char *replace, const char *dir)
{
	struct import_counts n;
	struct store *st;
	struct stat sb;
	char err[1024];
	int rc, fresh = stat(db, &sb) != 0;

	if ((st = store_open(db, err, sizeof err)) == NULL) {
		fprintf(stderr, "baoxuectl: %s\n", err);
		return 1;
	}
	if ((rc = roster_import_replace(st, dir, replace, (int64_t)time(NULL),
	    &n, ctl_import_say, NULL)) != 0) {
		if (rc > 0)
			fprintf(stderr, "baoxuectl: import refused: %d "
			    "problem(s), nothing changed\n", rc);
		else
			fprintf(stderr, "baoxuectl: import failed, nothing "
			    "changed\n");
		store_close(st);
		/* "Nothing changed": a database this import made (a first
		 * import, or a mistyped -d) is not left behind empty. */
		if (fresh)
			store_unlink(db);
		return 1;
	}
	store_close(st);
	printf("imported %zu places, %zu people, %zu students into %s\n",
	    n.places, n.people, n.students, db);
	if (replace)
		printf("left the roster of %s: %ld role row(s), %ld student(s); "
		    "handed over: %ld open task(s), %ld case(s); withdrawn: "
		    "%ld queued SMS to numbers now off it\n", replace,
		    n.left_people, n.left_students, n.handed_tasks,
		    n.handed_cases, n.withdrawn);
	return 0;
}

static size_t
ctl_write_cb(char *p, size_t size, size_t n, void *arg)
{
	(void)arg;
	return fwrite(p, size, n, stdout);
}

static int
ctl_sim(int argc, char **argv)
{
	const char *url = "http://127.0.0.1:8080/sms/inbound", *token = "demo";
	const char *id = NULL;
	char *e_from, *e_text, *e_tok, *e_id = NULL, *body;
	CURL *c;
	CURLcode rc;
	long code = 0;
	size_t len;
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			return usage(stderr), 2;
		if (!strcmp(argv[i], "-u"))
			url = argv[i + 1];
		else if (!strcmp(argv[i], "-t"))
			token = argv[i + 1];
		else if (!strcmp(argv[i], "-i"))
			id = argv[i + 1];
		else
			return usage(stderr), 2;
	}
	if (argc - i != 2)
		return usage(stderr), 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = curl_easy_init()) == NULL)
		return 1;
	e_from = curl_easy_escape(c, argv[i], 0);
	e_text = curl_easy_escape(c, argv[i + 1], 0);
	e_tok = curl_easy_escape(c, token, 0);
	if (id)
		e_id = curl_easy_escape(c, id, 0);
	len = strlen(e_from) + strlen(e_text) + strlen(e_tok) +
	    (e_id ? strlen(e_id) : 0) + 32;
	body = malloc(len);
	snprintf(body, len, "from=%s&text=%s&token=%s%s%s", e_from, e_text,
	    e_tok, e_id ? "&id=" : "", e_id ? e_id : "");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ctl_write_cb);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else
		fprintf(stderr, "baoxuectl: %s: %s\n", url,
		    curl_easy_strerror(rc));
	curl_free(e_from);
	curl_free(e_text);
	curl_free(e_tok);
	curl_free(e_id);
	free(body);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc == CURLE_OK && code == 200 ? 0 : 1;
}

/* YYYY-MM-DD at local midnight; -1 if not a date. */
static int64_t
ctl_date(const char *s)
{
	char buf[32];
	int64_t t;

	if (strlen(s) != 10)
		return -1;
	snprintf(buf, sizeof buf, "%sT00:00:00", s);
	return timefmt_parse(buf, &t) == 0 ? t : -1;
}

/*
 * The message catalog: the directory given (--templates), else
 * BAOXUE_TEMPLATES, else the first of these that is a directory: the
 * working directory's templates/zh-CN (a source tree), then beside the
 * program: PREFIX/share/baoxue (an install under a prefix), the
 * directory examples/baoxued.conf names, and the source tree the
 * program was built in (build/ or build/asan/). An operator runs
 * baoxuectl from anywhere (cron, a home directory). NULL with the
 * reason in err.
 */
static struct catalog *
ctl_catalog(const char *tdir, char *err, size_t errsz)
{
	static const char *const beside[] = {
		"../share/baoxue/templates/zh-CN",
		"/usr/share/baoxue/templates/zh-CN",
		"../templates/zh-CN",
		"../../templates/zh-CN",
	};
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	struct stat sb;
	ssize_t n;
	size_t i;

	if (tdir == NULL && (tdir = getenv("BAOXUE_TEMPLATES")) != NULL &&
	    tdir[0] == '\0')
		tdir = NULL;
	if (tdir != NULL) {
		struct catalog *cat = catalog_load(tdir, err, errsz);

		if (cat == NULL && stat(tdir, &sb) != 0)
			snprintf(err, errsz, "templates %s: %s (give "
			    "--templates DIR or set BAOXUE_TEMPLATES)", tdir,
			    strerror(errno));
		return cat;
	}
	if (stat("templates/zh-CN", &sb) == 0 && S_ISDIR(sb.st_mode))
		return catalog_load("templates/zh-CN", err, errsz);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		slash[1] = '\0';
	for (i = 0; i < sizeof beside / sizeof beside[0]; i++) {
		snprintf(path, sizeof path, "%s%s",
		    beside[i][0] == '/' ? "" : exe, beside[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			return catalog_load(path, err, errsz);
	}
	snprintf(err, errsz, "no templates found (templates/zh-CN here, "
	    "beside %.400s, /usr/share/baoxue/templates/zh-CN): give "
	    "--templates DIR or set BAOXUE_TEMPLATES",
	    exe[0] ? exe : "baoxuectl");
	return NULL;
}

/*
 * Whether code names a place of that kind (NULL: any) on the roster;
 * if not, says so and returns 1 (a mistyped code would list nothing and
 * look like "no cases").
 */
static int
ctl_place_known(struct store *st, const char *code, const char *kind)
{
	struct store_place p;
	enum store_rc rc;

	if (code == NULL)
		return 0;
	if ((rc = store_place_get(st, code, &p)) == STORE_OK &&
	    (kind == NULL || !strcmp(p.kind, kind)))
		return 0;
	if (rc == STORE_OK || rc == STORE_NOTFOUND)
		fprintf(stderr, "baoxuectl: %s: no such %s in the roster\n",
		    code, kind ? kind : "place");
	else
		fprintf(stderr, "baoxuectl: %s\n", store_errmsg(st));
	return 1;
}

static int
ctl_report(const char *db, int argc, char **argv)
{
	struct report_opts o = { -1, -1, NULL, 2, 1, 1, NULL };
	const char *tdir = NULL;
	struct catalog *cat;
	struct store *st;
	char err[1024];
	int i, rc;

	/* Every option takes a value: they come in pairs. */
	for (i = 0; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			return usage(stderr), 2;
		if (!strcmp(argv[i], "--from"))
			o.from = ctl_date(v);
		else if (!strcmp(argv[i], "--to"))
			o.to = ctl_date(v);
		else if (!strcmp(argv[i], "--township"))
			o.township = ctl_code(argv[i + 1]);
		else if (!strcmp(argv[i], "--format")) {
			if (strcmp(v, "xlsx") && strcmp(v, "csv"))
				return usage(stderr), 2;
			o.xlsx = !strcmp(v, "xlsx");
		} else if (!strcmp(argv[i], "--threshold"))
			o.threshold = atoi(v);
		else if (!strcmp(argv[i], "--special-threshold"))
			o.special_threshold = atoi(v);
		else if (!strcmp(argv[i], "--templates"))
			tdir = v;
		else if (!strcmp(argv[i], "-o"))
			o.path = v;
		else
			return usage(stderr), 2;
	}
	if (o.from < 0 || o.to < 0 || o.path == NULL || o.threshold < 1 ||
	    o.special_threshold < 1) {
		fprintf(stderr, "baoxuectl: report needs --from and --to as "
		    "YYYY-MM-DD and -o FILE\n");
		return 2;
	}
	if (o.to < o.from) {
		fprintf(stderr, "baoxuectl: report: --to is before --from\n");
		return 2;
	}
	o.to += 86400;		/* --to is the last day, inclusive */
	if ((cat = ctl_catalog(tdir, err, sizeof err)) == NULL ||
	    (st = store_open_readonly(db, err, sizeof err)) == NULL) {
		fprintf(stderr, "baoxuectl: %s\n", err);
		catalog_free(cat);
		return 1;
	}
	if (ctl_place_known(st, o.township, "township")) {
		store_close(st);
		catalog_free(cat);
		return 1;
	}
	rc = report_write(st, cat, &o, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "baoxuectl: %s\n", err);
	else
		printf("wrote %s\n", o.path);
	store_close(st);
	catalog_free(cat);
	return rc == 0 ? 0 : 1;
}

/* A student as a listing shows them: the 学号 (a national 学籍号 holds
 * the child's ID number) and the name masked, unless full. */
static void
ctl_student(int full, const char *student_no, const char *name, char *no_out,
    size_t no_sz, char *name_out, size_t name_sz)
{
	if (full) {
		snprintf(no_out, no_sz, "%s", student_no);
		snprintf(name_out, name_sz, "%s", name);
	} else {
		mask_student_no(student_no, no_out, no_sz);
		mask_name(name, name_out, name_sz);
	}
}

/* A listing's rows, gathered then printed aligned; its words. */
struct ctl_listing {
	const struct catalog *cat;
	int full;			/* names and numbers unmasked */
	struct ctl_table t;
};

static void
ctl_case_cb(void *arg, const struct store_case_line *l)
{
	struct ctl_listing *c = arg;
	char (*row)[CTL_TABLE_CELL] = ctl_table_row(&c->t);
	char key[32];

	snprintf(row[0], CTL_TABLE_CELL, "#%lld", (long long)l->id);
	ctl_student(c->full, l->student_no, l->name, row[1], CTL_TABLE_CELL,
	    row[2], CTL_TABLE_CELL);
	snprintf(row[3], CTL_TABLE_CELL, "%s", l->class_name);
	snprintf(row[4], CTL_TABLE_CELL, "%s", l->village);
	casework_status_key(key, sizeof key, l->status, l->dropout,
	    l->cosigned);
	if (render(c->cat, key, NULL, 0, row[5], CTL_TABLE_CELL) != 0)
		snprintf(row[5], CTL_TABLE_CELL, "%s", l->status);
	snprintf(row[6], CTL_TABLE_CELL, "%d", l->level);
	timefmt_format(l->opened_at, row[7], CTL_TABLE_CELL);
	row[7][10] = '\0';
	if (l->closed_at) {
		timefmt_format(l->closed_at, row[8], CTL_TABLE_CELL);
		row[8][10] = '\0';
	}
}

/* The templates and the read-only store a listing needs, its header
 * rendered from cols_key; 0, or 1 with the reason printed. */
static int
ctl_listing_open(const char *db, const char *tdir, const char *cols_key,
    struct catalog **cat, struct store **st, struct ctl_table *t)
{
	char err[1024] = "", cols[512];

	*st = NULL;
	if ((*cat = ctl_catalog(tdir, err, sizeof err)) == NULL ||
	    render(*cat, cols_key, NULL, 0, cols, sizeof cols) != 0 ||
	    (*st = store_open_readonly(db, err, sizeof err)) == NULL) {
		fprintf(stderr, "baoxuectl: %s\n", err[0] ? err :
		    "a template is missing");
		catalog_free(*cat);
		*cat = NULL;
		return 1;
	}
	ctl_table_init(t, cols);
	return 0;
}

static void
ctl_listing_close(struct catalog *cat, struct store *st, struct ctl_table *t)
{
	ctl_table_free(t);
	store_close(st);
	catalog_free(cat);
}

/* The listing printed if rc is STORE_OK, else the store's error; then
 * closed. The exit status. */
static int
ctl_listing_done(struct catalog *cat, struct store *st, struct ctl_table *t,
    enum store_rc rc)
{
	if (rc == STORE_OK)
		ctl_table_print(t, stdout);
	else
		fprintf(stderr, "baoxuectl: %s\n", store_errmsg(st));
	ctl_listing_close(cat, st, t);
	return rc == STORE_OK ? 0 : 1;
}

/* One student's history: the records, then the SMS, each a table. */
struct ctl_history {
	const struct catalog *cat;
	struct store *st;		/* for the names a handover gives, */
	int64_t at;			/* as they were at the event's time */
	int full;
	struct ctl_table ev, sms;
};

/* "2026-09-01 09:00", local. */
static void
ctl_minute(int64_t t, char *out, size_t sz)
{
	char iso[TIMEFMT_MAX];

	timefmt_format(t, iso, sizeof iso);
	iso[10] = ' ';
	iso[16] = '\0';
	snprintf(out, sz, "%s", iso);
}

static void
ctl_case_no(int64_t id, char *out, size_t sz)
{
	if (id)
		snprintf(out, sz, "#%lld", (long long)id);
}

/* A person's name by people.id, at the event's time
 * (ctlwords_person_fn). */
static int
ctl_person_name(void *arg, int64_t id, char *out, size_t sz)
{
	struct ctl_history *h = arg;

	return store_person_name_at(h->st, id, h->at, out, sz) == STORE_OK ?
	    0 : -1;
}

static void
ctl_history_event(void *arg, const struct store_history_event *e)
{
	struct ctl_history *h = arg;
	char (*row)[CTL_TABLE_CELL] = ctl_table_row(&h->ev);
	char key[64], role[64];

	ctl_minute(e->at, row[0], CTL_TABLE_CELL);
	ctl_case_no(e->case_id, row[1], CTL_TABLE_CELL);
	/* The ledger's own word for it, else the CASE reply's, else the
	 * code. */
	snprintf(key, sizeof key, "history_what_%s", e->what);
	if (catalog_text(h->cat, key) == NULL)
		snprintf(key, sizeof key, "action_%s", e->what);
	if (catalog_text(h->cat, key) == NULL ||
	    render(h->cat, key, NULL, 0, row[2], CTL_TABLE_CELL) != 0)
		snprintf(row[2], CTL_TABLE_CELL, "%s", e->what);
	snprintf(row[3], CTL_TABLE_CELL, "%s", e->name);
	if (e->role[0]) {
		ctlwords_code(h->cat, "role_", e->role, role, sizeof role);
		snprintf(row[4], CTL_TABLE_CELL, "%s %s", role, e->scope);
	}
	/* A note is people's own words, a child's name among them perhaps:
	 * shown with --full only. */
	h->at = e->at;
	ctlwords_detail(h->cat, e->what, e->detail, h->full, ctl_person_name,
	    h, row[5], CTL_TABLE_CELL);
}

/* A failure as the sender recorded it ("HTTP 400: " and the provider's
 * words, which may quote the text or the number): its status alone
 * unless full; control characters never (a line break would break the
 * table, an escape sequence the terminal). */
static void
ctl_sms_error(const char *error, int full, char *out, size_t sz)
{
	size_t n = full ? strlen(error) : strcspn(error, ":");
	char *p;

	utf8_copy(out, sz, error, n);
	for (p = out; *p; p++) {
		unsigned char c = (unsigned char)p[0], d = (unsigned char)p[1];

		if (c < 0x20 || c == 0x7f)
			*p = ' ';
		/* U+0080-U+009F: C1 controls (CSI, NEL among them). */
		else if (c == 0xc2 && d >= 0x80 && d <= 0x9f)
			p[0] = p[1] = ' ';
		/* U+200E-200F, U+2028-202E, U+2066-2069: direction marks,
		 * line and paragraph breaks, overrides and isolates. */
		else if (c == 0xe2 && d != '\0' && ((d == 0x80 &&
		    (((unsigned char)p[2] >= 0x8e && (unsigned char)p[2] <=
		    0x8f) || ((unsigned char)p[2] >= 0xa8 &&
		    (unsigned char)p[2] <= 0xae))) || (d == 0x81 &&
		    (unsigned char)p[2] >= 0xa6 && (unsigned char)p[2] <= 0xa9)))
			p[0] = p[1] = p[2] = ' ';
	}
	while (p > out && p[-1] == ' ')
		*--p = '\0';
}

/* An SMS as a row of sms_cols, in words; the number masked unless
 * full. */
static void
ctl_sms_row(const struct catalog *cat, int full, struct ctl_table *t,
    const struct store_history_sms *m)
{
	char (*row)[CTL_TABLE_CELL] = ctl_table_row(t);

	ctl_minute(m->created_at, row[0], CTL_TABLE_CELL);
	ctl_case_no(m->case_id, row[1], CTL_TABLE_CELL);
	ctlwords_code(cat, "sms_kind_", m->kind, row[2], CTL_TABLE_CELL);
	/* Staff by name (rule 8: who was told); a number on no roster row
	 * has none. */
	snprintf(row[3], CTL_TABLE_CELL, "%s", m->name);
	if (full)
		snprintf(row[4], CTL_TABLE_CELL, "%s", m->to);
	else
		mask_phone(m->to, row[4], CTL_TABLE_CELL);
	ctlwords_code(cat, "sms_status_", m->status, row[5], CTL_TABLE_CELL);
	if (m->sent_at)
		ctl_minute(m->sent_at, row[6], CTL_TABLE_CELL);
	ctlwords_code(cat, "dlr_", m->dlr, row[7], CTL_TABLE_CELL);
	ctl_sms_error(m->error, full, row[8], CTL_TABLE_CELL);
}

static void
ctl_history_sms(void *arg, const struct store_history_sms *m)
{
	struct ctl_history *h = arg;

	ctl_sms_row(h->cat, h->full, &h->sms, m);
}

/* "#12", "K12" (any case): the case number; else 0. */
static int64_t
ctl_case_arg(const char *a)
{
	char *end;
	long long v;

	if (a[0] != '#' && a[0] != 'K' && a[0] != 'k')
		return 0;
	if (a[1] < '0' || a[1] > '9')
		return 0;
	errno = 0;
	v = strtoll(a + 1, &end, 10);
	return *end == '\0' && errno == 0 && v > 0 ? (int64_t)v : 0;
}

/* The student's header line: 学号, name, class (school), village. */
static int
ctl_history_head(struct store *st, const struct catalog *cat,
    const struct store_student *s, int full, char *out, size_t sz)
{
	struct store_place cls, school, village;
	char no[STORE_STUDENT_MAX], name[STORE_NAME_MAX];
	struct render_var v[5] = { { "student_no", no }, { "name", name },
	    { "class", cls.name }, { "school", school.name },
	    { "village", village.name } };

	if (store_place_get(st, s->class_code, &cls) != STORE_OK ||
	    store_place_get(st, cls.parent, &school) != STORE_OK ||
	    store_place_get(st, s->village, &village) != STORE_OK)
		return -1;
	ctl_student(full, s->student_no, s->name, no, sizeof no, name,
	    sizeof name);
	return render(cat, "history_student", v, 5, out, sz);
}

static int
ctl_history(const char *db, int argc, char **argv)
{
	struct ctl_history h;
	struct store_student s;
	struct store_case cs;
	const char *target = NULL, *tdir = NULL;
	struct catalog *cat;
	struct store *st;
	char head[512], cols[256];
	int64_t case_no;
	enum store_rc rc;
	int i;

	memset(&h, 0, sizeof h);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--full"))
			h.full = 1;
		else if (!strcmp(argv[i], "--templates") && i + 1 < argc)
			tdir = argv[++i];
		else if (target == NULL && argv[i][0] != '-')
			target = ctl_code(argv[i]);
		else
			return usage(stderr), 2;
	}
	case_no = target ? ctl_case_arg(target) : 0;
	if (target == NULL || (case_no == 0 && !vocab_student_no_ok(target))) {
		fprintf(stderr, "baoxuectl: history takes a student number "
		    "or a case number (#12)\n");
		return usage(stderr), 2;
	}
	if (ctl_listing_open(db, tdir, "history_cols", &cat, &st, &h.ev) != 0)
		return 1;
	h.cat = cat;
	h.st = st;
	if (render(cat, "sms_cols", NULL, 0, cols, sizeof cols) != 0) {
		fprintf(stderr, "baoxuectl: a template is missing\n");
		ctl_listing_close(cat, st, &h.ev);
		return 1;
	}
	ctl_table_init(&h.sms, cols);
	if (case_no) {
		rc = store_case_get(st, case_no, &cs);
		if (rc == STORE_OK)
			rc = store_student_get_id(st, cs.student_id, &s);
	} else {
		rc = store_student_get(st, target, &s);
	}
	if (rc == STORE_OK &&
	    ctl_history_head(st, cat, &s, h.full, head, sizeof head) != 0)
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = store_history(st, s.id, ctl_history_event,
		    ctl_history_sms, &h);
	if (rc != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			fprintf(stderr, "baoxuectl: %s: no such %s\n", target,
			    case_no ? "case" : "student");
		else
			fprintf(stderr, "baoxuectl: %s\n", store_errmsg(st));
		ctl_table_free(&h.sms);
		ctl_listing_close(cat, st, &h.ev);
		return 1;
	}
	if (h.full)
		fprintf(stderr, "baoxuectl: full names of minors shown; do "
		    "not share this output\n");
	printf("%s\n\n", head);
	ctl_table_print(&h.ev, stdout);
	if (h.sms.n) {
		printf("\n");
		ctl_table_print(&h.sms, stdout);
	}
	ctl_table_free(&h.sms);
	ctl_listing_close(cat, st, &h.ev);
	return 0;
}

static void
ctl_person_cb(void *arg, const struct store_person_line *l)
{
	struct ctl_listing *pp = arg;
	char (*row)[CTL_TABLE_CELL] = ctl_table_row(&pp->t);

	snprintf(row[0], CTL_TABLE_CELL, "%s", l->p.phone);
	snprintf(row[1], CTL_TABLE_CELL, "%s", l->p.name);
	ctlwords_code(pp->cat, "role_", l->p.role, row[2], CTL_TABLE_CELL);
	snprintf(row[3], CTL_TABLE_CELL, "%s", l->p.scope);
	snprintf(row[4], CTL_TABLE_CELL, "%s", l->place_name);
}

/* The roster's people: staff, whose numbers are there to be called. */
static int
ctl_people(const char *db, int argc, char **argv)
{
	const char *place = NULL, *role = NULL, *tdir = NULL;
	char phone[STORE_PHONE_MAX];
	struct ctl_listing pp;
	struct catalog *cat;
	struct store *st;
	int has_phone = 0, i, r = -1;
	enum store_rc rc;

	memset(&pp, 0, sizeof pp);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--place") && i + 1 < argc)
			place = ctl_code(argv[++i]);
		else if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role = argv[++i];
		else if (!strcmp(argv[i], "--phone") && i + 1 < argc &&
		    phone_normalize(argv[i + 1], phone, sizeof phone) == 0) {
			has_phone = 1;
			i++;
		} else if (!strcmp(argv[i], "--templates") && i + 1 < argc)
			tdir = argv[++i];
		else
			return usage(stderr), 2;
	}
	/* By its code or a Chinese name (村长, 责任督学), as the roster
	 * and the listing write it. */
	if (role && (r = vocab_role_cn(role)) < 0) {
		fprintf(stderr, "baoxuectl: %s: not a role\n", role);
		return 2;
	}
	if (ctl_listing_open(db, tdir, "people_cols", &cat, &st, &pp.t) != 0)
		return 1;
	pp.cat = cat;
	if (ctl_place_known(st, place, NULL)) {
		ctl_listing_close(cat, st, &pp.t);
		return 1;
	}
	rc = store_people_list(st, place, role ? vocab_role_name(r) : NULL,
	    has_phone ? phone : NULL, ctl_person_cb, &pp);
	if (rc != STORE_OK) {
		fprintf(stderr, "baoxuectl: %s\n", store_errmsg(st));
		ctl_listing_close(cat, st, &pp.t);
		return 1;
	}
	ctl_table_print(&pp.t, stdout);
	ctl_listing_close(cat, st, &pp.t);
	return 0;
}

static void
ctl_sms_cb(void *arg, const struct store_history_sms *m)
{
	struct ctl_listing *c = arg;

	ctl_sms_row(c->cat, c->full, &c->t, m);
}

/* The queue, newest first (an operator's look when /healthz counts
 * failures, or a task never came). */
static int
ctl_sms(const char *db, int argc, char **argv)
{
	static const char *const statuses[] = {
		"queued", "sending", "sent", "failed", NULL
	};
	const char *status = NULL, *tdir = NULL;
	const char *const *k;
	char to[STORE_PHONE_MAX], *end;
	struct catalog *cat;
	struct store *st;
	struct ctl_listing c;
	int has_to = 0, i;
	long limit = 50;

	memset(&c, 0, sizeof c);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--status") && i + 1 < argc) {
			status = argv[++i];
			for (k = statuses; *k && strcmp(*k, status); k++)
				;
			if (*k == NULL) {
				fprintf(stderr, "baoxuectl: %s: not a status "
				    "(queued, sending, sent, failed)\n", status);
				return 2;
			}
		} else if (!strcmp(argv[i], "--to") && i + 1 < argc &&
		    phone_normalize(argv[i + 1], to, sizeof to) == 0) {
			has_to = 1;
			i++;
		} else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			errno = 0;
			limit = strtol(argv[++i], &end, 10);
			if (*end != '\0' || errno || limit < 1 ||
			    limit > 10000)
				return usage(stderr), 2;
		} else if (!strcmp(argv[i], "--full"))
			c.full = 1;
		else if (!strcmp(argv[i], "--templates") && i + 1 < argc)
			tdir = argv[++i];
		else
			return usage(stderr), 2;
	}
	if (ctl_listing_open(db, tdir, "sms_cols", &cat, &st, &c.t) != 0)
		return 1;
	c.cat = cat;
	if (c.full)
		fprintf(stderr, "baoxuectl: full numbers shown; do not share "
		    "this output\n");
	return ctl_listing_done(cat, st, &c.t, store_sms_list(st, status,
	    has_to ? to : NULL, (int)limit, ctl_sms_cb, &c));
}

static int
ctl_cases(const char *db, int argc, char **argv)
{
	struct ctl_listing c;
	const char *village = NULL, *school = NULL, *tdir = NULL;
	struct catalog *cat;
	struct store *st;
	int open_only = 0, i;

	memset(&c, 0, sizeof c);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--open"))
			open_only = 1;
		else if (!strcmp(argv[i], "--full"))
			c.full = 1;
		else if (!strcmp(argv[i], "--village") && i + 1 < argc)
			village = ctl_code(argv[++i]);
		else if (!strcmp(argv[i], "--school") && i + 1 < argc)
			school = ctl_code(argv[++i]);
		else if (!strcmp(argv[i], "--templates") && i + 1 < argc)
			tdir = argv[++i];
		else
			return usage(stderr), 2;
	}
	if (ctl_listing_open(db, tdir, "cases_cols", &cat, &st, &c.t) != 0)
		return 1;
	if (ctl_place_known(st, village, "village") ||
	    ctl_place_known(st, school, "school")) {
		ctl_listing_close(cat, st, &c.t);
		return 1;
	}
	if (c.full)
		fprintf(stderr, "baoxuectl: full names of minors shown; do "
		    "not share this output\n");
	c.cat = cat;
	return ctl_listing_done(cat, st, &c.t, store_cases_list(st,
	    open_only, village, school, ctl_case_cb, &c));
}

/* A school's students and their routine home visits this term. */
struct ctl_visits {
	const struct catalog *cat;
	int full, missing;
	int special;			/* visits a special-need student needs */
	struct ctl_table t;
};

static void
ctl_visit_cb(void *arg, const struct store_visit_line *l)
{
	struct ctl_visits *c = arg;
	char (*row)[CTL_TABLE_CELL];

	if (c->missing && l->visits >= (l->special ? c->special : 1))
		return;
	row = ctl_table_row(&c->t);
	ctl_student(c->full, l->student_no, l->name, row[0], CTL_TABLE_CELL,
	    row[1], CTL_TABLE_CELL);
	snprintf(row[2], CTL_TABLE_CELL, "%s", l->class_name);
	snprintf(row[3], CTL_TABLE_CELL, "%s", l->village);
	if (l->special && render(c->cat, "visits_special", NULL, 0, row[4],
	    CTL_TABLE_CELL) != 0)
		row[4][0] = '\0';
	snprintf(row[5], CTL_TABLE_CELL, "%lld", (long long)l->visits);
	if (l->last_at) {
		timefmt_format(l->last_at, row[6], CTL_TABLE_CELL);
		row[6][10] = '\0';
	}
}

static int
ctl_visits(const char *db, int argc, char **argv)
{
	struct ctl_visits c;
	const char *school = NULL, *tdir = NULL;
	struct catalog *cat;
	struct store *st;
	int64_t day = (int64_t)time(NULL), from;
	int i, special = 0;

	memset(&c, 0, sizeof c);
	c.special = 2;		/* as the daemon's [visits] special_per_term */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--missing"))
			c.missing = 1;
		else if (!strcmp(argv[i], "--special") && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*argv[i] == '\0' || *end || v < 1 || v > 12) {
				fprintf(stderr, "baoxuectl: --special %s: not "
				    "a number of visits from 1 to 12\n",
				    argv[i]);
				return 2;
			}
			c.special = (int)v;
			special = 1;
		}
		else if (!strcmp(argv[i], "--full"))
			c.full = 1;
		else if (!strcmp(argv[i], "--school") && i + 1 < argc)
			school = ctl_code(argv[++i]);
		else if (!strcmp(argv[i], "--term") && i + 1 < argc) {
			if ((day = ctl_date(argv[++i])) < 0) {
				fprintf(stderr, "baoxuectl: --term %s: not a "
				    "date (YYYY-MM-DD)\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--templates") && i + 1 < argc)
			tdir = argv[++i];
		else
			return usage(stderr), 2;
	}
	if (school == NULL)
		return usage(stderr), 2;
	if (special && !c.missing) {
		fprintf(stderr, "baoxuectl: --special counts only with "
		    "--missing\n");
		return 2;
	}
	if (ctl_listing_open(db, tdir, "visits_cols", &cat, &st, &c.t) != 0)
		return 1;
	if (ctl_place_known(st, school, "school")) {
		ctl_listing_close(cat, st, &c.t);
		return 1;
	}
	if (c.full)
		fprintf(stderr, "baoxuectl: full names of minors shown; do "
		    "not share this output\n");
	c.cat = cat;
	from = casework_term_start(day);
	/* Until the next term: half a year on is inside it. */
	if (store_school_visits(st, school, from,
	    casework_term_start(from + 190 * 86400), ctl_visit_cb, &c) !=
	    STORE_OK) {
		fprintf(stderr, "baoxuectl: %s\n", store_errmsg(st));
		ctl_listing_close(cat, st, &c.t);
		return 1;
	}
	ctl_table_print(&c.t, stdout);
	ctl_listing_close(cat, st, &c.t);
	return 0;
}

/* A checked copy of a database in use (store_backup): read-only, so it
 * neither creates nor migrates the database it is asked to copy. */
static int
ctl_backup(const char *db, const char *dest)
{
	struct stat sb;
	char err[1024];

	if (store_backup(db, dest, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "baoxuectl: backup failed: %s\n", err);
		return 1;
	}
	if (stat(dest, &sb) != 0) {
		fprintf(stderr, "baoxuectl: %s: %s\n", dest, strerror(errno));
		return 1;
	}
	printf("backed up %s to %s (%lld bytes, integrity checked)\n", db, dest,
	    (long long)sb.st_size);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *db = NULL;
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("baoxuectl %s\n", BAOXUE_VERSION);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "-d")) {
		db = argv[2];
		i = 3;
	}
	if (i < argc && !strcmp(argv[i], "import") && argc == i + 2 &&
	    argv[i + 1][0] != '-') {
		if (db == NULL)
			return usage(stderr), 2;
		return ctl_import(db, NULL, argv[i + 1]);
	}
	if (i < argc && !strcmp(argv[i], "import") && argc == i + 4 &&
	    !strcmp(argv[i + 1], "--replace")) {
		if (db == NULL)
			return usage(stderr), 2;
		return ctl_import(db, ctl_code(argv[i + 2]), argv[i + 3]);
	}
	if (i < argc && !strcmp(argv[i], "import")) {
		fprintf(stderr, "baoxuectl: import takes a directory, or "
		    "--replace CODE and a directory\n");
		return 2;
	}
	if (getenv("TZ") == NULL)
		setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	if (i < argc && !strcmp(argv[i], "report") && db)
		return ctl_report(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "backup") && db && argc == i + 2)
		return ctl_backup(db, argv[i + 1]);
	if (i < argc && !strcmp(argv[i], "cases") && db)
		return ctl_cases(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "visits") && db)
		return ctl_visits(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "people") && db)
		return ctl_people(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "sms") && db)
		return ctl_sms(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "history") && db)
		return ctl_history(db, argc - i - 1, argv + i + 1);
	if (i < argc && !strcmp(argv[i], "sim"))
		return ctl_sim(argc - i - 1, argv + i + 1);
	usage(stderr);
	return 2;
}
