/*
 * Tests of reply -> probe signature: a table of parsed replies (echo
 * replies, TCP replies, ICMP errors quoting each probe kind, and hostile
 * variants: wrong run key, no quote, quote cut before the ports, family
 * mismatch, unrelated kinds) and the signature each must give, or none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>

#include "engine/match.h"

#define KEY 0xa1b2c3d4u
#define K16 0xc3d4u /* the low half, carried by TCP probes */

static const uint8_t DST4[16] = { 198, 18, 0, 54 };
static const uint8_t RTR4[16] = { 198, 18, 0, 2 };

struct match_case {
	const char *name;
	void (*make)(struct net_reply *r, uint8_t *buf, size_t *len);
	bool want;
	uint8_t proto;
	uint16_t a, b;
};

/* An echo reply from the destination with our key in the payload. */
static void echo_ok(struct net_reply *r, uint8_t *buf, size_t *len)
{
	uint32_t key = KEY;
	r->kind = NET_REPLY_ECHO_REPLY;
	r->family = AF_INET;
	memcpy(r->src.a, DST4, 16);
	r->src.family = AF_INET;
	r->icmp_id = 77;
	r->icmp_seq = 5;
	r->payload_off = 28;
	r->payload_len = 48;
	memcpy(buf + 30, &key, 4);
	*len = 76;
}

/* The same with another run's key. */
static void echo_badkey(struct net_reply *r, uint8_t *buf, size_t *len)
{
	echo_ok(r, buf, len);
	buf[31] ^= 1;
}

/* An echo reply whose payload offset points past the buffer. */
static void echo_offbuf(struct net_reply *r, uint8_t *buf, size_t *len)
{
	echo_ok(r, buf, len);
	r->payload_off = 74;
}

/* A time exceeded quoting a UDP probe (ports and checksum). */
static void te_udp(struct net_reply *r, uint8_t *buf, size_t *len)
{
	(void)buf;
	*len = 56;
	r->kind = NET_REPLY_TIME_EXCEEDED;
	r->family = AF_INET;
	memcpy(r->src.a, RTR4, 16);
	r->has_quote = true;
	r->q.family = AF_INET;
	r->q.proto = IPPROTO_UDP;
	memcpy(r->q.dst.a, DST4, 16);
	r->q.has_l4 = true;
	r->q.sport = 0x8001;
	r->q.dport = 33435;
	r->q.l4_cksum = 9;
}

/* The same quote cut before the transport header. */
static void te_udp_cut(struct net_reply *r, uint8_t *buf, size_t *len)
{
	te_udp(r, buf, len);
	r->q.has_l4 = false;
}

/* An ICMPv6 error quoting an IPv4 packet: cannot be ours. */
static void te_family_mix(struct net_reply *r, uint8_t *buf, size_t *len)
{
	te_udp(r, buf, len);
	r->family = AF_INET6;
}

/* An unreachable quoting an ICMP echo probe. */
static void unreach_icmp(struct net_reply *r, uint8_t *buf, size_t *len)
{
	te_udp(r, buf, len);
	r->kind = NET_REPLY_UNREACH;
	r->q.proto = IPPROTO_ICMP;
	r->q.icmp_type = 8;
	r->q.icmp_id = 12;
	r->q.icmp_seq = 3;
}

/* A time exceeded quoting a TCP probe whose sequence carries our key. */
static void te_tcp(struct net_reply *r, uint8_t *buf, size_t *len)
{
	te_udp(r, buf, len);
	r->q.proto = IPPROTO_TCP;
	r->q.sport = 0x8002;
	r->q.tcp_seq = ((uint32_t)K16 << 16) | 4;
}

/* The same with a foreign sequence number. */
static void te_tcp_badkey(struct net_reply *r, uint8_t *buf, size_t *len)
{
	te_tcp(r, buf, len);
	r->q.tcp_seq = 0x12340004;
}

/* A RST answering our ACK probe: its seq is our ack (key | id). */
static void rst_to_ack(struct net_reply *r, uint8_t *buf, size_t *len)
{
	(void)buf;
	*len = 40;
	r->kind = NET_REPLY_TCP_RST;
	r->family = AF_INET;
	r->proto = IPPROTO_TCP;
	memcpy(r->src.a, DST4, 16);
	r->sport = 80;
	r->dport = 0x8003;
	r->tcp_flags = 0x04;
	r->tcp_seq = ((uint32_t)K16 << 16) | 6;
}

/* A SYN-ACK answering our SYN: its ack is our seq + 1. */
static void synack(struct net_reply *r, uint8_t *buf, size_t *len)
{
	rst_to_ack(r, buf, len);
	r->kind = NET_REPLY_TCP_SYNACK;
	r->tcp_flags = 0x12;
	r->tcp_seq = 0xdeadbeef;
	r->tcp_ack = (((uint32_t)K16 << 16) | 7) + 1;
}

/* A SYN-ACK acknowledging someone else's SYN. */
static void synack_foreign(struct net_reply *r, uint8_t *buf, size_t *len)
{
	synack(r, buf, len);
	r->tcp_ack = 0x00010008;
}

/* A packet of a kind no probe draws. */
static void other(struct net_reply *r, uint8_t *buf, size_t *len)
{
	echo_ok(r, buf, len);
	r->kind = NET_REPLY_OTHER;
}

static const struct match_case cases[] = {
	{ "echo reply", echo_ok, true, IPPROTO_ICMP, 77, 5 },
	{ "echo reply, wrong key", echo_badkey, false, 0, 0, 0 },
	{ "echo reply, payload past the end", echo_offbuf, false, 0, 0, 0 },
	{ "time exceeded quoting udp", te_udp, true, IPPROTO_UDP, 0x8001, 9 },
	{ "quote without ports", te_udp_cut, false, 0, 0, 0 },
	{ "v6 error quoting v4", te_family_mix, false, 0, 0, 0 },
	{ "unreachable quoting icmp echo", unreach_icmp, true, IPPROTO_ICMP, 12, 3 },
	{ "time exceeded quoting tcp", te_tcp, true, IPPROTO_TCP, 0x8002, 4 },
	{ "tcp quote, wrong key", te_tcp_badkey, false, 0, 0, 0 },
	{ "rst to ack", rst_to_ack, true, IPPROTO_TCP, 0x8003, 6 },
	{ "syn-ack", synack, true, IPPROTO_TCP, 0x8003, 7 },
	{ "syn-ack, foreign", synack_foreign, false, 0, 0, 0 },
	{ "other", other, false, 0, 0, 0 },
};

/* Each case matches exactly as the table says, with the right destination. */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_reply r;
		uint8_t buf[128];
		size_t len = 0;
		struct eng_sig sig;
		memset(&r, 0, sizeof r);
		memset(buf, 0, sizeof buf);
		cases[i].make(&r, buf, &len);
		bool got = eng_reply_sig(&r, buf, len, KEY, &sig);
		if (got != cases[i].want)
			fail_msg("%s: matched %d, want %d", cases[i].name, got, cases[i].want);
		if (!got)
			continue;
		if (sig.proto != cases[i].proto || sig.a != cases[i].a || sig.b != cases[i].b ||
		    memcmp(sig.dst, DST4, 16) != 0 || sig.family != AF_INET)
			fail_msg("%s: signature proto %u a %u b %u", cases[i].name, sig.proto,
				 sig.a, sig.b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests_name("engine_match", tests, NULL, NULL);
}
