/*
 * application/x-www-form-urlencoded bodies and URI query strings, decoded
 * into a bounded key/value array held inside struct form (no allocation).
 * Strict: a malformed %-escape, a repeated key, a NUL byte in a key or too
 * many fields is an error, so a half-understood request is refused rather
 * than guessed at.
 */
#ifndef BX_FORM_H
#define BX_FORM_H

#include <stddef.h>

#define FORM_MAX_BYTES 8192
#define FORM_MAX_FIELDS 16

enum form_rc {
	FORM_OK = 0,
	FORM_TOO_LONG,
	FORM_TOO_MANY,
	FORM_BAD_ESCAPE,
	FORM_DUP_KEY,
	FORM_EMPTY_KEY,
	FORM_NUL_KEY
};

struct form_kv {
	const char *key;	/* point into form.buf */
	const char *val;
	size_t vlen;		/* a value may contain %00: use vlen */
};

struct form {
	size_t n;
	struct form_kv kv[FORM_MAX_FIELDS];
	char buf[FORM_MAX_BYTES + 2 * FORM_MAX_FIELDS + 2];
};

/* Decodes s[0..len) ('+' is a space). On error f->n is 0. */
enum form_rc form_decode(struct form *f, const char *s, size_t len);
/* Borrowed value of key, or NULL; *vlen if vlen is not NULL. */
const char *form_get(const struct form *f, const char *key, size_t *vlen);
/* The first field but binary_key (NULL: none) whose value holds a NUL
 * byte, or NULL: every other value read as a C string is all of it. */
const char *form_nul_field(const struct form *f, const char *binary_key);
const char *form_rc_str(enum form_rc);

#endif
