/*
 * stamp: see stamp.h. The encoder and the decoder share the word layout and
 * the keyed values (flow F, mac10, mac16); the decoder first finds where the
 * method's fields came back (quote, echo, TCP header) and then recomputes
 * the MACs from the target and W it found.
 */
#include "scan/stamp.h"

#include <netinet/in.h>
#include <string.h>

#define FLOW_TAG 0x666c6f77u /* "flow" */

static const char *const method_names[] = { "icmp-paris", "udp-paris", "tcp-ack" };

const char *scan_method_name(enum scan_method m)
{
	return (unsigned)m < 3 ? method_names[m] : "?";
}

int scan_method_parse(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(name, method_names[i]) == 0)
			return i;
	return -1;
}

void scan_stamp_init(struct scan_stamp *s, enum scan_method m, uint64_t seed)
{
	s->method = m;
	s->key = keyhash_derive(seed, 0x7374616d /* "stam" */);
}

/* The target's flow value F: 16 bits, never 0 or 0xffff. */
static uint16_t flow_of(const struct scan_stamp *s, const struct net_addr *dst)
{
	uint8_t b[20];
	memcpy(b, dst->a, 16);
	memcpy(b + 16, &(uint32_t){ FLOW_TAG }, 4);
	uint16_t f = (uint16_t)keyhash(&s->key, b, sizeof b);
	return f == 0 || f == 0xffff ? 0x5a5a : f;
}

/* The source port of a UDP/TCP probe to a target: 32768..65535. */
static uint16_t sport_of(const struct scan_stamp *s, const struct net_addr *dst)
{
	return (uint16_t)(0x8000 | flow_of(s, dst));
}

/* The keyed MAC of (target, ttl, ts): mac10 in bits 0-9, mac16 in 16-31. */
static uint32_t mac_of(const struct scan_stamp *s, const struct scan_fields *f)
{
	uint8_t b[19];
	memcpy(b, f->dst.a, 16);
	b[16] = f->ttl;
	b[17] = (uint8_t)(f->ts >> 8);
	b[18] = (uint8_t)f->ts;
	return (uint32_t)keyhash(&s->key, b, sizeof b);
}

/* The 32-bit word a probe carries. */
static uint32_t word_of(const struct scan_stamp *s, const struct scan_fields *f)
{
	return ((uint32_t)f->ts << 16) | ((uint32_t)(f->ttl & 63) << 10) |
	       (mac_of(s, f) & 0x3ff);
}

void scan_stamp_encode(const struct scan_stamp *s, const struct scan_fields *f,
		       struct net_probe *np, uint8_t payload[SCAN_PAYLOAD_LEN])
{
	uint32_t w = word_of(s, f);
	uint16_t mac16 = (uint16_t)(mac_of(s, f) >> 16);
	bool v4 = f->dst.family == AF_INET;
	np->dst = f->dst;
	np->ttl = f->ttl;
	np->payload = payload;
	np->payload_len = SCAN_PAYLOAD_LEN;
	memset(payload, 0, SCAN_PAYLOAD_LEN);
	np->want_cksum_set = true;
	switch (s->method) {
	case SCAN_ICMP_PARIS:
		np->kind = NET_PROBE_ICMP_ECHO;
		np->icmp_id = (uint16_t)(w >> 16);
		np->icmp_seq = (uint16_t)w;
		np->want_cksum = flow_of(s, &f->dst);
		np->ip_id = mac16;
		payload[2] = (uint8_t)(mac16 >> 8);
		payload[3] = (uint8_t)mac16;
		break;
	case SCAN_UDP_PARIS:
		np->kind = NET_PROBE_UDP;
		np->sport = sport_of(s, &f->dst);
		np->dport = SCAN_UDP_DPORT;
		np->want_cksum = (uint16_t)w;
		np->ip_id = f->ts;
		payload[2] = (uint8_t)(f->ts >> 8);
		payload[3] = (uint8_t)f->ts;
		break;
	case SCAN_TCP_ACK:
		np->kind = NET_PROBE_TCP_ACK;
		np->want_cksum_set = false;
		np->payload = NULL;
		np->payload_len = 0;
		np->sport = sport_of(s, &f->dst);
		np->dport = SCAN_TCP_DPORT;
		np->tcp_seq = w;
		np->tcp_ack = w;
		np->ip_id = mac16;
		break;
	}
	if (!v4)
		np->ip_id = 0;
}

