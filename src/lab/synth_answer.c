/*
 * synth_answer: what the synthetic Internet sends back for one probe. The
 * probe is parsed (bounded: anything short or odd is malformed), its path is
 * derived, and the TTL picks who answers: a router's time exceeded (with the
 * MPLS label stack of RFC 4950 inside a tunnel), a border router's
 * unreachable, or the destination's echo reply, port unreachable or RST.
 * Silent routers and empty token buckets answer nothing.
 */
#include "lab/synth.h"
#include "lab/synth_hash.h"
#include "net/checksum.h"

#include <netinet/in.h>
#include <string.h>

#define QUOTE_LEN 128               /* RFC 4884: the quote is padded to 128 bytes with extensions */
#define HOST_TTL 64
#define ROUTER_TTL 255

/* A parsed probe. */
struct probe {
	int af;
	const uint8_t *ip;          /* the whole packet */
	size_t len;                 /* its length (IPv4 total length, IPv6 40 + payload) */
	size_t l4off;
	uint8_t ttl;
	struct synth_flow flow;
	uint8_t icmp_type;          /* for ICMP */
	uint8_t tcp_flags;
	uint32_t tcp_seq, tcp_ack;
};

/* Who answers and how. */
struct answer {
	uint8_t src[16];            /* address the reply comes from */
	uint8_t ttl;
	uint8_t type, code;         /* ICMP type and code; type 0xff: TCP RST */
	bool echo;                  /* an echo reply (not an error) */
	bool mpls;
	uint32_t label;
	uint64_t delay_ns;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)(v >> 16)); wr16(p + 2, (uint16_t)v); }

/* Parse the IP header of pkt into pr. 0, 1 (not for us) or -1 (malformed). */
static int parse_ip(const uint8_t *pkt, size_t len, struct probe *pr)
{
	if (len < 1)
		return -1;
	if (pkt[0] >> 4 == 4) {
		size_t ihl = (size_t)(pkt[0] & 15) * 4, tot;
		if (len < 20 || ihl < 20 || (tot = rd16(pkt + 2)) < ihl || tot > len)
			return -1;
		if (rd16(pkt + 6) & 0x3fff)     /* a fragment (MF or an offset) */
			return 1;
		pr->af = 4;
		pr->len = tot;
		pr->l4off = ihl;
		pr->ttl = pkt[8];
		pr->flow.proto = pkt[9];
		memcpy(pr->flow.src, pkt + 12, 4);
		memcpy(pr->flow.dst, pkt + 16, 4);
		return 0;
	}
	if (pkt[0] >> 4 == 6) {
		if (len < 40 || 40 + (size_t)rd16(pkt + 4) > len)
			return -1;
		pr->af = 6;
		pr->len = 40 + rd16(pkt + 4);
		pr->l4off = 40;
		pr->ttl = pkt[7];
		pr->flow.proto = pkt[6];        /* extension headers: not a probe we answer */
		memcpy(pr->flow.src, pkt + 8, 16);
		memcpy(pr->flow.dst, pkt + 24, 16);
		return 0;
	}
	return -1;
}

/* Parse the transport header into pr. 0, 1 (not a probe) or -1 (malformed). */
static int parse_l4(struct probe *pr)
{
	const uint8_t *l4 = pr->ip + pr->l4off;
	size_t n = pr->len - pr->l4off;
	uint8_t icmp = pr->af == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	if (pr->flow.proto == IPPROTO_UDP || pr->flow.proto == IPPROTO_TCP) {
		if (n < (pr->flow.proto == IPPROTO_UDP ? 8u : 20u))
			return -1;
		pr->flow.sport = rd16(l4);
		pr->flow.dport = rd16(l4 + 2);
		if (pr->flow.proto == IPPROTO_TCP) {
			pr->tcp_seq = rd32(l4 + 4);
			pr->tcp_ack = rd32(l4 + 8);
			pr->tcp_flags = l4[13];
		}
		return 0;
	}
	if (pr->flow.proto != icmp)
		return 1;
	if (n < 8)
		return -1;
	pr->icmp_type = l4[0];
	if (pr->icmp_type != (pr->af == 4 ? 8 : 128))     /* only echo requests are probes */
		return 1;
	/* the fields Paris traceroute keeps fixed: type, code, checksum */
	pr->flow.sport = (uint16_t)(l4[0] << 8 | l4[1]);
	pr->flow.dport = rd16(l4 + 2);
	return 0;
}

/* True when addr of family af lies in the Internet's space. */
static bool in_space(const struct synth *g, int af, const uint8_t *addr)
{
	const uint8_t *base = af == 4 ? g->p.v4 : g->p.v6;
	int len = af == 4 ? g->p.v4len : g->p.v6len;

	for (int b = 0; b < len; b++) {
		int m = 0x80 >> (b % 8);
		if ((addr[b / 8] & m) != (base[b / 8] & m))
			return false;
	}
	return true;
}

