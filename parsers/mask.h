/*
 * Masking for texts and logs (PIPL: the least that lets a reader act).
 * mask_name keeps the first and last character: 张小明 → 张*明, 李四 → 李*,
 * a single character → *. mask_phone keeps the country code, the first
 * three and the last four digits: +8613800000001 → +86138****0001.
 * Both always NUL-terminate out; invalid UTF-8 masks to "*".
 */
#ifndef BX_MASK_H
#define BX_MASK_H

#include <stddef.h>

void mask_name(const char *name, char *out, size_t outsz);
void mask_phone(const char *e164, char *out, size_t outsz);

#endif
