/*
 * ipv4: parse and build IPv4 headers; options are skipped by their length.
 */
#include "net/ipv4.h"

#include <netinet/in.h>
#include <string.h>

#include "net/bytes.h"
#include "net/checksum.h"
#include "net/err.h"

/* Parse the IPv4 header at p; 0 or a negative NET_E* code. */
int net_ipv4_parse(const uint8_t *p, size_t len, struct net_ipv4 *out)
{
	if (len < NET_IPV4_HLEN)
		return NET_ETRUNC;
	if (p[0] >> 4 != 4)
		return NET_EVERSION;
	size_t hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < NET_IPV4_HLEN)
		return NET_EHEADER;
	if (hlen > len)
		return NET_ETRUNC;
	memset(out, 0, sizeof *out);
	out->hlen = (uint8_t)hlen;
	out->tos = p[1];
	out->total_len = get16(p + 2);
	out->id = get16(p + 4);
	uint16_t frag = get16(p + 6);
	out->df = (frag & 0x4000) != 0;
	out->mf = (frag & 0x2000) != 0;
	out->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	out->ttl = p[8];
	out->proto = p[9];
	out->cksum = get16(p + 10);
	net_addr_set4(&out->src, p + 12);
	net_addr_set4(&out->dst, p + 16);
	return 0;
}

/* Write a 20-byte header for h into buf with its checksum; 20 or NET_E*. */
int net_ipv4_build(const struct net_ipv4 *h, uint8_t *buf, size_t buflen)
{
	if (buflen < NET_IPV4_HLEN)
		return NET_ESPACE;
	if (h->src.family != AF_INET || h->dst.family != AF_INET)
		return NET_EARG;
	buf[0] = 0x45;
	buf[1] = h->tos;
	put16(buf + 2, h->total_len);
	put16(buf + 4, h->id);
	put16(buf + 6, (uint16_t)((h->df ? 0x4000 : 0) | (h->mf ? 0x2000 : 0) |
	                          ((h->frag_off / 8) & 0x1fff)));
	buf[8] = h->ttl;
	buf[9] = h->proto;
	put16(buf + 10, 0);
	memcpy(buf + 12, h->src.a, 4);
	memcpy(buf + 16, h->dst.a, 4);
	put16(buf + 10, net_checksum(buf, NET_IPV4_HLEN));
	return NET_IPV4_HLEN;
}
