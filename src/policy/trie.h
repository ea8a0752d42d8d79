/*
 * trie: a binary prefix trie over IPv4 and IPv6 addresses with longest-prefix
 * match. Nodes live in one array that grows as prefixes are inserted, up to a
 * node budget fixed at creation, so memory is bounded: an insert that needs
 * more nodes (or more memory) fails and changes nothing.
 */
#ifndef VANTAGE_POLICY_TRIE_H
#define VANTAGE_POLICY_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/prefix.h"

struct ptrie;

/*
 * Create a trie that can hold at most max_nodes nodes (one node per bit of
 * each distinct prefix path; an IPv4 /24 costs at most 24 nodes, a shared
 * path nothing more). Returns NULL when allocation fails or max_nodes is 0.
 */
struct ptrie *ptrie_new(size_t max_nodes);

/* Free the trie (NULL is fine). */
void ptrie_free(struct ptrie *t);

/*
 * Insert prefix p with a caller value (replaces the value of an equal
 * prefix). Returns 0, or -1 when the node budget is exhausted or the family
 * is not IPv4/IPv6; the trie is then unchanged.
 */
int ptrie_insert(struct ptrie *t, const struct net_prefix *p, uint32_t value);

/*
 * Longest-prefix match of addr. Returns true when some prefix contains it,
 * and then stores its value in *value and the matching prefix in *match
 * (either may be NULL).
 */
bool ptrie_lookup(const struct ptrie *t, const struct net_addr *addr,
                  uint32_t *value, struct net_prefix *match);

/* Number of prefixes inserted (distinct). */
size_t ptrie_count(const struct ptrie *t);

/* Nodes in use and the node budget. */
size_t ptrie_nodes_used(const struct ptrie *t);
size_t ptrie_nodes_max(const struct ptrie *t);

#endif
