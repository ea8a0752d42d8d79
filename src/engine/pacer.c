/*
 * pacer: token bucket over the monotonic clock, taken in turns (pacer.h).
 */
#include "engine/pacer.h"

/* A turn's worth: one millisecond of tokens, at least one. */
#define TURN_NS 1000000ULL
/* Below this rate (a probe gap of 10 ms or more) a turn waits for two
   probes' tokens: a wake-up carries two probes instead of one, halving the
   wake-ups that dominate a slow engine's CPU time (a wake-up on this PVM
   guest costs as much as the probe it sends). The pair leaves back to back,
   once every two gaps: the rate over any two gaps is unchanged. */
#define PACER_PAIR_BELOW_PPS 100
/* From it up to this rate (a probe gap of 1 ms to 10 ms) a turn waits for
   four probes' tokens (40 ms at 100/s; eight above PACER_EIGHT_PPS): a
   quarter of the wake-ups of one a probe. At 100/s, 100 traces of 16 hops, load 35: 0.38
   -> 0.25 s CPU and 2,019 -> 1,268 context switches against pairs; at
   1,000/s, load 35: 6,229 -> 3,148 context switches and 0.76 -> 0.67 s CPU
   against one a turn (one run each; at load 41-44 late turns carry ~10
   probes anyway and the two are alike). A turn's worth at each end of a
   run shifts its first-to-last rate by (turn - 1) / probes: 3 % for 100
   probes, so test_pps_budget_is_smooth measures 500 at 100/s. */
/* Above PACER_EIGHT_PPS (a probe gap under 2 ms) a turn waits for eight
   probes' tokens (8 ms at 1,000/s, 1 ms at 8,000/s), or a millisecond's
   worth when that is more (ten at 10,000/s): at 1,000/s, 500 traces of 16
   hops, load 17-19, two runs each: 0.49-0.58 -> 0.35-0.40 s CPU, 2,750-
   3,323 -> 1,713-1,986 context switches against four a turn. Until session
   9 the turn fell back to a millisecond's worth above 1,000/s: one probe a
   wake-up at 1,001/s, two at 2,000/s. */
#define PACER_EIGHT_PPS 500
/* The bucket's least depth in tokens: at 100/s a wake-up 20 ms late (common
   on a loaded 2-core host) would otherwise cost budget (measured: 40 % of
   it at load 30 with 2 tokens). */
#define PACER_MIN_DEPTH 10

/* Start with one token and a bucket of 20 ms of tokens, at least two turns
   and PACER_MIN_DEPTH. */
void pacer_init(struct pacer *p, uint32_t pps, uint64_t now_ns)
{
	uint64_t depth = pps / 50, turn = (uint64_t)pps * TURN_NS / 1000000000ULL;
	p->pps = pps;
	p->last_ns = now_ns;
	p->turn_max = turn ? (uint32_t)turn : 1;
	if (pps >= PACER_PAIR_BELOW_PPS && pps <= PACER_EIGHT_PPS)
		p->turn_max = 4;
	/* eight from 501/s on, a millisecond's worth once that is more: no
	   fall from eight a turn at 1,000/s to one at 1,001/s */
	if (pps > PACER_EIGHT_PPS && p->turn_max < 8)
		p->turn_max = 8;
	if (pps > 0 && pps < PACER_PAIR_BELOW_PPS)
		p->turn_max = 2;
	/* two turns at least: a turn a little late keeps its token (the spacing
	   keeps the catching up from bursting) */
	if (depth < 2ULL * p->turn_max)
		depth = 2ULL * p->turn_max;
	if (depth < PACER_MIN_DEPTH)
		depth = PACER_MIN_DEPTH;
	p->cap_milli = depth * 1000;
	p->tokens_milli = 1000;
	p->next_ns = 0;
	p->behind = false;
	p->owed_milli = 0;
	p->lost_milli = 0;
	p->sent_any = false;
	p->drained_ns = 0;
	p->sent_ns = 0;
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
	p->last_ns += used_ns;
	if (p->tokens_milli >= p->cap_milli) {
		/* probes waited: this budget is lost, not saved; before the first
		   probe left (a late start) it is no gap between probes, and the
		   rate (first to last probe) would count it twice */
		if (p->behind && p->sent_any)
			p->lost_milli += p->tokens_milli - p->cap_milli +
					 (now_ns - p->last_ns) * p->pps / 1000000ULL;
		p->tokens_milli = p->cap_milli;
		p->last_ns = now_ns;
	}
}

