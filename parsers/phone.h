/*
 * Phone numbers to E.164 ("+8613800000001"). Accepts what people and
 * gateways write: 13800000001, 86 138-0000-0001, +86 (138) 0000 0001,
 * 008613800000001, landlines with a trunk 0 (010-12345678). Anything else,
 * including alphanumeric sender ids, is refused.
 * Returns 0 and writes out (NUL-terminated), or -1.
 */
#ifndef BX_PHONE_H
#define BX_PHONE_H

#include <stddef.h>

#define PHONE_MAX 17		/* '+', up to 15 digits, NUL */
#define PHONE_INPUT_MAX 40

int phone_normalize(const char *in, char *out, size_t outsz);

/* Whether an E.164 number begins with one of list's prefixes ("+86
 * +852", space or comma between): 1 or 0; an empty list has none. */
int phone_prefixed(const char *list, const char *phone);
/* Whether each word of list is a '+' and digits: 0, or -1 with the
 * first bad word in bad. */
int phone_prefixes_valid(const char *list, char *bad, size_t badsz);

#endif
