/*
 * api_rate: per-key request rate limits, a token bucket per key (capacity
 * and refill of the key's requests per minute). The clock is passed in, so
 * tests drive it.
 */
#ifndef VANTAGE_API_API_RATE_H
#define VANTAGE_API_API_RATE_H

#include <stddef.h>
#include <stdint.h>

struct api_bucket {
	int64_t key_id;
	double tokens;
	double last;              /* seconds */
};

struct api_rate {
	struct api_bucket *b;
	size_t n, cap;
};

/*
 * Take one request for key_id allowed per_minute requests per minute, at
 * time now (seconds, monotonic). Returns 0 if allowed; otherwise the
 * seconds (>= 1) to wait before retrying. -1 if out of memory.
 */
int api_rate_take(struct api_rate *r, int64_t key_id, int per_minute, double now);

/* Free the buckets. */
void api_rate_free(struct api_rate *r);

#endif
