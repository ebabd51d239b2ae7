/* Roster CSV import; see import.h. Validation happens here, at the edge. */
#include "gateway/import.h"

#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gateway/casework/casework.h"
#include "parsers/csv.h"
#include "parsers/phone.h"
#include "parsers/vocab.h"
#include "store/store.h"

#define IMPORT_MAX_FIELDS 7
#define IMPORT_PROGRESS 10000

/* A column: its canonical name (Chinese headers: vocab_column), and
 * whether the file must have it. */
struct import_col {
	const char *name;
	int required;
};

struct import_file;
struct import_seen;
/* One row's fields in the file's column order; line is where it is, seen
 * the keys of the rows before it (import_once). 0, or -1 with why. */
typedef int import_row_fn(struct store *, const char *const *f,
    struct import_seen *seen, size_t line, char *why, size_t whysz);

struct import_file {
	const char *name;
	struct import_col cols[IMPORT_MAX_FIELDS];
	size_t ncols;
	import_row_fn *row;
};

struct import_ctx {
	struct store *st;
	import_report_fn *report;
	void *arg;
	int errors;
};

static void
import_say(struct import_ctx *x, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
import_say(struct import_ctx *x, int error, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (error)
		x->errors++;
	if (x->report)
		x->report(x->arg, error, line);
}

static int
import_copy(char *dst, size_t dstsz, const char *src, const char *what,
    char *why, size_t whysz)
{
	if (strlen(src) >= dstsz) {
		snprintf(why, whysz, "%s longer than %zu bytes", what,
		    dstsz - 1);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* Empty, or spaces only: the CSV reader trims a cell but keeps what
 * quotes hold, and a name of spaces names nobody. */
static int
import_is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* A place code, upper-cased: the command language reads codes in any case
 * (SUM t01) and upper-cases them, so the roster must hold them so. */
static int
import_code_copy(char *dst, size_t dstsz, const char *src, const char *what,
    char *why, size_t whysz)
{
	char *c;

	if (import_copy(dst, dstsz, src, what, why, whysz) != 0)
		return -1;
	for (c = dst; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return 0;
}

static int
import_code_ok(const char *code)
{
	size_t i, n = strlen(code);

	if (n == 0 || n >= STORE_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((code[i] >= '0' && code[i] <= '9') ||
		    (code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= 'a' && code[i] <= 'z') || code[i] == '_' ||
		    code[i] == '-'))
			return 0;
	return 1;
}

static int import_once(struct import_seen *, size_t line, const char *what,
    const char *key, char *why, size_t whysz);

/* The place must exist and be of kind; fills why otherwise. */
static int
import_place_of_kind(struct store *st, const char *code, int kind,
    const char *what, char *why, size_t whysz)
{
	struct store_place p;
	enum store_rc rc = store_place_get(st, code, &p);

	if (rc == STORE_NOTFOUND) {
		snprintf(why, whysz, "%s '%s' is not a known place code", what,
		    code);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(why, whysz, "database: %s", store_errmsg(st));
		return -1;
	}
	if (vocab_kind(p.kind) != kind) {
		snprintf(why, whysz, "%s '%s' is a %s, not a %s", what, code,
		    p.kind, vocab_kind_name(kind));
		return -1;
	}
	return 0;
}

/* "WHAT 'WORD' is not one of: the list" (the list from parsers/vocab). */
static int
import_not_one_of(char *why, size_t whysz, const char *what,
    const char *word, size_t (*words)(char *, size_t))
{
	char list[400];

	words(list, sizeof list);
	snprintf(why, whysz, "%s '%s' is not one of: %s", what, word, list);
	return -1;
}

static int
import_place(struct store *st, const char *const *f, struct import_seen *seen,
    size_t line, char *why, size_t whysz)
{
	struct store_place p;
	enum store_rc rc;
	int kind, pk;

	memset(&p, 0, sizeof p);
	if (!import_code_ok(f[0]))
		return snprintf(why, whysz, "code '%s' must be 1-31 of "
		    "A-Z a-z 0-9 _ -", f[0]), -1;
	if (import_code_copy(p.code, sizeof p.code, f[0], "code", why,
	    whysz) ||
	    import_once(seen, line, "code", p.code, why, whysz))
		return -1;
	if ((kind = vocab_kind_cn(f[2])) < 0)
		return import_not_one_of(why, whysz, "kind", f[2],
		    vocab_kind_words);
	if (import_is_blank(f[1]))
		return snprintf(why, whysz, "name is empty"), -1;
	if (import_copy(p.name, sizeof p.name, f[1], "name", why, whysz) ||
	    import_code_copy(p.parent, sizeof p.parent, f[3], "parent", why,
	    whysz))
		return -1;
	snprintf(p.kind, sizeof p.kind, "%s", vocab_kind_name(kind));
	pk = vocab_kind_parent(kind);
	if (pk < 0 && p.parent[0])
		return snprintf(why, whysz, "a county has no parent"), -1;
	if (pk >= 0 && p.parent[0] == '\0')
		return snprintf(why, whysz, "a %s needs a parent %s", p.kind,
		    vocab_kind_name(pk)), -1;
	if (pk >= 0 && import_place_of_kind(st, p.parent, pk,
	    "parent (list parents before their children)", why, whysz))
		return -1;
	/* A place whose kind changes on a re-import could otherwise come
	 * under one of its own children: a cycle. */
	if (pk >= 0 && (rc = store_place_within(st, p.parent, p.code)) !=
	    STORE_NOTFOUND)
		return rc == STORE_OK ? snprintf(why, whysz, "parent '%s' is "
		    "inside '%s' (a cycle)", p.parent, p.code), -1 :
		    (snprintf(why, whysz, "database: %s", store_errmsg(st)), -1);
	if (store_place_put(st, &p) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

static int
import_person(struct store *st, const char *const *f,
    struct import_seen *seen, size_t line, char *why, size_t whysz)
{
	struct store_person p;
	char key[sizeof p.phone + sizeof p.role + sizeof p.scope + 4];
	int role;

	memset(&p, 0, sizeof p);
	if (phone_normalize(f[0], p.phone, sizeof p.phone) != 0)
		return snprintf(why, whysz, "phone '%s' is not a phone number",
		    f[0]), -1;
	if (import_is_blank(f[1]))
		return snprintf(why, whysz, "name is empty"), -1;
	if ((role = vocab_role_cn(f[2])) < 0)
		return import_not_one_of(why, whysz, "role", f[2],
		    vocab_role_words);
	if (import_copy(p.name, sizeof p.name, f[1], "name", why, whysz) ||
	    import_code_copy(p.scope, sizeof p.scope, f[3], "scope", why,
	    whysz))
		return -1;
	snprintf(p.role, sizeof p.role, "%s", vocab_role_name(role));
	snprintf(key, sizeof key, "%s, %s, %s", p.phone, p.role, p.scope);
	if (import_once(seen, line, "phone, role and scope", key, why,
	    whysz) ||
	    import_place_of_kind(st, p.scope, vocab_role_scope_kind(role),
	    "scope", why, whysz))
		return -1;
	if (store_person_put(st, &p) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

/* Categories as codes or Chinese names, separated by | 、 , ， ; ； or
 * spaces; written to out as '|'-separated codes. */
static int
import_categories(const char *in, char *out, size_t outsz, char *why,
    size_t whysz)
{
	char word[64];
	const char *p = in;
	size_t o = 0, l, sl;
	int cat;

	out[0] = '\0';
	while (*p) {
		if ((sl = vocab_category_sep(p)) > 0) {
			p += sl;
			continue;
		}
		for (l = 0; p[l] && vocab_category_sep(p + l) == 0; l++)
			;
		if (l >= sizeof word)
			return snprintf(why, whysz, "categories: overlong "
			    "word"), -1;
		memcpy(word, p, l);
		word[l] = '\0';
		p += l;
		if ((cat = vocab_category_cn(word)) < 0)
			return import_not_one_of(why, whysz, "category", word,
			    vocab_category_words);
		l = strlen(vocab_category_name(cat));
		if (o + l + 2 > outsz)
			return snprintf(why, whysz, "too many categories"), -1;
		if (o)
			out[o++] = '|';
		memcpy(out + o, vocab_category_name(cat), l + 1);
		o += l;
	}
	return 0;
}

static int
import_student(struct store *st, const char *const *f,
    struct import_seen *seen, size_t line, char *why, size_t whysz)
{
	struct store_student s;
	char *p;
	int g;

	memset(&s, 0, sizeof s);
	if (import_copy(s.student_no, sizeof s.student_no, f[0], "student_no",
	    why, whysz))
		return -1;
	for (p = s.student_no; *p; p++)
		if (*p == 'g' || *p == 'x')
			*p = (char)(*p - 'a' + 'A');
	if (!vocab_student_no_ok(s.student_no))
		return snprintf(why, whysz, "student_no '%s' must be 4-20 "
		    "digits or G + 17 digits + digit or X", f[0]), -1;
	if (import_once(seen, line, "student_no", s.student_no, why, whysz))
		return -1;
	if (import_is_blank(f[1]))
		return snprintf(why, whysz, "name is empty"), -1;
	if (import_copy(s.name, sizeof s.name, f[1], "name", why, whysz))
		return -1;
	if ((g = vocab_gender(f[2])) < 0)
		return snprintf(why, whysz, "gender '%s' is not M or F (or "
		    "%s)", f[2], vocab_column_cn("gender")), -1;
	snprintf(s.gender, sizeof s.gender, "%c", g);
	if (import_code_copy(s.class_code, sizeof s.class_code, f[3], "class",
	    why, whysz) ||
	    import_place_of_kind(st, s.class_code, VOCAB_CLASS, "class", why,
	    whysz) ||
	    import_code_copy(s.village, sizeof s.village, f[4], "village", why,
	    whysz) ||
	    import_place_of_kind(st, s.village, VOCAB_VILLAGE, "village", why,
	    whysz))
		return -1;
	if (f[5][0] && phone_normalize(f[5], s.guardian_phone,
	    sizeof s.guardian_phone) != 0)
		return snprintf(why, whysz, "guardian phone '%s' is not a "
		    "phone number", f[5]), -1;
	if (import_categories(f[6], s.categories, sizeof s.categories, why,
	    whysz) != 0)
		return -1;
	if (store_student_put(st, &s) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

static const struct import_file import_files[] = {
	{ "places.csv", {
		{ "code", 1 },
		{ "name", 1 },
		{ "kind", 1 },
		{ "parent", 1 },
	  }, 4, import_place },
	{ "people.csv", {
		{ "phone", 1 },
		{ "name", 1 },
		{ "role", 1 },
		{ "scope", 1 },
	  }, 4, import_person },
	{ "students.csv", {
		{ "student_no", 1 },
		{ "name", 1 },
		{ "gender", 1 },
		{ "class", 1 },
		{ "village", 1 },
		{ "guardian_phone", 0 },
		{ "categories", 0 },
	  }, 7, import_student },
};

/* Which field a header names, or -1. */
static int
import_header_field(const struct import_file *spec, const char *h)
{
	const char *cn = vocab_column(h);
	size_t i;

	for (i = 0; i < spec->ncols; i++) {
		if (!strcmp(h, spec->cols[i].name) ||
		    (cn && !strcmp(cn, spec->cols[i].name)))
			return (int)i;
	}
	return -1;
}

/* Maps header cells to fields; 0, or -1 after reporting. */
static int
import_header(struct import_ctx *x, const char *path,
    const struct import_file *spec, const struct csv_row *row, int *map)
{
	size_t i;
	int f, ok = 0;

	for (i = 0; i < spec->ncols; i++)
		map[i] = -1;
	for (i = 0; i < row->n; i++) {
		if ((f = import_header_field(spec, row->f[i])) < 0) {
			if (row->f[i][0])
				import_say(x, 0, "%s:%zu: column '%s' ignored",
				    path, row->line, row->f[i]);
			continue;
		}
		if (map[f] >= 0) {
			import_say(x, 1, "%s:%zu: column '%s' given twice",
			    path, row->line, spec->cols[f].name);
			ok = -1;
		}
		map[f] = (int)i;
	}
	for (i = 0; i < spec->ncols; i++)
		if (map[i] < 0 && spec->cols[i].required) {
			import_say(x, 1, "%s:%zu: no column '%s' (or '%s')",
			    path, row->line, spec->cols[i].name,
			    vocab_column_cn(spec->cols[i].name));
			ok = -1;
		}
	return ok;
}

/* Reads a whole file, bounded. Returns 0, 1 if absent, -1 on error. */
static int
import_slurp(const char *path, char **buf, size_t *len, char *why,
    size_t whysz)
{
	struct stat sb;
	FILE *f;

	*buf = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 1;
		return snprintf(why, whysz, "%s", strerror(errno)), -1;
	}
	if (fstat(fileno(f), &sb) != 0 || sb.st_size > (off_t)CSV_MAX_FILE) {
		fclose(f);
		return snprintf(why, whysz, "file larger than %u bytes",
		    CSV_MAX_FILE), -1;
	}
	*len = (size_t)sb.st_size;
	if ((*buf = malloc(*len + 1)) == NULL ||
	    fread(*buf, 1, *len, f) != *len) {
		free(*buf);
		*buf = NULL;
		fclose(f);
		return snprintf(why, whysz, "read error"), -1;
	}
	fclose(f);
	return 0;
}

/* Keys seen in this file, for duplicate detection (hsearch_r). */
struct import_seen {
	struct hsearch_data h;
	char **keys;
	size_t n, cap;
};

static int
import_seen_init(struct import_seen *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = cap;
	if ((s->keys = calloc(cap, sizeof *s->keys)) == NULL)
		return -1;
	return hcreate_r(cap * 2 + 16, &s->h) ? 0 : -1;
}

/* 1 if key was seen before (its first line in *line), 0 if new, -1. */
static int
import_seen_add(struct import_seen *s, const char *key, size_t line,
    size_t *first)
{
	ENTRY e = { (char *)key, NULL }, *r;

	if (hsearch_r(e, FIND, &r, &s->h) && r) {
		*first = (size_t)(uintptr_t)r->data;
		return 1;
	}
	if (s->n == s->cap || (e.key = strdup(key)) == NULL)
		return -1;
	s->keys[s->n++] = e.key;
	e.data = (void *)(uintptr_t)line;
	return hsearch_r(e, ENTER, &r, &s->h) ? 0 : -1;
}

static void
import_seen_free(struct import_seen *s)
{
	size_t i;

	if (s->keys == NULL)
		return;
	hdestroy_r(&s->h);
	for (i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
}

/*
 * Refuses a row whose key an earlier row of the file had, the key as the
 * roster holds it (codes upper-cased, 学号 with G and X upper-case, phones
 * in E.164, roles as codes): an upsert by key would have the later row
 * overwrite the earlier one unseen. what names the key's columns.
 */
static int
import_once(struct import_seen *seen, size_t line, const char *what,
    const char *key, char *why, size_t whysz)
{
	size_t first;
	int r = import_seen_add(seen, key, line, &first);

	if (r > 0)
		snprintf(why, whysz, "duplicate %s '%s' (first on line %zu)",
		    what, key, first);
	else if (r < 0)
		snprintf(why, whysz, "out of memory");
	return r == 0 ? 0 : -1;
}

static size_t
import_count_lines(const char *t, size_t len)
{
	size_t n = 1, i;

	for (i = 0; i < len; i++)
		n += t[i] == '\n';
	return n;
}

/* Imports one file; problems are counted in x. 1 if it exists, 0 if not. */
static int
import_file(struct import_ctx *x, const char *dir,
    const struct import_file *spec, size_t *count)
{
	const char *vals[IMPORT_MAX_FIELDS];
	struct import_seen seen;
	struct csv_reader rd;
	struct csv_row *row = NULL;
	char path[4096], why[512] = "", *raw = NULL, *text = NULL;
	size_t rawlen = 0, len = 0, i, rows = 0, lines;
	int map[IMPORT_MAX_FIELDS], gb, r, header = 0;
	enum csv_rc rc;

	snprintf(path, sizeof path, "%s/%s", dir, spec->name);
	memset(&seen, 0, sizeof seen);
	if ((r = import_slurp(path, &raw, &rawlen, why, sizeof why)) > 0)
		return 0;
	if (r < 0) {
		import_say(x, 1, "%s: %s", path, why);
		return 1;
	}
	if ((rc = csv_to_utf8(raw, rawlen, &text, &len, &gb)) != CSV_OK) {
		import_say(x, 1, "%s: %s", path, csv_rc_str(rc));
		goto out;
	}
	lines = import_count_lines(text, len);
	if ((row = malloc(sizeof *row)) == NULL ||
	    import_seen_init(&seen, lines) != 0) {
		import_say(x, 1, "%s: out of memory", path);
		goto out;
	}
	csv_reader_init(&rd, text, len);
	while ((rc = csv_read(&rd, row)) != CSV_EOF) {
		if (rc != CSV_OK) {
			/* The rest of the file cannot be read reliably. */
			import_say(x, 1, "%s:%zu: %s", path, row->line,
			    csv_rc_str(rc));
			break;
		}
		if (!header) {
			header = 1;
			if (import_header(x, path, spec, row, map) != 0)
				break;
			continue;
		}
		if (++rows % IMPORT_PROGRESS == 0)
			import_say(x, 0, "%s: %zu of about %zu rows", path,
			    rows, lines);
		for (i = 0; i < spec->ncols; i++) {
			if (map[i] >= 0 && (size_t)map[i] >= row->n)
				break;
			vals[i] = map[i] >= 0 ? row->f[map[i]] : "";
		}
		if (i < spec->ncols) {
			import_say(x, 1, "%s:%zu: %zu fields, the header has "
			    "more", path, row->line, row->n);
			continue;
		}
		if (spec->row(x->st, vals, &seen, row->line, why,
		    sizeof why) != 0) {
			import_say(x, 1, "%s:%zu: %s", path, row->line, why);
			continue;
		}
		(*count)++;
	}
	if (!header && rc == CSV_EOF)
		import_say(x, 1, "%s: empty file (a header row is needed)",
		    path);
out:
	import_seen_free(&seen);
	free(row);
	free(text);
	free(raw);
	return 1;
}

/* A role at a place with more holders than the casework tells. Subject
 * teachers are told of a case only when they report it, never for their
 * role, and a school has dozens. */
static void
import_crowded(void *arg, const char *role, const char *scope, long holders)
{
	if (strcmp(role, "teacher") == 0)
		return;
	import_say(arg, 0, "roster: %ld people are %s at %s; case notices go "
	    "to the first %d of them in the roster", holders, role, scope,
	    CASEWORK_ROLE_MAX);
}

/* A row that may not leave, as a problem of the import; work handed
 * over, as a note. */
static void
import_leaving(void *arg, const struct store_leave_note *f)
{
	if (f->all)
		import_say(arg, 1, "%s names nobody inside %s, where %ld are "
		    "on the roster: files of another place? (refused rather "
		    "than take them all off)", f->all, f->scope, f->tasks);
	else if (!f->refused)
		import_say(arg, 0, "people.csv: %s (%s at %s) left the roster; "
		    "%ld open task(s) and %ld case(s) pass to %s", f->phone,
		    f->role, f->scope, f->tasks, f->cases, f->to);
	else if (f->phone)
		import_say(arg, 1, "people.csv: %s (%s at %s) is not in the "
		    "file but has %ld open task(s) and %ld open case(s) to "
		    "answer for, and the file names no other %s at %s to take "
		    "them over: add the new one", f->phone, f->role, f->scope,
		    f->tasks, f->cases, f->role, f->scope);
	else
		import_say(arg, 1, "students.csv: student_no '%s' is not in "
		    "the file but has open case %lld: a student leaves the "
		    "roster once their case is struck off (RET) or closed "
		    "(CLOSE)",
		    f->student_no, (long long)f->case_id);
}

/* Who left, and to whom their work went. */
static void
import_left(struct import_ctx *x, const char *code,
    const struct store_leave_counts *c)
{
	if (c->people + c->students == 0)
		return;
	import_say(x, 0, "roster of %s: %ld role row(s) and %ld student(s) "
	    "not in the files left it; %ld open task(s) and %ld case(s) "
	    "handed over; %ld SMS queued to numbers now off the roster "
	    "withdrawn (and %ld being sent, which may still go, marked not "
	    "to go again); %ld successor(s) to be told by SMS when the "
	    "daemon next looks at its schedule (within the hour)", code,
	    c->people, c->students, c->tasks, c->cases, c->withdrawn,
	    c->in_flight, c->told);
}

int
roster_import(struct store *st, const char *dir, struct import_counts *n,
    import_report_fn *report, void *arg)
{
	return roster_import_replace(st, dir, NULL, 0, n, report, arg);
}

int
roster_import_replace(struct store *st, const char *dir, const char *replace,
    int64_t now, struct import_counts *n, import_report_fn *report,
    void *arg)
{
	struct import_ctx x = { st, report, arg, 0 };
	size_t *counts[] = { &n->places, &n->people, &n->students };
	struct store_leave_counts left;
	struct store_place where;
	size_t i;
	int any = 0, given[3];

	memset(n, 0, sizeof *n);
	if (store_begin(st) != STORE_OK) {
		import_say(&x, 1, "database: %s", store_errmsg(st));
		return -1;
	}
	if (replace && store_roster_track(st) != STORE_OK)
		import_say(&x, 1, "database: %s", store_errmsg(st));
	for (i = 0; i < sizeof import_files / sizeof import_files[0]; i++)
		any |= given[i] = import_file(&x, dir, &import_files[i],
		    counts[i]);
	if (!any)
		import_say(&x, 1, "%s: none of places.csv, people.csv, "
		    "students.csv found", dir);
	/* A file left out is not an empty roster. */
	else if (replace && (!given[1] || !given[2]))
		import_say(&x, 1, "%s: --replace needs both people.csv and "
		    "students.csv: together they are the whole roster of %s",
		    dir, replace);
	if (x.errors == 0 && replace) {
		if (store_place_get(st, replace, &where) != STORE_OK)
			import_say(&x, 1, "replace: '%s' is not a known place "
			    "code", replace);
		else if (store_roster_leave(st, replace, now, import_leaving,
		    &x, &left) != STORE_OK)
			import_say(&x, 1, "database: %s", store_errmsg(st));
		else if (x.errors == 0) {
			import_left(&x, replace, &left);
			n->left_people = left.people;
			n->left_students = left.students;
			n->handed_tasks = left.tasks;
			n->handed_cases = left.cases;
			n->withdrawn = left.withdrawn;
		}
	}
	if (x.errors == 0 && store_people_crowded(st, CASEWORK_ROLE_MAX,
	    import_crowded, &x) != STORE_OK)
		import_say(&x, 1, "database: %s", store_errmsg(st));
	if (x.errors == 0) {
		if (store_commit(st) == STORE_OK)
			return 0;
		import_say(&x, 1, "database: %s", store_errmsg(st));
		store_rollback(st);
		memset(n, 0, sizeof *n);
		return -1;
	}
	store_rollback(st);
	memset(n, 0, sizeof *n);
	return x.errors;
}