/* Check W (and mac16 when known) for target dst; fill m->f. */
static bool check_word(const struct scan_stamp *s, const struct net_addr *dst, uint32_t w,
		       int mac16, struct scan_match *m)
{
	m->f.dst = *dst;
	m->f.ttl = (uint8_t)((w >> 10) & 63);
	m->f.ts = (uint16_t)(w >> 16);
	if (m->f.ttl == 0)
		return false;
	uint32_t mac = mac_of(s, &m->f);
	if ((mac & 0x3ff) != (w & 0x3ff))
		return false;
	return mac16 < 0 || (uint16_t)(mac >> 16) == (uint16_t)mac16;
}

/* The 2 bytes at offset off of buf, or -1 when outside it. */
static int u16_at(const uint8_t *buf, size_t len, size_t off)
{
	return off + 2 <= len ? (buf[off] << 8) | buf[off + 1] : -1;
}

/*
 * Where the quoted probe's payload starts in buf: after the ICMPv6 header
 * (8), the quoted IPv6 header (40: our probes carry no extension headers)
 * and the 8-byte UDP header. buf starts at the ICMPv6 header when it came
 * from a raw socket (r->size counts 40 bytes more than it holds), else at
 * the IPv6 header.
 */
static size_t quoted_payload_off(const struct net_reply *r, size_t len)
{
	size_t icmp_off = r->size == len + 40 ? 0 : 40;
	return icmp_off + 8 + 40 + 8;
}

/* Decode an ICMP error's quote. */
static bool decode_quote(const struct scan_stamp *s, const struct net_reply *r,
			 const uint8_t *buf, size_t len, struct scan_match *m)
{
	const struct net_quote *q = &r->q;
	bool v4 = q->family == AF_INET;
	if (!r->has_quote || !q->has_l4)
		return false;
	uint32_t w;
	int mac16 = -1;
	switch (s->method) {
	case SCAN_ICMP_PARIS:
		if (q->proto != (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6) ||
		    q->icmp_type != (v4 ? 8 : 128) || q->l4_cksum != flow_of(s, &q->dst))
			return false;
		w = ((uint32_t)q->icmp_id << 16) | q->icmp_seq;
		mac16 = v4 ? q->ip_id : -1;
		break;
	case SCAN_UDP_PARIS: {
		if (q->proto != IPPROTO_UDP || q->sport != sport_of(s, &q->dst) ||
		    q->dport != SCAN_UDP_DPORT)
			return false;
		int ts = v4 ? q->ip_id : u16_at(buf, len, quoted_payload_off(r, len) + 2);
		if (ts < 0)
			return false;
		w = ((uint32_t)ts << 16) | q->l4_cksum;
		break;
	}
	default:
		if (q->proto != IPPROTO_TCP || q->sport != sport_of(s, &q->dst) ||
		    q->dport != SCAN_TCP_DPORT)
			return false;
		w = q->tcp_seq;
		mac16 = v4 ? q->ip_id : -1;
		break;
	}
	if (!check_word(s, &q->dst, w, mac16, m))
		return false;
	m->quoted_ttl = q->ttl;
	/* a port unreachable comes from the destination even when it answers
	   from another of its addresses (IPv6 hosts pick their own source) */
	m->from_target = net_addr_equal(&r->src, &q->dst) ||
			 (r->kind == NET_REPLY_UNREACH && r->unreach == NET_UNREACH_PORT);
	return true;
}

bool scan_stamp_decode(const struct scan_stamp *s, const struct net_reply *r,
		       const uint8_t *buf, size_t len, struct scan_match *m)
{
	memset(m, 0, sizeof *m);
	switch (r->kind) {
	case NET_REPLY_TIME_EXCEEDED:
	case NET_REPLY_UNREACH:
	case NET_REPLY_PACKET_TOO_BIG:
	case NET_REPLY_PARAM_PROBLEM:
		return decode_quote(s, r, buf, len, m);
	case NET_REPLY_ECHO_REPLY: {
		int mac16 = r->payload_len >= SCAN_PAYLOAD_LEN
				    ? u16_at(buf, len, (size_t)r->payload_off + 2) : -1;
		if (s->method != SCAN_ICMP_PARIS || mac16 < 0)
			return false;
		m->from_target = true;
		return check_word(s, &r->src, ((uint32_t)r->icmp_id << 16) | r->icmp_seq,
				  mac16, m);
	}
	case NET_REPLY_TCP_RST:
	case NET_REPLY_TCP_SYNACK:
	case NET_REPLY_TCP_OTHER:
		if (s->method != SCAN_TCP_ACK || r->sport != SCAN_TCP_DPORT ||
		    r->dport != sport_of(s, &r->src))
			return false;
		m->from_target = true;
		return check_word(s, &r->src, r->tcp_seq, -1, m);
	default:
		return false;
	}
}
