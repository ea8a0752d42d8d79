/*
 * pacer: the one packets-per-second budget of an engine, a token bucket
 * refilled continuously from the monotonic clock. The bucket holds at most
 * five milliseconds of tokens (at least one), so the output is smooth:
 * never more than 5 ms of probes back to back, yet a loop turn up to 5 ms late
 * loses nothing. pps 0 = no limit.
 */
#ifndef VANTAGE_ENGINE_PACER_H
#define VANTAGE_ENGINE_PACER_H

#include <stdint.h>

struct pacer {
	uint32_t pps;        /* 0 = unlimited */
	uint64_t last_ns;    /* monotonic time of the last refill */
	uint64_t tokens_milli; /* tokens x 1e3 (sub-token precision) */
	uint64_t cap_milli;  /* bucket depth x 1e3 */
};

/* Set up a pacer for pps starting at now_ns (bucket starts with one token). */
void pacer_init(struct pacer *p, uint32_t pps, uint64_t now_ns);

/* How many probes may go now (refills first); at most `want`. */
uint32_t pacer_take(struct pacer *p, uint64_t now_ns, uint32_t want);

/* Nanoseconds from now until the next token (0 if one is available). */
uint64_t pacer_wait_ns(const struct pacer *p);

#endif
