/*
 * truth: walk the lab's routing from a source to a destination, one layer of
 * equal-cost routers per hop, and describe it as JSON (see truth.h).
 */
#include "lab/truth.h"
#include "lab/routes.h"
#include "lab/synth_truth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a walk starts and ends. */
struct walk {
	const struct lab_topo *t;
	int af;
	int src;
	uint8_t src_addr[16], dst_addr[16];
	struct lab_dest dests[LAB_MAX_DESTS];
	int n_dests;
	int to_dst, to_src;         /* destination indexes */
	int holder;                 /* the node that holds the destination address */
	int dist_dst[LAB_MAX_NODES], dist_src[LAB_MAX_NODES];
};

/* Node n's first address of family af into addr (16 bytes). False if none. */
bool lab_node_addr(const struct lab_topo *t, int n, int af, uint8_t *addr)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		if (l->a == n || l->b == n) {
			memcpy(addr, lab_link_addr(l, n, af), af == 4 ? 4 : 16);
			return true;
		}
	}
	return false;
}

/* Resolve dst (a node name or an address) into w->dst_addr; false if bad. */
static bool resolve_dst(struct walk *w, const char *dst)
{
	int n = lab_topo_find(w->t, dst);

	if (n >= 0) {
		if (w->t->nodes[n].n_anyip > 0) {
			for (int j = 0; j < w->t->nodes[n].n_anyip; j++)
				if (w->t->nodes[n].anyip[j].af == w->af) {
					memcpy(w->dst_addr, w->t->nodes[n].anyip[j].addr, 16);
					w->dst_addr[w->af == 4 ? 3 : 15] |= 1;
					return true;
				}
		}
		return lab_node_addr(w->t, n, w->af, w->dst_addr);
	}
	return inet_pton(w->af == 4 ? AF_INET : AF_INET6, dst, w->dst_addr) == 1;
}

