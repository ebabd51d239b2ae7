/* UTF-8 validation and iteration (utf8proc does the decoding), and UTF-16
 * and GB18030 to UTF-8 (iconv). */
#include "parsers/utf8.h"

#include <iconv.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

int
utf8_next(const char *s, size_t len, int32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if (len == 0)
		return -1;
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, &c);
	if (n <= 0 || c < 0)
		return -1;
	*cp = c;
	return (int)n;
}

int
utf8_valid_text(const char *s, size_t len)
{
	size_t i = 0;
	int32_t cp;
	int n;

	while (i < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) < 0)
			return 0;
		/* C0 and C1 controls have no place in an SMS or a field. */
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return 0;
		i += (size_t)n;
	}
	return 1;
}

long
utf8_count(const char *s, size_t len)
{
	size_t i = 0;
	long count = 0;
	int32_t cp;
	int n;

	while (i < len) {
		if ((n = utf8_next(s + i, len - i, &cp)) < 0)
			return -1;
		i += (size_t)n;
		count++;
	}
	return count;
}

/* in[0..len) in charset, to UTF-8 in out[outsz] (outsz > 0), NUL-terminated
 * even when refused; 0, or -1 when iconv stops before the end. */
static int
utf8_iconv(const char *charset, const char *in, size_t len, char *out,
    size_t outsz, size_t *outlen)
{
	iconv_t cd;
	char *ip = (char *)in, *op = out;
	size_t il = len, ol = outsz - 1;
	int rc = 0;

	*out = '\0';
	*outlen = 0;
	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
		rc = -1;
	iconv_close(cd);
	*op = '\0';
	*outlen = (size_t)(op - out);
	return rc;
}

int
utf16_to_utf8(const char *in, size_t len, enum utf16_order order,
    char *out, size_t outsz, size_t *outlen)
{
	const unsigned char *b = (const unsigned char *)in;

	if (len % 2 != 0 || outsz == 0)
		return -1;
	if (order == UTF16_BOM) {
		order = len >= 2 && b[0] == 0xFF && b[1] == 0xFE ?
		    UTF16_LE : UTF16_BE;
		if (len >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) ||
		    (b[0] == 0xFF && b[1] == 0xFE))) {
			in += 2;
			len -= 2;
		}
	}
	return utf8_iconv(order == UTF16_LE ? "UTF-16LE" : "UTF-16BE", in,
	    len, out, outsz, outlen);
}

int
gb18030_to_utf8(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen)
{
	*outlen = 0;
	if (outsz == 0)
		return -1;
	return utf8_iconv("GB18030", in, len, out, outsz, outlen);
}

int
gb18030_is_label(const char *name)
{
	static const char *const labels[] = {
		"gb18030", "gbk", "gb2312", "gb_2312", "gb_2312-80",
		"x-gbk", "chinese", "csgb2312", "csiso58gb231280",
		"iso-ir-58", "cp936",
	};
	size_t i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcasecmp(name, labels[i]))
			return 1;
	return 0;
}

size_t
utf8_columns(const char *s)
{
	size_t i = 0, len = strlen(s), w = 0;
	int32_t cp;
	int k;

	while (i < len && (k = utf8_next(s + i, len - i, &cp)) > 0) {
		w += cp >= 0x1100 ? 2 : 1;
		i += (size_t)k;
	}
	return w;
}

void
utf8_copy(char *dst, size_t dstsz, const char *src, size_t len)
{
	if (len >= dstsz) {
		len = dstsz - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}
