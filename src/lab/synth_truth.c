/*
 * synth_truth: ground truth of a synthetic Internet (see synth_truth.h).
 */
#include "lab/synth_truth.h"
#include "lab/synth_hash.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Address text of family af. */
static const char *atext(int af, const uint8_t *a, char *buf)
{
	return inet_ntop(af == 4 ? AF_INET : AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* The flow a truth is asked for, as the generator sees it. */
static void make_flow(int af, const uint8_t *src, const uint8_t *dst, const struct lab_flow *flow,
		      struct synth_flow *f)
{
	memset(f, 0, sizeof *f);
	memcpy(f->src, src, af == 4 ? 4 : 16);
	memcpy(f->dst, dst, af == 4 ? 4 : 16);
	f->proto = !strcmp(flow->proto, "udp") ? IPPROTO_UDP : !strcmp(flow->proto, "tcp") ?
		   IPPROTO_TCP : af == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	f->sport = (uint16_t)flow->sport;
	f->dport = (uint16_t)flow->dport;
}

/* JSON of one router at a hop. */
static json_t *router_json(const struct synth *g, int af, const struct synth_hop *h)
{
	char buf[INET6_ADDRSTRLEN], name[24];
	json_t *r = json_object();

	snprintf(name, sizeof name, "r%016llx", (unsigned long long)h->router);
	json_object_set_new(r, "name", json_string(name));
	json_object_set_new(r, "addrs", json_pack("[s]", atext(af, h->addr, buf)));
	json_object_set_new(r, "silent", json_boolean(h->flags & SYNTH_H_SILENT));
	if (h->flags & SYNTH_H_RATELIMIT)
		json_object_set_new(r, "ratelimit_pps", json_integer(g->p.ratelimit_pps));
	if (h->flags & SYNTH_H_MPLS)
		json_object_set_new(r, "mpls_label", json_integer(h->label));
	if (h->flags & SYNTH_H_OTHERIF)
		json_object_set_new(r, "in_addr", json_string(atext(af, h->in_addr, buf)));
	json_object_set_new(r, "rtt_ms", json_real(h->delay_us * 2 / 1000.0));
	return r;
}

/* JSON of hop i over every branch of the path. */
static json_t *hop_json(const struct synth *g, const struct synth_path *branches, int width, int i,
			int ttl, const struct synth_path *taken, bool flow_known)
{
	json_t *hop = json_object(), *routers = json_array();
	const struct synth_hop *h0 = &branches[0].hops[i];
	char buf[INET6_ADDRSTRLEN];
	int af = branches[0].af;

	/* the router after a diamond answers from the interface each branch arrives on */
	for (int b = 0; b < width; b++) {
		const struct synth_hop *h = &branches[b].hops[i];
		int same = -1;
		for (int c = 0; c < b && same < 0; c++)
			if (branches[c].hops[i].router == h->router)
				same = c;
		if (same < 0) {
			json_array_append_new(routers, router_json(g, af, h));
			continue;
		}
		json_t *r = NULL, *x;
		size_t k;
		json_array_foreach(routers, k, x)
			if (strtoull(json_string_value(json_object_get(x, "name")) + 1, NULL, 16) == h->router)
				r = x;
		json_t *addrs = json_object_get(r, "addrs");
		bool have = false;
		json_array_foreach(addrs, k, x)
			have |= !strcmp(json_string_value(x), atext(af, h->addr, buf));
		if (!have)
			json_array_append_new(addrs, json_string(atext(af, h->addr, buf)));
	}
	json_object_set_new(hop, "ttl", json_integer(ttl));
	json_object_set_new(hop, "ecmp", json_boolean(h0->flags & (SYNTH_H_ECMP | SYNTH_H_PERPACKET)));
	if (h0->flags & SYNTH_H_PERPACKET)
		json_object_set_new(hop, "perpacket", json_true());
	if (flow_known)
		json_object_set_new(hop, "flow_addr", json_string(atext(af, taken->hops[i].addr, buf)));
	json_object_set_new(hop, "routers", routers);
	return hop;
}

/* How a path ends, as JSON fields on top (and the destination hop). */
static void end_json(const struct synth *g, const struct synth_path *p, const uint8_t *dst, int ttl,
		     json_t *hops, json_t *top)
{
	static const char *const names[] = { "host", "unrouted", "net-unreachable", "host-unreachable",
					     "loop" };
	char buf[INET6_ADDRSTRLEN];
	int af = p->af;

	json_object_set_new(top, "end", json_string(names[p->end]));
	json_object_set_new(top, "reached", json_boolean(p->alive));
	if (p->prefix >= 0) {
		uint8_t a[16];
		int len;
		char pfx[64];
		synth_pfx_addr(g, af, (size_t)p->prefix, a, &len);
		snprintf(pfx, sizeof pfx, "%s/%d", atext(af, a, buf), len);
		json_object_set_new(top, "prefix", json_string(pfx));
		json_object_set_new(top, "asn", json_integer(SYNTH_ASN_BASE +
			(af == 4 ? g->pfx4[p->prefix].as : g->pfx6[p->prefix].as)));
	}
	if (p->end == SYNTH_END_NET_UNREACH || p->end == SYNTH_END_HOST_UNREACH)
		json_object_set_new(top, "unreachable_from", json_string(atext(af, p->hops[p->border].addr, buf)));
	if (p->end == SYNTH_END_HOST) {
		json_t *hop = json_object();
		json_object_set_new(hop, "ttl", json_integer(ttl));
		json_object_set_new(hop, "ecmp", json_false());
		json_object_set_new(hop, "destination", json_true());
		json_object_set_new(hop, "routers", json_pack("[{s:s, s:[s], s:b, s:f}]", "name", "dst",
			"addrs", atext(af, dst, buf), "silent", !p->alive, "rtt_ms", p->dest_delay_us * 2 / 1000.0));
		json_array_append_new(hops, hop);
	}
}

/* Append the synthetic hops (see synth_truth.h). */
void synth_truth_path(const struct synth *g, int af, const uint8_t *src, const uint8_t *dst,
		      const struct lab_flow *flow, int ttl_base, json_t *hops, json_t *top)
{
	struct synth_path *br = calloc(5, sizeof *br), *taken = br + 4;
	struct synth_flow f;
	bool known = strcmp(flow->proto, "icmp") != 0 && flow->sport && flow->dport;
	int width;

	if (!br)
		return;
	make_flow(af, src, dst, flow, &f);
	synth_path_branch(g, af, &f, 0, &br[0]);
	width = br[0].width > 4 ? 4 : br[0].width;
	for (int b = 1; b < width; b++)
		synth_path_branch(g, af, &f, b, &br[b]);
	synth_path_of(g, af, &f, 0, taken);
	for (int i = 0; i < br[0].n_hops; i++)
		json_array_append_new(hops, hop_json(g, br, width, i, ttl_base + 1 + i, taken, known));
	end_json(g, &br[0], dst, ttl_base + br[0].n_hops + 1, hops, top);
	free(br);
}

/* A set of 64-bit hashes (open addressing), growing at half full. */
struct hset {
	uint64_t *v;
	size_t cap, n;
};

/* Insert h; true when it was new. */
static bool hset_add(struct hset *s, uint64_t h)
{
	h |= 1;                     /* 0 marks an empty slot */
	if (2 * (s->n + 1) > s->cap) {
		struct hset bigger = { calloc(s->cap ? 2 * s->cap : 1024, sizeof *s->v), s->cap ? 2 * s->cap : 1024, 0 };
		if (!bigger.v)
			return false;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				hset_add(&bigger, s->v[i]);
		free(s->v);
		*s = bigger;
	}
	for (size_t i = synth_mix(h) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == h)
			return false;
		if (!s->v[i]) {
			s->v[i] = h;
			s->n++;
			return true;
		}
	}
}

/* Hash of an address. */
static uint64_t ahash(const uint8_t *a)
{
	uint64_t x = 0, y = 0;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	return synth_h2(x, y);
}

/* Write the interfaces and links of one path. 0 or -1. */
static int emit_path(const struct synth_path *p, struct hset *ifs, struct hset *links, FILE *f)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = p->af;

	for (int i = 0; i < p->n_hops; i++) {
		const struct synth_hop *h = &p->hops[i], *n = &p->hops[i + 1];
		if (h->flags & SYNTH_H_SILENT)
			continue;
		if (hset_add(ifs, ahash(h->addr)) && fprintf(f, "iface %s\n", atext(af, h->addr, a)) < 0)
			return -1;
		if (i + 1 < p->n_hops && !(n->flags & SYNTH_H_SILENT) &&
		    hset_add(links, synth_h2(ahash(h->addr), ahash(n->addr))) &&
		    fprintf(f, "link %s %s\n", atext(af, h->addr, a), atext(af, n->addr, b)) < 0)
			return -1;
	}
	return 0;
}