/* JSON array of the addresses node n would answer from towards the source. */
static json_t *answer_addrs(const struct walk *w, int n)
{
	const struct lab_dest *d = &w->dests[w->to_src];
	struct lab_nexthop nh[LAB_MAX_IFACES];
	json_t *a = json_array();
	char buf[INET6_ADDRSTRLEN];
	int k;

	if (d->owners >> n & 1) {
		lab_addr_format(w->af, lab_link_addr(&w->t->links[d->link], n, w->af), buf, sizeof buf);
		json_array_append_new(a, json_string(buf));
		return a;
	}
	k = lab_route_nexthops(w->t, w->dist_src, d->owners, n, NULL, nh);
	for (int i = 0; i < k; i++) {
		lab_addr_format(w->af, lab_link_addr(&w->t->links[nh[i].link], n, w->af), buf, sizeof buf);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* JSON object for router n at one hop. */
static json_t *router_entry(const struct walk *w, int n)
{
	const struct lab_node *node = &w->t->nodes[n];
	json_t *r = json_object();

	json_object_set_new(r, "name", json_string(node->name));
	json_object_set_new(r, "addrs", answer_addrs(w, n));
	json_object_set_new(r, "silent", json_boolean(node->silent));
	if (node->ratelimit_ms)
		json_object_set_new(r, "ratelimit_ms", json_integer(node->ratelimit_ms));
	return r;
}

/* The layer after `layer` towards the destination (a node set). */
static uint64_t next_layer(const struct walk *w, uint64_t layer)
{
	const struct lab_dest *d = &w->dests[w->to_dst];
	struct lab_nexthop nh[LAB_MAX_IFACES];
	uint64_t next = 0;

	for (int n = 0; n < w->t->n_nodes; n++) {
		if (!(layer >> n & 1))
			continue;
		int k = lab_route_nexthops(w->t, w->dist_dst, d->owners, n, NULL, nh);
		for (int i = 0; i < k; i++)
			next |= 1ULL << nh[i].node;
	}
	return next;
}

/* True when the destination node's filter drops the flow's protocol. */
static bool filtered(const struct lab_node *n, const struct lab_flow *f)
{
	unsigned bit = strcmp(f->proto, "udp") == 0 ? LAB_F_UDP :
		       strcmp(f->proto, "tcp") == 0 ? LAB_F_TCP : LAB_F_ICMP;
	return (n->filter & bit) != 0;
}

/* JSON array naming the protocols a node filters. */
static json_t *filter_list(unsigned f)
{
	json_t *a = json_array();

	if (f & LAB_F_UDP)
		json_array_append_new(a, json_string("udp"));
	if (f & LAB_F_TCP)
		json_array_append_new(a, json_string("tcp"));
	if (f & LAB_F_ICMP)
		json_array_append_new(a, json_string("icmp"));
	return a;
}

/* JSON entry of the destination node n answering for the flow. */
static json_t *dest_entry(const struct walk *w, int n, const struct lab_flow *flow)
{
	const struct lab_dest *d = &w->dests[w->to_dst];
	json_t *r = json_object();
	char buf[INET6_ADDRSTRLEN];

	lab_addr_format(w->af, w->dst_addr, buf, sizeof buf);
	json_object_set_new(r, "name", json_string(w->t->nodes[n].name));
	/* Linux sends an ICMPv6 error for an AnyIP (not assigned) address
	 * from its interface address towards the source */
	if (w->af == 6 && d->link < 0 && strcmp(flow->proto, "udp") == 0)
		json_object_set_new(r, "addrs", answer_addrs(w, n));
	else
		json_object_set_new(r, "addrs", json_pack("[s]", buf));
	json_object_set_new(r, "silent", json_boolean(w->t->nodes[n].silent));
	return r;
}

/* JSON array of the hops from the source to the destination. */
static json_t *walk_hops(const struct walk *w, const struct lab_flow *flow, json_t *top)
{
	const struct lab_dest *d = &w->dests[w->to_dst];
	uint64_t layer = 1ULL << w->src, target = 1ULL << w->holder;
	json_t *hops = json_array();
	const struct lab_node *h = &w->t->nodes[w->holder];

	for (int ttl = 1; ttl <= LAB_MAX_NODES && !(layer & target); ttl++) {
		json_t *hop = json_object(), *routers = json_array();
		/* an owner of the destination's subnet hands over to the holder */
		layer = (layer & d->owners) ? target : next_layer(w, layer);
		for (int n = 0; n < w->t->n_nodes; n++)
			if ((layer >> n & 1) && n != w->holder)
				json_array_append_new(routers, router_entry(w, n));
		json_object_set_new(hop, "ttl", json_integer(ttl));
		json_object_set_new(hop, "ecmp", json_boolean(json_array_size(routers) > 1));
		if (layer & target) {
			json_array_append_new(routers, dest_entry(w, w->holder, flow));
			json_object_set_new(hop, "destination", json_true());
		}
		json_object_set_new(hop, "routers", routers);
		json_array_append_new(hops, hop);
	}
	json_object_set_new(top, "dst", json_string(h->name));
	json_object_set_new(top, "filtered", filter_list(h->filter));
	json_object_set_new(top, "reached", json_boolean(!filtered(h, flow)));
	return hops;
}

/* The node holding dst_addr within destination d: an anyip host or a link end. */
static int find_holder(const struct walk *w, const struct lab_dest *d)
{
	const struct lab_link *l;

	if (d->link < 0)
		return __builtin_ctzll(d->owners);
	l = &w->t->links[d->link];
	if (memcmp(lab_link_addr(l, l->a, w->af), w->dst_addr, w->af == 4 ? 4 : 16) == 0)
		return l->a;
	if (memcmp(lab_link_addr(l, l->b, w->af), w->dst_addr, w->af == 4 ? 4 : 16) == 0)
		return l->b;
	return -1;
}

/* Set up the walk: addresses, destinations and distances. Returns 0 or -1. */
static int walk_init(struct walk *w, const char *src, const char *dst, char *err, size_t errlen)
{
	if ((w->src = lab_topo_find(w->t, src)) < 0) {
		snprintf(err, errlen, "truth: no node called '%s'", src);
		return -1;
	}
	if (!resolve_dst(w, dst)) {
		snprintf(err, errlen, "truth: '%s' is neither a node nor an IPv%d address", dst, w->af);
		return -1;
	}
	w->n_dests = lab_route_dests(w->t, w->af, w->dests);
	w->to_dst = lab_route_lookup(w->dests, w->n_dests, w->af, w->dst_addr);
	if (!lab_node_addr(w->t, w->src, w->af, w->src_addr) || w->to_dst < 0) {
		snprintf(err, errlen, "truth: no lab route from '%s' to '%s'", src, dst);
		return -1;
	}
	if ((w->holder = find_holder(w, &w->dests[w->to_dst])) < 0) {
		snprintf(err, errlen, "truth: no node holds %s", dst);
		return -1;
	}
	w->to_src = lab_route_lookup(w->dests, w->n_dests, w->af, w->src_addr);
	lab_route_dist(w->t, w->dests[w->to_dst].owners, w->dist_dst);
	lab_route_dist(w->t, w->dests[w->to_src].owners, w->dist_src);
	if (w->dist_dst[w->src] < 0) {
		snprintf(err, errlen, "truth: '%s' cannot reach '%s'", src, dst);
		return -1;
	}
	return 0;
}

/*
 * The destination lies in a synthetic Internet (node holder): replace the
 * walk's last hop (the node itself) with the generated hops. 0 or -1.
 */
static int internet_hops(const struct walk *w, const struct lab_flow *flow, json_t *top,
			 struct lab_truth_cache *cache, char *err, size_t errlen)
{
	const struct lab_node *n = &w->t->nodes[w->holder];
	json_t *hops = json_object_get(top, "hops");
	size_t last = json_array_size(hops) - 1;
	int base = (int)json_integer_value(json_object_get(json_array_get(hops, last), "ttl")) - 1;
	struct synth *g = cache->g[w->holder];

	if (!g) {
		if (!(g = calloc(1, sizeof *g)) || synth_init(g, &n->synth, err, errlen) < 0) {
			free(g);
			return -1;
		}
		cache->g[w->holder] = g;
	}
	json_array_remove(hops, last);
	json_object_set_new(top, "internet", json_string(n->name));
	synth_truth_path(g, w->af, w->src_addr, w->dst_addr, flow, base, hops, top);
	json_object_del(top, "filtered");
	return 0;
}

/* Free the Internets a cache holds. */
void lab_truth_cache_free(struct lab_truth_cache *cache)
{
	for (int i = 0; i < LAB_MAX_NODES; i++)
		if (cache->g[i]) {
			synth_free(cache->g[i]);
			free(cache->g[i]);
			cache->g[i] = NULL;
		}
}

/* Build the ground truth (see truth.h). */
json_t *lab_truth(const struct lab_topo *t, const char *src, const char *dst,
		  int af, const struct lab_flow *flow, char *err, size_t errlen)
{
	struct lab_truth_cache cache = { 0 };
	json_t *j = lab_truth_cached(t, src, dst, af, flow, &cache, err, errlen);

	lab_truth_cache_free(&cache);
	return j;
}

/* lab_truth with a cache of synthetic Internets (see truth.h). */
json_t *lab_truth_cached(const struct lab_topo *t, const char *src, const char *dst, int af,
			 const struct lab_flow *flow, struct lab_truth_cache *cache, char *err,
			 size_t errlen)
{
	struct walk *w = calloc(1, sizeof *w);
	char sbuf[INET6_ADDRSTRLEN], dbuf[INET6_ADDRSTRLEN];
	json_t *top;

	if (!w) {
		snprintf(err, errlen, "truth: out of memory");
		return NULL;
	}
	w->t = t;
	w->af = af;
	if (walk_init(w, src, dst, err, errlen) < 0) {
		free(w);
		return NULL;
	}
	lab_addr_format(af, w->src_addr, sbuf, sizeof sbuf);
	lab_addr_format(af, w->dst_addr, dbuf, sizeof dbuf);
	top = json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:I, s:I}}", "src", src,
			"src_addr", sbuf, "dst_addr", dbuf, "af", af, "flow",
			"proto", flow->proto, "sport", flow->sport, "dport", flow->dport);
	json_object_set_new(top, "hops", walk_hops(w, flow, top));
	if (t->nodes[w->holder].kind == LAB_INTERNET &&
	    internet_hops(w, flow, top, cache, err, errlen) < 0) {
		json_decref(top);
		top = NULL;
	}
	free(w);
	return top;
}
