/*
 * addrplan: assign the lab's link prefixes and addresses (see addrplan.h) and
 * check that no two prefixes of a topology overlap.
 */
#include "lab/addrplan.h"

#include <stdio.h>
#include <string.h>

#define AUTO_SLOTS 8192         /* /30s in 198.18.0.0/17, /64s tried in IPv6 */

/* True when prefix p lies inside 198.18.0.0/15 or 2001:db8::/32. */
bool addrplan_in_lab_range(const struct lab_prefix *p)
{
	static const struct lab_prefix v4 = { 4, { 198, 18 }, 15 };
	static const struct lab_prefix v6 = { 6, { 0x20, 0x01, 0x0d, 0xb8 }, 32 };
	const struct lab_prefix *r = p->af == 4 ? &v4 : &v6;

	return p->len >= r->len && lab_prefix_contains(r, p->af, p->addr);
}

/* True when prefixes p and q (same family) share any address. */
bool addrplan_overlap(const struct lab_prefix *p, const struct lab_prefix *q)
{
	if (p->af != q->af)
		return false;
	if (p->len <= q->len)
		return lab_prefix_contains(p, q->af, q->addr);
	return lab_prefix_contains(q, p->af, p->addr);
}

/* True when p overlaps any prefix of t given so far (links and anyip). */
static bool overlaps_any(const struct lab_topo *t, const struct lab_prefix *p, int skip_link)
{
	for (int i = 0; i < t->n_links; i++) {
		const struct lab_link *l = &t->links[i];
		if (i == skip_link)
			continue;
		if ((l->net4.af && addrplan_overlap(&l->net4, p)) ||
		    (l->net6.af && addrplan_overlap(&l->net6, p)))
			return true;
	}
	for (int i = 0; i < t->n_nodes; i++)
		for (int j = 0; j < t->nodes[i].n_anyip; j++)
			if (addrplan_overlap(&t->nodes[i].anyip[j], p))
				return true;
	return false;
}

/* Candidate automatic prefix number slot of family af into *p. */
static void auto_prefix(int af, int slot, struct lab_prefix *p)
{
	memset(p, 0, sizeof *p);
	p->af = af;
	if (af == 4) {
		p->addr[0] = 198;
		p->addr[1] = 18;
		p->addr[2] = (uint8_t)(slot / 64);
		p->addr[3] = (uint8_t)(slot % 64 * 4);
		p->len = 30;
	} else {
		static const uint8_t base[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0 };
		memcpy(p->addr, base, sizeof base);
		p->addr[6] = (uint8_t)((slot + 1) >> 8);
		p->addr[7] = (uint8_t)(slot + 1);
		p->len = 64;
	}
}

/* Fill *p with the first free automatic prefix of family af. Returns 0 or -1. */
static int next_free(const struct lab_topo *t, int af, int *slot, struct lab_prefix *p)
{
	struct lab_prefix cand;

	for (; *slot < AUTO_SLOTS; (*slot)++) {
		auto_prefix(af, *slot, &cand);
		if (!overlaps_any(t, &cand, -1)) {
			*p = cand;
			return 0;
		}
	}
	return -1;
}

/* Set addr to the n-th address (n = 1 or 2) of prefix p. */
static void nth_addr(const struct lab_prefix *p, int n, uint8_t *addr)
{
	int last = p->af == 4 ? 3 : 15;

	memcpy(addr, p->addr, p->af == 4 ? 4 : 16);
	addr[last] = (uint8_t)(addr[last] + n);
}

/* Report that the prefix of link l overlaps another one; returns -1. */
static int overlap_error(const struct lab_link *l, const struct lab_prefix *p,
			 const char *fname, char *err, size_t errlen)
{
	char buf[64];

	lab_prefix_format(p, buf, sizeof buf);
	snprintf(err, errlen, "%s:%d: link prefix %s overlaps another prefix", fname, l->line, buf);
	return -1;
}

/* Check given prefixes against each other; returns 0 or -1 with err. */
static int check_given(struct lab_topo *t, const char *fname, char *err, size_t errlen)
{
	for (int i = 0; i < t->n_links; i++) {
		struct lab_link *l = &t->links[i];
		if (l->net4.af && overlaps_any(t, &l->net4, i))
			return overlap_error(l, &l->net4, fname, err, errlen);
		if (l->net6.af && overlaps_any(t, &l->net6, i))
			return overlap_error(l, &l->net6, fname, err, errlen);
	}
	for (int i = 0; i < t->n_nodes; i++)
		for (int j = 0; j < t->nodes[i].n_anyip; j++)
			for (int k = 0; k < t->n_nodes; k++)
				for (int m = 0; m < t->nodes[k].n_anyip; m++)
					if ((k != i || m != j) &&
					    addrplan_overlap(&t->nodes[i].anyip[j], &t->nodes[k].anyip[m])) {
						snprintf(err, errlen, "%s:%d: anyip prefixes overlap",
							 fname, t->nodes[i].line);
						return -1;
					}
	return 0;
}

/* Assign prefixes and addresses to all links (see addrplan.h). */
int addrplan_assign(struct lab_topo *t, const char *fname, char *err, size_t errlen)
{
	int slot4 = 0, slot6 = 0;

	if (check_given(t, fname, err, errlen) < 0)
		return -1;
	for (int i = 0; i < t->n_links; i++) {
		struct lab_link *l = &t->links[i];
		if ((!l->net4.af && next_free(t, 4, &slot4, &l->net4) < 0) ||
		    (!l->net6.af && next_free(t, 6, &slot6, &l->net6) < 0)) {
			snprintf(err, errlen, "%s:%d: no free link prefix left", fname, l->line);
			return -1;
		}
		nth_addr(&l->net4, 1, l->a4);
		nth_addr(&l->net4, 2, l->b4);
		nth_addr(&l->net6, 1, l->a6);
		nth_addr(&l->net6, 2, l->b6);
	}
	return 0;
}
