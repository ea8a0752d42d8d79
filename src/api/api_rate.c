/*
 * api_rate: token buckets per key, found by linear search (a controller
 * has few API keys; see api_rate.h).
 */
#include "api/api_rate.h"

#include <math.h>
#include <stdlib.h>

/* The bucket of key_id, created full when new; NULL if out of memory. */
static struct api_bucket *bucket(struct api_rate *r, int64_t key_id, int per_minute, double now)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->b[i].key_id == key_id)
			return &r->b[i];
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct api_bucket *b = realloc(r->b, cap * sizeof *b);
		if (!b)
			return NULL;
		r->b = b;
		r->cap = cap;
	}
	r->b[r->n] = (struct api_bucket){ key_id, per_minute, now };
	return &r->b[r->n++];
}

/* See api_rate.h. */
int api_rate_take(struct api_rate *r, int64_t key_id, int per_minute, double now)
{
	struct api_bucket *b = bucket(r, key_id, per_minute, now);
	if (!b)
		return -1;
	double per_s = per_minute / 60.0;
	if (now > b->last) {
		b->tokens = fmin(per_minute, b->tokens + (now - b->last) * per_s);
		b->last = now;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	int wait = (int)ceil((1.0 - b->tokens) / (per_s > 0 ? per_s : 1.0 / 60));
	return wait < 1 ? 1 : wait;
}

/* See api_rate.h. */
void api_rate_free(struct api_rate *r)
{
	free(r->b);
	r->b = NULL;
	r->n = r->cap = 0;
}
