/*
 * The roster cache: places, "who holds this role here", "is this place
 * inside that one" and "who is this number", the look-ups every inbound
 * message repeats (measured: ten per message opening a case, a fifth of
 * its CPU), kept in memory.
 *
 * Direct-mapped: a key hashes to one slot and a newer entry replaces an
 * older one, so memory is fixed (about 5 MB, allocated on first use) and
 * there is nothing to evict.
 *
 * Correctness rests on three rules:
 *  - it serves only inside a transaction, which here always holds the
 *    write lock (BEGIN IMMEDIATE), so no other connection commits while
 *    an answer is read and kept; outside one (USSD pages, reports) the
 *    database answers;
 *  - another connection's commit (baoxuectl import) changes PRAGMA
 *    data_version: checked before the first cached read of each
 *    transaction;
 *  - this connection's own roster writes (store->roster_dirty, kept even
 *    before the cache exists) empty it and turn it off until their
 *    transaction ends, committed or rolled back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define RC_PLACES	4096
#define RC_WITHIN	4096
#define RC_PEOPLE	2048
#define RC_PHONES	2048

struct rc_place {
	int used, found;
	struct store_place p;		/* p.code is the key */
};

struct rc_within {
	int used, inside;
	char place[STORE_CODE_MAX], ancestor[STORE_CODE_MAX];
};

struct rc_people {
	int used;
	char role[STORE_ROLE_MAX], scope[STORE_CODE_MAX];
	size_t n;
	struct store_person p[STORE_RCACHE_PEOPLE];
};

/* Every row of a number, when it has at most STORE_RCACHE_PHONE. */
struct rc_phone {
	int used;
	char phone[STORE_PHONE_MAX];
	size_t n;
	struct store_person p[STORE_RCACHE_PHONE];
};

struct store_rcache {
	sqlite3_int64 version;		/* data_version the entries are from */
	int checked;			/* version checked in this transaction */
	struct rc_place place[RC_PLACES];
	struct rc_within within[RC_WITHIN];
	struct rc_people people[RC_PEOPLE];
	struct rc_phone phones[RC_PHONES];
};

static uint32_t
rc_hash(const char *a, const char *b)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; b && *b; b++)
		h = (h ^ (unsigned char)*b) * 16777619u;
	return h;
}

static void
rc_clear(struct store_rcache *c)
{
	size_t i;

	for (i = 0; i < RC_PLACES; i++)
		c->place[i].used = 0;
	for (i = 0; i < RC_WITHIN; i++)
		c->within[i].used = 0;
	for (i = 0; i < RC_PEOPLE; i++)
		c->people[i].used = 0;
	for (i = 0; i < RC_PHONES; i++)
		c->phones[i].used = 0;
}

static int
rc_data_version(struct store *s, sqlite3_int64 *v)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DATA_VERSION);

	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* The cache, checked and ready to read, or NULL: look in the database. */
static struct store_rcache *
rc_ready(struct store *s)
{
	struct store_rcache *c = s->rcache;
	sqlite3_int64 v;

	if (sqlite3_get_autocommit(s->db) || s->roster_dirty)
		return NULL;
	if (c == NULL) {
		if ((c = calloc(1, sizeof *c)) == NULL)
			return NULL;
		c->version = -1;
		s->rcache = c;
	}
	if (c->checked)
		return c;
	if (rc_data_version(s, &v) != 0)
		return NULL;
	if (v != c->version) {
		rc_clear(c);
		c->version = v;
	}
	c->checked = 1;
	return c;
}

void
store_rcache_txend(struct store *s)
{
	struct store_rcache *c = s->rcache;

	if (c != NULL) {
		if (s->roster_dirty)
			rc_clear(c);
		c->checked = 0;
	}
	s->roster_dirty = 0;
	/* The import's notes of what it wrote last its transaction too. */
	s->roster_track = 0;
}

void
store_rcache_wrote(struct store *s)
{
	if (s->rcache != NULL)
		rc_clear(s->rcache);
	/* Outside a transaction the write is already committed. */
	s->roster_dirty = !sqlite3_get_autocommit(s->db);
}

void
store_rcache_free(struct store *s)
{
	free(s->rcache);
	s->rcache = NULL;
}

int
store_rcache_place(struct store *s, const char *code, struct store_place *out,
    enum store_rc *rc)
{
	struct store_rcache *c = rc_ready(s);
	struct rc_place *e;

