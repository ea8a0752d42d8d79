/*
 * clock: reading the (injectable) engine clock.
 */
#include "engine/clock.h"

/* Read the system clock. */
static int system_read(void *ctx, clockid_t id, struct timespec *out)
{
	(void)ctx;
	return clock_gettime(id, out);
}

/* The system clock. */
struct eng_clock eng_clock_system(void)
{
	struct eng_clock c = { system_read, NULL };
	return c;
}

/* A timespec as signed nanoseconds. */
int64_t eng_ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Signed nanoseconds as a timespec (tv_nsec always in [0, 1e9)). */
struct timespec eng_ns_ts(int64_t ns)
{
	struct timespec ts;
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += 1000000000L;
		ts.tv_sec--;
	}
	return ts;
}

/* Monotonic nanoseconds, 0 on failure. */
uint64_t eng_clock_mono_ns(const struct eng_clock *c)
{
	struct timespec ts;
	if (c->read(c->ctx, CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)eng_ts_ns(&ts);
}

/* Wall-clock nanoseconds, 0 on failure. */
int64_t eng_clock_real_ns(const struct eng_clock *c)
{
	struct timespec ts;
	if (c->read(c->ctx, CLOCK_REALTIME, &ts) != 0)
		return 0;
	return eng_ts_ns(&ts);
}
