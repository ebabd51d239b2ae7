/*
 * The message catalog: every text a user sees, one file per message under
 * templates/<locale>/<key>.txt, with {placeholders}. Lines starting with "# "
 * (or a lone '#') are translators' comments. The catalog is loaded and checked once at
 * start (catalog_require() rejects a missing key or a placeholder the code
 * does not supply), so rendering cannot meet a surprise at run time.
 * Returns: 0 ok, -1 failed (with a message in err where given).
 */
#ifndef BX_RENDER_H
#define BX_RENDER_H

#include <stddef.h>

/* A bound against a wrong directory, not a size: the entries grow as
 * they are read (a fixed 256 were all taken by the shipped catalog). */
#define CATALOG_MAX_ENTRIES 1024
#define CATALOG_MAX_TEXT 1024
#define CATALOG_MAX_KEY 64

struct catalog;

struct render_var {
	const char *name;
	const char *value;
};

/* Loads every *.txt of dir. NULL on failure with err set. */
struct catalog *catalog_load(const char *dir, char *err, size_t errsz);
void catalog_free(struct catalog *);

/* The entry exists and uses only names from allowed (NULL-terminated). */
int catalog_require(const struct catalog *, const char *key,
    const char *const *allowed, char *err, size_t errsz);
/* Borrowed raw text of key, or NULL. */
const char *catalog_text(const struct catalog *, const char *key);

/*
 * Renders key with vars into out (NUL-terminated). Fails on an unknown key,
 * a placeholder with no var, or a result that does not fit outsz.
 */
int render(const struct catalog *, const char *key,
    const struct render_var *vars, size_t nvars, char *out, size_t outsz);

#endif
