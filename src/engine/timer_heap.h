/*
 * timer_heap: a binary min-heap of deadlines on the monotonic clock, for the
 * thousands of probe timeouts the engine keeps. Each timer is embedded in its
 * owner's struct and knows its heap slot, so removal is O(log n).
 */
#ifndef VANTAGE_ENGINE_TIMER_HEAP_H
#define VANTAGE_ENGINE_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One timer; embed it, set nothing by hand. */
struct th_timer {
	uint64_t when_ns; /* deadline, monotonic ns */
	size_t slot;      /* index in the heap, or TH_NONE when not armed */
};

#define TH_NONE ((size_t)-1)

struct timer_heap {
	struct th_timer **v;
	size_t n, cap;
};

/* An empty heap (no allocation yet). */
void th_init(struct timer_heap *h);

/* Release the heap's array (the timers belong to their owners). */
void th_free(struct timer_heap *h);

/* Mark a timer as not armed. */
void th_timer_init(struct th_timer *t);

/* True if t is in the heap. */
bool th_armed(const struct th_timer *t);

/* Arm (or re-arm) t for when_ns. Returns 0, or -1 when out of memory. */
int th_arm(struct timer_heap *h, struct th_timer *t, uint64_t when_ns);

/* Disarm t if armed. */
void th_cancel(struct timer_heap *h, struct th_timer *t);

/* The earliest timer, or NULL when empty. */
struct th_timer *th_peek(const struct timer_heap *h);

/* Remove and return the earliest timer if it is due at now_ns, else NULL. */
struct th_timer *th_pop_due(struct timer_heap *h, uint64_t now_ns);

#endif
