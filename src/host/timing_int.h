/*
 * timing_int: the parts of timing_sample() that live in their own files.
 */
#ifndef VANTAGE_HOST_TIMING_INT_H
#define VANTAGE_HOST_TIMING_INT_H

#include "host/timing.h"

/* Kernel timestamps over loopback: fills the ts_* and loop_us fields. */
void timing_kernel_ts(const struct timing_opts *o, struct timing_report *out);

/* Nanoseconds of a timespec. */
static inline int64_t timing_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

#endif
