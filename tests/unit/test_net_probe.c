/*
 * Tests of the probe builder, checksums and Paris helpers. The builder must
 * reproduce, byte for byte, probes that traceroute and ping really sent (taken
 * from the pcaps); every probe it writes must carry valid checksums and parse
 * back to what was asked; Paris probes keep their flow identifier while their
 * identity changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>

#include "net/checksum.h"
#include "net/err.h"
#include "net/paris.h"
#include "net/probe.h"
#include "net/reply.h"
#include "test_net_pcap.h"

/* The RFC 1071 section 3 example, and odd lengths. */
static void test_checksum_rfc1071(void **state)
{
	(void)state;
	const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(net_sum_fold(net_sum_add(0, b, sizeof b)), (uint16_t)~0xddf2);
	const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	assert_int_equal(net_checksum(odd, 3), (uint16_t)~0x0402);
	/* split sums equal one sum when the split is at an even offset */
	assert_int_equal(net_sum_fold(net_sum_add(net_sum_add(0, b, 4), b + 4, 4)),
	                 net_checksum(b, sizeof b));
}

/* The first outbound packet in file whose reply-parse has kind k. */
static bool first_probe(const char *file, enum net_reply_kind k, struct pcap_file *pf,
                        const struct pcap_pkt **pkt, struct net_reply *r)
{
	assert_true(pcap_open(file, pf));
	for (size_t i = 0; i < pf->n; i++) {
		struct net_rx rx = { .buf = pf->pkts[i].ip, .len = pf->pkts[i].len,
		                     .form = pf->pkts[i].v6 ? NET_RX_IPV6 : NET_RX_IPV4 };
		if (net_reply_parse(&rx, r) == 0 && r->kind == k) {
			*pkt = &pf->pkts[i];
			return true;
		}
	}
	return false;
}

/* Build a probe from a captured one's fields; compare with its bytes. */
static void rebuild_and_compare(const char *file, enum net_reply_kind k,
                                enum net_probe_kind pk)
{
	struct pcap_file pf;
	const struct pcap_pkt *pkt = NULL;
	struct net_reply r;
	assert_true(first_probe(file, k, &pf, &pkt, &r));
	struct net_probe p = {
		.kind = pk, .src = r.src, .dst = r.dst, .ttl = (uint8_t)r.ttl, .tos = r.tos,
		.ip_id = r.ip_id, .df = !pkt->v6 && (pkt->ip[6] & 0x40),
		.sport = r.sport, .dport = r.dport, .icmp_id = r.icmp_id, .icmp_seq = r.icmp_seq,
		.payload = pkt->ip + r.payload_off, .payload_len = r.payload_len,
	};
	uint8_t buf[2048];
	int n = net_probe_build(&p, buf, sizeof buf);
	size_t skip = pkt->v6 ? 40 : 0; /* IPv6: the builder writes no IP header */
	assert_int_equal(n, (int)(pkt->len - skip));
	assert_memory_equal(buf, pkt->ip + skip, (size_t)n);
	pcap_close(&pf);
}

/* Our probes equal what ping and traceroute sent. */
static void test_rebuild_captured_probes(void **state)
{
	(void)state;
	rebuild_and_compare("trace-udp4", NET_REPLY_UDP, NET_PROBE_UDP);
	rebuild_and_compare("trace-udp6", NET_REPLY_UDP, NET_PROBE_UDP);
	rebuild_and_compare("trace-icmp4", NET_REPLY_ECHO_REQUEST, NET_PROBE_ICMP_ECHO);
	rebuild_and_compare("trace-icmp6", NET_REPLY_ECHO_REQUEST, NET_PROBE_ICMP_ECHO);
	rebuild_and_compare("echo4", NET_REPLY_ECHO_REQUEST, NET_PROBE_ICMP_ECHO);
	rebuild_and_compare("echo6", NET_REPLY_ECHO_REQUEST, NET_PROBE_ICMP_ECHO);
}

/* Addresses for the table below. */
static struct net_addr addr(const char *text)
{
	struct net_addr a;
	char err[128];
	assert_true(net_addr_parse(text, &a, err, sizeof err));
	return a;
}

/* True when the transport checksum of built probe buf[0..n) verifies. */
static bool l4_valid(const struct net_probe *p, const uint8_t *buf, int n)
{
	size_t off = net_probe_l4_offset(p->dst.family);
	int proto = net_probe_proto(p->kind, p->dst.family);
	if (proto == IPPROTO_ICMP)
		return net_checksum(buf + off, (size_t)n - off) == 0;
	return net_l4_checksum(&p->src, &p->dst, (uint8_t)proto, buf + off, (size_t)n - off) == 0;
}

