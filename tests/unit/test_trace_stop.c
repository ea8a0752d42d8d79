/*
 * Tests of the trace stop rules: a table of (method, reply) and what the
 * reply means for the trace (hop, destination, unreachable, ignored), and
 * loop detection over recorded probes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>

#include "msm/trace/trace_stop.h"

static const uint8_t DST[4] = { 198, 18, 128, 1 };
static const uint8_t RTR[4] = { 198, 18, 0, 2 };
static const uint8_t DST_IF[4] = { 198, 18, 0, 54 }; /* another address of dst's host */

struct stop_case {
	const char *name;
	unsigned method;
	enum net_reply_kind kind;
	enum net_unreach unreach;
	const uint8_t *from;
	enum trace_verdict want;
};

static const struct stop_case cases[] = {
	{ "time exceeded", TRACE_METHOD_UDP, NET_REPLY_TIME_EXCEEDED, 0, RTR, TRACE_V_HOP },
	{ "time exceeded from dst", TRACE_METHOD_ICMP, NET_REPLY_TIME_EXCEEDED, 0, DST, TRACE_V_HOP },
	{ "udp port unreachable", TRACE_METHOD_UDP, NET_REPLY_UNREACH, NET_UNREACH_PORT, DST,
	  TRACE_V_DEST },
	{ "udp-paris port unreachable, other address of the host", TRACE_METHOD_UDP_PARIS,
	  NET_REPLY_UNREACH, NET_UNREACH_PORT, DST_IF, TRACE_V_DEST },
	{ "icmp port unreachable from a router", TRACE_METHOD_ICMP, NET_REPLY_UNREACH,
	  NET_UNREACH_PORT, RTR, TRACE_V_UNREACH },
	{ "host unreachable", TRACE_METHOD_UDP, NET_REPLY_UNREACH, NET_UNREACH_HOST, RTR,
	  TRACE_V_UNREACH },
	{ "admin prohibited", TRACE_METHOD_TCP_SYN, NET_REPLY_UNREACH, NET_UNREACH_ADMIN, RTR,
	  TRACE_V_UNREACH },
	{ "echo reply to icmp", TRACE_METHOD_ICMP_PARIS, NET_REPLY_ECHO_REPLY, 0, DST,
	  TRACE_V_DEST },
	{ "echo reply to udp", TRACE_METHOD_UDP, NET_REPLY_ECHO_REPLY, 0, DST, TRACE_V_IGNORE },
	{ "rst from dst", TRACE_METHOD_TCP_ACK, NET_REPLY_TCP_RST, 0, DST, TRACE_V_DEST },
	{ "syn-ack from dst", TRACE_METHOD_TCP_SYN, NET_REPLY_TCP_SYNACK, 0, DST, TRACE_V_DEST },
	{ "rst from elsewhere", TRACE_METHOD_TCP_SYN, NET_REPLY_TCP_RST, 0, RTR, TRACE_V_IGNORE },
	{ "packet too big", TRACE_METHOD_UDP, NET_REPLY_PACKET_TOO_BIG, 0, RTR, TRACE_V_UNREACH },
	{ "other", TRACE_METHOD_UDP, NET_REPLY_OTHER, 0, RTR, TRACE_V_IGNORE },
};

/* Each reply means what the table says. */
static void test_classify(void **state)
{
	(void)state;
	struct net_addr dst;
	memset(&dst, 0, sizeof dst);
	dst.family = AF_INET;
	memcpy(dst.a, DST, 4);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_reply r;
		memset(&r, 0, sizeof r);
		r.kind = cases[i].kind;
		r.unreach = cases[i].unreach;
		r.family = AF_INET;
		r.src.family = AF_INET;
		memcpy(r.src.a, cases[i].from, 4);
		enum trace_verdict v = trace_classify(cases[i].method, &dst, &r);
		if (v != cases[i].want)
			fail_msg("%s: verdict %d, want %d", cases[i].name, v, cases[i].want);
	}
}

/* A router seen at an earlier TTL is a loop; the same TTL or a later one is not. */
static void test_loop(void **state)
{
	(void)state;
	struct trace_probe p[3];
	struct trace_result res;
	struct msm_addr a, b;
	memset(p, 0, sizeof p);
	memset(&res, 0, sizeof res);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memcpy(a.b, RTR, 4);
	memcpy(b.b, DST_IF, 4);
	res.af = AF_INET;
	res.probes = p;
	res.n_probes = 3;
	for (int i = 0; i < 3; i++) {
		p[i].ttl = (uint8_t)(i + 1);
		p[i].flags = MSM_REPLY_GOT;
		p[i].icmp_type = 11;
	}
	p[0].from = a;
	p[1].from = b;
	p[2].flags = 0; /* a "*" */
	assert_true(trace_is_loop(&res, &a, 4));
	assert_false(trace_is_loop(&res, &a, 1));
	assert_false(trace_is_loop(&res, &b, 2));
	assert_true(trace_is_loop(&res, &b, 3));
	p[1].flags |= MSM_REPLY_TCP; /* a TCP reply is no router */
	assert_false(trace_is_loop(&res, &b, 3));
}

/* MPLS label stack entries keep every field through packing. */
static void test_mpls_pack(void **state)
{
	(void)state;
	static const struct { uint32_t label; unsigned exp, s, ttl; } v[] = {
		{ 0, 0, 0, 0 }, { 16, 0, 1, 1 }, { 1048575, 7, 1, 255 }, { 24001, 5, 0, 254 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		msm_mpls_t e = msm_mpls_pack(v[i].label, v[i].exp, v[i].s, v[i].ttl);
		assert_int_equal(msm_mpls_label(e), v[i].label);
		assert_int_equal(msm_mpls_exp(e), v[i].exp);
		assert_int_equal(msm_mpls_s(e), v[i].s);
		assert_int_equal(msm_mpls_ttl(e), v[i].ttl);
	}
	assert_int_equal(msm_mpls_label(msm_mpls_pack(0x1fffff, 9, 3, 0x1ff)), 0xfffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_mpls_pack),
	};
	return cmocka_run_group_tests_name("trace_stop", tests, NULL, NULL);
}
