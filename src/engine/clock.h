/*
 * clock: the engine's view of time, injectable so tests can step the wall
 * clock or freeze time. Everything that measures durations uses the monotonic
 * reading; the wall-clock reading only labels results and tracks the offset
 * between the two (the kernel stamps packets in wall-clock time).
 */
#ifndef VANTAGE_ENGINE_CLOCK_H
#define VANTAGE_ENGINE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A source of time: read(ctx, clockid, out) returns 0 or -1 like clock_gettime. */
struct eng_clock {
	int (*read)(void *ctx, clockid_t id, struct timespec *out);
	void *ctx;
};

/* The system clock (clock_gettime). */
struct eng_clock eng_clock_system(void);

/* Monotonic time in nanoseconds (0 if the clock fails). */
uint64_t eng_clock_mono_ns(const struct eng_clock *c);

/* Wall-clock (CLOCK_REALTIME) time in nanoseconds since the epoch. */
int64_t eng_clock_real_ns(const struct eng_clock *c);

/* A timespec as signed nanoseconds. */
int64_t eng_ts_ns(const struct timespec *ts);

/* Signed nanoseconds as a timespec. */
struct timespec eng_ns_ts(int64_t ns);

#endif
