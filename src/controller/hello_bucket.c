/*
 * hello_bucket: the per-agent HELLO limit as a token bucket (see
 * hello_bucket.h for why refused HELLOs take nothing).
 */
#include "controller/hello_bucket.h"

/* See hello_bucket.h. */
int hello_bucket_take(struct hello_bucket *b, int per_min, int64_t now_ms, int64_t *wait_ms)
{
	double full = per_min > 0 ? per_min : 1, per_ms = full / 60000.0;
	if (!b->primed) {
		b->primed = 1;
		b->tokens = full;
	} else if (now_ms > b->at_ms) {
		b->tokens += (double)(now_ms - b->at_ms) * per_ms;
		if (b->tokens > full)
			b->tokens = full;
	}
	b->at_ms = now_ms;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return 0;
	}
	*wait_ms = (int64_t)((1 - b->tokens) / per_ms) + 1;
	return -1;
}
