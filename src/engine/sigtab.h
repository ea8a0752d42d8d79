/*
 * sigtab: probe signatures and the hash table that finds the probe a reply
 * belongs to. A signature is what both the probe and any reply to it (or
 * quote of it) carry: address family, transport protocol, destination, and
 * two 16-bit identity fields (ICMP echo id/seq, UDP source port/checksum,
 * TCP source port/low sequence bits). Lookup is one hash and a short chain,
 * never a scan of probes. Nodes are embedded in their owners' structs.
 */
#ifndef VANTAGE_ENGINE_SIGTAB_H
#define VANTAGE_ENGINE_SIGTAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct eng_sig {
	uint8_t family;  /* AF_INET / AF_INET6 */
	uint8_t proto;   /* IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP, IPPROTO_TCP */
	uint16_t a, b;   /* identity fields, host order */
	uint8_t dst[16]; /* destination address of the probe */
};

struct sig_node {
	struct eng_sig key;
	struct sig_node *next;
};

struct sigtab {
	struct sig_node **b;
	size_t nb;   /* buckets, a power of two */
	size_t n;    /* nodes linked */
};

/* An empty table; 0, or -1 when out of memory. */
int sigtab_init(struct sigtab *t);

/* Free the bucket array (nodes belong to their owners). */
void sigtab_free(struct sigtab *t);

/* True when two signatures are equal. */
bool eng_sig_equal(const struct eng_sig *x, const struct eng_sig *y);

/*
 * Link node (its key already set). Fails with -1 when a node with an equal
 * key is already linked (a probe's signature must be unique while it lives)
 * or memory runs out; returns 0 on success.
 */
int sigtab_add(struct sigtab *t, struct sig_node *node);

/* Unlink node if linked. */
void sigtab_del(struct sigtab *t, struct sig_node *node);

/* The node with this key, or NULL. */
struct sig_node *sigtab_find(const struct sigtab *t, const struct eng_sig *key);

#endif
