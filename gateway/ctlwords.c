/* baoxuectl's words for the ledger's codes; see ctlwords.h. */
#include "gateway/ctlwords.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/taskcode.h"
#include "parsers/utf8.h"
#include "templates/render.h"

/* Whose value is a code with words of its own: their templates' prefix. */
static const struct {
	const char *key, *prefix;
} ctlwords_coded[] = {
	{ "reason", "reason_" }, { "outcome", "outcome_" },
	{ "how", "closure_" }, { "excused_as", "closure_" },
	{ "role", "role_" }, { "task_kind", "task_what_" },
	{ "cosign", "cosign_why_" },
};

/* A detail of no key: what it is, by the event (escalate.c, cases.c). */
static const struct {
	const char *what, *key;
} ctlwords_bare[] = {
	{ "dropout", "reason" }, { "no_assignee", "task_kind" },
	{ "cosign_overdue", "cosign" },
};

/* The words so far, parts joined by history_detail_sep. */
struct ctlwords {
	const struct catalog *cat;
	char buf[1024];
	size_t len;
};

void
ctlwords_code(const struct catalog *cat, const char *prefix,
    const char *code, char *out, size_t sz)
{
	char key[CATALOG_MAX_KEY];
	int n = snprintf(key, sizeof key, "%s%s", prefix, code);

	if (code[0] != '\0' && n > 0 && (size_t)n < sizeof key &&
	    catalog_text(cat, key) != NULL &&
	    render(cat, key, NULL, 0, out, sz) == 0)
		return;
	utf8_copy(out, sz, code, strlen(code));
}

static void
ctlwords_add(struct ctlwords *w, const char *part)
{
	const char *sep = catalog_text(w->cat, "history_detail_sep");

	if (part[0] == '\0')
		return;
	if (w->len > 0 && sep != NULL) {
		utf8_copy(w->buf + w->len, sizeof w->buf - w->len, sep,
		    strlen(sep));
		w->len += strlen(w->buf + w->len);
	}
	utf8_copy(w->buf + w->len, sizeof w->buf - w->len, part, strlen(part));
	w->len += strlen(w->buf + w->len);
}

/* A people.id or task id as the ledger wrote it: > 0, else 0. */
static int64_t
ctlwords_id(const char *v)
{
	char *end;
	long long id;

	if (v[0] < '0' || v[0] > '9')
		return 0;
	errno = 0;
	id = strtoll(v, &end, 10);
	return *end == '\0' && errno == 0 && id > 0 ? (int64_t)id : 0;
}

/* The value's words: a task by its code, a person by name, a code by
 * its template; 0, or -1 if it has none (printed as written). */
static int
ctlwords_value(const struct ctlwords *w, const char *key, const char *v,
    ctlwords_person_fn *person, void *arg, char *out, size_t sz)
{
	int64_t id;
	size_t i;

	if (!strcmp(key, "task")) {
		char code[TASKCODE_LEN + 1];

		if ((id = ctlwords_id(v)) == 0)
			return -1;
		taskcode_make(id, code);
		snprintf(out, sz, "%s", code);
		return 0;
	}
	if (!strcmp(key, "from") || !strcmp(key, "to")) {
		if ((id = ctlwords_id(v)) == 0)
			return -1;
		if (person == NULL || person(arg, id, out, sz) != 0)
			snprintf(out, sz, "#%lld", (long long)id);
		return 0;
	}
	for (i = 0; i < sizeof ctlwords_coded / sizeof ctlwords_coded[0]; i++)
		if (!strcmp(key, ctlwords_coded[i].key)) {
			ctlwords_code(w->cat, ctlwords_coded[i].prefix, v, out,
			    sz);
			return 0;
		}
	utf8_copy(out, sz, v, strlen(v));
	return 0;
}

/* key=v (k of klen bytes, v of vlen) in words; as written if it has
 * none. An empty value says nothing, nor do the two below. */
static void
ctlwords_pair(struct ctlwords *w, const char *k, size_t klen, const char *v,
    size_t vlen, ctlwords_person_fn *person, void *arg)
{
	char key[32], val[256], word[256], tkey[CATALOG_MAX_KEY], part[512];
	struct render_var var = { "v", word };

	if (vlen == 0)
		return;
	if (klen == 0 || klen >= sizeof key)
		goto raw;
	memcpy(key, k, klen);
	key[klen] = '\0';
	utf8_copy(val, sizeof val, v, vlen);
	/* Not a dropout; a DROP with no days reported. */
	if ((!strcmp(key, "dropout") && strcmp(val, "1") != 0) ||
	    (!strcmp(key, "days") && !strcmp(val, "0")))
		return;
	if (ctlwords_value(w, key, val, person, arg, word, sizeof word) != 0)
		goto raw;
	snprintf(tkey, sizeof tkey, "history_detail_%s", key);
	if (catalog_text(w->cat, tkey) == NULL ||
	    render(w->cat, tkey, &var, 1, part, sizeof part) != 0)
		goto raw;
	ctlwords_add(w, part);
	return;
raw:
	utf8_copy(part, sizeof part, k, klen);
	klen = strlen(part);
	if (klen + 1 < sizeof part) {
		part[klen++] = '=';
		utf8_copy(part + klen, sizeof part - klen, v, vlen);
	}
	ctlwords_add(w, part);
}

void
ctlwords_detail(const struct catalog *cat, const char *what,
    const char *detail, int full, ctlwords_person_fn *person, void *arg,
    char *out, size_t sz)
{
	struct ctlwords w = { cat, "", 0 };
	const char *p = detail, *tok, *eq;
	size_t n, i;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		/* The note runs to the end, spaces and '=' and all. */
		if (!strncmp(p, "note=", 5)) {
			if (full)
				ctlwords_pair(&w, p, 4, p + 5, strlen(p + 5),
				    person, arg);
			break;
		}
		tok = p;
		n = strcspn(tok, " ");
		p += n;
		if ((eq = memchr(tok, '=', n)) != NULL) {
			ctlwords_pair(&w, tok, (size_t)(eq - tok), eq + 1,
			    n - (size_t)(eq - tok) - 1, person, arg);
			continue;
		}
		for (i = 0; i < sizeof ctlwords_bare / sizeof ctlwords_bare[0];
		    i++)
			if (!strcmp(what, ctlwords_bare[i].what))
				break;
		if (i < sizeof ctlwords_bare / sizeof ctlwords_bare[0]) {
			const char *key = ctlwords_bare[i].key;

			/* Worded as key=tok would be. */
			ctlwords_pair(&w, key, strlen(key), tok, n, person,
			    arg);
		} else {
			char part[256];

			utf8_copy(part, sizeof part, tok, n);
			ctlwords_add(&w, part);
		}
	}
	utf8_copy(out, sz, w.buf, w.len);
}
