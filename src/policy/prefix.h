/*
 * prefix: an IPv4 or IPv6 network prefix (address + length) and its parser,
 * the unit of the no-probe list and of the AUP's destination ranges.
 */
#ifndef VANTAGE_POLICY_PREFIX_H
#define VANTAGE_POLICY_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct net_prefix {
	struct net_addr addr; /* bits after len are zero */
	uint8_t len;          /* 0..32 or 0..128 */
};

/*
 * Parse "198.18.0.0/15", "2001:db8::/32", or a bare address (a host prefix).
 * The length goes through numparse; bits set after the length are refused
 * ("host bits set after /15"). Returns true, or false with a reason in err.
 */
bool net_prefix_parse(const char *text, struct net_prefix *out, char *err, size_t errlen);

/* True when addr (same family) falls inside prefix p. */
bool net_prefix_contains(const struct net_prefix *p, const struct net_addr *addr);

/* Write the prefix as "addr/len" into buf; returns buf. */
const char *net_prefix_str(const struct net_prefix *p, char *buf, size_t buflen);

#endif