/* Every branch of the path to dst. 0 or -1. */
static int emit_dst(const struct synth *g, int af, const uint8_t *src, const uint8_t *dst,
		    struct hset *ifs, struct hset *links, FILE *f)
{
	struct synth_flow fl = { .proto = IPPROTO_UDP };
	struct synth_path p;
	int width = 1;

	memcpy(fl.src, src, af == 4 ? 4 : 16);
	memcpy(fl.dst, dst, af == 4 ? 4 : 16);
	for (int b = 0; b < width; b++) {
		synth_path_branch(g, af, &fl, b, &p);
		width = p.width;
		if (emit_path(&p, ifs, links, f) < 0)
			return -1;
	}
	return 0;
}

/* Write the whole Internet's interfaces and links (see synth_truth.h). */
int synth_truth_all(const struct synth *g, int af, const uint8_t *src, FILE *f)
{
	struct hset ifs = { 0 }, links = { 0 };
	size_t n = af == 4 ? g->n4 : g->n6;
	uint8_t dst[16];
	int len, rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		synth_pfx_addr(g, af, i, dst, &len);
		if (af == 6) {
			dst[15] = 1;
			rc = emit_dst(g, af, src, dst, &ifs, &links, f);
			continue;
		}
		for (uint32_t k = 0; k < (1u << (24 - len)) && rc == 0; k++) {
			uint32_t v = ((uint32_t)dst[0] << 24 | (uint32_t)dst[1] << 16 | (uint32_t)dst[2] << 8) + (k << 8) + 1;
			uint8_t d[16] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
			rc = emit_dst(g, af, src, d, &ifs, &links, f);
		}
	}
	free(ifs.v);
	free(links.v);
	return rc < 0 || fflush(f) != 0 ? -1 : 0;
}
