/*
 * synth_path: the router-level path from the attach point to a destination
 * (see synth.h for the model). Hops are built as router identities first
 * (core, transit, region, AS, aggregation, gateway), then a per-flow or
 * per-packet diamond replaces one or two of them with a parallel branch, and
 * last each hop gets its addresses, flags and delay from its identity and
 * the one before it.
 */
#include "lab/synth.h"
#include "lab/synth_hash.h"

#include <math.h>
#include <string.h>

#define CORE_HOPS 2
#define OCC_K 1.78

/* A hop under construction: identity, link delay in, MPLS state. */
struct proto_hop {
	uint64_t key;
	uint32_t link_us;
	bool mpls;
};

/* The path being built. */
struct builder {
	const struct synth *g;
	int af;
	struct proto_hop h[SYNTH_MAX_HOPS];
	int n;
	uint32_t carry_us;          /* delay of hidden hops, added to the next link */
};

/* The identity of router (tag, a, b) of family af. */
static uint64_t rkey(const struct synth *g, int af, int tag, uint64_t a, uint64_t b)
{
	return synth_h3(synth_h2(g->p.seed, (uint64_t)af), synth_h2((uint64_t)tag, a), b);
}

/* A short link: 1 to 5 ms one way. */
static uint32_t short_link(uint64_t key)
{
	return 1000 + (uint32_t)(synth_h2(key, T_DELAY) % 4000);
}

/* Append a hop (or, when hidden, only its delay). */
static void push(struct builder *b, uint64_t key, uint32_t link_us, bool mpls, bool hidden)
{
	if (hidden || b->n == SYNTH_MAX_HOPS) {
		b->carry_us += link_us;
		return;
	}
	b->h[b->n++] = (struct proto_hop){ key, link_us + b->carry_us, mpls };
	b->carry_us = 0;
}

/* The transit provider's chain; interior hops of an MPLS provider are LSRs. */
static void transit_chain(struct builder *b, uint64_t prov)
{
	const struct synth *g = b->g;
	int len = 2 + (int)(synth_h3(g->p.seed, T_TLEN, prov) % 4);
	bool mpls = synth_pct(synth_h3(g->p.seed, T_MPLS, prov)) < g->p.mpls_pct;
	bool hidden = mpls && synth_pct(synth_h3(g->p.seed, T_HIDDEN, prov)) < g->p.mpls_hidden_pct;

	for (int j = 0; j < len; j++) {
		uint64_t k = rkey(g, b->af, T_TRANSIT, prov, (uint64_t)j);
		bool lsr = mpls && j > 0 && j < len - 1;
		push(b, k, short_link(k), lsr && !hidden, lsr && hidden);
	}
}

/* The regional chain; its first link is often long-haul (20..300 ms). */
static void region_chain(struct builder *b, uint64_t prov, uint64_t region)
{
	const struct synth *g = b->g;
	uint64_t id = prov * g->n_region + region;
	int len = 1 + (int)(synth_h3(g->p.seed, T_RLEN, id) % 2);

	for (int j = 0; j < len; j++) {
		uint64_t k = rkey(g, b->af, T_REG, id, (uint64_t)j);
		uint32_t us = short_link(k);
		if (j == 0 && synth_pct(synth_h2(k, T_LONG)) < 60) {
			double u = synth_unit(synth_h2(k, T_DELAY));
			us = 20000 + (uint32_t)(280000.0 * u * u * u);
		}
		push(b, k, us, false, false);
	}
}

/* The chain of router identities of tag/id, len hops. */
static void chain(struct builder *b, int tag, uint64_t id, int len)
{
	for (int j = 0; j < len; j++) {
		uint64_t k = rkey(b->g, b->af, tag, id, (uint64_t)j);
		push(b, k, short_link(k), false, false);
	}
}

/* The /24 (IPv4) or /64 (IPv6) block of dst. */
static uint64_t block_of(int af, const uint8_t *dst)
{
	uint64_t v = 0;

	for (int i = 0; i < (af == 4 ? 3 : 8); i++)
		v = v << 8 | dst[i];
	return v;
}

