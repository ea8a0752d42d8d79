/* publish_wait: see publish_wait.h. */
#include "controller/publish_wait.h"

#define WINDOW_MS 1000

void ack_rate_add(struct ack_rate *r, size_t n, int64_t now_ms)
{
	if (r->window_ms == 0) {
		r->window_ms = now_ms;
	} else if (now_ms - r->window_ms >= WINDOW_MS) {
		double rate = 1000.0 * (double)r->acks / (double)(now_ms - r->window_ms);
		r->per_s = r->per_s > 0 ? (r->per_s + rate) / 2 : rate;
		r->window_ms = now_ms;
		r->acks = 0;
	}
	r->acks += n;
}

int64_t publish_wait_ms(const struct ack_rate *r, size_t in_flight, unsigned tries)
{
	double wait = PUBLISH_WAIT_MIN_MS;
	if (r->per_s > 0) {
		double drain_ms = 1000.0 * (double)in_flight / r->per_s;
		if (3 * drain_ms > wait)
			wait = 3 * drain_ms;
	}
	for (unsigned t = 0; t < tries && wait < PUBLISH_WAIT_MAX_MS; t++)
		wait *= 2;
	return wait > PUBLISH_WAIT_MAX_MS ? PUBLISH_WAIT_MAX_MS : (int64_t)wait;
}
