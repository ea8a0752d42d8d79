/*
 * hello_bucket: how many HELLOs one agent may have let in. A token bucket of
 * per_min tokens that refills per_min tokens a minute, evenly: a burst of
 * per_min HELLOs goes through, then one every 60/per_min seconds. Only a
 * HELLO let in takes a token; a refused one takes nothing, so an agent that
 * retries faster than the limit is still let in as soon as a token is back
 * (a window that counted refusals could keep it out for good), while a flood
 * is held to per_min sessions a minute. Pure: the caller passes the clock.
 */
#ifndef VANTAGE_CONTROLLER_HELLO_BUCKET_H
#define VANTAGE_CONTROLLER_HELLO_BUCKET_H

#include <stdint.h>

struct hello_bucket {
	double tokens;           /* HELLOs that may come now */
	int64_t at_ms;           /* when tokens was last refilled (monotonic ms) */
	int primed;              /* tokens was set full on first use */
};

/* Take a HELLO at now_ms under a limit of per_min (>= 1) a minute: 0 when it
 * is let in; -1 when not, with *wait_ms the time until one would be. */
int hello_bucket_take(struct hello_bucket *b, int per_min, int64_t now_ms, int64_t *wait_ms);

#endif