/* Hash of the flow as a load balancer sees it (addresses, protocol, ports). */
static uint64_t flow_hash(int af, const struct synth_flow *f)
{
	uint64_t h = synth_h2(T_FLOW, f->proto);
	int n = af == 4 ? 4 : 16;

	for (int i = 0; i < n; i += 4) {
		h = synth_h3(h, (uint64_t)f->src[i] << 24 | (uint64_t)f->src[i + 1] << 16 |
			     (uint64_t)f->src[i + 2] << 8 | f->src[i + 3],
			     (uint64_t)f->dst[i] << 24 | (uint64_t)f->dst[i + 1] << 16 |
			     (uint64_t)f->dst[i + 2] << 8 | f->dst[i + 3]);
	}
	return synth_h2(h, (uint64_t)f->sport << 16 | f->dport);
}

/* Where a prefix's diamond sits: first hop d, length, width; false if none. */
static bool diamond_of(const struct synth *g, const struct builder *b, long long pfx, int *d,
		       int *len, int *width, bool *perpacket)
{
	uint64_t h = synth_h3(g->p.seed, T_ECMP, (uint64_t)pfx * 2 + (b->af == 6));
	uint64_t k;

	if (b->n < CORE_HOPS + 2 || synth_pct(h) >= g->p.ecmp_pct)
		return false;
	*d = CORE_HOPS + (int)(synth_h2(h, T_ECMPPOS) % (uint64_t)(b->n - CORE_HOPS - 1));
	k = b->h[*d].key;
	*len = 1 + (int)(synth_h2(k, T_DLEN) % 2);
	if (*d + *len > b->n - 1)
		*len = b->n - 1 - *d;
	*width = 2 + (int)(synth_h2(k, T_WIDTH) % 3);
	*perpacket = synth_pct(synth_h2(h, T_PERPKT)) < g->p.perpacket_pct;
	return *len > 0;
}

