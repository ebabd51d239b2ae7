/*
 * The one clock. In system mode it reads the wall clock; in manual mode
 * time starts at a configured instant and moves only when told (the admin
 * endpoint in the daemon, the fake in tests), never backwards.
 */
#ifndef BX_CLOCK_H
#define BX_CLOCK_H

#include <stdint.h>

struct clock {
	int manual;
	int64_t now;		/* manual mode only */
};

void clock_init_system(struct clock *);
void clock_init_manual(struct clock *, int64_t start);
int64_t clock_now(const struct clock *);
/* Manual mode only; -1 in system mode or if t is in the past. */
int clock_set(struct clock *, int64_t t);

#endif
