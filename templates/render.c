/* Message catalog loading, checking and rendering; see render.h. */
#include "templates/render.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct catalog_entry {
	char key[CATALOG_MAX_KEY];
	char text[CATALOG_MAX_TEXT];
};

struct catalog {
	size_t n, cap;
	struct catalog_entry *e;	/* sorted by key once loaded */
};

static int
render_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Walks the placeholders of text; calls fn for each name. A '{' that does
 * not open a well-formed {name} is an error: texts have no literal braces.
 */
static int
render_scan(const char *text, int (*fn)(const char *, size_t, void *),
    void *arg)
{
	const char *p = text, *q;

	while ((p = strpbrk(p, "{}")) != NULL) {
		if (*p == '}')
			return -1;
		for (q = p + 1; render_is_name_char(*q); q++)
			;
		if (*q != '}' || q == p + 1)
			return -1;
		if (fn && fn(p + 1, (size_t)(q - p - 1), arg) != 0)
			return -1;
		p = q + 1;
	}
	return 0;
}

/* Reads one template file: comments dropped, trailing newlines trimmed. */
static int
catalog_read(const char *path, char *text, size_t textsz, char *err,
    size_t errsz)
{
	FILE *f;
	char line[CATALOG_MAX_TEXT + 2];
	size_t o = 0, l;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	text[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		/* "# ..." is a translator's comment; "#{n}" is text. */
		if (line[0] == '#' && (line[1] == ' ' || line[1] == '\n' ||
		    line[1] == '\0'))
			continue;
		l = strlen(line);
		if (o + l >= textsz) {
			fclose(f);
			snprintf(err, errsz, "%s: text longer than %zu bytes",
			    path, textsz - 1);
			return -1;
		}
		memcpy(text + o, line, l + 1);
		o += l;
	}
	fclose(f);
	while (o > 0 && (text[o - 1] == '\n' || text[o - 1] == '\r'))
		text[--o] = '\0';
	if (o == 0) {
		snprintf(err, errsz, "%s: empty template", path);
		return -1;
	}
	if (render_scan(text, NULL, NULL) != 0) {
		snprintf(err, errsz, "%s: malformed {placeholder}", path);
		return -1;
	}
	return 0;
}

static int
catalog_cmp(const void *a, const void *b)
{
	return strcmp(((const struct catalog_entry *)a)->key,
	    ((const struct catalog_entry *)b)->key);
}

/* Room for twice as many entries, up to CATALOG_MAX_ENTRIES. */
static int
catalog_grow(struct catalog *c)
{
	size_t cap = c->cap ? c->cap * 2 : 128;
	struct catalog_entry *e;

	if (cap > CATALOG_MAX_ENTRIES)
		cap = CATALOG_MAX_ENTRIES;
	if ((e = realloc(c->e, cap * sizeof *e)) == NULL)
		return -1;
	c->e = e;
	c->cap = cap;
	return 0;
}

struct catalog *
catalog_load(const char *dir, char *err, size_t errsz)
{
	struct catalog *c;
	struct dirent *de;
	DIR *d;
	char path[4096];

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "templates %s: %s", dir, strerror(errno));
		return NULL;
	}
	/* Never an empty array: qsort and bsearch take no NULL. */
	if ((c = calloc(1, sizeof *c)) == NULL || catalog_grow(c) != 0) {
		catalog_free(c);
		closedir(d);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct catalog_entry *e;

		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (c->n == CATALOG_MAX_ENTRIES || l - 4 >= CATALOG_MAX_KEY) {
			snprintf(err, errsz, "templates %s: too many entries "
			    "or name too long (%s)", dir, de->d_name);
			goto fail;
		}
		if (c->n == c->cap && catalog_grow(c) != 0) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
		e = &c->e[c->n];
		memcpy(e->key, de->d_name, l - 4);
		e->key[l - 4] = '\0';
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (catalog_read(path, e->text, sizeof e->text, err, errsz))
			goto fail;
		c->n++;
	}
	closedir(d);
	qsort(c->e, c->n, sizeof *c->e, catalog_cmp);
	return c;
fail:
	closedir(d);
	catalog_free(c);
	return NULL;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	free(c->e);
	free(c);
}

static int
catalog_key_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct catalog_entry *)e)->key);
}

/* Every reply and notice looks its text up: a binary search over the keys
 * sorted at load, not a scan of some two hundred entries of 1 kB each. */
const char *
catalog_text(const struct catalog *c, const char *key)
{
	const struct catalog_entry *e = bsearch(key, c->e, c->n, sizeof *c->e,
	    catalog_key_cmp);

	return e ? e->text : NULL;
}

struct render_allowed {
	const char *const *allowed;
	char bad[CATALOG_MAX_KEY];
};

static int
render_check_name(const char *name, size_t len, void *arg)
{
	struct render_allowed *ra = arg;
	const char *const *a;

	for (a = ra->allowed; *a; a++)
		if (strlen(*a) == len && memcmp(*a, name, len) == 0)
			return 0;
	snprintf(ra->bad, sizeof ra->bad, "%.*s", (int)len, name);
	return -1;
}

int
catalog_require(const struct catalog *c, const char *key,
    const char *const *allowed, char *err, size_t errsz)
{
	struct render_allowed ra = { allowed, "" };
	const char *text = catalog_text(c, key);

	if (text == NULL) {
		snprintf(err, errsz, "template %s.txt is missing", key);
		return -1;
	}
	if (render_scan(text, render_check_name, &ra) != 0) {
		snprintf(err, errsz, "template %s.txt: unknown placeholder "
		    "{%s}", key, ra.bad);
		return -1;
	}
	return 0;
}

int
render(const struct catalog *c, const char *key,
    const struct render_var *vars, size_t nvars, char *out, size_t outsz)
{
	const char *t = catalog_text(c, key), *p;
	size_t o = 0, i, l;

	if (t == NULL || outsz == 0)
		return -1;
	while (*t) {
		const char *val = NULL;

		if (*t != '{') {
			p = strchr(t, '{');
			l = p ? (size_t)(p - t) : strlen(t);
			if (o + l >= outsz)
				return -1;
			memcpy(out + o, t, l);
			o += l;
			t += l;
			continue;
		}
		p = strchr(t, '}');	/* checked at load */
		l = (size_t)(p - t - 1);
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == l &&
			    memcmp(vars[i].name, t + 1, l) == 0)
				val = vars[i].value;
		if (val == NULL)
			return -1;
		l = strlen(val);
		if (o + l >= outsz)
			return -1;
		memcpy(out + o, val, l);
		o += l;
		t = p + 1;
	}
	out[o] = '\0';
	return 0;
}
