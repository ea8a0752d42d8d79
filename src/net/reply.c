/*
 * reply: parse what a raw socket received into a flat net_reply: the outer
 * IP header (or the recvmsg metadata for IPv6 raw sockets), the reply's own
 * transport header, and for ICMP errors the quoted probe and RFC 4884
 * extensions. Every read is checked against the length given.
 */
#include "net/reply.h"

#include <netinet/in.h>
#include <string.h>

#include "net/bytes.h"
#include "net/err.h"
#include "net/ipv4.h"
#include "net/ipv6.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* Fill the quote's transport fields from the first 8 quoted bytes at p. */
static void quote_l4(const uint8_t *p, size_t len, struct net_quote *q)
{
	if (len < 8)
		return;
	q->has_l4 = true;
	switch (q->proto) {
	case IPPROTO_UDP:
		q->sport = get16(p);
		q->dport = get16(p + 2);
		q->udp_len = get16(p + 4);
		q->l4_cksum = get16(p + 6);
		break;
	case IPPROTO_TCP:
		q->sport = get16(p);
		q->dport = get16(p + 2);
		q->tcp_seq = get32(p + 4);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		q->icmp_type = p[0];
		q->l4_cksum = get16(p + 2);
		q->icmp_id = get16(p + 4);
		q->icmp_seq = get16(p + 6);
		break;
	default:
		q->has_l4 = false;
	}
}

/* Parse a quoted IPv4 packet; true when its header was read. */
static bool quote_v4(const uint8_t *p, size_t len, struct net_quote *q)
{
	struct net_ipv4 ip;
	if (net_ipv4_parse(p, len, &ip) < 0)
		return false;
	q->family = AF_INET;
	q->proto = ip.proto;
	q->src = ip.src;
	q->dst = ip.dst;
	q->ttl = ip.ttl;
	q->tos = ip.tos;
	q->ip_id = ip.id;
	q->ip_len = ip.total_len;
	if (ip.frag_off == 0)
		quote_l4(p + ip.hlen, len - ip.hlen, q);
	return true;
}

/* Parse a quoted IPv6 packet; true when its fixed header was read. */
static bool quote_v6(const uint8_t *p, size_t len, struct net_quote *q)
{
	struct net_ipv6 ip;
	int rc = net_ipv6_parse(p, len, &ip);
	if (rc == NET_EVERSION || len < NET_IPV6_HLEN)
		return false;
	q->family = AF_INET6;
	q->src = ip.src;
	q->dst = ip.dst;
	q->ttl = ip.hlim;
	q->tos = ip.tclass;
	q->flowlabel = ip.flowlabel;
	q->ip_len = (uint16_t)(NET_IPV6_HLEN + ip.payload_len);
	if (rc < 0)
		return true; /* extension headers cut off by the quote */
	q->proto = ip.proto;
	q->ip_id = (uint16_t)ip.frag_id;
	if (ip.proto != IPPROTO_NONE)
		quote_l4(p + ip.l4_off, len - ip.l4_off, q);
	return true;
}

/* Parse an IP datagram (or its head) at p[0..len) as a probe's identity. */
bool net_quote_parse(const uint8_t *p, size_t len, struct net_quote *q)
{
	memset(q, 0, sizeof *q);
	if (len == 0)
		return false;
	q->quote_len = (uint16_t)(len > 0xffff ? 0xffff : len);
	uint8_t v = p[0] >> 4;
	return v == 4 ? quote_v4(p, len, q) : v == 6 ? quote_v6(p, len, q) : false;
}

/* Parse the quoted datagram at p[0..len) into out->q. */
static void parse_quote(const uint8_t *p, size_t len, struct net_reply *out)
{
	if (len > 0)
		out->has_quote = net_quote_parse(p, len, &out->q);
}

/* The normalised reason of an ICMPv4 destination unreachable code. */
static enum net_unreach unreach4(uint8_t code)
{
	static const enum net_unreach map[] = {
		NET_UNREACH_NET, NET_UNREACH_HOST, NET_UNREACH_PROTO, NET_UNREACH_PORT,
		NET_UNREACH_FRAG_NEEDED, NET_UNREACH_SRC_ROUTE, NET_UNREACH_NET_UNKNOWN,
		NET_UNREACH_HOST_UNKNOWN, NET_UNREACH_ISOLATED, NET_UNREACH_NET_PROHIB,
		NET_UNREACH_HOST_PROHIB, NET_UNREACH_TOS_NET, NET_UNREACH_TOS_HOST,
		NET_UNREACH_ADMIN, NET_UNREACH_PREC_VIOL, NET_UNREACH_PREC_CUTOFF,
	};
	return code < sizeof map / sizeof map[0] ? map[code] : NET_UNREACH_UNKNOWN;
}

