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

void
mask_phone(const char *p, char *out, size_t outsz)
{
	size_t len = strlen(p);

	if (len >= 14 && strncmp(p, "+86", 3) == 0)
		snprintf(out, outsz, "%.6s****%s", p, p + len - 4);
	else if (len > 6)
		snprintf(out, outsz, "%.3s***%s", p, p + len - 3);
	else
		snprintf(out, outsz, "***");
}

void
mask_student_no(const char *no, char *out, size_t outsz)
{
	if (vocab_student_no_national(no))
		snprintf(out, outsz, "G**************%s", no + 15);
	else
		snprintf(out, outsz, "%s", no);
}
