/*
 * spacing: a minimum gap between two probes to one destination, kept in a
 * bounded table. Entries older than the gap are free for reuse, so the table
 * never grows; when every candidate slot holds a destination probed within
 * the gap, the probe must wait (the conservative answer).
 */
#ifndef VANTAGE_POLICY_SPACING_H
#define VANTAGE_POLICY_SPACING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct spacing;

/*
 * Create a table of `slots` entries (rounded up to a power of two, at most
 * 1<<24) enforcing gap_ns nanoseconds between probes to one destination.
 * Returns NULL on allocation failure or bad arguments.
 */
struct spacing *spacing_new(size_t slots, uint64_t gap_ns);

/* Free the table (NULL is fine). */
void spacing_free(struct spacing *s);

/*
 * Ask to send to dst at monotonic time now_ns. Returns true and records the
 * send when allowed; returns false when dst was probed less than the gap ago
 * (or the table has no room), and stores in *wait_ns (if not NULL) how long
 * to wait before asking again.
 */
bool spacing_try(struct spacing *s, const struct net_addr *dst, uint64_t now_ns,
                 uint64_t *wait_ns);

#endif
