/*
 * perm: a keyed random permutation of [0, n), walked one index at a time
 * with no memory beyond a key: a balanced Feistel network on the smallest
 * even number of bits that holds n, with cycle walking to stay below n
 * (Black and Rogaway, "Ciphers with arbitrary finite domains", 2002). The
 * scanner sends its probes in this order, so consecutive probes go to
 * unrelated targets and no router or link sees a burst; the same seed gives
 * the same order (a resumed scan relies on it).
 */
#ifndef VANTAGE_SCAN_PERM_H
#define VANTAGE_SCAN_PERM_H

#include <stdint.h>

#include "scan/keyhash.h"

struct scan_perm {
	uint64_t n;               /* domain size */
	unsigned half;            /* bits per Feistel half */
	uint64_t mask;            /* (1 << half) - 1 */
	struct keyhash_key key;
};

/* A permutation of [0, n) (n >= 1, n < 2^62) from seed and a round number. */
void scan_perm_init(struct scan_perm *p, uint64_t n, uint64_t seed, uint32_t round);

/* The element at position i (i < n); distinct positions give distinct elements. */
uint64_t scan_perm_at(const struct scan_perm *p, uint64_t i);

#endif
