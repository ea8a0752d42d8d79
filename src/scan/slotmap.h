/*
 * slotmap: which slot of the scanner's window holds a target. The scanner
 * keeps state only for the targets being probed (its window, see scan.h),
 * each in a slot; a reply names its target by index, and this map finds the
 * slot, or says the target is not being probed (done, or not yet begun).
 * Open addressing with linear probing over twice the slots, deletions by
 * backward shift, so its size is fixed by the window, never by the scan.
 */
#ifndef VANTAGE_SCAN_SLOTMAP_H
#define VANTAGE_SCAN_SLOTMAP_H

#include <stdint.h>

struct scan_slotmap {
	uint32_t mask;            /* cells - 1 (cells: a power of two) */
	uint32_t *key;            /* target index + 1; 0 = empty */
	uint32_t *slot;
};

/* A map for up to `slots` entries. 0, or -1 when out of memory. */
int scan_slotmap_init(struct scan_slotmap *m, uint32_t slots);

/* Map target to slot (the target must not be in the map). */
void scan_slotmap_put(struct scan_slotmap *m, uint32_t target, uint32_t slot);

/* The slot of target, or -1 when it is not in the map. */
int64_t scan_slotmap_get(const struct scan_slotmap *m, uint32_t target);

/* Take target out of the map (nothing when it is not in it). */
void scan_slotmap_del(struct scan_slotmap *m, uint32_t target);

void scan_slotmap_free(struct scan_slotmap *m);

#endif
