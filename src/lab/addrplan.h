/*
 * addrplan: the lab's addressing plan. Every address comes from 198.18.0.0/15
 * or 2001:db8::/32. Links without a given prefix get the next free /30 from
 * 198.18.0.0/17 and the next free /64 from 2001:db8:0:1::/64 on; endpoint a
 * of a link takes the first address of the prefix, endpoint b the second.
 */
#ifndef VANTAGE_LAB_ADDRPLAN_H
#define VANTAGE_LAB_ADDRPLAN_H

#include "lab/topology.h"

/* True when prefix p lies inside 198.18.0.0/15 or 2001:db8::/32. */
bool addrplan_in_lab_range(const struct lab_prefix *p);

/* True when prefixes p and q (same family) share any address. */
bool addrplan_overlap(const struct lab_prefix *p, const struct lab_prefix *q);

/*
 * Give every link of t its prefixes and endpoint addresses, keeping those
 * given in the file. Returns 0, or -1 with "FILE:LINE: problem" in err when
 * prefixes overlap or the plan runs out of room.
 */
int addrplan_assign(struct lab_topo *t, const char *fname, char *err, size_t errlen);

#endif
