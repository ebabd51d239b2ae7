/*
 * UTF-8 helpers over utf8proc: validation and code point iteration.
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

#endif
