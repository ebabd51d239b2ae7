/*
 * Task codes: the short name a task carries in SMS ("任务K7QX"), so that a
 * village head can answer "K7QX 3" instead of a command. Three data
 * characters and a check character (Luhn mod N), from an alphabet without
 * look-alikes (0/O, 1/I/L) and without the vowels A E I O U, so a code is
 * never a word and never a command keyword. Every single mistyped character, and every
 * swap of two different neighbours but 2<->Z (values 0 and 27, the blind
 * spot of Luhn mod N), is caught by the check rather than applied to the
 * wrong case; and a code is only looked up among the sender's own tasks.
 *
 * A code names a task id modulo TASKCODE_SPACE; it is resolved among the
 * open tasks of the person who answers, who sees it in their own SMS.
 * Pure: no state.
 */
#ifndef BX_TASKCODE_H
#define BX_TASKCODE_H

#include <stddef.h>
#include <stdint.h>

#define TASKCODE_LEN 4
#define TASKCODE_SPACE 21952u	/* 28^3 */

/* The code of task id, NUL-terminated, upper case. */
void taskcode_make(int64_t id, char out[TASKCODE_LEN + 1]);
/* The value a code stands for: id % TASKCODE_SPACE. */
uint32_t taskcode_value(int64_t id);

enum taskcode_rc {
	TASKCODE_OK,
	TASKCODE_BAD	/* code-shaped, but a character is not in the
			 * alphabet or the check character is wrong */
};
/* Reads s[0..len) (any case): TASKCODE_OK with *value, or TASKCODE_BAD. */
enum taskcode_rc taskcode_read(const char *s, size_t len, uint32_t *value);

#endif
