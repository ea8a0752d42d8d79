/*
 * pacer: token bucket over the monotonic clock.
 */
#include "engine/pacer.h"

/* Start with one token and a bucket of max(1, pps/200) tokens (5 ms). */
void pacer_init(struct pacer *p, uint32_t pps, uint64_t now_ns)
{
	uint64_t depth = pps / 200;
	p->pps = pps;
	p->last_ns = now_ns;
	p->cap_milli = (depth ? depth : 1) * 1000;
	p->tokens_milli = 1000;
}

/* Add the tokens earned since the last refill, up to the bucket depth. */
static void refill(struct pacer *p, uint64_t now_ns)
{
	if (now_ns <= p->last_ns)
		return;
	uint64_t dt = now_ns - p->last_ns;
	/* tokens_milli += dt * pps / 1e6; cap dt so the product cannot overflow */
	if (dt > 10000000000ULL)
		dt = 10000000000ULL;
	uint64_t add = dt * p->pps / 1000000ULL;
	uint64_t used_ns = add * 1000000ULL / p->pps;
	p->tokens_milli += add;
	p->last_ns += used_ns ? used_ns : 0;
	if (p->tokens_milli >= p->cap_milli) {
		p->tokens_milli = p->cap_milli;
		p->last_ns = now_ns;
	}
}

/* Take up to want tokens. */
uint32_t pacer_take(struct pacer *p, uint64_t now_ns, uint32_t want)
{
	if (p->pps == 0)
		return want;
	refill(p, now_ns);
	uint64_t have = p->tokens_milli / 1000;
	uint32_t n = have < want ? (uint32_t)have : want;
	p->tokens_milli -= (uint64_t)n * 1000;
	return n;
}

/* Time until a whole token is available. */
uint64_t pacer_wait_ns(const struct pacer *p)
{
	if (p->pps == 0 || p->tokens_milli >= 1000)
		return 0;
	uint64_t missing = 1000 - p->tokens_milli;
	return (missing * 1000000ULL + p->pps - 1) / p->pps;
}
