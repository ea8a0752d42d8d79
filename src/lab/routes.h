/*
 * routes: the lab's static routing, computed from the links. Every node routes
 * each destination prefix (a link's subnet, a host's anyip prefix) over all
 * its shortest paths (hop count), so equal-cost branches become multipath
 * routes. Hosts never carry transit traffic. Pure functions over a topology.
 */
#ifndef VANTAGE_LAB_ROUTES_H
#define VANTAGE_LAB_ROUTES_H

#include "lab/topology.h"

#define LAB_MAX_DESTS (2 * LAB_MAX_LINKS + LAB_MAX_NODES * LAB_MAX_ANYIP)

/* A destination prefix and the set of nodes that own it (bit i = node i). */
struct lab_dest {
	struct lab_prefix p;
	uint64_t owners;
	int link;                   /* the link whose subnet this is, or -1 */
};

/* One way out of a node: over link `link` to its neighbour `node`. */
struct lab_nexthop {
	int link;
	int node;
};

/* List the destinations of family af (4 or 6) into out; returns the count. */
int lab_route_dests(const struct lab_topo *t, int af, struct lab_dest *out);

/* The destination of family af holding addr with the longest prefix, or -1. */
int lab_route_lookup(const struct lab_dest *d, int n, int af, const uint8_t *addr);

/* Hop distance of every node to the owner set (-1 when unreachable). */
void lab_route_dist(const struct lab_topo *t, uint64_t owners, int *dist);

/*
 * The next hops of node `from` towards owners, given dist from
 * lab_route_dist; links with cut[link] set (cut may be NULL) are left out.
 * Returns the count written to out (at most LAB_MAX_IFACES).
 */
int lab_route_nexthops(const struct lab_topo *t, const int *dist, uint64_t owners,
		       int from, const bool *cut, struct lab_nexthop *out);

/* Address of node n on link l in family af (4 or 6). */
const uint8_t *lab_link_addr(const struct lab_link *l, int n, int af);

/* Interface number of node n on link l. */
int lab_link_ifnum(const struct lab_link *l, int n);

#endif