/* Savings of a quiet time: a turn's worth is kept, what is owed, and at
   least keep_milli. */
static void drop_savings(struct pacer *p, uint64_t keep_milli)
{
	uint64_t keep = (uint64_t)p->turn_max * 1000;
	if (keep < keep_milli)
		keep = keep_milli;
	if (keep < p->owed_milli)
		keep = p->owed_milli;
	if (p->tokens_milli > keep)
		p->tokens_milli = keep;
}

/* See pacer.h. */
void pacer_ready(struct pacer *p, uint64_t now_ns, uint64_t since_ns)
{
	if (p->pps == 0 || p->behind)
		return;
	/* ready since, at the earliest, the last turn left none waiting (what
	   came before that is that turn's, used or owed) */
	if (since_ns < p->drained_ns)
		since_ns = p->drained_ns;
	if (since_ns > now_ns)
		since_ns = now_ns;
	refill(p, now_ns);
	/* earned while they were ready: theirs, up to the bucket; beyond it
	   lost (the loop ran their timer that late) */
	uint64_t dt = now_ns - since_ns;
	uint64_t ready = (dt > 10000000000ULL ? 10000000000ULL : dt) * p->pps / 1000000ULL;
	if (ready > p->cap_milli) {
		if (p->sent_any)
			p->lost_milli += ready - p->cap_milli;
		ready = p->cap_milli;
	}
	drop_savings(p, ready);
	p->behind = true;
}

/* See pacer.h. */
void pacer_sent(struct pacer *p, uint64_t now_ns)
{
	if (p->pps != 0 && p->sent_ns == 0 && now_ns > p->last_ns)
		p->last_ns = now_ns;
	p->sent_ns = now_ns;
}

/* Take up to want tokens: what has come since the last turn. */
uint32_t pacer_take(struct pacer *p, uint64_t now_ns, uint32_t want)
{
	if (p->pps == 0)
		return want;
	refill(p, now_ns);
	if (want == 0) /* no turn: what is saved or owed stays as it is */
		return 0;
	if (now_ns < p->next_ns) {
		p->behind = p->behind || want > 0; /* probes wait for the spacing */
		return 0;
	}
	/* tokens saved up while nothing was waiting are no debt: a turn's worth
	   is kept, and what the last turn left over (owed); those of a turn that
	   came late are sent now */
	if (!p->behind)
		drop_savings(p, 0);
	uint64_t have = p->tokens_milli / 1000;
	uint32_t n = have < want ? (uint32_t)have : want;
	p->tokens_milli -= (uint64_t)n * 1000;
	p->sent_any = p->sent_any || n > 0;
	p->behind = n < want;
	p->owed_milli = p->behind ? 0 : p->tokens_milli;
	if (!p->behind)
		p->drained_ns = now_ns;
	/* half the time these n tokens took to come */
	p->next_ns = now_ns + (uint64_t)n * 500000000ULL / p->pps;
	return n;
}

/* Time until a turn can take min(want, turn_max) tokens. */
uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns, uint32_t want)
{
	if (p->pps == 0 || want == 0)
		return 0;
	uint64_t need = (uint64_t)(want < p->turn_max ? want : p->turn_max) * 1000;
	if (need > p->cap_milli)
		need = p->cap_milli;
	/* tokens as of now (refill is not applied to a const pacer) */
	uint64_t have = p->tokens_milli;
	if (now_ns > p->last_ns) {
		uint64_t dt = now_ns - p->last_ns;
		have += (dt > 10000000000ULL ? 10000000000ULL : dt) * p->pps / 1000000ULL;
	}
	uint64_t wait = have >= need ? 0 : ((need - have) * 1000000ULL + p->pps - 1) / p->pps;
	if (p->next_ns > now_ns + wait)
		wait = p->next_ns - now_ns;
	return wait;
}

/* See pacer.h. */
uint64_t pacer_lost(const struct pacer *p)
{
	uint64_t lost = p->lost_milli;
	if (!p->behind && p->pps != 0) {
		lost += p->owed_milli;
		if (p->sent_ns > p->drained_ns)
			lost += (p->sent_ns - p->drained_ns) * p->pps / 1000000ULL;
	}
	return lost / 1000;
}
