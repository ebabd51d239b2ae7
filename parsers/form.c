/* Form and query decoding (WHATWG urlencoded, strict about escapes). */
#include "parsers/form.h"

#include <string.h>

static int
form_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into out; returns the decoded length or -1. */
static long
form_unescape(const char *s, size_t len, char *out)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len || (hi = form_hex(s[i + 1])) < 0 ||
			    (lo = form_hex(s[i + 2])) < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return (long)o;
}

enum form_rc
form_decode(struct form *f, const char *s, size_t len)
{
	size_t pos = 0, used = 0, i;
	enum form_rc rc;

	f->n = 0;
	if (len > FORM_MAX_BYTES)
		return FORM_TOO_LONG;
	while (pos < len) {
		const char *part = s + pos, *amp, *eq;
		size_t plen, klen;
		long kd, vd;

		amp = memchr(part, '&', len - pos);
		plen = amp ? (size_t)(amp - part) : len - pos;
		pos += plen + 1;
		if (plen == 0)
			continue;
		if (f->n == FORM_MAX_FIELDS) {
			rc = FORM_TOO_MANY;
			goto fail;
		}
		eq = memchr(part, '=', plen);
		klen = eq ? (size_t)(eq - part) : plen;
		if (klen == 0) {
			rc = FORM_EMPTY_KEY;
			goto fail;
		}
		f->kv[f->n].key = f->buf + used;
		if ((kd = form_unescape(part, klen, f->buf + used)) < 0) {
			rc = FORM_BAD_ESCAPE;
			goto fail;
		}
		if (strlen(f->kv[f->n].key) != (size_t)kd) {
			rc = FORM_NUL_KEY;
			goto fail;
		}
		used += (size_t)kd + 1;
		f->kv[f->n].val = f->buf + used;
		vd = eq ? form_unescape(eq + 1, plen - klen - 1, f->buf + used)
			: form_unescape("", 0, f->buf + used);
		if (vd < 0) {
			rc = FORM_BAD_ESCAPE;
			goto fail;
		}
		f->kv[f->n].vlen = (size_t)vd;
		used += (size_t)vd + 1;
		for (i = 0; i < f->n; i++)
			if (strcmp(f->kv[i].key, f->kv[f->n].key) == 0) {
				rc = FORM_DUP_KEY;
				goto fail;
			}
		f->n++;
	}
	return FORM_OK;
fail:
	f->n = 0;
	return rc;
}

const char *
form_get(const struct form *f, const char *key, size_t *vlen)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->kv[i].key, key) == 0) {
			if (vlen)
				*vlen = f->kv[i].vlen;
			return f->kv[i].val;
		}
	return NULL;
}

const char *
form_nul_field(const struct form *f, const char *binary_key)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (memchr(f->kv[i].val, '\0', f->kv[i].vlen) != NULL &&
		    (binary_key == NULL || strcmp(f->kv[i].key, binary_key)))
			return f->kv[i].key;
	return NULL;
}

const char *
form_rc_str(enum form_rc rc)
{
	switch (rc) {
	case FORM_OK:		return "ok";
	case FORM_TOO_LONG:	return "form body too long";
	case FORM_TOO_MANY:	return "too many form fields";
	case FORM_BAD_ESCAPE:	return "malformed %-escape in form";
	case FORM_DUP_KEY:	return "repeated form field";
	case FORM_EMPTY_KEY:	return "form field with an empty name";
	case FORM_NUL_KEY:	return "NUL byte in a form field's name";
	}
	return "unknown form error";
}
