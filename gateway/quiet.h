/*
 * Quiet hours (default 21:00-07:30 local): nothing but a reply to someone
 * who has just texted leaves during them. Times are minutes after local
 * midnight in the configured zone; start == end means no quiet hours.
 */
#ifndef BX_QUIET_H
#define BX_QUIET_H

#include <stdint.h>

struct quiet {
	int start;
	int end;
};

int quiet_is(const struct quiet *, int64_t t);		/* 1/0 */
/* The first end of quiet hours after t (t itself if not quiet). */
int64_t quiet_until(const struct quiet *, int64_t t);

#endif
