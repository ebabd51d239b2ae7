/* Masking of names and phone numbers; see mask.h. */
#include "parsers/mask.h"
#include "parsers/vocab.h"

#include <stdio.h>
#include <string.h>

#include "parsers/utf8.h"

void
mask_name(const char *name, char *out, size_t outsz)
{
	size_t len = strlen(name), i = 0, first = 0, last_at = 0;
	long count = 0;
	int32_t cp;
	int n;

	while (i < len) {
		if ((n = utf8_next(name + i, len - i, &cp)) < 0) {
			snprintf(out, outsz, "*");
			return;
		}
		if (count == 0)
			first = (size_t)n;
		last_at = i;
		i += (size_t)n;
		count++;
	}
	if (count <= 1)
		snprintf(out, outsz, "*");
	else if (count == 2)
		snprintf(out, outsz, "%.*s*", (int)first, name);
	else
		snprintf(out, outsz, "%.*s*%s", (int)first, name,
		    name + last_at);
}

/* Appends s[0..n) to out[0..*o), as much as fits before the NUL. */
static void
mask_put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outsz)
		n = outsz - 1 - *o;
	memcpy(out + *o, s, n);
	*o += n;
}

/* Without snprintf: three calls a message, in the log (bench/instr.sh). */
void
mask_phone(const char *p, char *out, size_t outsz)
{
	size_t len = strlen(p), o = 0;

	if (outsz == 0)
		return;
	if (len >= 14 && strncmp(p, "+86", 3) == 0) {
		mask_put(out, outsz, &o, p, 6);
		mask_put(out, outsz, &o, "****", 4);
		mask_put(out, outsz, &o, p + len - 4, 4);
	} else if (len > 6) {
		mask_put(out, outsz, &o, p, 3);
		mask_put(out, outsz, &o, "***", 3);
		mask_put(out, outsz, &o, p + len - 3, 3);
	} else
		mask_put(out, outsz, &o, "***", 3);
	out[o] = '\0';
}

void
mask_student_no(const char *no, char *out, size_t outsz)
{
	size_t n = strlen(no);

	if (vocab_student_no_national(no))
		snprintf(out, outsz, "G**************%s", no + 15);
	else if (vocab_student_no_id(no))
		snprintf(out, outsz, "%.*s%s", (int)(n - 4),
		    "**************", no + n - 4);
	else
		snprintf(out, outsz, "%s", no);
}
