/*
 * truth: the lab's ground truth for a traceroute. For a source host, a
 * destination address and a flow, it lists each hop's possible routers and
 * the address each would answer from (its interface towards the source),
 * marking silent routers, rate-limiting routers, ECMP steps (several
 * possible routers; which one a flow takes depends on the kernel's hash, so
 * all are listed) and protocols the destination filters.
 */
#ifndef VANTAGE_LAB_TRUTH_H
#define VANTAGE_LAB_TRUTH_H

#include "lab/topology.h"

#include <jansson.h>

struct synth;

/* The flow a truth is asked for; proto is "udp", "tcp" or "icmp". */
struct lab_flow {
	const char *proto;
	long long sport, dport;     /* 0 when not given */
};

/*
 * Build the ground truth from node src to dst (a node name, which takes the
 * node's first address of family af, or an address) as a JSON object.
 * Returns the new object, or NULL with the problem in err.
 */
json_t *lab_truth(const struct lab_topo *t, const char *src, const char *dst,
		  int af, const struct lab_flow *flow, char *err, size_t errlen);

/*
 * Synthetic Internets generated for truths, kept between calls of
 * lab_truth_cached (zero it before the first; lab_truth_cache_free after).
 */
struct lab_truth_cache {
	struct synth *g[LAB_MAX_NODES];
};

/* lab_truth, generating each synthetic Internet once into cache. */
json_t *lab_truth_cached(const struct lab_topo *t, const char *src, const char *dst, int af,
			 const struct lab_flow *flow, struct lab_truth_cache *cache, char *err,
			 size_t errlen);

/* Free the Internets a cache holds. */
void lab_truth_cache_free(struct lab_truth_cache *cache);

/* Node n's first address of family af into addr (16 bytes). False if none. */
bool lab_node_addr(const struct lab_topo *t, int n, int af, uint8_t *addr);

#endif
