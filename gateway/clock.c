#include "gateway/clock.h"

#include <time.h>

void
clock_init_system(struct clock *c)
{
	c->manual = 0;
	c->now = 0;
}

void
clock_init_manual(struct clock *c, int64_t start)
{
	c->manual = 1;
	c->now = start;
}

int64_t
clock_now(const struct clock *c)
{
	return c->manual ? c->now : (int64_t)time(NULL);
}

int
clock_set(struct clock *c, int64_t t)
{
	if (!c->manual || t < c->now)
		return -1;
	c->now = t;
	return 0;
}
