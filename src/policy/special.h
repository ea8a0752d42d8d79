/*
 * special: the address ranges that are not public unicast, each with the
 * registry entry that says so: every entry of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and its updates), the
 * multicast blocks of the IPv4 and IPv6 Multicast Address Space registries,
 * and the IPv6 space outside 2000::/3 that the IANA IPv6 Address Space
 * registry keeps "Reserved by IETF". The target policy (targets.h) refuses
 * them all by default. A constant table; nothing here is mutable.
 */
#ifndef VANTAGE_POLICY_SPECIAL_H
#define VANTAGE_POLICY_SPECIAL_H

#include <stddef.h>

struct special_range {
	const char *prefix;    /* "198.18.0.0/15" */
	const char *name;      /* the registry entry's name: "Benchmarking" */
	const char *registry;  /* "IANA IPv4 Special-Purpose Address Registry" */
	const char *ref;       /* "RFC 2544" */
};

/* The table and its length. */
const struct special_range *special_ranges(size_t *n);

#endif
