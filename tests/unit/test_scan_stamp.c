/*
 * Tests of the scan's stateless encoding (src/scan/stamp.c): a probe of
 * each method and family is built with the packet codec, quoted inside a
 * crafted ICMP time exceeded (IPv4: 8 transport bytes only, as RFC 792
 * routers quote; IPv6: the whole probe), parsed by the one reply parser and
 * decoded back to its target, TTL and send time. Forged or damaged replies
 * (another seed, a flipped bit, another target in the quote) are refused.
 * Also the SipHash-2-4 test vector of its paper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>

#include "net/checksum.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/reply.h"
#include "scan/keyhash.h"
#include "scan/stamp.h"

/* SipHash-2-4, key 00..0f, message 00..0e: 0xa129ca6149be45e5 (paper, App. A). */
static void test_siphash_vector(void **state)
{
	(void)state;
	uint8_t key[16], msg[15];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	struct keyhash_key k = { 0, 0 };
	for (int i = 7; i >= 0; i--) {
		k.k0 = (k.k0 << 8) | key[i];
		k.k1 = (k.k1 << 8) | key[i + 8];
	}
	assert_true(keyhash(&k, msg, sizeof msg) == 0xa129ca6149be45e5ULL);
}

static struct net_addr addr(const char *s)
{
	struct net_addr a;
	char err[64];
	assert_true(net_addr_parse(s, &a, err, sizeof err));
	return a;
}

/* Build probe f with stamp s from src; the IP packet (v6: with its header) in pkt. */
static size_t build_probe(const struct scan_stamp *s, const struct scan_fields *f,
			  const struct net_addr *src, uint8_t *pkt, size_t room)
{
	struct net_probe np;
	uint8_t payload[SCAN_PAYLOAD_LEN];
	memset(&np, 0, sizeof np);
	np.src = *src;
	scan_stamp_encode(s, f, &np, payload);
	bool v6 = f->dst.family == AF_INET6;
	size_t off = v6 ? NET_IPV6_HLEN : 0;
	int n = net_probe_build(&np, pkt + off, room - off);
	assert_true(n > 0);
	if (v6) {
		struct net_ipv6 h = { .payload_len = (uint16_t)n, .hlim = 1,
				      .next = (uint8_t)net_probe_proto(np.kind, AF_INET6),
				      .src = *src, .dst = f->dst };
		assert_int_equal(net_ipv6_build(&h, pkt, NET_IPV6_HLEN), NET_IPV6_HLEN);
	}
	return off + (size_t)n;
}

/*
 * Wrap the first qlen bytes of probe pkt into an ICMP(v6) time exceeded from
 * router to src, as a raw socket returns it; parse it into *r. Returns the
 * buffer length.
 */
static size_t time_exceeded(const uint8_t *pkt, size_t qlen, const struct net_addr *router,
			    const struct net_addr *src, uint8_t *buf, struct net_reply *r)
{
	bool v6 = router->family == AF_INET6;
	size_t ip = v6 ? 0 : NET_IPV4_HLEN, len = ip + 8 + qlen;
	memset(buf, 0, 8 + ip);
	buf[ip] = v6 ? 3 : 11;
	memcpy(buf + ip + 8, pkt, qlen);
	if (!v6) {
		buf[ip + 8 + 8] = 1; /* the quoted TTL: 1 on arrival */
		struct net_ipv4 h = { .total_len = (uint16_t)len, .ttl = 60,
				      .proto = IPPROTO_ICMP, .src = *router, .dst = *src };
		assert_int_equal(net_ipv4_build(&h, buf, len), NET_IPV4_HLEN);
		uint16_t c = net_checksum(buf + ip, len - ip);
		buf[ip + 2] = (uint8_t)(c >> 8);
		buf[ip + 3] = (uint8_t)c;
	}
	struct net_rx rx = { .buf = buf, .len = len, .form = v6 ? NET_RX_V6_L4 : NET_RX_IPV4,
			     .src = router, .hlim = 60 };
	assert_int_equal(net_reply_parse(&rx, r), 0);
	return len;
}

struct stamp_case {
	enum scan_method m;
	const char *src, *router, *dst;
};

static const struct stamp_case cases[] = {
	{ SCAN_ICMP_PARIS, "198.18.0.1", "198.18.1.1", "198.18.200.77" },
	{ SCAN_UDP_PARIS, "198.18.0.1", "198.18.1.1", "198.18.200.77" },
	{ SCAN_TCP_ACK, "198.18.0.1", "198.18.1.1", "198.18.200.77" },
	{ SCAN_ICMP_PARIS, "2001:db8::1", "2001:db8:1::1", "2001:db8:77::1" },
	{ SCAN_UDP_PARIS, "2001:db8::1", "2001:db8:1::1", "2001:db8:77::1" },
	{ SCAN_TCP_ACK, "2001:db8::1", "2001:db8:1::1", "2001:db8:77::1" },
};

/* Every method and family: the quote decodes to the probe's fields. */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct scan_stamp s;
		scan_stamp_init(&s, cases[c].m, 42);
		struct net_addr src = addr(cases[c].src), rtr = addr(cases[c].router);
		for (unsigned ttl = 1; ttl <= SCAN_TTL_MAX; ttl += 7) {
			struct scan_fields f = { addr(cases[c].dst), (uint8_t)ttl,
						 (uint16_t)(ttl * 1021u + c) };
			uint8_t pkt[256], buf[512];
			size_t n = build_probe(&s, &f, &src, pkt, sizeof pkt);
			size_t qlen = f.dst.family == AF_INET ? 28 : n;
			struct net_reply r;
			size_t len = time_exceeded(pkt, qlen, &rtr, &src, buf, &r);
			struct scan_match m;
			assert_true(scan_stamp_decode(&s, &r, buf, len, &m));
			assert_true(net_addr_equal(&m.f.dst, &f.dst));
			assert_int_equal(m.f.ttl, ttl);
			assert_int_equal(m.f.ts, f.ts);
			assert_false(m.from_target);
		}
	}
}

