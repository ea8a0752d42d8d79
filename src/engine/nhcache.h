/*
 * nhcache: where a probe leaves on the link, for the packet-socket send
 * path. It reads the kernel's routing rules, routes, links and neighbours
 * through rtnetlink dumps (no packet sent), and answers, per destination:
 * the output interface, our link-layer address on it and the next hop's.
 * It answers only when the kernel's own choice is plain enough to repeat
 * exactly: only the default rules (local, main, default), a unicast main
 * route with one next hop on an Ethernet link, no local or broadcast
 * address, and a resolved neighbour. Anything else is "no": the engine then
 * sends through the raw socket, as before (which makes the kernel resolve
 * the neighbour). The dumps are re-read when they are older than a second,
 * or 10 ms after a miss.
 *
 * nh_parse_dump is the pure part: it takes one buffer of rtnetlink
 * messages (hostile input, bounded reads) and adds what it finds.
 */
#ifndef VANTAGE_ENGINE_NHCACHE_H
#define VANTAGE_ENGINE_NHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct nh_route {
	uint8_t family, dst_len, table, type;
	bool has_gw, multipath;
	uint8_t dst[16], gw[16];
	int oif;
	uint32_t prio;
};

struct nh_neigh {
	uint8_t family;
	int ifindex;
	uint8_t addr[16], mac[6];
};

struct nh_link {
	int ifindex;
	uint32_t mtu;
	uint8_t mac[6];
};

struct nhcache {
	struct nh_route *routes;
	struct nh_neigh *neigh;
	struct nh_link *links;
	size_t nroutes, nneigh, nlinks, caproutes, capneigh, caplinks;
	size_t nrules[2];        /* rules seen per family (v4, v6) */
	bool odd_rules[2];       /* a rule other than the three defaults */
	uint64_t loaded_ns;      /* monotonic time of the last load, 0 = never */
	uint64_t lookups, misses, loads;
};

/* Where one frame goes: out of ifindex, from src_mac to dst_mac. */
struct nh_hop {
	int ifindex;
	uint32_t mtu;           /* the link's MTU (largest IP packet) */
	uint8_t src_mac[6], dst_mac[6];
};

/* Start empty. */
void nh_init(struct nhcache *c);

/* Free what it holds. */
void nh_free(struct nhcache *c);

/*
 * Read the rules, routes, links and neighbours of both families afresh
 * (the old contents are dropped first). 0, or -errno with a reason in err.
 */
int nh_load(struct nhcache *c, uint64_t now_ns, char *err, size_t errlen);

/*
 * Add what one buffer of rtnetlink messages (RTM_NEWROUTE, RTM_NEWNEIGH,
 * RTM_NEWLINK, RTM_NEWRULE) holds. Returns 1 when the buffer ends the dump
 * (NLMSG_DONE), 0 when more follow, -1 on NLMSG_ERROR or no memory.
 */
int nh_parse_dump(struct nhcache *c, const uint8_t *buf, size_t len);

/*
 * The hop towards dst as the kernel would pick it, reloading the dumps when
 * they are older than a second (10 ms on a miss). true and *out filled, or false.
 */
bool nh_lookup(struct nhcache *c, const struct net_addr *dst, uint64_t now_ns,
	       struct nh_hop *out);

#endif
