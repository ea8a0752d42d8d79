/*
 * Tests of the packet path's next-hop table (engine/nhcache): rtnetlink
 * dumps built here message by message are parsed, and lookups answer with
 * the hop the kernel would use, or refuse whatever they cannot repeat
 * exactly (a more specific blackhole, a local address, policy rules,
 * several next hops, an unresolved neighbour, a non-Ethernet link), one
 * table row per case. Truncated and bad buffers are refused without reads
 * outside them (ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "engine/nhcache.h"

struct dumpbuf {
	uint8_t b[8192];
	size_t len;
};

/* Start a message of type with a fixed header of hlen bytes; its header. */
static struct nlmsghdr *msg(struct dumpbuf *d, uint16_t type, const void *fixed, size_t hlen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(d->b + d->len);
	memset(h, 0, NLMSG_SPACE(hlen));
	h->nlmsg_type = type;
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(hlen);
	memcpy(NLMSG_DATA(h), fixed, hlen);
	return h;
}

/* Append an attribute to message h. */
static void attr(struct nlmsghdr *h, uint16_t type, const void *v, size_t len)
{
	struct rtattr *a = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));
	a->rta_type = type;
	a->rta_len = (uint16_t)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), v, len);
	h->nlmsg_len = (uint32_t)(NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len));
}

/* Close message h. */
static void end(struct dumpbuf *d, struct nlmsghdr *h)
{
	d->len += NLMSG_ALIGN(h->nlmsg_len);
}

/* Parse an address of either family into 16 bytes; its family. */
static int addr(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	return inet_pton(AF_INET, s, out) == 1 ? AF_INET : (inet_pton(AF_INET6, s, out), AF_INET6);
}

/* A route: dst/len in table, of type, via gw (NULL = on-link) out of oif. */
static void route(struct dumpbuf *d, const char *dst, int len, int table, int type,
		  const char *gw, int oif, uint32_t prio, bool multipath)
{
	uint8_t a[16];
	int f = addr(dst, a);
	struct rtmsg rt = { .rtm_family = (uint8_t)f, .rtm_dst_len = (uint8_t)len,
			    .rtm_table = (uint8_t)table, .rtm_type = (uint8_t)type };
	struct nlmsghdr *h = msg(d, RTM_NEWROUTE, &rt, sizeof rt);
	size_t al = f == AF_INET ? 4 : 16;
	if (len > 0)
		attr(h, RTA_DST, a, al);
	if (gw) {
		addr(gw, a);
		attr(h, RTA_GATEWAY, a, al);
	}
	uint32_t o = (uint32_t)oif;
	attr(h, RTA_OIF, &o, 4);
	attr(h, RTA_PRIORITY, &prio, 4);
	if (multipath)
		attr(h, RTA_MULTIPATH, a, 8);
	end(d, h);
}

/* A neighbour entry. */
static void neigh(struct dumpbuf *d, const char *ip, int ifindex, uint8_t last, uint16_t state)
{
	uint8_t a[16], mac[6] = { 2, 0, 0, 0, 0, last };
	int f = addr(ip, a);
	struct ndmsg nd = { .ndm_family = (uint8_t)f, .ndm_ifindex = ifindex,
			    .ndm_state = state };
	struct nlmsghdr *h = msg(d, RTM_NEWNEIGH, &nd, sizeof nd);
	attr(h, NDA_DST, a, f == AF_INET ? 4 : 16);
	attr(h, NDA_LLADDR, mac, 6);
	end(d, h);
}

/* A link of type with our address ending in last. */
static void link_(struct dumpbuf *d, int ifindex, int type, uint8_t last)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 1, last };
	uint32_t mtu = 1500;
	struct ifinfomsg ifi = { .ifi_index = ifindex, .ifi_type = (uint16_t)type,
				 .ifi_flags = IFF_UP };
	struct nlmsghdr *h = msg(d, RTM_NEWLINK, &ifi, sizeof ifi);
	attr(h, IFLA_ADDRESS, mac, 6);
	attr(h, IFLA_MTU, &mtu, 4);
	end(d, h);
}

/* A rule to table, with a firewall-mark selector when odd. */
static void rule(struct dumpbuf *d, int family, int table, bool odd)
{
	struct fib_rule_hdr fr = { .family = (uint8_t)family, .table = (uint8_t)table,
				   .action = FR_ACT_TO_TBL };
	struct nlmsghdr *h = msg(d, RTM_NEWRULE, &fr, sizeof fr);
	uint32_t mark = 7;
	if (odd)
		attr(h, FRA_FWMARK, &mark, 4);
	end(d, h);
}

/* The lab-like tables every case starts from. */
static void base(struct dumpbuf *d)
{
	for (int f = 0; f < 2; f++) {
		int fam = f ? AF_INET6 : AF_INET;
		rule(d, fam, RT_TABLE_LOCAL, false);
		rule(d, fam, RT_TABLE_MAIN, false);
	}
	rule(d, AF_INET, RT_TABLE_DEFAULT, false);
	link_(d, 1, ARPHRD_LOOPBACK, 1);
	link_(d, 2, ARPHRD_ETHER, 2);
	link_(d, 3, ARPHRD_ETHER, 3);
	route(d, "198.18.0.0", 30, RT_TABLE_MAIN, RTN_UNICAST, NULL, 2, 0, false);
	route(d, "198.19.0.0", 16, RT_TABLE_MAIN, RTN_UNICAST, "198.18.0.2", 2, 0, false);
	route(d, "198.18.0.1", 32, RT_TABLE_LOCAL, RTN_LOCAL, NULL, 2, 0, false);
	route(d, "::", 0, RT_TABLE_MAIN, RTN_UNICAST, "fe80::1", 3, 1024, false);
	neigh(d, "198.18.0.2", 2, 0x12, NUD_REACHABLE);
	neigh(d, "198.18.0.3", 2, 0x13, NUD_STALE);
	neigh(d, "fe80::1", 3, 0x61, NUD_REACHABLE);
}

