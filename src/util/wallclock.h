/*
 * wallclock: the wall-clock time the daemons label and schedule by. It is
 * time(NULL), unless the environment names a test clock file
 * (VANTAGE_TEST_CLOCK=PATH): then the number of seconds in that file is
 * added, so a test (the fault soak) can step one program's wall clock
 * forwards and back without touching the host's clock. Durations and
 * timeouts never use it (they are CLOCK_MONOTONIC).
 */
#ifndef VANTAGE_UTIL_WALLCLOCK_H
#define VANTAGE_UTIL_WALLCLOCK_H

#include <stdint.h>

/* Unix seconds now, stepped by the test clock file if one is named. */
int64_t wallclock_now(void);

#endif