/* IPv4 or IPv6 interface address from hash h, in the router block. */
static void iface_addr(const struct synth *g, int af, uint64_t h, uint8_t *out)
{
	memset(out, 0, 16);
	if (af == 4) {
		uint32_t a = (uint32_t)(g->infra4_base + 1 + h % (g->infra4_size - 2));
		if ((a & 0xff) == 0 || (a & 0xff) == 255)
			a ^= 1;
		for (int i = 0; i < 4; i++)
			out[i] = (uint8_t)(a >> (24 - 8 * i));
		return;
	}
	uint64_t hi = g->infra6_hi + ((h >> 48) & 0xffff), lo = h | 1;
	for (int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(hi >> (56 - 8 * i));
		out[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
	}
}

/* Fill hop i of the final path from its identity and its predecessor's. */
static void finish_hop(const struct synth *g, int af, struct synth_hop *hop, uint64_t key, uint64_t prev,
		       bool mpls)
{
	const struct synth_params *p = &g->p;

	hop->router = key;
	hop->flags = 0;
	if (synth_pct(synth_h2(key, T_SILENT)) < p->silent_pct)
		hop->flags |= SYNTH_H_SILENT;
	if (synth_pct(synth_h2(key, T_RL)) < p->ratelimit_pct)
		hop->flags |= SYNTH_H_RATELIMIT;
	iface_addr(g, af, synth_h3(key, T_IFACE, prev), hop->in_addr);
	memcpy(hop->addr, hop->in_addr, 16);
	if (synth_pct(synth_h2(key, T_OTHERIF)) < p->otherif_pct) {
		hop->flags |= SYNTH_H_OTHERIF;
		iface_addr(g, af, synth_h2(key, T_LOOPBACK), hop->addr);
	}
	if (mpls) {
		hop->flags |= SYNTH_H_MPLS;
		hop->label = 16 + (uint32_t)(synth_h2(key, T_LABEL) % (0xfffff - 16));
	}
	hop->width = 1;
	hop->branch = 0;
}

/* The identity of branch k of the router at a diamond hop. */
static uint64_t branch_key(uint64_t key, int k)
{
	return k == 0 ? key : synth_h2(key, T_ALT + (uint64_t)k);
}

/* Turn the builder's hops into the path, taking branch `pick` at the diamond. */
static void finish(const struct synth *g, struct builder *b, struct synth_path *path, int d, int dlen,
		   int width, bool perpacket, int pick, int only)
{
	uint64_t prev = 0;
	uint32_t delay = 0;

	path->n_hops = b->n;
	for (int i = 0; i < b->n; i++) {
		bool in_diamond = dlen > 0 && i >= d && i < d + dlen;
		uint64_t key = in_diamond ? branch_key(b->h[i].key, pick) : b->h[i].key;
		struct synth_hop *hop = &path->hops[i];
		if (only < 0 || i == only) {
			finish_hop(g, b->af, hop, key, prev, b->h[i].mpls);
		} else {                /* not asked for: identity and delay only */
			hop->router = key;
			hop->flags = 0;
			hop->width = 1;
		}
		delay += b->h[i].link_us;
		hop->delay_us = delay;
		if (in_diamond) {
			hop->flags |= perpacket ? SYNTH_H_PERPACKET : SYNTH_H_ECMP;
			hop->width = (uint8_t)width;
			hop->branch = (uint8_t)pick;
		}
		prev = key;
	}
	path->dest_delay_us = delay + b->carry_us + short_link(prev ^ 1);
}

/* Build the hops after the core for a routed prefix; sets the path's end. */
static void routed_hops(const struct synth *g, struct builder *b, struct synth_path *path,
			const uint8_t *dst, long long pfx)
{
	const struct synth_pfx *x = b->af == 4 ? &g->pfx4[pfx] : &g->pfx6[pfx];
	uint64_t a = x->as, prov = synth_h3(g->p.seed, T_PROV, a) % g->n_transit;
	uint64_t region = synth_h3(g->p.seed, T_REGION, a) % g->n_region;
	uint64_t ph = synth_h3(g->p.seed, T_UNREACH, (uint64_t)pfx * 2 + (b->af == 6)), group, blk;

	transit_chain(b, prov);
	region_chain(b, prov, region);
	chain(b, T_ASCH, a, 1 + (int)(synth_h3(g->p.seed, T_ALEN, a) % 3));
	path->border = b->n - 1;
	if (synth_pct(ph) < g->p.unreach_pct) {
		path->end = synth_h2(ph, T_UNRKIND) & 1 ? SYNTH_END_HOST_UNREACH : SYNTH_END_NET_UNREACH;
		return;
	}
	if (synth_pct(synth_h2(ph, T_LOOP)) < g->p.loop_pct) {
		path->end = SYNTH_END_LOOP;
		return;
	}
	group = b->af == 4 ? ((uint64_t)pfx - g->as_first4[a]) / 8 : (uint64_t)pfx / 8 + (1ULL << 40);
	group = synth_h2(a, group);
	chain(b, T_GROUP, group, (int)(synth_h3(g->p.seed, T_GLEN, group) % 3));
	blk = block_of(b->af, dst);
	if (synth_pct(synth_h3(g->p.seed, T_GWON, blk)) < 60)
		chain(b, T_GW, blk, 1);
	path->end = SYNTH_END_HOST;
}

/* True when dst is alive (see synth.h): a responsive block, then the address. */
static bool alive_addr(const struct synth *g, int af, const uint8_t *dst)
{
	uint64_t blk = block_of(af, dst), s = g->p.seed;
	double occ, u;

	if (synth_pct(synth_h3(s, T_RESP, blk * 2 + (af == 6))) >= g->p.responsive_pct)
		return false;
	if (af == 6) {
		for (int i = 8; i < 15; i++)
			if (dst[i])
				return false;
		return dst[15] == 1;
	}
	/* occupancy of this /24: alive_pct * (k + 1) * u^k, mean alive_pct; with
	 * k = 1.78 and 21 % a quarter of responsive /24s are under 5 % full and
	 * 9 % over half full, as Heidemann et al. (IMC 2008) measured */
	u = synth_unit(synth_h3(s, T_OCC, blk));
	occ = g->p.alive_pct * (OCC_K + 1.0) * pow(u, OCC_K);
	return synth_unit(synth_h3(s, T_ALIVE, (uint64_t)dst[0] << 24 | (uint64_t)dst[1] << 16 |
				   (uint64_t)dst[2] << 8 | dst[3])) * 100.0 < occ;
}

/* The hop index answering TTL ttl (1..), or -1 when no router does. */
static int answering_hop(const struct synth_path *path, int n, int ttl)
{
	if (ttl <= n)
		return ttl - 1;
	if (path->end == SYNTH_END_NET_UNREACH || path->end == SYNTH_END_HOST_UNREACH)
		return path->border;
	if (path->end == SYNTH_END_LOOP)
		return (ttl - n) % 2 ? path->border - 1 : path->border;
	return -1;
}

/*
 * Build the path; branch < 0 picks the diamond's branch by flow (or nonce).
 * ttl > 0: only the hop answering that TTL gets its addresses and flags.
 */
static void build_path(const struct synth *g, int af, const struct synth_flow *flow, uint64_t nonce,
		       int branch, int ttl, struct synth_path *path)
{
	struct builder b = { .g = g, .af = af };
	int d = 0, dlen = 0, width = 1, pick = 0;
	bool perpacket = false;

	memset(path, 0, offsetof(struct synth_path, hops));
	path->af = af;
	path->border = -1;
	path->end = SYNTH_END_UNROUTED;
	path->prefix = synth_lookup(g, af, flow->dst);
	chain(&b, T_CORE, 0, CORE_HOPS);
	if (path->prefix >= 0) {
		routed_hops(g, &b, path, flow->dst, path->prefix);
		if (!diamond_of(g, &b, path->prefix, &d, &dlen, &width, &perpacket))
			dlen = 0, width = 1;
		else if (branch >= 0)
			pick = branch % width;
		else
			pick = (int)((perpacket ? nonce : synth_h2(flow_hash(af, flow), b.h[d].key)) %
				     (uint64_t)width);
	}
	finish(g, &b, path, d, dlen, width, perpacket, pick, ttl > 0 ? answering_hop(path, b.n, ttl) : -1);
	path->width = width;
	path->alive = path->end == SYNTH_END_HOST && alive_addr(g, af, flow->dst);
}

/* The path towards flow->dst for this flow (see synth.h). */
void synth_path_of(const struct synth *g, int af, const struct synth_flow *flow, uint64_t nonce,
		   struct synth_path *path)
{
	build_path(g, af, flow, nonce, -1, 0, path);
}

/* The path, complete only at the hop answering ttl (see synth.h). */
void synth_path_for_ttl(const struct synth *g, int af, const struct synth_flow *flow, uint64_t nonce,
			int ttl, struct synth_path *path)
{
	build_path(g, af, flow, nonce, -1, ttl, path);
}

/* The path towards flow->dst through diamond branch `branch` (see synth.h). */
void synth_path_branch(const struct synth *g, int af, const struct synth_flow *flow, int branch,
		       struct synth_path *path)
{
	build_path(g, af, flow, 0, branch, 0, path);
}

/* The router answering a probe that expires at synthetic hop ttl of a loop. */
const struct synth_hop *synth_loop_hop(const struct synth_path *path, int ttl)
{
	int b = path->border;

	if (ttl <= path->n_hops)
		return &path->hops[ttl - 1];
	/* past the border the packet bounces: upstream, border, upstream, ... */
	return &path->hops[(ttl - path->n_hops) % 2 ? b - 1 : b];
}