struct nh_case {
	const char *name;
	void (*extra)(struct dumpbuf *d);
	const char *dst;
	bool ok;
	int ifindex;
	uint8_t mac_last; /* the next hop's link address ends so */
};

static void none(struct dumpbuf *d) { (void)d; }
static void blackhole(struct dumpbuf *d)
{
	route(d, "198.19.7.0", 24, RT_TABLE_MAIN, RTN_BLACKHOLE, NULL, 0, 0, false);
}
static void fwmark(struct dumpbuf *d) { rule(d, AF_INET, 100, true); }
static void ecmp(struct dumpbuf *d)
{
	route(d, "198.19.8.0", 24, RT_TABLE_MAIN, RTN_UNICAST, "198.18.0.2", 2, 0, true);
}
static void better_metric(struct dumpbuf *d)
{
	route(d, "198.19.0.0", 16, RT_TABLE_MAIN, RTN_UNICAST, "198.18.0.3", 2, 0, false);
	route(d, "::", 0, RT_TABLE_MAIN, RTN_UNICAST, "fe80::1", 2, 2048, false);
}
static void failed_neigh(struct dumpbuf *d)
{
	route(d, "198.19.9.0", 24, RT_TABLE_MAIN, RTN_UNICAST, "198.18.0.1", 2, 0, false);
	neigh(d, "198.18.0.1", 2, 0x11, NUD_FAILED);
}
static void not_ether(struct dumpbuf *d)
{
	route(d, "198.19.10.0", 24, RT_TABLE_MAIN, RTN_UNICAST, "198.18.0.2", 1, 0, false);
}

static const struct nh_case cases[] = {
	{ "via the router", none, "198.19.0.7", true, 2, 0x12 },
	{ "on-link neighbour (stale is usable)", none, "198.18.0.3", true, 2, 0x13 },
	{ "on-link, unresolved", none, "198.18.0.0", false, 0, 0 },
	{ "our own address (local table)", none, "198.18.0.1", false, 0, 0 },
	{ "no route", none, "198.20.0.1", false, 0, 0 },
	{ "IPv6 default via link-local", none, "2001:db8:19::7", true, 3, 0x61 },
	{ "inside a more specific blackhole", blackhole, "198.19.7.9", false, 0, 0 },
	{ "beside the blackhole", blackhole, "198.19.6.9", true, 2, 0x12 },
	{ "a policy rule", fwmark, "198.19.0.7", false, 0, 0 },
	{ "IPv6 unaffected by an IPv4 rule", fwmark, "2001:db8:19::7", true, 3, 0x61 },
	{ "several next hops", ecmp, "198.19.8.1", false, 0, 0 },
	{ "equal prefixes: the lower metric", better_metric, "198.19.0.7", true, 2, 0x12 },
	{ "IPv6 lower metric first", better_metric, "2001:db8::1", true, 3, 0x61 },
	{ "neighbour failed", failed_neigh, "198.19.9.1", false, 0, 0 },
	{ "loopback is no Ethernet", not_ether, "198.19.10.1", false, 0, 0 },
};

/* Each case: the dump parses, the lookup answers as the kernel would. */
static void test_lookup_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		static struct dumpbuf d;
		struct nhcache c;
		memset(&d, 0, sizeof d);
		base(&d);
		cases[i].extra(&d);
		nh_init(&c);
		assert_int_equal(nh_parse_dump(&c, d.b, d.len), 0);
		c.loaded_ns = 1000; /* as if just loaded: no reload */
		struct net_addr dst = { 0 };
		dst.family = (uint8_t)addr(cases[i].dst, dst.a);
		struct nh_hop hop;
		bool ok = nh_lookup(&c, &dst, 1000, &hop);
		if (ok != cases[i].ok)
			fail_msg("case '%s': lookup %d", cases[i].name, ok);
		if (ok) {
			assert_int_equal(hop.ifindex, cases[i].ifindex);
			assert_int_equal(hop.dst_mac[5], cases[i].mac_last);
			assert_int_equal(hop.src_mac[5], cases[i].ifindex);
			assert_int_equal(hop.mtu, 1500);
		}
		nh_free(&c);
	}
}

/* NLMSG_DONE ends a dump, NLMSG_ERROR fails it, cut buffers are harmless. */
static void test_parse_edges(void **state)
{
	(void)state;
	static struct dumpbuf d;
	struct nhcache c;
	memset(&d, 0, sizeof d);
	base(&d);
	size_t full = d.len;
	struct nlmsghdr done = { .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE };
	memcpy(d.b + d.len, &done, sizeof done);
	d.len += NLMSG_ALIGN(done.nlmsg_len);
	nh_init(&c);
	assert_int_equal(nh_parse_dump(&c, d.b, d.len), 1);
	assert_int_equal(c.nroutes, 4);
	assert_int_equal(c.nneigh, 3);
	assert_int_equal(c.nlinks, 2); /* the loopback is not kept */
	nh_free(&c);
	for (size_t cut = 0; cut < full; cut += 7) {
		nh_init(&c);
		assert_true(nh_parse_dump(&c, d.b, cut) >= 0);
		nh_free(&c);
	}
	struct {
		struct nlmsghdr h;
		int32_t code;
	} err = { { .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_ERROR }, -1 };
	nh_init(&c);
	assert_int_equal(nh_parse_dump(&c, (const uint8_t *)&err, sizeof err), -1);
	nh_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_parse_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