/* A reply to a probe of another seed, or with any quoted bit of W flipped, is refused. */
static void test_forged_refused(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct scan_stamp s, other;
		scan_stamp_init(&s, cases[c].m, 42);
		scan_stamp_init(&other, cases[c].m, 43);
		struct net_addr src = addr(cases[c].src), rtr = addr(cases[c].router);
		struct scan_fields f = { addr(cases[c].dst), 9, 4242 };
		uint8_t pkt[256], buf[512];
		size_t n = build_probe(&other, &f, &src, pkt, sizeof pkt);
		bool v4 = f.dst.family == AF_INET;
		size_t qlen = v4 ? 28 : n;
		struct net_reply r;
		struct scan_match m;
		size_t len = time_exceeded(pkt, qlen, &rtr, &src, buf, &r);
		assert_false(scan_stamp_decode(&s, &r, buf, len, &m));
		/* flip each bit of the quoted transport header's identity bytes */
		build_probe(&s, &f, &src, pkt, sizeof pkt);
		size_t l4 = v4 ? 20 : 40;
		for (size_t bit = 0; bit < 64; bit++) {
			uint8_t bad[256];
			memcpy(bad, pkt, n);
			bad[l4 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
			len = time_exceeded(bad, qlen, &rtr, &src, buf, &r);
			bool ok = scan_stamp_decode(&s, &r, buf, len, &m);
			/* a flip may only pass when it left every field we read equal
			   (the UDP length, bytes 4-5, and the ICMP code are not read) */
			if (ok && !(cases[c].m == SCAN_UDP_PARIS && bit / 8 >= 4 && bit / 8 < 6) &&
			    !(cases[c].m == SCAN_ICMP_PARIS && bit / 8 == 1))
				fail_msg("case %zu: bit %zu flipped and still taken", c, bit);
		}
		/* the same probe quoted under another target address */
		uint8_t *dsta = pkt + (v4 ? 16 : 24);
		dsta[v4 ? 3 : 15] ^= 1;
		len = time_exceeded(pkt, qlen, &rtr, &src, buf, &r);
		assert_false(scan_stamp_decode(&s, &r, buf, len, &m));
	}
}

/* An echo reply (ICMP Paris) and a TCP RST (tcp-ack) from the target decode too. */
static void test_from_target(void **state)
{
	(void)state;
	struct scan_stamp s;
	scan_stamp_init(&s, SCAN_ICMP_PARIS, 7);
	struct scan_fields f = { addr("198.18.5.9"), 13, 777 };
	struct net_probe np;
	uint8_t payload[SCAN_PAYLOAD_LEN];
	memset(&np, 0, sizeof np);
	scan_stamp_encode(&s, &f, &np, payload);
	struct net_reply r;
	memset(&r, 0, sizeof r);
	r.kind = NET_REPLY_ECHO_REPLY;
	r.src = f.dst;
	r.icmp_id = np.icmp_id;
	r.icmp_seq = np.icmp_seq;
	uint8_t buf[64] = { 0 };
	memcpy(buf + 28, payload, sizeof payload);
	r.payload_off = 28;
	r.payload_len = SCAN_PAYLOAD_LEN;
	struct scan_match m;
	assert_true(scan_stamp_decode(&s, &r, buf, 32, &m));
	assert_true(m.from_target);
	assert_int_equal(m.f.ttl, 13);
	buf[31] ^= 0x40;
	assert_false(scan_stamp_decode(&s, &r, buf, 32, &m));
	assert_false(scan_stamp_decode(&s, &r, buf, 30, &m)); /* payload cut */

	scan_stamp_init(&s, SCAN_TCP_ACK, 7);
	memset(&np, 0, sizeof np);
	scan_stamp_encode(&s, &f, &np, payload);
	memset(&r, 0, sizeof r);
	r.kind = NET_REPLY_TCP_RST;
	r.src = f.dst;
	r.sport = np.dport;
	r.dport = np.sport;
	r.tcp_seq = np.tcp_ack;
	assert_true(scan_stamp_decode(&s, &r, buf, 40, &m));
	assert_int_equal(m.f.ts, 777);
	r.tcp_seq ^= 1;
	assert_false(scan_stamp_decode(&s, &r, buf, 40, &m));
}

/* The flow fields stay equal for one target whatever the TTL and time (Paris). */
static void test_flow_constant(void **state)
{
	(void)state;
	for (int m = 0; m < 3; m++) {
		struct scan_stamp s;
		scan_stamp_init(&s, (enum scan_method)m, 99);
		struct net_addr src = addr("198.18.0.1");
		uint8_t first[64] = { 0 };
		for (unsigned ttl = 1; ttl < 32; ttl++) {
			struct scan_fields f = { addr("198.18.9.9"), (uint8_t)ttl,
						 (uint16_t)(ttl * 3331u) };
			uint8_t pkt[128];
			build_probe(&s, &f, &src, pkt, sizeof pkt);
			/* ICMP: type, code, checksum; UDP/TCP: the ports */
			if (ttl == 1)
				memcpy(first, pkt + 20, 4);
			else
				assert_memory_equal(first, pkt + 20, 4);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vector),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forged_refused),
		cmocka_unit_test(test_from_target),
		cmocka_unit_test(test_flow_constant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
