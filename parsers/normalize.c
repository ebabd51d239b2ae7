/* Input normalization for SMS commands; see normalize.h. */
#include "parsers/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "parsers/utf8.h"

/* CJK punctuation that NFKC keeps, and what the parser wants instead. */
static const struct {
	int32_t cp;
	char to;
} normalize_fold[] = {
	{ 0x3001, ',' },	/* 、 */
	{ 0x3002, '.' },	/* 。 */
	{ 0x3010, '[' },	/* 【 */
	{ 0x3011, ']' },	/* 】 */
	{ 0x300A, '<' },	/* 《 */
	{ 0x300B, '>' },	/* 》 */
	{ 0x201C, '"' },	/* “ */
	{ 0x201D, '"' },	/* ” */
	{ 0x2018, '\'' },	/* ‘ */
	{ 0x2019, '\'' },	/* ’ */
	{ 0x2014, '-' },	/* — */
	{ 0x2015, '-' },	/* ― */
	{ 0xFF5E, '~' },	/* ～ (NFKC maps it already; kept for safety) */
};

/*
 * A byte order mark (U+FEFF, which RFC 2781 keeps as a character under a
 * UTF-16LE/BE label), and the zero-width space, non-joiner, joiner and
 * word joiner (U+200B-U+200D, U+2060) that input methods and copied text
 * leave between words: invisible, so read as the space they stand for.
 */
static int
normalize_is_invisible_space(int32_t cp)
{
	return cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060;
}

static int
normalize_fold_cp(int32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof normalize_fold / sizeof normalize_fold[0]; i++)
		if (normalize_fold[i].cp == cp)
			return normalize_fold[i].to;
	return -1;
}

/* Would NFKC change nothing? ASCII and CJK unified ideographs. */
static int
normalize_nfkc_stable(const char *s, size_t len)
{
	size_t i = 0;
	int32_t cp;
	int n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_next(s + i, len - i, &cp)) < 0)
			return 0;
		if (cp < 0x4E00 || cp > 0x9FFF)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

enum perr_code
normalize_text(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen)
{
	utf8proc_uint8_t *nfkc = NULL;
	utf8proc_ssize_t nlen;
	size_t i = 0, o = 0;
	int pending_space = 0, line_start = 1, newlines = 0;
	const char *src;
	enum perr_code rc = PERR_NONE;

	*outlen = 0;
	if (outsz == 0)
		return PERR_TOO_LONG;
	out[0] = '\0';
	if (len > NORMALIZE_MAX_IN)
		return PERR_TOO_LONG;
	if (!utf8_valid_text(in, len))
		return PERR_BAD_UTF8;
	if (normalize_nfkc_stable(in, len)) {
		src = in;
		nlen = (utf8proc_ssize_t)len;
	} else {
		nlen = utf8proc_map((const utf8proc_uint8_t *)in,
		    (utf8proc_ssize_t)len, &nfkc,
		    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
		if (nlen < 0)
			return nlen == UTF8PROC_ERROR_NOMEM ? PERR_NOMEM :
			    PERR_BAD_UTF8;
		src = (const char *)nfkc;
	}

	while (i < (size_t)nlen) {
		const char *p = src + i;
		int32_t cp;
		int n, f;

		/* ASCII inline: most of what teachers type. */
		if ((unsigned char)*p < 0x80) {
			cp = (unsigned char)*p;
			n = 1;
		} else if ((n = utf8_next(p, (size_t)nlen - i, &cp)) < 0) {
			rc = PERR_BAD_UTF8;
			goto done;
		}
		i += (size_t)n;
		if (cp == '\r' || cp == '\n') {
			/* \r\n is one line end; \r alone is one too. */
			if (cp == '\r' && i < (size_t)nlen && src[i] == '\n')
				i++;
			if (o > 0)
				newlines++;
			line_start = 1;
			pending_space = 0;
			continue;
		}
		/* An invisible space is a space: dropped at a line's start,
		 * and never gluing two words into one. */
		if (cp == ' ' || cp == '\t' ||
		    normalize_is_invisible_space(cp) || (cp >= 0x80 &&
		    utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS)) {
			pending_space = !line_start;
			continue;
		}
		if (newlines) {
			if (o + 2 >= outsz)
				goto toolong;
			out[o++] = '\n';
			if (newlines > 1)
				out[o++] = '\n';
			newlines = 0;
		}
		if (pending_space) {
			if (o + 1 >= outsz)
				goto toolong;
			out[o++] = ' ';
			pending_space = 0;
		}
		line_start = 0;
		if (cp >= 0x2014 && (f = normalize_fold_cp(cp)) >= 0) {
			if (o + 1 >= outsz)
				goto toolong;
			out[o++] = (char)f;
			continue;
		}
		if (o + (size_t)n >= outsz)
			goto toolong;
		memcpy(out + o, p, (size_t)n);
		o += (size_t)n;
	}
	out[o] = '\0';
	*outlen = o;
	if (o == 0)
		rc = PERR_EMPTY;
	goto done;
toolong:
	out[0] = '\0';
	rc = PERR_TOO_LONG;
done:
	free(nfkc);
	return rc;
}
