/*
 * stopset: the global stop set of a scan (Doubletree, Donnet et al. 2005):
 * every interface address seen so far. Backward probing toward the vantage
 * point stops at the first interface already in it, since the rest of the
 * way is known from an earlier trace. An open-addressing hash set of
 * 16-byte addresses that doubles when it is 5/8 full; its size is also the
 * number of distinct interfaces the scan found.
 */
#ifndef VANTAGE_SCAN_STOPSET_H
#define VANTAGE_SCAN_STOPSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_stopset {
	size_t n, cap;            /* entries, slots (a power of two) */
	uint8_t (*slot)[16];
	uint8_t *used;
};

/* An empty set. 0, or -1 when out of memory. */
int scan_stopset_init(struct scan_stopset *s);

/* Add a; 1 when it is new, 0 when it was there, -1 when out of memory. */
int scan_stopset_add(struct scan_stopset *s, const uint8_t a[16]);

/* Whether a is in the set. */
bool scan_stopset_has(const struct scan_stopset *s, const uint8_t a[16]);

void scan_stopset_free(struct scan_stopset *s);

#endif
