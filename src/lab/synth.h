/*
 * synth: the synthetic Internet, a lab node of kind `internet` that answers in
 * user space for a whole generated Internet behind one lab router.
 *
 * Everything is derived from the seed by hash functions over the prefix, the
 * AS and the hop; only the prefix table itself is stored (16 bytes a prefix),
 * never anything per address. The model, from the attach point outwards:
 *
 *   core chain (shared by every destination)
 *   -> transit provider's chain (shared by its customer ASes; some providers
 *      run MPLS tunnels that show their labels, RFC 4950, or hide their hops)
 *   -> regional chain (provider, region)
 *   -> the AS's own chain, whose last router is the AS border
 *   -> an aggregation chain per group of 8 prefixes of the AS
 *   -> sometimes a gateway per /24 (IPv4) or /64 (IPv6)
 *   -> the destination, alive (echo reply, port unreachable, RST) or silent.
 *
 * Some paths cross a per-flow ECMP diamond (2..4 parallel branches for one or
 * two hops, chosen by a hash of the flow: addresses, protocol and ports, or
 * the ICMP type, code and checksum, the fields Paris traceroute keeps fixed),
 * a few a per-packet balancer. Some routers never answer, some rate-limit
 * their ICMP (a token bucket per router), some answer from another interface.
 * Some prefixes are unreachable beyond their border router (ICMP net or host
 * unreachable from it), a few loop between the border and its upstream.
 * Each link has a one-way latency (about 1 ms to 300 ms); replies carry the
 * round trip to the answering hop as their delay.
 *
 * The answer function is pure apart from the rate limiters' token buckets
 * and the per-packet balancers' counter, both inside struct synth.
 */
#ifndef VANTAGE_LAB_SYNTH_H
#define VANTAGE_LAB_SYNTH_H

#include "lab/synth_params.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SYNTH_MAX_HOPS 48
#define SYNTH_REPLY_MAX 576         /* largest reply built (an echo reply larger is not answered) */
#define SYNTH_ASN_BASE 4200000000u  /* private 4-byte ASNs (RFC 6996) */

/* One routed prefix: its first address (IPv4: the address; IPv6: its upper 64 bits). */
struct synth_pfx {
	uint64_t start;
	uint32_t as;                /* AS index; the ASN is SYNTH_ASN_BASE + as */
	uint8_t len;
};

/* What lies beyond the last router of a path. */
enum synth_end {
	SYNTH_END_HOST,             /* the destination: alive or silent */
	SYNTH_END_UNROUTED,         /* no prefix holds it: dropped after the core */
	SYNTH_END_NET_UNREACH,      /* the border router says net unreachable */
	SYNTH_END_HOST_UNREACH,     /* the border router says host unreachable */
	SYNTH_END_LOOP,             /* forwarded back and forth: border <-> upstream */
};

/* Flags of one hop. */
enum synth_hop_flag {
	SYNTH_H_SILENT = 1,         /* never answers */
	SYNTH_H_RATELIMIT = 2,      /* token bucket on its ICMP */
	SYNTH_H_ECMP = 4,           /* one of several per-flow branches */
	SYNTH_H_PERPACKET = 8,      /* one of several per-packet branches */
	SYNTH_H_MPLS = 16,          /* inside a tunnel that shows its label */
	SYNTH_H_OTHERIF = 32,       /* answers from another interface than the incoming one */
};

/* One router on a path. */
struct synth_hop {
	uint64_t router;            /* the router's identity */
	uint8_t addr[16];           /* the address it answers from */
	uint8_t in_addr[16];        /* its incoming interface */
	uint32_t delay_us;          /* one-way delay from the attach point */
	uint32_t label;             /* MPLS label when SYNTH_H_MPLS */
	uint8_t flags;              /* enum synth_hop_flag */
	uint8_t width;              /* branches at this hop (1 = none) */
	uint8_t branch;             /* which branch this flow took */
};

