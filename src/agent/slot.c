/*
 * slot: the next slot of a one-off or periodic measurement (see slot.h).
 */
#include "agent/slot.h"

/* See slot.h. */
int64_t slot_next(int64_t base, int64_t interval, int64_t stop, uint64_t runs, int64_t now)
{
	int64_t next;
	if (interval <= 0) {
		next = runs == 0 ? (base > now ? base : now) : -1;
	} else if (now <= base) {
		next = runs == 0 ? base : base + interval;
	} else {
		int64_t k = (now - base + interval - 1) / interval;
		next = base + k * interval;
		if (runs > 0 && next <= now)
			next += interval;
	}
	if (next < 0 || (stop > 0 && next > stop))
		return -1;
	return next;
}
