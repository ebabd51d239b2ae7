/*
 * Masking for texts and logs (PIPL: the least that lets a reader act).
 * mask_name keeps the first and last character: 张小明 → 张*明, 李四 → 李*,
 * a single character → *. mask_phone keeps the country code, the first
 * three and the last four digits: +8613800000001 → +86138****0001.
 * mask_student_no hides the identity-card number inside a national
 * 学籍号 (G + the 18-character 身份证号): G51012320130101123X →
 * G**************123X; school-issued numbers are shown as they are.
 * All always NUL-terminate out; invalid UTF-8 masks to "*".
 */
#ifndef BX_MASK_H
#define BX_MASK_H

#include <stddef.h>

void mask_name(const char *name, char *out, size_t outsz);
void mask_phone(const char *e164, char *out, size_t outsz);
void mask_student_no(const char *no, char *out, size_t outsz);

#endif
