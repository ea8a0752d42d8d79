/*
 * prefix: parse, test and print IPv4/IPv6 prefixes.
 */
#include "policy/prefix.h"

#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

/* True when the bits of addr after len are all zero. */
static bool host_bits_clear(const struct net_addr *a, unsigned len)
{
	size_t n = net_addr_len(a->family);
	for (size_t i = 0; i < n; i++) {
		unsigned lo = (unsigned)i * 8;
		uint8_t mask = len >= lo + 8 ? 0xff : len <= lo ? 0 : (uint8_t)(0xff << (8 - (len - lo)));
		if (a->a[i] & (uint8_t)~mask)
			return false;
	}
	return true;
}

/* Parse "addr/len" or a bare address into *out; false with a reason. */
bool net_prefix_parse(const char *text, struct net_prefix *out, char *err, size_t errlen)
{
	char buf[NET_ADDR_STRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= NET_ADDR_STRLEN) {
		snprintf(err, errlen, "'%.64s' is not an address or prefix", text);
		return false;
	}
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	struct net_prefix p;
	if (!net_addr_parse(buf, &p.addr, err, errlen))
		return false;
	long long max = p.addr.family == AF_INET ? 32 : 128, len = max;
	char why[96];
	if (slash && !parse_bounded(slash + 1, 0, max, &len, why, sizeof why)) {
		snprintf(err, errlen, "'%.64s': prefix length %s", text, why);
		return false;
	}
	p.len = (uint8_t)len;
	if (!host_bits_clear(&p.addr, p.len)) {
		snprintf(err, errlen, "'%.64s': host bits set after /%u", text, p.len);
		return false;
	}
	*out = p;
	return true;
}

/* True when addr is inside p. */
bool net_prefix_contains(const struct net_prefix *p, const struct net_addr *addr)
{
	if (p->addr.family != addr->family)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr.a, addr->a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr.a[full] & mask) == (addr->a[full] & mask);
}

/* Write p as "addr/len" into buf; returns buf. */
const char *net_prefix_str(const struct net_prefix *p, char *buf, size_t buflen)
{
	char a[NET_ADDR_STRLEN];
	snprintf(buf, buflen, "%s/%u", net_addr_str(&p->addr, a, sizeof a), p->len);
	return buf;
}
