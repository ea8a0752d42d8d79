/*
 * targets: the destinations of a scan, from routed prefixes. IPv4: one
 * address in every /24 a prefix covers (shorter prefixes expand into their
 * /24s, longer ones count for their covering /24), its last byte a keyed
 * random 1..254, different for each seed. IPv6: for every announced prefix
 * of /48 or shorter, its ::1 and one keyed random address inside it (longer
 * prefixes are skipped and counted). Targets are deduplicated and kept
 * compact: a /24 is 4 bytes, so 11 million of them take 44 MB.
 */
#ifndef VANTAGE_SCAN_TARGETS_H
#define VANTAGE_SCAN_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "policy/prefix.h"
#include "scan/keyhash.h"

/* IPv6 prefixes longer than this are not scanned. */
#define SCAN_V6_MAX_LEN 48

struct scan_targets {
	int family;               /* AF_INET or AF_INET6 */
	size_t n;                 /* targets, once finished */
	uint32_t *v4;             /* /24 numbers (address >> 8), ascending */
	uint8_t (*v6)[16];        /* addresses, ascending */
	size_t cap;               /* room in v6 while adding */
	uint8_t *bitmap;          /* IPv4 while adding: a bit per /24 */
	size_t other_family;      /* prefixes of the other family, skipped */
	size_t too_long;          /* IPv6 prefixes longer than /48, skipped */
	struct keyhash_key key;
};

/* Start an empty set for family with seed. 0, or -1 with err (memory). */
int scan_targets_init(struct scan_targets *t, int family, uint64_t seed,
		      char *err, size_t errlen);

/* Add the targets of one routed prefix. 0, or -1 with err (memory). */
int scan_targets_add(struct scan_targets *t, const struct net_prefix *p,
		     char *err, size_t errlen);

/* Seal the set (sort, deduplicate). 0, or -1 with err (memory). */
int scan_targets_finish(struct scan_targets *t, char *err, size_t errlen);

/* The address of target i (i < n). */
void scan_targets_addr(const struct scan_targets *t, size_t i, struct net_addr *out);

/* The index of the target whose address is a, or -1 when it is none of them. */
long scan_targets_find(const struct scan_targets *t, const struct net_addr *a);

/* Free what the set holds. */
void scan_targets_free(struct scan_targets *t);

/*
 * Add every prefix of a list: lines are either pfx2as ("prefix<TAB>length
 * <TAB>ASN") or a CIDR ("198.18.0.0/15") or a bare address; '#' comments and
 * blank lines are skipped. A bad line stops with "NAME line N: reason".
 * Returns the number of prefixes read or -1.
 */
long scan_targets_add_text(struct scan_targets *t, const char *text, size_t len,
			   const char *name, char *err, size_t errlen);

#endif
