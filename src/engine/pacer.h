/*
 * pacer: the one packets-per-second budget of an engine, a token bucket
 * refilled continuously from the monotonic clock, handed out in turns so
 * that a paced engine wakes up as seldom as the rate allows without bursts:
 *
 *  - a turn takes one millisecond's worth of tokens (one probe at 1,000/s
 *    and below, ten at 10,000/s), two when the loop ran late: the probes
 *    of a turn leave with one wake-up and one sendmmsg;
 *  - after a turn of n probes the next one waits at least n probe gaps / 2:
 *    over any stretch of turns the output stays under twice the rate, and
 *    a loop running late catches up at that pace, never with a burst;
 *  - the bucket holds five milliseconds of tokens (at least two turns'
 *    worth), so a loop turn up to 5 ms (or a probe gap) late loses nothing.
 *
 * pps 0 = no limit (every turn takes all it asks for).
 */
#ifndef VANTAGE_ENGINE_PACER_H
#define VANTAGE_ENGINE_PACER_H

#include <stdbool.h>
#include <stdint.h>

struct pacer {
	uint32_t pps;        /* 0 = unlimited */
	uint32_t turn_max;   /* tokens a turn takes at most */
	uint64_t last_ns;    /* monotonic time of the last refill */
	uint64_t tokens_milli; /* tokens x 1e3 (sub-token precision) */
	uint64_t cap_milli;  /* bucket depth x 1e3 */
	uint64_t next_ns;    /* no turn sends before this (monotonic) */
};

/* Set up a pacer for pps starting at now_ns (bucket starts with one token). */
void pacer_init(struct pacer *p, uint32_t pps, uint64_t now_ns);

/* How many probes may go now, in one turn (refills first); at most `want`. */
uint32_t pacer_take(struct pacer *p, uint64_t now_ns, uint32_t want);

/*
 * Nanoseconds from now_ns until the next turn worth waking up for: when
 * min(want, a turn's worth) tokens are there and the spacing since the last
 * turn has passed (0 = now).
 */
uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns, uint32_t want);

#endif
