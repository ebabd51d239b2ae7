/*
 * UTF-8 helpers over utf8proc: validation and code point iteration; and
 * the one place text in another encoding (UTF-16, GB18030) becomes UTF-8.
 * Returns: utf8_valid 1/0; utf8_next the byte length of the code point at s
 * (>0) with *cp set, or -1 for an invalid sequence.
 */
#ifndef BX_UTF8_H
#define BX_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Valid UTF-8 with no NUL, no C1 control and no C0 control other than
 * \t \n \r. */
int utf8_valid_text(const char *s, size_t len);
int utf8_next(const char *s, size_t len, int32_t *cp);
/* Number of code points; -1 if invalid. */
long utf8_count(const char *s, size_t len);
/* Columns a terminal or a spreadsheet gives s: two for a CJK or
 * full-width character (U+1100 and up), one otherwise; up to the first
 * invalid sequence. */
size_t utf8_columns(const char *s);

/* src[0..len) into dst[dstsz] (dstsz > 0), NUL-terminated; cut at the
 * start of a character when it does not fit, never inside one. */
void utf8_copy(char *dst, size_t dstsz, const char *src, size_t len);

/* The byte order of UTF-16 text: as labelled (UTF-16BE, what an SMS in
 * UCS-2 carries, or UTF-16LE), or said by a leading byte order mark,
 * which is then dropped, big-endian without one (RFC 2781 §4.3). */
enum utf16_order { UTF16_BE, UTF16_LE, UTF16_BOM };

/* UTF-16 to UTF-8 via iconv, NUL-terminated in out[outsz]; 0 or -1 (odd
 * length, bad surrogates, or out of room). */
int utf16_to_utf8(const char *in, size_t len, enum utf16_order order,
    char *out, size_t outsz, size_t *outlen);

/* Room that GB18030 text of len bytes needs as UTF-8, its NUL counted:
 * two bytes become at most four (glibc reads FE51, FE52, FE53, FE6C, FE76
 * and FE91 as CJK Ext. B characters, not private use), four at most
 * four. */
#define GB18030_UTF8_MAX(len) (2 * (len) + 1)

/* GB18030 (and so GBK and GB2312, its subsets) to UTF-8 via iconv,
 * NUL-terminated in out[outsz]; 0 or -1 (a byte or sequence GB18030 does
 * not have, one cut at the end, or out of room). Converts only: the
 * caller checks the text (utf8_valid_text). */
int gb18030_to_utf8(const char *in, size_t len, char *out, size_t outsz,
    size_t *outlen);
/* Whether a charset's name (a MIME charset parameter, Kannel's charset)
 * means GB18030 or a subset: the WHATWG Encoding Standard's labels of
 * gb18030 and gbk, and CP936, in any case. */
int gb18030_is_label(const char *name);

#endif