	if (c == NULL || strlen(code) >= STORE_CODE_MAX)
		return 0;
	e = &c->place[rc_hash(code, NULL) % RC_PLACES];
	if (!e->used || strcmp(e->p.code, code) != 0)
		return 0;
	if (e->found)
		*out = e->p;
	*rc = e->found ? STORE_OK : STORE_NOTFOUND;
	return 1;
}

void
store_rcache_place_put(struct store *s, const char *code,
    const struct store_place *p)
{
	struct store_rcache *c = rc_ready(s);
	struct rc_place *e;

	if (c == NULL || strlen(code) >= STORE_CODE_MAX)
		return;
	e = &c->place[rc_hash(code, NULL) % RC_PLACES];
	e->used = 1;
	e->found = p != NULL;
	if (p)
		e->p = *p;
	else {
		memset(&e->p, 0, sizeof e->p);
		strcpy(e->p.code, code);
	}
}

int
store_rcache_within(struct store *s, const char *place, const char *ancestor,
    enum store_rc *rc)
{
	struct store_rcache *c = rc_ready(s);
	struct rc_within *e;

	if (c == NULL || strlen(place) >= STORE_CODE_MAX ||
	    strlen(ancestor) >= STORE_CODE_MAX)
		return 0;
	e = &c->within[rc_hash(place, ancestor) % RC_WITHIN];
	if (!e->used || strcmp(e->place, place) != 0 ||
	    strcmp(e->ancestor, ancestor) != 0)
		return 0;
	*rc = e->inside ? STORE_OK : STORE_NOTFOUND;
	return 1;
}

void
store_rcache_within_put(struct store *s, const char *place,
    const char *ancestor, int inside)
{
	struct store_rcache *c = rc_ready(s);
	struct rc_within *e;

	if (c == NULL || strlen(place) >= STORE_CODE_MAX ||
	    strlen(ancestor) >= STORE_CODE_MAX)
		return;
	e = &c->within[rc_hash(place, ancestor) % RC_WITHIN];
	e->used = 1;
	e->inside = inside;
	strcpy(e->place, place);
	strcpy(e->ancestor, ancestor);
}

int
store_rcache_people(struct store *s, const char *role, const char *scope,
    struct store_person *out, size_t max, size_t *n)
{
	struct store_rcache *c;
	struct rc_people *e;

	if (max > STORE_RCACHE_PEOPLE || strlen(role) >= STORE_ROLE_MAX ||
	    strlen(scope) >= STORE_CODE_MAX || (c = rc_ready(s)) == NULL)
		return 0;
	e = &c->people[rc_hash(role, scope) % RC_PEOPLE];
	if (!e->used || strcmp(e->role, role) != 0 ||
	    strcmp(e->scope, scope) != 0)
		return 0;
	*n = e->n < max ? e->n : max;
	memcpy(out, e->p, *n * sizeof *out);
	return 1;
}

void
store_rcache_people_put(struct store *s, const char *role, const char *scope,
    const struct store_person *p, size_t n)
{
	struct store_rcache *c;
	struct rc_people *e;

	if (n > STORE_RCACHE_PEOPLE || strlen(role) >= STORE_ROLE_MAX ||
	    strlen(scope) >= STORE_CODE_MAX || (c = rc_ready(s)) == NULL)
		return;
	e = &c->people[rc_hash(role, scope) % RC_PEOPLE];
	e->used = 1;
	strcpy(e->role, role);
	strcpy(e->scope, scope);
	e->n = n;
	memcpy(e->p, p, n * sizeof *p);
}

int
store_rcache_phone(struct store *s, const char *phone,
    struct store_person *out, size_t max, size_t *n)
{
	struct store_rcache *c;
	struct rc_phone *e;

	if (strlen(phone) >= STORE_PHONE_MAX || (c = rc_ready(s)) == NULL)
		return 0;
	e = &c->phones[rc_hash(phone, NULL) % RC_PHONES];
	if (!e->used || strcmp(e->phone, phone) != 0)
		return 0;
	*n = e->n < max ? e->n : max;
	memcpy(out, e->p, *n * sizeof *out);
	return 1;
}

void
store_rcache_phone_put(struct store *s, const char *phone,
    const struct store_person *p, size_t n)
{
	struct store_rcache *c;
	struct rc_phone *e;

	if (n > STORE_RCACHE_PHONE || strlen(phone) >= STORE_PHONE_MAX ||
	    (c = rc_ready(s)) == NULL)
		return;
	e = &c->phones[rc_hash(phone, NULL) % RC_PHONES];
	e->used = 1;
	strcpy(e->phone, phone);
	e->n = n;
	memcpy(e->p, p, n * sizeof *p);
}
