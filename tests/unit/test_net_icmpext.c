/*
 * Tests of ICMP extensions and the IPv6 extension-header walk. Linux routers
 * send no RFC 4884 extensions, so these messages are crafted here: time
 * exceeded errors carrying an RFC 4950 MPLS label stack and an RFC 5837
 * interface information object, in the RFC 4884 form (length field) and the
 * older fixed-offset form, for ICMP and ICMPv6; and IPv6 packets with chains
 * of extension headers.
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
#include "net/icmpext.h"
#include "net/ipv6.h"
#include "net/reply.h"

/* Store v big-endian. */
static void be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t *p, uint32_t v) { be16(p, (uint16_t)(v >> 16)); be16(p + 2, (uint16_t)v); }

/* One MPLS label stack entry. */
static uint32_t lse(uint32_t label, uint8_t tc, uint8_t s, uint8_t ttl)
{
	return label << 12 | (uint32_t)tc << 9 | (uint32_t)s << 8 | ttl;
}

/* Write an extension structure (MPLS 2 labels + ifinfo) at p; returns length. */
static size_t write_ext(uint8_t *p)
{
	size_t o = 4;
	be16(p + o, 12); p[o + 2] = 1; p[o + 3] = 1;            /* MPLS incoming stack */
	be32(p + o + 4, lse(16001, 5, 0, 254));
	be32(p + o + 8, lse(24, 0, 1, 1));
	o += 12;
	be16(p + o, 4 + 4 + 8 + 8 + 4); p[o + 2] = 2; p[o + 3] = 0x0f; /* incoming; all parts */
	be32(p + o + 4, 7);                                     /* ifindex */
	be16(p + o + 8, 1); be16(p + o + 10, 0);                /* AFI IPv4 */
	memcpy(p + o + 12, (uint8_t[]){ 198, 18, 2, 1 }, 4);
	p[o + 16] = 8;                                          /* name sub-object */
	memcpy(p + o + 17, "eth0\0\0\0", 7);
	be32(p + o + 24, 1500);                                 /* MTU */
	o += 28;
	p[0] = 0x20; p[1] = 0; be16(p + 2, 0);
	be16(p + 2, net_checksum(p, o));
	return o;
}

/* Write a quoted UDP probe (IPv4 or IPv6 header + 8 bytes) at p; returns length. */
static size_t write_quote(uint8_t *p, bool v6)
{
	size_t h = v6 ? 40 : 20;
	memset(p, 0, h + 8);
	if (v6) {
		p[0] = 0x60; be16(p + 4, 8 + 20); p[6] = IPPROTO_UDP; p[7] = 1;
		p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8; p[23] = 2;
		p[24] = 0x20; p[25] = 0x01; p[26] = 0x0d; p[27] = 0xb8; p[39] = 3;
	} else {
		p[0] = 0x45; be16(p + 2, 48); be16(p + 4, 0x1234); p[8] = 1; p[9] = IPPROTO_UDP;
		memcpy(p + 12, (uint8_t[]){ 198, 18, 1, 2, 198, 18, 3, 2 }, 8);
	}
	be16(p + h, 40000); be16(p + h + 2, 33434); be16(p + h + 4, 28); be16(p + h + 6, 0xbeef);
	return h + 8;
}

/*
 * Craft a time exceeded ICMP(v6) message into msg: quote padded to 128
 * bytes, then the extensions. rfc4884 sets the length field. Returns length.
 */
static size_t craft_te(uint8_t *msg, bool v6, bool rfc4884)
{
	memset(msg, 0, 8 + 128);
	msg[0] = v6 ? 3 : 11;
	write_quote(msg + 8, v6);
	if (rfc4884) {
		if (v6)
			msg[4] = 128 / 8;
		else
			msg[5] = 128 / 4;
	}
	size_t n = 8 + 128 + write_ext(msg + 8 + 128);
	if (!v6)
		be16(msg + 2, net_checksum(msg, n));
	return n;
}

