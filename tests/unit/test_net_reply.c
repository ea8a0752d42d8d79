/*
 * Tests of the reply parser on real packets: pcaps recorded by
 * tests/data/capture-pcaps in namespaces (ping, traceroute -U/-I/-T, scamper,
 * a narrow link, reject routes, nft rejects, crafted raw packets: bad IP
 * options, unknown protocols and next headers, lone first fragments). For each
 * file, a table says which reply kinds must be found; every ICMP error's
 * quote must name a probe that really left the host in the same capture; the
 * IPv6 raw-socket form must agree with the full-packet form; and every
 * truncation of every packet must parse without reading outside the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>

#include "net/err.h"
#include "net/reply.h"
#include "test_net_pcap.h"

struct expect {
	const char *file;
	enum net_reply_kind kind;
	enum net_unreach unreach; /* checked when kind is UNREACH */
	int code;                 /* raw ICMP code, -1: any */
	int min;                  /* at least this many such replies */
	uint32_t mtu;             /* PTB: the MTU (0: not checked) */
	int pointer;              /* param problem pointer, -1: not checked */
};

#define ANY -1
static const struct expect expects[] = {
	{ "echo4", NET_REPLY_ECHO_REPLY, 0, 0, 2, 0, ANY },
	{ "echo6", NET_REPLY_ECHO_REPLY, 0, 0, 2, 0, ANY },
	{ "trace-udp4", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-udp4", NET_REPLY_UNREACH, NET_UNREACH_PORT, 3, 1, 0, ANY },
	{ "trace-udp6", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-udp6", NET_REPLY_UNREACH, NET_UNREACH_PORT, 4, 1, 0, ANY },
	{ "trace-icmp4", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-icmp4", NET_REPLY_ECHO_REPLY, 0, 0, 1, 0, ANY },
	{ "trace-icmp6", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-icmp6", NET_REPLY_ECHO_REPLY, 0, 0, 1, 0, ANY },
	{ "trace-tcp4", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-tcp4", NET_REPLY_TCP_RST, 0, 0, 1, 0, ANY },
	{ "trace-tcp6", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "trace-tcp6", NET_REPLY_TCP_RST, 0, 0, 1, 0, ANY },
	{ "synack4", NET_REPLY_TCP_SYNACK, 0, 0, 1, 0, ANY },
	{ "synack6", NET_REPLY_TCP_SYNACK, 0, 0, 1, 0, ANY },
	{ "scamper4", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "scamper4", NET_REPLY_ECHO_REPLY, 0, 0, 1, 0, ANY },
	{ "scamper6", NET_REPLY_TIME_EXCEEDED, 0, 0, 2, 0, ANY },
	{ "scamper6", NET_REPLY_UNREACH, NET_UNREACH_PORT, 4, 1, 0, ANY },
	{ "ptb4", NET_REPLY_PACKET_TOO_BIG, NET_UNREACH_FRAG_NEEDED, 4, 1, 1280, ANY },
	{ "ptb6", NET_REPLY_PACKET_TOO_BIG, 0, 0, 1, 1280, ANY },
	{ "route-unreach4", NET_REPLY_UNREACH, NET_UNREACH_ADMIN, 13, 1, 0, ANY },
	{ "route-unreach4", NET_REPLY_UNREACH, NET_UNREACH_HOST, 1, 1, 0, ANY },
	{ "route-unreach6", NET_REPLY_UNREACH, NET_UNREACH_ADMIN, 1, 1, 0, ANY },
	{ "route-unreach6", NET_REPLY_UNREACH, NET_UNREACH_NET, 0, 1, 0, ANY },
	{ "param4", NET_REPLY_PARAM_PROBLEM, 0, 0, 1, 0, 21 },
	{ "param6", NET_REPLY_PARAM_PROBLEM, 0, 2, 1, 0, 42 },
	{ "param6", NET_REPLY_PARAM_PROBLEM, 0, 1, 1, 0, 6 },
	{ "proto4", NET_REPLY_UNREACH, NET_UNREACH_PROTO, 2, 1, 0, ANY },
	{ "reasm4", NET_REPLY_TIME_EXCEEDED, 0, 1, 1, 0, ANY },
	{ "reasm6", NET_REPLY_TIME_EXCEEDED, 0, 1, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_NET, 0, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_HOST, 1, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_PROTO, 2, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_PORT, 3, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_NET_PROHIB, 9, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_HOST_PROHIB, 10, 1, 0, ANY },
	{ "reject4", NET_REPLY_UNREACH, NET_UNREACH_ADMIN, 13, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_NET, 0, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_ADMIN, 1, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_HOST, 3, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_PORT, 4, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_SRC_POLICY, 5, 1, 0, ANY },
	{ "reject6", NET_REPLY_UNREACH, NET_UNREACH_REJECT_ROUTE, 6, 1, 0, ANY },
	{ "rst-nft4", NET_REPLY_TCP_RST, 0, 0, 1, 0, ANY },
	{ "rst-nft6", NET_REPLY_TCP_RST, 0, 0, 1, 0, ANY },
};

static const char *const files[] = {
	"echo4", "echo6", "trace-udp4", "trace-udp6", "trace-icmp4", "trace-icmp6",
	"trace-tcp4", "trace-tcp6", "synack4", "synack6", "scamper4", "scamper6",
	"ptb4", "ptb6", "route-unreach4", "route-unreach6", "param4", "param6",
	"proto4", "reasm4", "reasm6", "reject4", "reject6", "rst-nft4", "rst-nft6",
};

/* Parse packet i of pf as a full IP packet. */
static int parse_pkt(const struct pcap_file *pf, size_t i, struct net_reply *r)
{
	struct net_rx rx = { .buf = pf->pkts[i].ip, .len = pf->pkts[i].len,
	                     .form = pf->pkts[i].v6 ? NET_RX_IPV6 : NET_RX_IPV4 };
	return net_reply_parse(&rx, r);
}

/* True when reply r matches the expectation e. */
static bool matches(const struct net_reply *r, const struct expect *e)
{
	if (r->kind != e->kind)
		return false;
	if (e->code != ANY && r->icmp_type != 0 && r->icmp_code != e->code)
		return false;
	if (e->code != ANY && r->kind == NET_REPLY_ECHO_REPLY && r->icmp_code != 0)
		return false;
	if ((e->kind == NET_REPLY_UNREACH || e->unreach != 0) && r->unreach != e->unreach)
		return false;
	if (e->mtu != 0 && r->mtu != e->mtu)
		return false;
	return e->pointer == ANY || r->pointer == (uint32_t)e->pointer;
}

/* True when outbound packet p (parsed) is the probe quote q names. */
static bool is_quoted_probe(const struct net_reply *p, const struct net_quote *q)
{
	if (!net_addr_equal(&p->src, &q->src) || !net_addr_equal(&p->dst, &q->dst))
		return false;
	if (p->proto != q->proto && q->proto != IPPROTO_NONE)
		return false;
	if (q->family == AF_INET && p->ip_id != q->ip_id)
		return false;
	if (!q->has_l4)
		return true;
	switch (q->proto) {
	case IPPROTO_UDP:
		return p->sport == q->sport && p->dport == q->dport;
	case IPPROTO_TCP:
		return p->sport == q->sport && p->dport == q->dport && p->tcp_seq == q->tcp_seq;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return p->kind == NET_REPLY_ECHO_REQUEST && p->icmp_id == q->icmp_id &&
		       p->icmp_seq == q->icmp_seq;
	}
	return false;
}

/* Assert the quote of error r names a probe sent earlier in pf. */
static void assert_quote_matches_probe(const struct pcap_file *pf, size_t upto,
                                       const struct net_reply *r)
{
	assert_true(r->has_quote);
	assert_true(net_addr_equal(&r->q.src, &r->dst)); /* quoted src is us */
	if (r->kind == NET_REPLY_TIME_EXCEEDED && r->icmp_code == 0)
		assert_int_equal(r->q.ttl, 1);
	for (size_t j = 0; j < upto; j++) {
		struct net_reply p;
		if (parse_pkt(pf, j, &p) == 0 && is_quoted_probe(&p, &r->q)) {
			assert_int_equal(r->q.ip_len, p.size);
			return;
		}
	}
	fail_msg("no probe in the capture matches the quote of a %s",
	         net_reply_kind_str(r->kind));
}

/* Every expectation row: enough replies of the kind in its file. */
static void test_expected_kinds(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof expects / sizeof expects[0]; k++) {
		const struct expect *e = &expects[k];
		struct pcap_file pf;
		assert_true(pcap_open(e->file, &pf));
		int found = 0;
		for (size_t i = 0; i < pf.n; i++) {
			struct net_reply r;
			assert_int_equal(parse_pkt(&pf, i, &r), 0);
			found += matches(&r, e);
		}
		if (found < e->min)
			fail_msg("%s: %d %s replies, want >= %d", e->file, found,
			         net_reply_kind_str(e->kind), e->min);
		pcap_close(&pf);
	}
}

/* True for reply kinds that carry a quote. */
static bool is_error(enum net_reply_kind k)
{
	return k == NET_REPLY_TIME_EXCEEDED || k == NET_REPLY_UNREACH ||
	       k == NET_REPLY_PACKET_TOO_BIG || k == NET_REPLY_PARAM_PROBLEM;
}

/* Run check on every packet of every capture; returns the sum of its results. */
static int for_each_packet(int (*check)(const struct pcap_file *pf, size_t i))
{
	int sum = 0;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		struct pcap_file pf;
		assert_true(pcap_open(files[f], &pf));
		for (size_t i = 0; i < pf.n; i++)
			sum += check(&pf, i);
		pcap_close(&pf);
	}
	return sum;
}

/* If packet i is an ICMP error, assert its quote names a real probe; 1 if so. */
static int check_quote(const struct pcap_file *pf, size_t i)
{
	struct net_reply r;
	assert_int_equal(parse_pkt(pf, i, &r), 0);
	if (!is_error(r.kind))
		return 0;
	assert_quote_matches_probe(pf, i, &r);
	return 1;
}

/* Every ICMP error in every file quotes a probe that left the host. */
static void test_quotes_name_real_probes(void **state)
{
	(void)state;
	assert_true(for_each_packet(check_quote) > 100);
}

/* Compare the fields both input forms must agree on. */
static void assert_same_reply(const struct net_reply *a, const struct net_reply *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->icmp_type, b->icmp_type);
	assert_int_equal(a->icmp_code, b->icmp_code);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->unreach, b->unreach);
	assert_int_equal(a->mtu, b->mtu);
	assert_int_equal(a->pointer, b->pointer);
	assert_int_equal(a->icmp_id, b->icmp_id);
	assert_int_equal(a->icmp_seq, b->icmp_seq);
	assert_int_equal(a->payload_len, b->payload_len);
	assert_true(net_addr_equal(&a->src, &b->src));
	assert_int_equal(a->has_quote, b->has_quote);
	assert_memory_equal(&a->q, &b->q, sizeof a->q);
	assert_memory_equal(&a->ext, &b->ext, sizeof a->ext);
}

/* If packet i is ICMPv6 or TCP over IPv6, parse it as an IPv6 raw socket
 * of that protocol gives it and compare with the full-packet parse; 1 if
 * compared. */
static int check_v6_raw(const struct pcap_file *pf, size_t i)
{
	const struct pcap_pkt *k = &pf->pkts[i];
	struct net_reply full, raw;
	if (!k->v6 || k->len < 48 || (k->ip[6] != IPPROTO_ICMPV6 && k->ip[6] != IPPROTO_TCP))
		return 0;
	assert_int_equal(parse_pkt(pf, i, &full), 0);
	struct net_rx rx = { .buf = k->ip + 40, .len = k->len - 40, .form = NET_RX_V6_L4,
	                     .proto = k->ip[6], .src = &full.src, .dst = &full.dst,
	                     .hlim = full.ttl };
	assert_int_equal(net_reply_parse(&rx, &raw), 0);
	assert_same_reply(&full, &raw);
	assert_int_equal(full.tcp_seq, raw.tcp_seq);
	assert_int_equal(full.tcp_flags, raw.tcp_flags);
	assert_int_equal(full.sport, raw.sport);
	if (full.payload_len > 0)
		assert_int_equal(raw.payload_off + 40, full.payload_off);
	return 1;
}

/* An IPv6 raw socket's view (transport header on, metadata aside) parses alike. */
static void test_v6_raw_socket_form(void **state)
{
	(void)state;
	assert_true(for_each_packet(check_v6_raw) > 50);
}

/* Parse every prefix of packet i from an exact-size copy (ASan sees overreads). */
static int check_truncations(const struct pcap_file *pf, size_t i)
{
	const struct pcap_pkt *k = &pf->pkts[i];
	for (size_t len = 0; len <= k->len; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, k->ip, len);
		struct net_rx rx = { .buf = copy, .len = len,
		                     .form = k->v6 ? NET_RX_IPV6 : NET_RX_IPV4 };
		struct net_reply r;
		int rc = net_reply_parse(&rx, &r);
		free(copy);
		assert_true(rc == 0 || rc == NET_ETRUNC || rc == NET_EHEADER);
		if (len < 20)
			assert_int_equal(rc, NET_ETRUNC);
	}
	return 1;
}

