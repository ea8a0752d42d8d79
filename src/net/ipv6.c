/*
 * ipv6: the fixed IPv6 header and the walk over its extension headers.
 */
#include "net/ipv6.h"

#include <netinet/in.h>
#include <string.h>

#include "net/bytes.h"
#include "net/err.h"

#define IPV6_EXT_MAX 16
#define PROTO_MOBILITY 135
#define PROTO_HIP 139
#define PROTO_SHIM6 140

/* True when next is an extension header with the generic (next, len) layout. */
static bool is_generic_ext(uint8_t next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
	       next == IPPROTO_DSTOPTS || next == PROTO_MOBILITY ||
	       next == PROTO_HIP || next == PROTO_SHIM6;
}

/* Record the Fragment header at p; returns true when the walk goes on. */
static bool take_fragment(const uint8_t *p, struct net_ipv6 *out)
{
	uint16_t off = get16(p + 2) & 0xfff8;
	out->fragment = true;
	out->frag_first = off == 0;
	out->frag_id = get32(p + 4);
	return off == 0;
}

/* Walk the extension headers from next at off; 0 or a negative NET_E* code. */
int net_ipv6_walk(const uint8_t *p, size_t len, uint8_t next, size_t off,
                  struct net_ipv6 *out)
{
	out->n_ext = 0;
	out->fragment = false;
	out->frag_first = false;
	out->frag_id = 0;
	for (;;) {
		size_t hl;
		if (next == IPPROTO_FRAGMENT) {
			hl = 8;
		} else if (next == IPPROTO_AH) {
			if (off + 2 > len)
				return NET_ETRUNC;
			hl = ((size_t)p[off + 1] + 2) * 4;
		} else if (is_generic_ext(next)) {
			if (off + 2 > len)
				return NET_ETRUNC;
			hl = ((size_t)p[off + 1] + 1) * 8;
		} else {
			break; /* upper layer, ESP or No Next Header */
		}
		if (off + hl > len)
			return NET_ETRUNC;
		if (++out->n_ext > IPV6_EXT_MAX)
			return NET_EDEPTH;
		uint8_t nx = p[off];
		if (next == IPPROTO_FRAGMENT && !take_fragment(p + off, out)) {
			/* a later fragment has no upper-layer header */
			out->proto = IPPROTO_NONE;
			out->l4_off = (uint16_t)(off + hl);
			return 0;
		}
		next = nx;
		off += hl;
		if (off > 0xffff)
			return NET_EHEADER;
	}
	out->proto = next;
	out->l4_off = (uint16_t)off;
	return 0;
}

/* Parse the fixed header and walk its extensions; 0 or NET_E*. */
int net_ipv6_parse(const uint8_t *p, size_t len, struct net_ipv6 *out)
{
	if (len < NET_IPV6_HLEN)
		return NET_ETRUNC;
	if (p[0] >> 4 != 6)
		return NET_EVERSION;
	memset(out, 0, sizeof *out);
	uint32_t w = get32(p);
	out->tclass = (uint8_t)(w >> 20);
	out->flowlabel = w & 0xfffff;
	out->payload_len = get16(p + 4);
	out->next = p[6];
	out->hlim = p[7];
	net_addr_set6(&out->src, p + 8);
	net_addr_set6(&out->dst, p + 24);
	return net_ipv6_walk(p, len, out->next, NET_IPV6_HLEN, out);
}

/* Write the 40-byte fixed header for h; 40 or NET_E*. */
int net_ipv6_build(const struct net_ipv6 *h, uint8_t *buf, size_t buflen)
{
	if (buflen < NET_IPV6_HLEN)
		return NET_ESPACE;
	if (h->src.family != AF_INET6 || h->dst.family != AF_INET6)
		return NET_EARG;
	put32(buf, 6u << 28 | (uint32_t)h->tclass << 20 | (h->flowlabel & 0xfffff));
	put16(buf + 4, h->payload_len);
	buf[6] = h->next;
	buf[7] = h->hlim;
	memcpy(buf + 8, h->src.a, 16);
	memcpy(buf + 24, h->dst.a, 16);
	return NET_IPV6_HLEN;
}
