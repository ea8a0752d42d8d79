/*
 * match: reply -> probe signature, with run-key checks.
 */
#include "engine/match.h"

#include <netinet/in.h>
#include <string.h>

/* The ICMP protocol number of a family. */
static uint8_t icmp_proto(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/*
 * Echo reply: id/seq, and the key in payload bytes 2..5 when the payload is
 * that long (a reply claiming a payload the buffer does not hold is refused).
 */
static bool echo_sig(const struct net_reply *r, const uint8_t *buf, size_t len,
		     uint32_t key, struct eng_sig *sig)
{
	if (r->payload_len >= 6 && ((size_t)r->payload_off + 6 > len ||
				    memcmp(buf + r->payload_off + 2, &key, 4) != 0))
		return false;
	sig->family = r->family;
	sig->proto = icmp_proto(r->family);
	sig->a = r->icmp_id;
	sig->b = r->icmp_seq;
	memcpy(sig->dst, r->src.a, 16);
	return true;
}

/* TCP reply: our port, and the sequence number we sent (key in the top half). */
static bool tcp_sig(const struct net_reply *r, uint32_t key, struct eng_sig *sig)
{
	uint32_t ours = (r->tcp_flags & 0x10) ? r->tcp_ack - 1 : r->tcp_seq;
	if ((ours >> 16) != (key & 0xffff))
		return false;
	sig->family = r->family;
	sig->proto = IPPROTO_TCP;
	sig->a = r->dport;
	sig->b = (uint16_t)ours;
	memcpy(sig->dst, r->src.a, 16);
	return true;
}

/* The identity of a probe as quoted (or captured leaving). */
bool eng_quote_sig(const struct net_quote *q, uint32_t key, struct eng_sig *sig)
{
	memset(sig, 0, sizeof *sig);
	if (!q->has_l4)
		return false;
	sig->family = q->family;
	sig->proto = q->proto;
	memcpy(sig->dst, q->dst.a, 16);
	if (q->proto == icmp_proto(q->family)) {
		sig->a = q->icmp_id;
		sig->b = q->icmp_seq;
	} else if (q->proto == IPPROTO_UDP) {
		sig->a = q->sport;
		sig->b = q->l4_cksum;
	} else if (q->proto == IPPROTO_TCP) {
		if ((q->tcp_seq >> 16) != (key & 0xffff))
			return false;
		sig->a = q->sport;
		sig->b = (uint16_t)q->tcp_seq;
	} else {
		return false;
	}
	return true;
}

/* ICMP error: the quoted probe's identity. */
static bool quote_sig(const struct net_reply *r, uint32_t key, struct eng_sig *sig)
{
	if (!r->has_quote || r->q.family != r->family)
		return false;
	return eng_quote_sig(&r->q, key, sig);
}

/* The signature a reply carries, if any. */
bool eng_reply_sig(const struct net_reply *r, const uint8_t *buf, size_t len,
		   uint32_t key, struct eng_sig *sig)
{
	memset(sig, 0, sizeof *sig);
	switch (r->kind) {
	case NET_REPLY_ECHO_REPLY:
		return echo_sig(r, buf, len, key, sig);
	case NET_REPLY_TCP_RST:
	case NET_REPLY_TCP_SYNACK:
	case NET_REPLY_TCP_OTHER:
		return tcp_sig(r, key, sig);
	case NET_REPLY_TIME_EXCEEDED:
	case NET_REPLY_UNREACH:
	case NET_REPLY_PACKET_TOO_BIG:
	case NET_REPLY_PARAM_PROBLEM:
		return quote_sig(r, key, sig);
	default:
		return false;
	}
}
