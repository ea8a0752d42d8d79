/*
 * trie: a binary trie with one node per prefix bit, nodes in one array
 * (index 0 is "none") that grows by doubling as prefixes are inserted, up to
 * the budget given at creation. Two roots: IPv4 and IPv6. Longest-prefix
 * match walks the address bits and remembers the last node holding a prefix.
 * The array starts small because most tables hold a handful of prefixes
 * (an agent has six, each with a budget of 64 Ki nodes: allocating every
 * budget up front made 0.7 MB of its resident memory).
 */
#include "policy/trie.h"

#include <stdlib.h>
#include <string.h>

#define NONE 0u
#define FIRST_NODES 64u   /* nodes allocated at creation (or the budget, if smaller) */

struct ptrie_node {
	uint32_t child[2];
	uint32_t value;
	bool has_value;
};

struct ptrie {
	struct ptrie_node *nodes;
	size_t used, cap, max, count;   /* nodes in use, allocated, allowed at most */
	uint32_t root4, root6;
};

/* Create a trie of at most max_nodes nodes; NULL on failure. */
struct ptrie *ptrie_new(size_t max_nodes)
{
	if (max_nodes == 0 || max_nodes > UINT32_MAX - 3)
		return NULL;
	struct ptrie *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->max = max_nodes + 3; /* slot 0 unused, two roots */
	t->cap = t->max < FIRST_NODES ? t->max : FIRST_NODES;
	t->nodes = calloc(t->cap, sizeof *t->nodes);
	if (t->nodes == NULL) {
		free(t);
		return NULL;
	}
	t->root4 = 1;
	t->root6 = 2;
	t->used = 3;
	return t;
}

/* Free the trie. */
void ptrie_free(struct ptrie *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t);
}

/* Bit i (0 = most significant) of address bytes a. */
static unsigned bit_at(const uint8_t *a, unsigned i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/* The root node for a family, or NONE. */
static uint32_t root_of(const struct ptrie *t, int family)
{
	return family == AF_INET ? t->root4 : family == AF_INET6 ? t->root6 : NONE;
}

/* Nodes an insert of p would add (so a full trie can refuse up front). */
static size_t nodes_needed(const struct ptrie *t, const struct net_prefix *p)
{
	uint32_t n = root_of(t, p->addr.family);
	for (unsigned i = 0; i < p->len; i++) {
		n = t->nodes[n].child[bit_at(p->addr.a, i)];
		if (n == NONE)
			return p->len - i;
	}
	return 0;
}

/* Grow the node array to hold at least want nodes (want <= max); 0, or -1 when
   out of memory (the trie is unchanged). */
static int reserve(struct ptrie *t, size_t want)
{
	if (want <= t->cap)
		return 0;
	size_t cap = t->cap;
	while (cap < want)
		cap = cap > t->max / 2 ? t->max : cap * 2;
	struct ptrie_node *n = realloc(t->nodes, cap * sizeof *n);
	if (n == NULL)
		return -1;
	memset(n + t->cap, 0, (cap - t->cap) * sizeof *n);
	t->nodes = n;
	t->cap = cap;
	return 0;
}

/* Insert p with value; 0, or -1 when out of nodes or of a bad family. */
int ptrie_insert(struct ptrie *t, const struct net_prefix *p, uint32_t value)
{
	uint32_t n = root_of(t, p->addr.family);
	if (n == NONE || p->len > net_addr_len(p->addr.family) * 8)
		return -1;
	size_t want = t->used + nodes_needed(t, p);
	if (want > t->max || reserve(t, want) < 0)
		return -1;
	for (unsigned i = 0; i < p->len; i++) {
		unsigned b = bit_at(p->addr.a, i);
		if (t->nodes[n].child[b] == NONE)
			t->nodes[n].child[b] = (uint32_t)t->used++;
		n = t->nodes[n].child[b];
	}
	if (!t->nodes[n].has_value)
		t->count++;
	t->nodes[n].has_value = true;
	t->nodes[n].value = value;
	return 0;
}

/* Longest-prefix match of addr; see trie.h. */
bool ptrie_lookup(const struct ptrie *t, const struct net_addr *addr,
                  uint32_t *value, struct net_prefix *match)
{
	uint32_t n = root_of(t, addr->family);
	if (n == NONE)
		return false;
	unsigned bits = (unsigned)net_addr_len(addr->family) * 8;
	int best_len = -1;
	uint32_t best = NONE;
	for (unsigned i = 0;; i++) {
		if (t->nodes[n].has_value) {
			best = n;
			best_len = (int)i;
		}
		if (i == bits || (n = t->nodes[n].child[bit_at(addr->a, i)]) == NONE)
			break;
	}
	if (best_len < 0)
		return false;
	if (value)
		*value = t->nodes[best].value;
	if (match) {
		memset(match, 0, sizeof *match);
		match->addr.family = addr->family;
		match->len = (uint8_t)best_len;
		for (int i = 0; i < best_len; i++)
			if (bit_at(addr->a, (unsigned)i))
				match->addr.a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
	return true;
}

/* Number of distinct prefixes. */
size_t ptrie_count(const struct ptrie *t)
{
	return t->count;
}

/* Nodes in use (roots excluded). */
size_t ptrie_nodes_used(const struct ptrie *t)
{
	return t->used - 3;
}

/* The node budget. */
size_t ptrie_nodes_max(const struct ptrie *t)
{
	return t->max - 3;
}