/* The normalised reason of an ICMPv6 destination unreachable code. */
static enum net_unreach unreach6(uint8_t code)
{
	static const enum net_unreach map[] = {
		NET_UNREACH_NET, NET_UNREACH_ADMIN, NET_UNREACH_BEYOND_SCOPE,
		NET_UNREACH_HOST, NET_UNREACH_PORT, NET_UNREACH_SRC_POLICY,
		NET_UNREACH_REJECT_ROUTE, NET_UNREACH_SRC_ROUTING, NET_UNREACH_HDRS_TOO_LONG,
	};
	return code < sizeof map / sizeof map[0] ? map[code] : NET_UNREACH_UNKNOWN;
}

/* Classify an ICMPv4 message; true when it is an error that quotes. */
static bool classify4(const uint8_t *h, struct net_reply *out)
{
	switch (h[0]) {
	case 0: out->kind = NET_REPLY_ECHO_REPLY; return false;
	case 8: out->kind = NET_REPLY_ECHO_REQUEST; return false;
	case 11: out->kind = NET_REPLY_TIME_EXCEEDED; return true;
	case 12:
		out->kind = NET_REPLY_PARAM_PROBLEM;
		out->pointer = h[4];
		return true;
	case 3:
		out->unreach = unreach4(h[1]);
		out->kind = h[1] == 4 ? NET_REPLY_PACKET_TOO_BIG : NET_REPLY_UNREACH;
		if (h[1] == 4)
			out->mtu = get16(h + 6);
		return true;
	default: return false;
	}
}

/* Classify an ICMPv6 message; true when it is an error that quotes. */
static bool classify6(const uint8_t *h, struct net_reply *out)
{
	switch (h[0]) {
	case 129: out->kind = NET_REPLY_ECHO_REPLY; return false;
	case 128: out->kind = NET_REPLY_ECHO_REQUEST; return false;
	case 3: out->kind = NET_REPLY_TIME_EXCEEDED; return true;
	case 4:
		out->kind = NET_REPLY_PARAM_PROBLEM;
		out->pointer = get32(h + 4);
		return true;
	case 2:
		out->kind = NET_REPLY_PACKET_TOO_BIG;
		out->mtu = get32(h + 4);
		return true;
	case 1:
		out->kind = NET_REPLY_UNREACH;
		out->unreach = unreach6(h[1]);
		return true;
	default: return false;
	}
}

/* Parse an ICMP(v6) message at buf[off..off+len). */
static int parse_icmp(const uint8_t *buf, size_t off, size_t len, bool v6,
                      struct net_reply *out)
{
	const uint8_t *h = buf + off;
	if (len < 8)
		return NET_ETRUNC;
	out->icmp_type = h[0];
	out->icmp_code = h[1];
	bool err = v6 ? classify6(h, out) : classify4(h, out);
	if (!err) {
		if (out->kind == NET_REPLY_ECHO_REPLY || out->kind == NET_REPLY_ECHO_REQUEST) {
			out->icmp_id = get16(h + 4);
			out->icmp_seq = get16(h + 6);
			out->payload_off = (uint32_t)(off + 8);
			out->payload_len = (uint32_t)(len - 8);
		}
		return 0;
	}
	size_t ext_off, qlen;
	if (net_icmpext_locate(h, len, v6, &ext_off, &qlen))
		(void)net_icmpext_parse(h + ext_off, len - ext_off, &out->ext);
	parse_quote(h + 8, qlen, out);
	return 0;
}