/* Take a token from router r's bucket at now_ns; false when it is empty. */
static bool take_token(struct synth *g, uint64_t r, uint64_t now_ns)
{
	struct synth_bucket *b = &g->buckets[synth_mix(r) & (g->n_buckets - 1)];
	double rate = g->p.ratelimit_pps;

	if (b->router != r) {
		*b = (struct synth_bucket){ r, now_ns, rate };
	} else if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * rate / 1e9;
		if (b->tokens > rate)
			b->tokens = rate;
		b->last_ns = now_ns;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

/* A router's answer of type/code from hop h (false when it stays silent). */
static bool router_answer(struct synth *g, const struct synth_hop *h, int hop_no, uint8_t type,
			  uint8_t code, uint64_t now_ns, struct answer *a)
{
	if (h->flags & SYNTH_H_SILENT) {
		g->dropped_silent++;
		return false;
	}
	if ((h->flags & SYNTH_H_RATELIMIT) && !take_token(g, h->router, now_ns)) {
		g->dropped_ratelimit++;
		return false;
	}
	memcpy(a->src, h->addr, 16);
	a->ttl = (uint8_t)(ROUTER_TTL - (hop_no - 1));
	a->type = type;
	a->code = code;
	a->mpls = (h->flags & SYNTH_H_MPLS) != 0;
	a->label = h->label;
	a->delay_ns = 2000ULL * h->delay_us;
	return true;
}

/* The destination's answer to the probe (false when it is silent). */
static bool host_answer(const struct probe *pr, const struct synth_path *path, struct answer *a)
{
	if (!path->alive)
		return false;
	memcpy(a->src, pr->flow.dst, 16);
	a->ttl = (uint8_t)(HOST_TTL - path->n_hops);
	a->delay_ns = 2000ULL * path->dest_delay_us;
	if (pr->flow.proto == IPPROTO_UDP) {
		a->type = pr->af == 4 ? 3 : 1;
		a->code = pr->af == 4 ? 3 : 4;
	} else if (pr->flow.proto == IPPROTO_TCP) {
		if (pr->tcp_flags & 0x04)       /* never answer a RST */
			return false;
		a->type = 0xff;
	} else {
		a->echo = true;
		a->type = pr->af == 4 ? 0 : 129;
	}
	return true;
}

/* Decide who answers the probe. True with *a filled, false for no answer. */
static bool decide(struct synth *g, const struct probe *pr, uint64_t now_ns, struct answer *a)
{
	struct synth_path path;
	int t = pr->ttl, v6 = pr->af == 6;
	uint8_t te = v6 ? 3 : 11;

	synth_path_for_ttl(g, pr->af, &pr->flow, g->pp_counter++, t, &path);
	if (t >= 1 && t <= path.n_hops)
		return router_answer(g, &path.hops[t - 1], t, te, 0, now_ns, a);
	switch (path.end) {
	case SYNTH_END_NET_UNREACH:
		return router_answer(g, &path.hops[path.border], path.border + 1, v6 ? 1 : 3, 0, now_ns, a);
	case SYNTH_END_HOST_UNREACH:
		return router_answer(g, &path.hops[path.border], path.border + 1, v6 ? 1 : 3,
				     v6 ? 3 : 1, now_ns, a);
	case SYNTH_END_LOOP:
		if (!router_answer(g, synth_loop_hop(&path, t), t, te, 0, now_ns, a))
			return false;
		a->delay_ns += 4000000ULL * (uint64_t)(t - path.n_hops);
		return true;
	case SYNTH_END_HOST:
		return host_answer(pr, &path, a);
	default:
		return false;
	}
}

/* Write the reply's IP header for an l4len-byte payload; returns its length. */
static size_t put_ip(const struct probe *pr, const struct answer *a, uint8_t proto, size_t l4len,
		     uint8_t *out)
{
	if (pr->af == 4) {
		memset(out, 0, 20);
		out[0] = 0x45;
		wr16(out + 2, (uint16_t)(20 + l4len));
		wr16(out + 4, (uint16_t)synth_h2(rd32(a->src), l4len));
		out[8] = a->ttl;
		out[9] = proto;
		memcpy(out + 12, a->src, 4);
		memcpy(out + 16, pr->flow.src, 4);
		wr16(out + 10, net_checksum(out, 20));
		return 20;
	}
	memset(out, 0, 40);
	out[0] = 0x60;
	wr16(out + 4, (uint16_t)l4len);
	out[6] = proto;
	out[7] = a->ttl;
	memcpy(out + 8, a->src, 16);
	memcpy(out + 24, pr->flow.src, 16);
	return 40;
}

/* Append an RFC 4950 MPLS extension (one label entry) at p; returns its length. */
static size_t put_mpls_ext(uint8_t *p, uint32_t label)
{
	memset(p, 0, 12);
	p[0] = 0x20;                /* version 2 */
	wr16(p + 4, 8);             /* object length */
	p[6] = 1;                   /* class: MPLS label stack */
	p[7] = 1;                   /* c-type: incoming stack */
	wr32(p + 8, label << 12 | 1u << 8 | 1u);   /* bottom of stack, TTL 1 */
	wr16(p + 2, net_checksum(p, 12));
	return 12;
}

/* The ICMP error body: header, quote (TTL as it arrived: 1), extension. */
static size_t put_icmp_error(const struct probe *pr, const struct answer *a, uint8_t *p)
{
	size_t q = pr->len < QUOTE_LEN ? pr->len : QUOTE_LEN, n;

	memset(p, 0, 8 + QUOTE_LEN);
	p[0] = a->type;
	p[1] = a->code;
	memcpy(p + 8, pr->ip, q);
	if (pr->af == 4) {
		p[8 + 8] = 1;
		wr16(p + 8 + 10, 0);
		wr16(p + 8 + 10, net_checksum(p + 8, 20));
	} else {
		p[8 + 7] = 1;
	}
	n = 8 + q;
	if (a->mpls) {
		p[pr->af == 4 ? 5 : 4] = pr->af == 4 ? QUOTE_LEN / 4 : QUOTE_LEN / 8;
		n = 8 + QUOTE_LEN + put_mpls_ext(p + 8 + QUOTE_LEN, a->label);
	}
	return n;
}

/* The echo reply body: the request with its type changed. 0 when too large. */
static size_t put_echo(const struct probe *pr, const struct answer *a, uint8_t *p, size_t room)
{
	size_t n = pr->len - pr->l4off;

	if (n > room)
		return 0;
	memcpy(p, pr->ip + pr->l4off, n);
	p[0] = a->type;
	p[1] = 0;
	wr16(p + 2, 0);
	return n;
}

/* The RST answering a TCP probe. */
static size_t put_rst(const struct probe *pr, uint8_t *p)
{
	size_t payload = pr->len - pr->l4off - (size_t)(pr->ip[pr->l4off + 12] >> 4) * 4;

	memset(p, 0, 20);
	wr16(p, pr->flow.dport);
	wr16(p + 2, pr->flow.sport);
	if (pr->tcp_flags & 0x10) {        /* ACK: RST with its sequence number */
		wr32(p + 4, pr->tcp_ack);
		p[13] = 0x04;
	} else {
		wr32(p + 8, pr->tcp_seq + (uint32_t)payload + (pr->tcp_flags & 0x02 ? 1 : 0) +
		     (pr->tcp_flags & 0x01 ? 1 : 0));
		p[13] = 0x14;
	}
	p[12] = 5 << 4;
	return 20;
}

/* Build the reply packet for answer a into out. False when it cannot be built. */
static bool build(const struct probe *pr, const struct answer *a, struct synth_reply *out)
{
	size_t iph = pr->af == 4 ? 20 : 40, l4len;
	uint8_t *l4 = out->data + iph, proto;
	struct net_addr s, d;

	if (a->type == 0xff) {
		l4len = put_rst(pr, l4);
		proto = IPPROTO_TCP;
	} else {
		l4len = a->echo ? put_echo(pr, a, l4, SYNTH_REPLY_MAX - iph) : put_icmp_error(pr, a, l4);
		proto = pr->af == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		if (l4len == 0)
			return false;
	}
	put_ip(pr, a, proto, l4len, out->data);
	if (pr->af == 4 && proto == IPPROTO_ICMP) {
		wr16(l4 + 2, net_checksum(l4, l4len));
	} else {
		int fam = pr->af == 4 ? AF_INET : AF_INET6;
		s.family = d.family = (uint8_t)fam;
		memset(s.a, 0, 16);
		memset(d.a, 0, 16);
		memcpy(s.a, a->src, pr->af == 4 ? 4 : 16);
		memcpy(d.a, pr->flow.src, pr->af == 4 ? 4 : 16);
		wr16(l4 + (proto == IPPROTO_TCP ? 16 : 2), net_l4_checksum(&s, &d, proto, l4, l4len));
	}
	out->len = iph + l4len;
	out->delay_ns = a->delay_ns;
	return true;
}

/* Answer one packet (see synth.h). */
int synth_answer(struct synth *g, const uint8_t *pkt, size_t len, uint64_t now_ns,
		 struct synth_reply *out)
{
	struct probe pr = { .ip = pkt };
	struct answer a = { 0 };
	int rc;

	if ((rc = parse_ip(pkt, len, &pr)) != 0 || (rc = parse_l4(&pr)) != 0) {
		g->ignored++;
		return rc < 0 ? -1 : 0;
	}
	if (!in_space(g, pr.af, pr.flow.dst) || pr.ttl == 0 || !decide(g, &pr, now_ns, &a) ||
	    !build(&pr, &a, out))
		return 0;
	g->answered++;
	return 1;
}
