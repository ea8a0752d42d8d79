/*
 * Fuzz target: the probe builder (src/net/probe.c) from arbitrary specs,
 * parsed back by the reply parser: a built IPv4 probe must parse as a packet
 * of its own protocol with the ports/ids it was given, and a pinned
 * checksum must be the one on the wire.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/probe.h"
#include "net/reply.h"

/* Fill a probe spec from the fuzzer's bytes (30 bytes used, rest payload). */
static void spec_from(const uint8_t *d, struct net_probe *p)
{
	memset(p, 0, sizeof *p);
	p->kind = (enum net_probe_kind)(d[0] % 5);
	int fam = d[1] & 1 ? AF_INET6 : AF_INET;
	p->src.family = p->dst.family = (uint8_t)fam;
	memcpy(p->src.a, d + 2, fam == AF_INET ? 4 : 16);
	memcpy(p->dst.a, d + 6, fam == AF_INET ? 4 : 16);
	p->ttl = d[22];
	p->sport = (uint16_t)(d[23] << 8 | d[24]);
	p->dport = (uint16_t)(d[25] << 8 | d[26]);
	p->icmp_id = p->sport;
	p->icmp_seq = p->dport;
	p->tcp_seq = (uint32_t)d[27] << 8 | d[28];
	p->tcp_mss = d[1] & 2;
	p->want_cksum_set = d[1] & 4;
	p->want_cksum = (uint16_t)(d[29] << 8 | d[28]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 30)
		return 0;
	struct net_probe p;
	spec_from(data, &p);
	p.payload = data + 30;
	p.payload_len = size - 30;
	size_t cap = (size_t)data[27] * 8;
	uint8_t *buf = malloc(cap ? cap : 1);
	int n = net_probe_build(&p, buf, cap);
	if (n > (int)cap)
		abort();
	if (n > 0 && p.dst.family == AF_INET) {
		struct net_rx rx = { .buf = buf, .len = (size_t)n, .form = NET_RX_IPV4 };
		struct net_reply r;
		if (net_reply_parse(&rx, &r) != 0 || r.size != (uint32_t)n || r.ttl != p.ttl)
			abort();
		if (p.kind == NET_PROBE_UDP && (r.sport != p.sport || r.dport != p.dport))
			abort();
		if (p.kind == NET_PROBE_ICMP_ECHO &&
		    (r.kind != NET_REPLY_ECHO_REQUEST || r.icmp_seq != p.icmp_seq))
			abort();
		if (p.want_cksum_set && p.kind == NET_PROBE_UDP &&
		    (uint16_t)(buf[26] << 8 | buf[27]) != p.want_cksum)
			abort();
	}
	free(buf);
	return 0;
}
