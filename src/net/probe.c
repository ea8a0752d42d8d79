/*
 * probe: write complete probe packets (ICMP echo, UDP, TCP SYN/ACK) for IPv4
 * (with the IP header) and IPv6 (transport header only) into caller buffers.
 */
#include "net/probe.h"

#include <netinet/in.h>
#include <string.h>

#include "net/bytes.h"
#include "net/checksum.h"
#include "net/err.h"
#include "net/ipv4.h"
#include "net/paris.h"

#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* The wire protocol of a probe kind for a family; 0 when unknown. */
int net_probe_proto(enum net_probe_kind kind, int family)
{
	switch (kind) {
	case NET_PROBE_ICMP_ECHO:
		return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	case NET_PROBE_UDP: return IPPROTO_UDP;
	case NET_PROBE_TCP_SYN:
	case NET_PROBE_TCP_ACK: return IPPROTO_TCP;
	}
	return 0;
}

/* Offset of the transport header in a built probe: 20 for IPv4, 0 for IPv6. */
size_t net_probe_l4_offset(int family)
{
	return family == AF_INET ? NET_IPV4_HLEN : 0;
}

/* Length of the transport header a probe gets (options included). */
static size_t l4_header_len(const struct net_probe *p)
{
	if (p->kind == NET_PROBE_TCP_SYN || p->kind == NET_PROBE_TCP_ACK)
		return p->kind == NET_PROBE_TCP_SYN && p->tcp_mss ? 24 : 20;
	return 8;
}

/* Write the ICMP(v6) echo request header (checksum zero). */
static void write_echo(const struct net_probe *p, uint8_t *h)
{
	h[0] = p->dst.family == AF_INET6 ? 128 : 8;
	h[1] = 0;
	put16(h + 2, 0);
	put16(h + 4, p->icmp_id);
	put16(h + 6, p->icmp_seq);
}

/* Write the UDP header (checksum zero) for l4len bytes of datagram. */
static void write_udp(const struct net_probe *p, uint8_t *h, size_t l4len)
{
	put16(h, p->sport);
	put16(h + 2, p->dport);
	put16(h + 4, (uint16_t)l4len);
	put16(h + 6, 0);
}

/* Write the TCP header of hlen bytes (checksum zero). */
static void write_tcp(const struct net_probe *p, uint8_t *h, size_t hlen)
{
	put16(h, p->sport);
	put16(h + 2, p->dport);
	put32(h + 4, p->tcp_seq);
	put32(h + 8, p->kind == NET_PROBE_TCP_ACK ? p->tcp_ack : 0);
	h[12] = (uint8_t)(hlen / 4) << 4;
	h[13] = p->kind == NET_PROBE_TCP_SYN ? TCP_SYN : TCP_ACK;
	put16(h + 14, p->tcp_win ? p->tcp_win : 65535);
	put32(h + 16, 0); /* checksum, urgent pointer */
	if (hlen == 24) {
		h[20] = 2; /* MSS option */
		h[21] = 4;
		put16(h + 22, p->dst.family == AF_INET6 ? 1440 : 1460);
	}
}

/* Checksum the transport segment and store it; applies want_cksum. */
static int finish_cksum(const struct net_probe *p, uint8_t *l4, size_t l4len, size_t hlen)
{
	uint8_t proto = (uint8_t)net_probe_proto(p->kind, p->dst.family);
	size_t at = p->kind == NET_PROBE_UDP ? 6 : p->kind == NET_PROBE_ICMP_ECHO ? 2 : 16;
	uint16_t c = proto == IPPROTO_ICMP ? net_checksum(l4, l4len)
	                                   : net_l4_checksum(&p->src, &p->dst, proto, l4, l4len);
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + at, c);
	if (!p->want_cksum_set)
		return 0;
	return net_paris_set_cksum(l4, l4len, at, hlen, p->want_cksum);
}

/* Check what can be checked before writing; 0 or NET_EARG. */
static int check_spec(const struct net_probe *p)
{
	if (net_probe_proto(p->kind, p->dst.family) == 0 || net_addr_len(p->dst.family) == 0 ||
	    p->src.family != p->dst.family)
		return NET_EARG;
	if (p->payload_len > 0 && p->payload == NULL)
		return NET_EARG;
	if (p->want_cksum_set &&
	    (p->payload_len < 2 || (p->kind == NET_PROBE_UDP && p->want_cksum == 0)))
		return NET_EARG;
	return 0;
}

/* Write the probe p into buf; returns its length or a negative NET_E* code. */
int net_probe_build(const struct net_probe *p, uint8_t *buf, size_t buflen)
{
	int rc = check_spec(p);
	if (rc < 0)
		return rc;
	size_t off = net_probe_l4_offset(p->dst.family);
	size_t hlen = l4_header_len(p);
	size_t l4len = hlen + p->payload_len;
	if (p->payload_len > NET_PROBE_MAX || off + l4len > NET_PROBE_MAX)
		return NET_EARG;
	if (off + l4len > buflen)
		return NET_ESPACE;
	uint8_t *l4 = buf + off;
	if (p->kind == NET_PROBE_ICMP_ECHO)
		write_echo(p, l4);
	else if (p->kind == NET_PROBE_UDP)
		write_udp(p, l4, l4len);
	else
		write_tcp(p, l4, hlen);
	if (p->payload_len > 0)
		memcpy(l4 + hlen, p->payload, p->payload_len);
	if ((rc = finish_cksum(p, l4, l4len, hlen)) < 0)
		return rc;
	if (off > 0) {
		struct net_ipv4 ip = {
			.tos = p->tos, .total_len = (uint16_t)(off + l4len), .id = p->ip_id,
			.df = p->df, .ttl = p->ttl,
			.proto = (uint8_t)net_probe_proto(p->kind, AF_INET),
			.src = p->src, .dst = p->dst,
		};
		if ((rc = net_ipv4_build(&ip, buf, buflen)) < 0)
			return rc;
	}
	return (int)(off + l4len);
}