/* Check the objects write_ext put in. */
static void assert_ext(const struct net_icmpext *e)
{
	assert_true(e->present);
	assert_true(e->cksum_ok);
	assert_int_equal(e->mpls_count, 2);
	assert_int_equal(e->mpls[0].label, 16001);
	assert_int_equal(e->mpls[0].tc, 5);
	assert_int_equal(e->mpls[0].s, 0);
	assert_int_equal(e->mpls[0].ttl, 254);
	assert_int_equal(e->mpls[1].label, 24);
	assert_int_equal(e->mpls[1].s, 1);
	assert_int_equal(e->mpls[1].ttl, 1);
	assert_int_equal(e->ifinfo_count, 1);
	const struct net_ifinfo *ii = &e->ifinfo[0];
	assert_int_equal(ii->role, NET_IFROLE_INCOMING);
	assert_true(ii->has_ifindex && ii->has_addr && ii->has_name && ii->has_mtu);
	assert_int_equal(ii->ifindex, 7);
	char a[NET_ADDR_STRLEN];
	assert_string_equal(net_addr_str(&ii->addr, a, sizeof a), "198.18.2.1");
	assert_string_equal(ii->name, "eth0");
	assert_int_equal(ii->mtu, 1500);
}

/* Both forms, both families, through the whole reply parser. */
static void test_mpls_through_reply_parser(void **state)
{
	(void)state;
	struct net_addr router = { .family = AF_INET6, .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 } };
	for (int v6 = 0; v6 < 2; v6++) {
		for (int form = 0; form < 2; form++) {
			uint8_t pkt[512];
			struct net_rx rx = { .buf = pkt, .form = v6 ? NET_RX_V6_L4 : NET_RX_IPV4,
			                     .src = &router, .hlim = 250 };
			size_t n;
			if (v6) {
				n = craft_te(pkt, true, form);
			} else {
				n = 20 + craft_te(pkt + 20, false, form);
				memset(pkt, 0, 20);
				pkt[0] = 0x45; be16(pkt + 2, (uint16_t)n); pkt[8] = 250; pkt[9] = IPPROTO_ICMP;
				memcpy(pkt + 12, (uint8_t[]){ 198, 18, 2, 1, 198, 18, 1, 2 }, 8);
			}
			rx.len = n;
			struct net_reply r;
			assert_int_equal(net_reply_parse(&rx, &r), 0);
			assert_int_equal(r.kind, NET_REPLY_TIME_EXCEEDED);
			assert_ext(&r.ext);
			assert_true(r.has_quote && r.q.has_l4);
			assert_int_equal(r.q.quote_len, 128);
			assert_int_equal(r.q.sport, 40000);
			assert_int_equal(r.q.l4_cksum, 0xbeef);
			assert_int_equal(r.q.ttl, 1);
			assert_int_equal(r.ttl, 250);
		}
	}
}

/* Without the length field, a bad checksum means "no extension": the
 * bytes stay part of the quote. */
static void test_legacy_needs_checksum(void **state)
{
	(void)state;
	uint8_t msg[512];
	size_t n = craft_te(msg, false, false), off, qlen;
	assert_true(net_icmpext_locate(msg, n, false, &off, &qlen));
	assert_int_equal(off, 136);
	msg[8 + 128 + 5] ^= 0xff; /* corrupt an object byte */
	assert_false(net_icmpext_locate(msg, n, false, &off, &qlen));
	assert_int_equal(qlen, n - 8);
	/* with the RFC 4884 length field the structure is found regardless */
	n = craft_te(msg, false, true);
	msg[8 + 128 + 5] ^= 0xff;
	assert_true(net_icmpext_locate(msg, n, false, &off, &qlen));
	struct net_icmpext e;
	(void)net_icmpext_parse(msg + off, n - off, &e);
	assert_false(e.cksum_ok);
	/* a length field shorter than 128 bytes is not RFC 4884 */
	msg[5] = 8;
	assert_false(net_icmpext_locate(msg, n, false, &off, &qlen));
	/* echo replies carry no extensions */
	msg[0] = 0;
	assert_false(net_icmpext_locate(msg, n, false, &off, &qlen));
}

