/*
 * backoff: when the agent dials its controller again. After each failed dial
 * or lost session the ceiling doubles (from BACKOFF_MIN_MS up to the
 * configured maximum) and the delay is drawn between half the ceiling and the
 * ceiling, so agents cut off together do not come back together. A session
 * resets the ceiling only once it has lasted BACKOFF_STABLE_S: an agent whose
 * sessions die right after the WELCOME (a controller that cannot store, a
 * limit on HELLOs) keeps slowing down instead of dialling again at once.
 * Pure: the caller passes the clock and the random number.
 */
#ifndef VANTAGE_AGENT_BACKOFF_H
#define VANTAGE_AGENT_BACKOFF_H

#include <stdint.h>

#define BACKOFF_MIN_MS 500
#define BACKOFF_STABLE_S 30

struct backoff {
	int ceiling_ms;          /* the doubling ceiling; 0 before any failure */
	int64_t up_since;        /* monotonic s the session was welcomed; -1 when none */
};

/* A fresh backoff: the first delay will be about BACKOFF_MIN_MS. */
void backoff_init(struct backoff *b);

/* A session was welcomed at now (monotonic seconds). */
void backoff_session_up(struct backoff *b, int64_t now);

/* A dial failed or a session ended at now (monotonic seconds): the delay in
 * ms before the next dial, at most max_ms; rnd is any non-negative random
 * number (random()). */
int backoff_next(struct backoff *b, int64_t now, int max_ms, long rnd);

#endif
