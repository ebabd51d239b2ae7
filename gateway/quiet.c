/* Quiet hours in local time; see quiet.h. */
#include "gateway/quiet.h"

#include <time.h>

static int
quiet_minute(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	localtime_r(&tt, tm);
	return tm->tm_hour * 60 + tm->tm_min;
}

int
quiet_is(const struct quiet *q, int64_t t)
{
	struct tm tm;
	int m;

	if (q->start == q->end)
		return 0;
	m = quiet_minute(t, &tm);
	if (q->start < q->end)
		return m >= q->start && m < q->end;
	return m >= q->start || m < q->end;	/* across midnight */
}

int64_t
quiet_until(const struct quiet *q, int64_t t)
{
	struct tm tm;
	time_t end;

	if (!quiet_is(q, t))
		return t;
	if (quiet_minute(t, &tm) >= q->end)
		tm.tm_mday++;		/* the end is tomorrow morning */
	tm.tm_hour = q->end / 60;
	tm.tm_min = q->end % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	end = mktime(&tm);
	return end > t ? (int64_t)end : t;
}