/* Parse a TCP segment at buf[off..off+len). */
static int parse_tcp(const uint8_t *buf, size_t off, size_t len, struct net_reply *out)
{
	const uint8_t *h = buf + off;
	if (len < 20)
		return NET_ETRUNC;
	out->sport = get16(h);
	out->dport = get16(h + 2);
	out->tcp_seq = get32(h + 4);
	out->tcp_ack = get32(h + 8);
	out->tcp_flags = h[13];
	size_t doff = (size_t)(h[12] >> 4) * 4;
	if (doff >= 20 && doff <= len) {
		out->payload_off = (uint32_t)(off + doff);
		out->payload_len = (uint32_t)(len - doff);
	}
	if (h[13] & TCP_RST)
		out->kind = NET_REPLY_TCP_RST;
	else if ((h[13] & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		out->kind = NET_REPLY_TCP_SYNACK;
	else
		out->kind = NET_REPLY_TCP_OTHER;
	return 0;
}

/* Parse a UDP datagram at buf[off..off+len). */
static int parse_udp(const uint8_t *buf, size_t off, size_t len, struct net_reply *out)
{
	if (len < 8)
		return NET_ETRUNC;
	out->sport = get16(buf + off);
	out->dport = get16(buf + off + 2);
	out->payload_off = (uint32_t)(off + 8);
	out->payload_len = (uint32_t)(len - 8);
	out->kind = NET_REPLY_UDP;
	return 0;
}

/* Parse the reply's transport part at buf[off..off+len) as out->proto. */
static int parse_l4(const uint8_t *buf, size_t off, size_t len, struct net_reply *out)
{
	switch (out->proto) {
	case IPPROTO_ICMP:
		return out->family == AF_INET ? parse_icmp(buf, off, len, false, out) : 0;
	case IPPROTO_ICMPV6:
		return out->family == AF_INET6 ? parse_icmp(buf, off, len, true, out) : 0;
	case IPPROTO_TCP: return parse_tcp(buf, off, len, out);
	case IPPROTO_UDP: return parse_udp(buf, off, len, out);
	default: return 0;
	}
}

/* Fill the reply's outer-header fields. */
static void set_outer(struct net_reply *out, uint8_t family, uint8_t proto,
                      const struct net_addr *src, const struct net_addr *dst, int ttl,
                      uint8_t tos, uint32_t size)
{
	out->family = family;
	out->proto = proto;
	out->src = *src;
	if (dst != NULL)
		out->dst = *dst;
	out->ttl = ttl;
	out->tos = tos;
	out->size = size;
}

/* A full IPv4 packet. */
static int parse_ipv4(const struct net_rx *rx, struct net_reply *out)
{
	struct net_ipv4 ip;
	int rc = net_ipv4_parse(rx->buf, rx->len, &ip);
	if (rc < 0)
		return rc;
	set_outer(out, AF_INET, ip.proto, &ip.src, &ip.dst, ip.ttl, ip.tos, ip.total_len);
	out->ip_id = ip.id;
	size_t end = ip.total_len >= ip.hlen && ip.total_len <= rx->len ? ip.total_len : rx->len;
	if (ip.frag_off != 0)
		return 0; /* a later fragment: no transport header */
	return parse_l4(rx->buf, ip.hlen, end - ip.hlen, out);
}

/* A full IPv6 packet. */
static int parse_ipv6(const struct net_rx *rx, struct net_reply *out)
{
	struct net_ipv6 ip;
	int rc = net_ipv6_parse(rx->buf, rx->len, &ip);
	if (rc < 0)
		return rc;
	set_outer(out, AF_INET6, ip.proto, &ip.src, &ip.dst, ip.hlim, ip.tclass,
	          NET_IPV6_HLEN + (uint32_t)ip.payload_len);
	size_t end = NET_IPV6_HLEN + (size_t)ip.payload_len;
	if (ip.payload_len == 0 || end > rx->len)
		end = rx->len;
	if (ip.l4_off > end || ip.proto == IPPROTO_NONE)
		return 0;
	return parse_l4(rx->buf, ip.l4_off, end - ip.l4_off, out);
}

/* An IPv6 raw socket's payload with recvmsg's metadata. */
static int parse_v6_l4(const struct net_rx *rx, struct net_reply *out)
{
	if (rx->src == NULL || rx->src->family != AF_INET6)
		return NET_EARG;
	set_outer(out, AF_INET6, rx->proto ? rx->proto : IPPROTO_ICMPV6, rx->src,
	          rx->dst != NULL && rx->dst->family == AF_INET6 ? rx->dst : NULL,
	          rx->hlim >= 0 && rx->hlim <= 255 ? rx->hlim : -1, 0,
	          (uint32_t)(rx->len + NET_IPV6_HLEN));
	return parse_l4(rx->buf, 0, rx->len, out);
}

/* Parse one received packet into *out; 0 or a negative NET_E* code. */
int net_reply_parse(const struct net_rx *rx, struct net_reply *out)
{
	memset(out, 0, sizeof *out);
	out->ttl = -1;
	if (rx == NULL || (rx->buf == NULL && rx->len > 0) || rx->len > 0x7fffffff)
		return NET_EARG;
	switch (rx->form) {
	case NET_RX_IPV4: return parse_ipv4(rx, out);
	case NET_RX_IPV6: return parse_ipv6(rx, out);
	case NET_RX_V6_L4: return parse_v6_l4(rx, out);
	}
	return NET_EARG;
}

/* A short name for a reply kind. */
const char *net_reply_kind_str(enum net_reply_kind kind)
{
	static const char *const names[] = {
		"other", "echo-reply", "time-exceeded", "unreachable", "packet-too-big",
		"param-problem", "tcp-rst", "tcp-synack", "tcp-other", "udp", "echo-request",
	};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* A short name for an unreachable reason. */
const char *net_unreach_str(enum net_unreach u)
{
	static const char *const names[] = {
		"none", "net", "host", "proto", "port", "frag-needed", "src-route",
		"net-unknown", "host-unknown", "isolated", "net-prohib", "host-prohib",
		"tos-net", "tos-host", "admin", "prec-violation", "prec-cutoff",
		"beyond-scope", "src-policy", "reject-route", "src-routing",
		"headers-too-long", "unknown",
	};
	return (unsigned)u < sizeof names / sizeof names[0] ? names[u] : "?";
}