/* Every kind, both families: valid checksums, and it parses back. */
static void test_build_parse_back(void **state)
{
	(void)state;
	const uint8_t payload[] = "vantage probe";
	const enum net_probe_kind kinds[] = { NET_PROBE_ICMP_ECHO, NET_PROBE_UDP,
	                                      NET_PROBE_TCP_SYN, NET_PROBE_TCP_ACK };
	const char *pairs[2][2] = { { "198.18.1.2", "198.18.3.2" }, { "2001:db8:1::2", "2001:db8:3::2" } };
	for (int f = 0; f < 2; f++) {
		for (size_t k = 0; k < 4; k++) {
			struct net_probe p = {
				.kind = kinds[k], .src = addr(pairs[f][0]), .dst = addr(pairs[f][1]),
				.ttl = 7, .ip_id = 4242, .df = true, .sport = 40000, .dport = 33435,
				.icmp_id = 777, .icmp_seq = 9, .tcp_seq = 0xdeadbeef, .tcp_ack = 5,
				.tcp_mss = true, .payload = payload, .payload_len = sizeof payload,
			};
			uint8_t buf[256];
			int n = net_probe_build(&p, buf, sizeof buf);
			assert_true(n > 0);
			assert_true(l4_valid(&p, buf, n));
			if (f == 1)
				continue; /* no IP header to parse back */
			assert_int_equal(net_checksum(buf, 20), 0);
			struct net_rx rx = { .buf = buf, .len = (size_t)n, .form = NET_RX_IPV4 };
			struct net_reply r;
			assert_int_equal(net_reply_parse(&rx, &r), 0);
			assert_int_equal(r.ttl, 7);
			assert_int_equal(r.ip_id, 4242);
			assert_int_equal(r.size, (uint32_t)n);
			assert_int_equal(r.payload_len, sizeof payload);
			if (kinds[k] == NET_PROBE_ICMP_ECHO) {
				assert_int_equal(r.kind, NET_REPLY_ECHO_REQUEST);
				assert_int_equal(r.icmp_id, 777);
			} else {
				assert_int_equal(r.sport, 40000);
				assert_int_equal(r.dport, 33435);
			}
			if (kinds[k] == NET_PROBE_TCP_SYN) {
				assert_int_equal(r.tcp_seq, 0xdeadbeef);
				assert_int_equal(r.tcp_flags, 0x02);
			}
			if (kinds[k] == NET_PROBE_TCP_ACK)
				assert_int_equal(r.tcp_ack, 5);
		}
	}
}

/* Bad specs and small buffers are refused; nothing is written past buflen. */
static void test_build_errors(void **state)
{
	(void)state;
	uint8_t two[2] = { 1, 2 }, buf[64];
	struct net_probe p = { .kind = NET_PROBE_UDP, .src = addr("198.18.1.2"),
	                       .dst = addr("198.18.3.2"), .payload = two, .payload_len = 2 };
	memset(buf, 0xaa, sizeof buf);
	assert_int_equal(net_probe_build(&p, buf, 29), NET_ESPACE);
	assert_int_equal(buf[29], 0xaa);
	assert_int_equal(net_probe_build(&p, buf, 30), 30);
	assert_int_equal(buf[30], 0xaa);
	p.want_cksum_set = true;
	p.want_cksum = 0;
	assert_int_equal(net_probe_build(&p, buf, sizeof buf), NET_EARG);
	p.want_cksum = 5;
	p.payload_len = 1;
	assert_int_equal(net_probe_build(&p, buf, sizeof buf), NET_EARG);
	p.payload_len = 2;
	p.dst = addr("2001:db8::1");
	assert_int_equal(net_probe_build(&p, buf, sizeof buf), NET_EARG);
	p.src = p.dst;
	p.kind = 0;
	assert_int_equal(net_probe_build(&p, buf, sizeof buf), NET_EARG);
}

/* Paris ICMP: seq changes, the first 4 bytes (flow id) do not. */
static void test_paris_icmp_flow(void **state)
{
	(void)state;
	uint8_t pad[16] = { 0 }, first[4], buf[64];
	for (int f = 0; f < 2; f++) {
		for (uint16_t seq = 0; seq < 300; seq++) {
			struct net_probe p = {
				.kind = NET_PROBE_ICMP_ECHO, .src = addr(f ? "2001:db8:1::2" : "198.18.1.2"),
				.dst = addr(f ? "2001:db8:3::2" : "198.18.3.2"), .ttl = 3,
				.icmp_id = 1000, .icmp_seq = seq, .payload = pad, .payload_len = sizeof pad,
				.want_cksum_set = true, .want_cksum = 0x4242,
			};
			int n = net_probe_build(&p, buf, sizeof buf);
			size_t off = net_probe_l4_offset(p.dst.family);
			assert_true(n > 0);
			assert_true(l4_valid(&p, buf, n));
			if (seq == 0)
				memcpy(first, buf + off, 4);
			assert_memory_equal(first, buf + off, 4);
			assert_int_equal(buf[off + 2] << 8 | buf[off + 3], 0x4242);
			assert_int_equal(buf[off + 6] << 8 | buf[off + 7], seq);
		}
	}
}

