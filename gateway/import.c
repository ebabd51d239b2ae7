/* Roster CSV import; see import.h. Validation happens here, at the edge. */
#include "gateway/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parsers/csv.h"
#include "parsers/phone.h"
#include "parsers/vocab.h"
#include "store/store.h"

struct import_file {
	const char *name;
	const char *const *header;
	size_t ncols;
	int (*row)(struct store *, const struct csv_row *, char *, size_t);
	size_t *count;
};

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

/* The place must exist and be of kind; fills why otherwise. */
static int
import_place_of_kind(struct store *st, const char *code, int kind,
    const char *what, char *why, size_t whysz)
{
	struct store_place p;
	enum store_rc rc = store_place_get(st, code, &p);

	if (rc == STORE_NOTFOUND) {
		snprintf(why, whysz, "%s '%s' is not a known place", what,
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

static int
import_place(struct store *st, const struct csv_row *r, char *why,
    size_t whysz)
{
	struct store_place p;
	int kind, pk;

	memset(&p, 0, sizeof p);
	if (!import_code_ok(r->f[0]))
		return snprintf(why, whysz, "code '%s' must be 1-31 of "
		    "A-Z a-z 0-9 _ -", r->f[0]), -1;
	if ((kind = vocab_kind(r->f[2])) < 0)
		return snprintf(why, whysz, "kind '%s' is not county, "
		    "township, village, school or class", r->f[2]), -1;
	if (r->f[1][0] == '\0')
		return snprintf(why, whysz, "name is empty"), -1;
	if (import_copy(p.code, sizeof p.code, r->f[0], "code", why, whysz) ||
	    import_copy(p.name, sizeof p.name, r->f[1], "name", why, whysz) ||
	    import_copy(p.parent, sizeof p.parent, r->f[3], "parent", why,
	    whysz))
		return -1;
	snprintf(p.kind, sizeof p.kind, "%s", r->f[2]);
	pk = vocab_kind_parent(kind);
	if (pk < 0 && p.parent[0])
		return snprintf(why, whysz, "a county has no parent"), -1;
	if (pk >= 0 && p.parent[0] == '\0')
		return snprintf(why, whysz, "a %s needs a parent %s", r->f[2],
		    vocab_kind_name(pk)), -1;
	if (pk >= 0 && import_place_of_kind(st, p.parent, pk,
	    "parent (must be listed before its children)", why, whysz))
		return -1;
	if (store_place_put(st, &p) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

static int
import_person(struct store *st, const struct csv_row *r, char *why,
    size_t whysz)
{
	struct store_person p;
	int role;

	memset(&p, 0, sizeof p);
	if (phone_normalize(r->f[0], p.phone, sizeof p.phone) != 0)
		return snprintf(why, whysz, "phone '%s' is not a phone number",
		    r->f[0]), -1;
	if (r->f[1][0] == '\0')
		return snprintf(why, whysz, "name is empty"), -1;
	if ((role = vocab_role(r->f[2])) < 0)
		return snprintf(why, whysz, "role '%s' is not a role code "
		    "(teacher, head_teacher, principal, ...)", r->f[2]), -1;
	if (import_copy(p.name, sizeof p.name, r->f[1], "name", why, whysz) ||
	    import_copy(p.scope, sizeof p.scope, r->f[3], "scope", why, whysz))
		return -1;
	snprintf(p.role, sizeof p.role, "%s", r->f[2]);
	if (import_place_of_kind(st, p.scope, vocab_role_scope_kind(role),
	    "scope", why, whysz))
		return -1;
	if (store_person_put(st, &p) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

static int
import_student_no_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 19 && s[0] == 'G') {
		for (i = 1; i < 18; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return (s[18] >= '0' && s[18] <= '9') || s[18] == 'X';
	}
	if (n < 4 || n > 20)
		return 0;
	return strspn(s, "0123456789") == n;
}

static int
import_student(struct store *st, const struct csv_row *r, char *why,
    size_t whysz)
{
	struct store_student s;
	char cat[64], *p;
	const char *c, *bar;
	size_t i;

	memset(&s, 0, sizeof s);
	if (import_copy(s.student_no, sizeof s.student_no, r->f[0],
	    "student_no", why, whysz))
		return -1;
	for (p = s.student_no; *p; p++)
		if (*p == 'g' || *p == 'x')
			*p = (char)(*p - 'a' + 'A');
	if (!import_student_no_ok(s.student_no))
		return snprintf(why, whysz, "student_no '%s' must be 4-20 "
		    "digits or G + 17 digits + digit or X", r->f[0]), -1;
	if (r->f[1][0] == '\0')
		return snprintf(why, whysz, "name is empty"), -1;
	if (import_copy(s.name, sizeof s.name, r->f[1], "name", why, whysz))
		return -1;
	if (!strcmp(r->f[2], "M") || !strcmp(r->f[2], "m") ||
	    !strcmp(r->f[2], "男"))
		snprintf(s.gender, sizeof s.gender, "M");
	else if (!strcmp(r->f[2], "F") || !strcmp(r->f[2], "f") ||
	    !strcmp(r->f[2], "女"))
		snprintf(s.gender, sizeof s.gender, "F");
	else
		return snprintf(why, whysz, "gender '%s' is not M, F, 男 or 女",
		    r->f[2]), -1;
	if (import_copy(s.class_code, sizeof s.class_code, r->f[3], "class",
	    why, whysz) ||
	    import_place_of_kind(st, s.class_code, VOCAB_CLASS, "class", why,
	    whysz) ||
	    import_copy(s.village, sizeof s.village, r->f[4], "village", why,
	    whysz) ||
	    import_place_of_kind(st, s.village, VOCAB_VILLAGE, "village", why,
	    whysz))
		return -1;
	if (r->f[5][0] && phone_normalize(r->f[5], s.guardian_phone,
	    sizeof s.guardian_phone) != 0)
		return snprintf(why, whysz, "guardian_phone is not a phone "
		    "number"), -1;
	if (import_copy(s.categories, sizeof s.categories, r->f[6],
	    "categories", why, whysz))
		return -1;
	for (c = s.categories; *c; c = *bar ? bar + 1 : bar) {
		bar = strchr(c, '|');
		if (bar == NULL)
			bar = c + strlen(c);
		i = (size_t)(bar - c);
		if (i == 0 || i >= sizeof cat)
			return snprintf(why, whysz, "categories: empty or "
			    "overlong code"), -1;
		memcpy(cat, c, i);
		cat[i] = '\0';
		if (vocab_category(cat) < 0)
			return snprintf(why, whysz, "category '%s' is not a "
			    "category code (left_behind, disabled, ...)", cat),
			    -1;
	}
	if (store_student_put(st, &s) != STORE_OK)
		return snprintf(why, whysz, "database: %s",
		    store_errmsg(st)), -1;
	return 0;
}

static const char *const import_h_places[] = {
	"code", "name", "kind", "parent"
};
static const char *const import_h_people[] = {
	"phone", "name", "role", "scope"
};
static const char *const import_h_students[] = {
	"student_no", "name", "gender", "class", "village", "guardian_phone",
	"categories"
};

/* Reads a whole file, bounded. Returns 0, 1 if absent, -1 on error. */
static int
import_slurp(const char *path, char **buf, size_t *len, char *why,
    size_t whysz)
{
	struct stat sb;
	FILE *f;

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
		fclose(f);
		return snprintf(why, whysz, "read error"), -1;
	}
	fclose(f);
	return 0;
}

static int
import_file(struct store *st, const char *dir, const struct import_file *spec,
    int *found, char *err, size_t errsz)
{
	struct csv_reader rd;
	struct csv_row *row = NULL;
	char path[4096], why[512] = "", *raw = NULL, *text = NULL;
	size_t rawlen = 0, len, i;
	enum csv_rc rc;
	int gb, r, line = 0;

	snprintf(path, sizeof path, "%s/%s", dir, spec->name);
	if ((r = import_slurp(path, &raw, &rawlen, why, sizeof why)) != 0) {
		*found = 0;
		if (r > 0)
			return 0;
		goto fail;
	}
	*found = 1;
	if ((rc = csv_to_utf8(raw, rawlen, &text, &len, &gb)) != CSV_OK) {
		snprintf(why, sizeof why, "%s", csv_rc_str(rc));
		goto fail;
	}
	if ((row = malloc(sizeof *row)) == NULL)
		goto fail;
	csv_reader_init(&rd, text, len);
	for (;;) {
		line = (int)rd.line;
		if ((rc = csv_read(&rd, row)) == CSV_EOF)
			break;
		if (rc != CSV_OK) {
			line = (int)row->line;	/* where the bad row starts */
			snprintf(why, sizeof why, "%s", csv_rc_str(rc));
			goto fail;
		}
		line = (int)row->line;
		if (row->n != spec->ncols) {
			snprintf(why, sizeof why, "%zu fields, expected %zu",
			    row->n, spec->ncols);
			goto fail;
		}
		if (*found == 1) {	/* the first row is the header */
			for (i = 0; i < spec->ncols; i++)
				if (strcmp(row->f[i], spec->header[i]) != 0) {
					snprintf(why, sizeof why, "header "
					    "column %zu is '%s', expected '%s'",
					    i + 1, row->f[i], spec->header[i]);
					goto fail;
				}
			*found = 2;	/* header seen */
			continue;
		}
		if (spec->row(st, row, why, sizeof why) != 0)
			goto fail;
		(*spec->count)++;
	}
	free(row);
	free(text);
	free(raw);
	return 0;
fail:
	if (line > 0)
		snprintf(err, errsz, "%s:%d: %s", path, line, why);
	else
		snprintf(err, errsz, "%s: %s", path, why[0] ? why :
		    "out of memory");
	free(row);
	free(text);
	free(raw);
	return -1;
}

int
roster_import(struct store *st, const char *dir, struct import_counts *n,
    char *err, size_t errsz)
{
	const struct import_file files[] = {
		{ "places.csv", import_h_places, 4, import_place, &n->places },
		{ "people.csv", import_h_people, 4, import_person, &n->people },
		{ "students.csv", import_h_students, 7, import_student,
		    &n->students },
	};
	size_t i;
	int found, any = 0;

	memset(n, 0, sizeof *n);
	if (store_begin(st) != STORE_OK) {
		snprintf(err, errsz, "database: %s", store_errmsg(st));
		return -1;
	}
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (import_file(st, dir, &files[i], &found, err, errsz) != 0)
			goto fail;
		any |= found;
	}
	if (!any) {
		snprintf(err, errsz, "%s: none of places.csv, people.csv, "
		    "students.csv found", dir);
		goto fail;
	}
	if (store_commit(st) != STORE_OK) {
		snprintf(err, errsz, "database: %s", store_errmsg(st));
		goto fail;
	}
	return 0;
fail:
	store_rollback(st);
	memset(n, 0, sizeof *n);
	return -1;
}
