/* Task codes (taskcode.h): base 28 with a Luhn mod 28 check character. */
#include "parsers/taskcode.h"

#include <string.h>

/*
 * The value is spread over the space (v * K mod N^3, K coprime to it) so
 * that tasks made one after the other get codes that look nothing alike:
 * a village head with two tasks cannot confuse 223Y with 224W.
 */
#define TC_SPREAD 7919u		/* prime, coprime to 28^3 = 2^6 * 7^3 */
#define TC_UNSPREAD 19471u	/* its inverse mod 28^3 */

static const char taskcode_alphabet[] = "23456789BCDFGHJKMNPQRSTVWXYZ";
#define TC_N 28u

/* Index of c (either case) in the alphabet, or -1. */
static int
taskcode_index(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == '\0' || (p = strchr(taskcode_alphabet, c)) == NULL)
		return -1;
	return (int)(p - taskcode_alphabet);
}

/*
 * Luhn mod N over digits d[0..n), rightmost first doubled when
 * generating: the sum the check character must complete to 0 mod N.
 */
static unsigned
taskcode_sum(const int *d, size_t n, unsigned factor)
{
	unsigned sum = 0, add;
	size_t i;

	for (i = n; i-- > 0;) {
		add = factor * (unsigned)d[i];
		factor = factor == 2 ? 1 : 2;
		sum += add / TC_N + add % TC_N;
	}
	return sum % TC_N;
}

uint32_t
taskcode_value(int64_t id)
{
	return (uint32_t)((uint64_t)id % TASKCODE_SPACE);
}

void
taskcode_make(int64_t id, char out[TASKCODE_LEN + 1])
{
	uint32_t v = (uint32_t)((uint64_t)taskcode_value(id) * TC_SPREAD %
	    TASKCODE_SPACE);
	int d[TASKCODE_LEN - 1];
	int i;

	for (i = TASKCODE_LEN - 2; i >= 0; i--) {
		d[i] = (int)(v % TC_N);
		v /= TC_N;
	}
	for (i = 0; i < TASKCODE_LEN - 1; i++)
		out[i] = taskcode_alphabet[d[i]];
	out[TASKCODE_LEN - 1] = taskcode_alphabet[(TC_N -
	    taskcode_sum(d, TASKCODE_LEN - 1, 2)) % TC_N];
	out[TASKCODE_LEN] = '\0';
}

enum taskcode_rc
taskcode_read(const char *s, size_t len, uint32_t *value)
{
	int d[TASKCODE_LEN];
	uint32_t v = 0;
	size_t i;

	if (len != TASKCODE_LEN)
		return TASKCODE_BAD;
	for (i = 0; i < TASKCODE_LEN; i++)
		if ((d[i] = taskcode_index(s[i])) < 0)
			return TASKCODE_BAD;
	if (taskcode_sum(d, TASKCODE_LEN, 1) != 0)
		return TASKCODE_BAD;
	for (i = 0; i < TASKCODE_LEN - 1; i++)
		v = v * TC_N + (uint32_t)d[i];
	*value = (uint32_t)((uint64_t)v * TC_UNSPREAD % TASKCODE_SPACE);
	return TASKCODE_OK;
}