/* The path towards one destination for one flow. */
struct synth_path {
	int af;
	int n_hops;                 /* routers before the destination (or before the end) */
	struct synth_hop hops[SYNTH_MAX_HOPS];
	enum synth_end end;
	int border;                 /* index of the AS border hop, -1 if none */
	bool alive;                 /* the destination answers (SYNTH_END_HOST only) */
	int width;                  /* branches of the path's diamond (1: none) */
	uint32_t dest_delay_us;     /* one-way delay to the destination */
	long long prefix;           /* index into the prefix table, -1 when unrouted */
};

/* The flow a probe belongs to, as load balancers see it. */
struct synth_flow {
	uint8_t src[16], dst[16];
	uint8_t proto;
	uint16_t sport, dport;      /* UDP/TCP ports; for ICMP type<<8|code and checksum */
};

/* One router's token bucket for its ICMP (a slot of a small hash table). */
struct synth_bucket {
	uint64_t router;
	uint64_t last_ns;
	double tokens;
};

/* A generated Internet. */
struct synth {
	struct synth_params p;
	struct synth_pfx *pfx4, *pfx6;
	size_t n4, n6;
	uint32_t *as_first4;        /* first IPv4 prefix of each AS */
	uint32_t *index[2];         /* per family: prefixes starting before each of 65536 buckets */
	int index_shift[2];
	uint64_t n_as;
	uint64_t infra4_base, infra4_size;  /* router addresses, IPv4 */
	uint64_t infra6_hi;         /* upper 64 bits of the first /48: IPv6 router addresses */
	uint32_t n_transit, n_region;
	uint64_t pp_counter;        /* per-packet balancers' round robin */
	struct synth_bucket *buckets;   /* rate limiters, by router hash */
	size_t n_buckets;
	uint64_t answered, dropped_silent, dropped_ratelimit, ignored;
};

/* Generate the Internet of params p into *g. 0, or -1 with the problem in err. */
int synth_init(struct synth *g, const struct synth_params *p, char *err, size_t errlen);

/* Free what synth_init allocated. */
void synth_free(struct synth *g);

/* Index of the prefix of family af holding addr, or -1. */
long long synth_lookup(const struct synth *g, int af, const uint8_t *addr);

/*
 * The path towards flow->dst (family af) for this flow. nonce picks the
 * branch of per-packet balancers. Fills *path.
 */
void synth_path_of(const struct synth *g, int af, const struct synth_flow *flow, uint64_t nonce,
		   struct synth_path *path);

/*
 * synth_path_of, but only the hop that answers a probe of TTL ttl (>= 1:
 * the router where it expires, the border that says unreachable, or the
 * router of a loop) gets its addresses and flags: the answer's fast path.
 */
void synth_path_for_ttl(const struct synth *g, int af, const struct synth_flow *flow, uint64_t nonce,
			int ttl, struct synth_path *path);

/*
 * The path towards flow->dst through branch `branch` (0..width-1) of its
 * diamond, whatever the flow: the truth lists every branch this way.
 */
void synth_path_branch(const struct synth *g, int af, const struct synth_flow *flow, int branch,
		       struct synth_path *path);

/* The router answering a probe expiring at synthetic hop ttl (>= 1; past n_hops: a loop). */
const struct synth_hop *synth_loop_hop(const struct synth_path *path, int ttl);

/* A reply built by synth_answer. */
struct synth_reply {
	size_t len;
	uint64_t delay_ns;          /* send it this long after the probe arrived */
	uint8_t data[SYNTH_REPLY_MAX];
};

/*
 * Answer one IP packet (IPv4 or IPv6, no link header) that arrived at now_ns.
 * Returns 1 with *out filled, 0 when nothing answers (silent, rate-limited,
 * outside the Internet, not a probe), or -1 when the packet is malformed.
 */
int synth_answer(struct synth *g, const uint8_t *pkt, size_t len, uint64_t now_ns,
		 struct synth_reply *out);

/* Write the prefix table of family af as "prefix<TAB>length<TAB>ASN" lines. */
int synth_write_pfx2as(const struct synth *g, int af, FILE *f);

/* Format prefix i of family af as text ("240.64.0.0", length into *len). */
void synth_pfx_addr(const struct synth *g, int af, size_t i, uint8_t *addr, int *len);

#endif