/* Paris UDP: fixed ports; the checksum carries the probe number, and a
 * time exceeded quoting the probe gives it back. */
static void test_paris_udp_identity(void **state)
{
	(void)state;
	uint8_t pad[8] = { 0 }, buf[64], msg[128];
	for (uint16_t id = 0; id < 200; id++) {
		struct net_probe p = {
			.kind = NET_PROBE_UDP, .src = addr("198.18.1.2"), .dst = addr("198.18.3.2"),
			.ttl = 2, .sport = 40000, .dport = 33435, .payload = pad,
			.payload_len = sizeof pad, .want_cksum_set = true,
			.want_cksum = net_paris_udp_cksum_for(id),
		};
		int n = net_probe_build(&p, buf, sizeof buf);
		assert_true(n == 36);
		assert_true(l4_valid(&p, buf, n));
		/* a router's time exceeded quoting the whole probe */
		memcpy(msg, buf, 20);
		msg[2] = 0;
		msg[3] = (uint8_t)(28 + n);
		msg[8] = 64;
		memcpy(msg + 12, buf + 16, 4); /* from 198.18.3.2 ... */
		memcpy(msg + 16, buf + 12, 4); /* ... to us */
		msg[9] = IPPROTO_ICMP;
		memset(msg + 20, 0, 8);
		msg[20] = 11;
		buf[8] = 1; /* the TTL it had when quoted */
		memcpy(msg + 28, buf, (size_t)n);
		struct net_rx rx = { .buf = msg, .len = 28 + (size_t)n, .form = NET_RX_IPV4 };
		struct net_reply r;
		assert_int_equal(net_reply_parse(&rx, &r), 0);
		assert_int_equal(r.kind, NET_REPLY_TIME_EXCEEDED);
		assert_true(r.q.has_l4);
		assert_int_equal(r.q.l4_cksum, net_paris_udp_cksum_for(id));
		assert_int_equal(r.q.sport, 40000);
		assert_int_equal(r.q.dport, 33435);
		assert_int_equal(r.q.ttl, 1);
	}
	assert_int_equal(net_paris_udp_cksum_for(0xffff), 1);
	assert_int_equal(net_paris_set_cksum(buf, 36, 27, 28, 1), NET_EARG);
}

/* scamper's icmp-paris keeps one checksum; we can reproduce its flow id. */
static void test_paris_like_scamper(void **state)
{
	(void)state;
	struct pcap_file pf;
	assert_true(pcap_open("scamper4", &pf));
	int seen = 0;
	uint8_t first4[4];
	for (size_t i = 0; i < pf.n; i++) {
		struct net_rx rx = { .buf = pf.pkts[i].ip, .len = pf.pkts[i].len, .form = NET_RX_IPV4 };
		struct net_reply r;
		if (pf.pkts[i].v6 || net_reply_parse(&rx, &r) != 0 || r.kind != NET_REPLY_ECHO_REQUEST)
			continue;
		const uint8_t *l4 = pf.pkts[i].ip + 20;
		if (seen++ == 0)
			memcpy(first4, l4, 4);
		assert_memory_equal(first4, l4, 4); /* scamper's flow id is constant */
		struct net_probe p = {
			.kind = NET_PROBE_ICMP_ECHO, .src = r.src, .dst = r.dst, .ttl = (uint8_t)r.ttl,
			.icmp_id = r.icmp_id, .icmp_seq = r.icmp_seq,
			.payload = pf.pkts[i].ip + r.payload_off, .payload_len = r.payload_len,
			.want_cksum_set = true, .want_cksum = (uint16_t)(l4[2] << 8 | l4[3]),
		};
		uint8_t buf[128];
		int n = net_probe_build(&p, buf, sizeof buf);
		assert_int_equal(n, (int)pf.pkts[i].len);
		assert_memory_equal(buf + 20, l4, 8); /* same flow id, same identity */
		assert_true(l4_valid(&p, buf, n));
	}
	assert_true(seen >= 3);
	pcap_close(&pf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_rfc1071),
		cmocka_unit_test(test_rebuild_captured_probes),
		cmocka_unit_test(test_build_parse_back),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_paris_icmp_flow),
		cmocka_unit_test(test_paris_udp_identity),
		cmocka_unit_test(test_paris_like_scamper),
	};
	return cmocka_run_group_tests_name("net_probe", tests, NULL, NULL);
}
