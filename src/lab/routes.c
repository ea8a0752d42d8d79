/*
 * routes: shortest-path static routing over the lab's links (see routes.h).
 */
#include "lab/routes.h"

#include <string.h>

/* Append the destination p owned by owners to out at *n. */
static void add_dest(struct lab_dest *out, int *n, const struct lab_prefix *p,
		     uint64_t owners, int link)
{
	out[*n].p = *p;
	out[*n].owners = owners;
	out[*n].link = link;
	(*n)++;
}

/* List the destinations of family af into out; returns the count. */
int lab_route_dests(const struct lab_topo *t, int af, struct lab_dest *out)
{
	int n = 0;

	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		uint64_t owners = (1ULL << l->a) | (1ULL << l->b);
		add_dest(out, &n, af == 4 ? &l->net4 : &l->net6, owners, i);
	}
	for (int i = 0; i < t->n_nodes; i++)
		for (int j = 0; j < t->nodes[i].n_anyip; j++)
			if (t->nodes[i].anyip[j].af == af)
				add_dest(out, &n, &t->nodes[i].anyip[j], 1ULL << i, -1);
	return n;
}

/* The destination of family af holding addr with the longest prefix, or -1. */
int lab_route_lookup(const struct lab_dest *d, int n, int af, const uint8_t *addr)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (lab_prefix_contains(&d[i].p, af, addr) &&
		    (best < 0 || d[i].p.len > d[best].p.len))
			best = i;
	return best;
}

/* The node at the other end of link l from node n. */
static int other_end(const struct lab_link *l, int n)
{
	return l->a == n ? l->b : l->a;
}

/* True when node n may pass traffic on towards owners (routers and owners). */
static bool may_forward(const struct lab_topo *t, uint64_t owners, int n)
{
	return t->nodes[n].kind == LAB_ROUTER || (owners >> n & 1);
}

/* Hop distance of every node to the owner set (-1 when unreachable). */
void lab_route_dist(const struct lab_topo *t, uint64_t owners, int *dist)
{
	int queue[LAB_MAX_NODES], head = 0, tail = 0;

	for (int i = 0; i < t->n_nodes; i++) {
		dist[i] = (owners >> i & 1) ? 0 : -1;
		if (dist[i] == 0)
			queue[tail++] = i;
	}
	while (head < tail) {
		int x = queue[head++];
		if (!may_forward(t, owners, x))
			continue;
		for (int i = 0; i < t->n_links; i++) {
			const struct lab_link *l = &t->links[i];
			int y;
			if (l->a != x && l->b != x)
				continue;
			y = other_end(l, x);
			if (dist[y] < 0) {
				dist[y] = dist[x] + 1;
				queue[tail++] = y;
			}
		}
	}
}

/* The next hops of node from towards owners (see routes.h). */
int lab_route_nexthops(const struct lab_topo *t, const int *dist, uint64_t owners,
		       int from, const bool *cut, struct lab_nexthop *out)
{
	int n = 0;

	if (dist[from] <= 0)
		return 0;
	for (int i = 0; i < t->n_links && n < LAB_MAX_IFACES; i++) {
		const struct lab_link *l = &t->links[i];
		int y;
		if ((l->a != from && l->b != from) || (cut && cut[i]))
			continue;
		y = other_end(l, from);
		if (dist[y] == dist[from] - 1 && may_forward(t, owners, y)) {
			out[n].link = i;
			out[n].node = y;
			n++;
		}
	}
	return n;
}

/* Address of node n on link l in family af (4 or 6). */
const uint8_t *lab_link_addr(const struct lab_link *l, int n, int af)
{
	if (af == 4)
		return l->a == n ? l->a4 : l->b4;
	return l->a == n ? l->a6 : l->b6;
}

/* Interface number of node n on link l. */
int lab_link_ifnum(const struct lab_link *l, int n)
{
	return l->a == n ? l->ifa : l->ifb;
}