/* Malformed objects stop the walk with an error, keeping what came before. */
static void test_malformed_objects(void **state)
{
	(void)state;
	uint8_t ext[64];
	size_t n = write_ext(ext);
	struct net_icmpext e;
	assert_int_equal(net_icmpext_parse(ext, n, &e), 0);
	assert_int_equal(e.n_objects, 2);
	assert_int_equal(net_icmpext_parse(ext, n - 1, &e), NET_ETRUNC);
	assert_int_equal(e.mpls_count, 2); /* first object kept */
	uint8_t bad[64];
	memcpy(bad, ext, n);
	be16(bad + 16, 3); /* ifinfo object length below its header */
	assert_int_equal(net_icmpext_parse(bad, n, &e), NET_EHEADER);
	memcpy(bad, ext, n);
	bad[16 + 16] = 3; /* name sub-object length not a multiple of 4 */
	assert_int_equal(net_icmpext_parse(bad, n, &e), NET_EHEADER);
	memcpy(bad, ext, n);
	bad[0] = 0x10; /* version 1 */
	assert_int_equal(net_icmpext_parse(bad, n, &e), NET_EVERSION);
	/* a 20-entry label stack: 16 kept, 20 counted */
	uint8_t big[4 + 4 + 80] = { 0x20 };
	be16(big + 4, 84); big[6] = 1; big[7] = 1;
	for (int i = 0; i < 20; i++)
		be32(big + 8 + 4 * i, lse((uint32_t)i, 0, i == 19, 9));
	assert_int_equal(net_icmpext_parse(big, sizeof big, &e), 0);
	assert_int_equal(e.mpls_count, NET_MPLS_MAX);
	assert_int_equal(e.mpls_total, 20);
}

/* Write a generic extension header (8*(len+1) bytes) with next at p. */
static size_t ext_hdr(uint8_t *p, uint8_t next, uint8_t len8)
{
	memset(p, 0, (size_t)(len8 + 1) * 8);
	p[0] = next;
	p[1] = len8;
	return (size_t)(len8 + 1) * 8;
}

/* Extension chains: HBH, DSTOPTS, ROUTING, AH, FRAG down to UDP. */
static void test_ipv6_ext_walk(void **state)
{
	(void)state;
	uint8_t p[256] = { 0x60 };
	p[6] = IPPROTO_HOPOPTS;
	size_t o = 40;
	o += ext_hdr(p + o, IPPROTO_DSTOPTS, 0);
	o += ext_hdr(p + o, IPPROTO_ROUTING, 1);
	o += ext_hdr(p + o, IPPROTO_AH, 0);
	p[o] = IPPROTO_FRAGMENT; /* the AH header: length in 4-byte units minus 2 */
	p[o + 1] = 2;
	o += 16;
	p[o] = IPPROTO_UDP; /* fragment header, offset 0, M set */
	p[o + 3] = 1;
	be32(p + o + 4, 0xabcdef01);
	o += 8;
	be16(p + 4, (uint16_t)(o - 40 + 8));
	struct net_ipv6 h;
	assert_int_equal(net_ipv6_parse(p, o + 8, &h), 0);
	assert_int_equal(h.proto, IPPROTO_UDP);
	assert_int_equal(h.l4_off, o);
	assert_int_equal(h.n_ext, 5);
	assert_true(h.fragment && h.frag_first);
	assert_int_equal(h.frag_id, 0xabcdef01);
	/* every shorter buffer that cuts a header is refused */
	for (size_t len = 40; len < o; len++)
		assert_int_equal(net_ipv6_parse(p, len, &h), NET_ETRUNC);
	/* a later fragment has no upper-layer header */
	be16(p + o - 8 + 2, 0x0100);
	assert_int_equal(net_ipv6_parse(p, o + 8, &h), 0);
	assert_int_equal(h.proto, IPPROTO_NONE);
	assert_false(h.frag_first);
	/* 17 destination options headers in a row are too many */
	uint8_t q[40 + 17 * 8] = { 0x60 };
	q[6] = IPPROTO_DSTOPTS;
	for (int i = 0; i < 17; i++)
		ext_hdr(q + 40 + 8 * i, i == 16 ? IPPROTO_UDP : IPPROTO_DSTOPTS, 0);
	assert_int_equal(net_ipv6_parse(q, sizeof q, &h), NET_EDEPTH);
	q[0] = 0x40;
	assert_int_equal(net_ipv6_parse(q, sizeof q, &h), NET_EVERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mpls_through_reply_parser),
		cmocka_unit_test(test_legacy_needs_checksum),
		cmocka_unit_test(test_malformed_objects),
		cmocka_unit_test(test_ipv6_ext_walk),
	};
	return cmocka_run_group_tests_name("net_icmpext", tests, NULL, NULL);
}
