/* ISO-8601 parsing and formatting in the configured zone; see timefmt.h. */
#include "gateway/timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
timefmt_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, sec = 0, n = 0, oh, om;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &n) != 5 || n == 0)
		return -1;
	p = s + n;
	if (*p == ':') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			return -1;
		sec = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (*p == '\0') {
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
	} else if (strcmp(p, "Z") == 0) {
		t = timegm(&tm);
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && oh <= 14 && om < 60) {
		t = timegm(&tm) - (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	/* timegm/mktime normalize 31 February; refuse it instead. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

void
timefmt_format(int64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char z[40];
	long off;

	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff;
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
	if (off == 0) {
		strncat(out, "Z", outsz - strlen(out) - 1);
		return;
	}
	snprintf(z, sizeof z, "%c%02ld:%02ld", off < 0 ? '-' : '+',
	    labs(off) / 3600, labs(off) % 3600 / 60);
	strncat(out, z, outsz - strlen(out) - 1);
}

int
timefmt_zone_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	FILE *f;
	int ok;

	if (name[0] == '\0' || name[0] == '/' || strstr(name, ".."))
		return 0;
	if (strcmp(name, "UTC") == 0)
		return 1;
	/* glibc silently takes an unknown zone as UTC: insist on a real
	 * compiled zone file (not a directory, not zone.tab). */
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo",
	    name);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}