/* Every prefix of every captured packet parses or fails cleanly. */
static void test_truncations(void **state)
{
	(void)state;
	assert_true(for_each_packet(check_truncations) > 500);
}

/* Hand-checked fields of the first time exceeded in trace-udp4. */
static void test_time_exceeded_fields(void **state)
{
	(void)state;
	struct pcap_file pf;
	assert_true(pcap_open("trace-udp4", &pf));
	struct net_reply r;
	size_t i = 0;
	for (; i < pf.n; i++)
		if (parse_pkt(&pf, i, &r) == 0 && r.kind == NET_REPLY_TIME_EXCEEDED)
			break;
	assert_true(i < pf.n);
	char a[NET_ADDR_STRLEN];
	assert_string_equal(net_addr_str(&r.src, a, sizeof a), "198.18.1.1");
	assert_string_equal(net_addr_str(&r.q.dst, a, sizeof a), "198.18.3.2");
	assert_string_equal(net_addr_str(&r.q.src, a, sizeof a), "198.18.1.2");
	assert_int_equal(r.ttl, 64);
	assert_int_equal(r.q.proto, IPPROTO_UDP);
	assert_true(r.q.has_l4);
	assert_int_equal(r.q.dport, 53); /* traceroute -U's default port */
	assert_int_equal(r.q.udp_len, r.q.ip_len - 20);
	assert_false(r.ext.present);
	pcap_close(&pf);
}

/* Wrong arguments are refused. */
static void test_bad_arguments(void **state)
{
	(void)state;
	uint8_t b[64] = { 0 };
	struct net_reply r;
	struct net_rx rx = { .buf = b, .len = sizeof b, .form = NET_RX_V6_L4 };
	assert_int_equal(net_reply_parse(&rx, &r), NET_EARG); /* no source */
	rx.form = 99;
	assert_int_equal(net_reply_parse(&rx, &r), NET_EARG);
	rx.form = NET_RX_IPV4;
	assert_int_equal(net_reply_parse(&rx, &r), NET_EVERSION);
	assert_string_equal(net_strerror(NET_ETRUNC), "truncated packet");
	assert_string_equal(net_reply_kind_str(NET_REPLY_PACKET_TOO_BIG), "packet-too-big");
	assert_string_equal(net_unreach_str(NET_UNREACH_REJECT_ROUTE), "reject-route");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expected_kinds),
		cmocka_unit_test(test_quotes_name_real_probes),
		cmocka_unit_test(test_v6_raw_socket_form),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_time_exceeded_fields),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests_name("net_reply", tests, NULL, NULL);
}
