/*
 * E.164 normalization. China (+86) numbers are checked against the national
 * plan: mobiles are 1[3-9] plus 9 digits, landlines an area code 10, 2x or
 * [3-9]xx plus a 7-8 digit local number. Other countries only by length.
 */
#include "parsers/phone.h"

#include <stdio.h>
#include <string.h>

static int
phone_cn_valid(const char *d, size_t n)
{
	if (n == 11 && d[0] == '1')
		return d[1] >= '3' && d[1] <= '9';
	/* Landline without its trunk 0: 10/2x + 8 digits, or 3 + 7..8. */
	if (d[0] == '1' || d[0] == '2')
		return (d[0] == '2' || d[1] == '0') && n == 10;
	if (d[0] >= '3' && d[0] <= '9')
		return n == 10 || n == 11;
	return 0;
}

int
phone_normalize(const char *in, char *out, size_t outsz)
{
	char d[PHONE_INPUT_MAX];
	size_t n = 0, len = strlen(in), i;
	int plus = 0;
	const char *nat;

	if (len == 0 || len >= PHONE_INPUT_MAX || outsz < PHONE_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9')
			d[n++] = c;
		else if (c == '+' && n == 0 && !plus)
			plus = 1;
		else if (c != ' ' && c != '-' && c != '(' && c != ')' &&
		    c != '.')
			return -1;
	}
	d[n] = '\0';
	if (n == 0)
		return -1;
	if (!plus && n > 2 && d[0] == '0' && d[1] == '0') {
		memmove(d, d + 2, n - 1);
		n -= 2;
		plus = 1;
	}
	if (plus || (n == 13 && d[0] == '8' && d[1] == '6')) {
		if (n < 8 || n > 15 || d[0] == '0')
			return -1;
		if (d[0] == '8' && d[1] == '6' && !phone_cn_valid(d + 2, n - 2))
			return -1;
		out[0] = '+';
		memcpy(out + 1, d, n + 1);
		return 0;
	}
	/* National format: a mobile, or a landline with its trunk 0. */
	nat = d[0] == '0' ? d + 1 : d;
	if (d[0] != '0' && !(n == 11 && d[0] == '1'))
		return -1;
	if (!phone_cn_valid(nat, strlen(nat)))
		return -1;
	memcpy(out, "+86", 3);
	memcpy(out + 3, nat, strlen(nat) + 1);
	return 0;
}

int
phone_prefixed(const char *list, const char *phone)
{
	const char *p = list;
	size_t n;

	while (*p) {
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n > 0 && strncmp(phone, p, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

int
phone_prefixes_valid(const char *list, char *bad, size_t badsz)
{
	const char *p = list;
	size_t n;

	while (*p) {
		p += strspn(p, " ,");
		if ((n = strcspn(p, " ,")) == 0)
			break;
		if (p[0] != '+' || n == 1 || strspn(p + 1, "0123456789") !=
		    n - 1) {
			snprintf(bad, badsz, "%.*s", (int)n, p);
			return -1;
		}
		p += n;
	}
	return 0;
}
