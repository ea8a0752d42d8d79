/*
 * Tests of the target policy (policy/targets): every range of the IANA
 * special-purpose registries is refused by default with a reason naming its
 * entry, public unicast is accepted, an operator's allow opens a refused
 * range, a refuse inside an allow closes part of it again. Pure: nothing is
 * sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "policy/targets.h"

/* One address per registry entry, with the entry that must be named. */
static const struct { const char *addr, *prefix, *name; } refused[] = {
	{ "0.1.2.3", "0.0.0.0/8", "\"This network\"" },
	{ "0.0.0.0", "0.0.0.0/32", "\"This host on this network\"" },
	{ "10.20.30.40", "10.0.0.0/8", "Private-Use" },
	{ "100.64.0.1", "100.64.0.0/10", "Shared Address Space" },
	{ "100.127.255.255", "100.64.0.0/10", "Shared Address Space" },
	{ "127.0.0.1", "127.0.0.0/8", "Loopback" },
	{ "169.254.1.1", "169.254.0.0/16", "Link Local" },
	{ "172.31.255.1", "172.16.0.0/12", "Private-Use" },
	{ "192.0.0.200", "192.0.0.0/24", "IETF Protocol Assignments" },
	{ "192.0.0.1", "192.0.0.0/29", "IPv4 Service Continuity Prefix" },
	{ "192.0.0.8", "192.0.0.8/32", "IPv4 dummy address" },
	{ "192.0.0.9", "192.0.0.9/32", "Port Control Protocol Anycast" },
	{ "192.0.0.10", "192.0.0.10/32", "Traversal Using Relays around NAT Anycast" },
	{ "192.0.0.170", "192.0.0.170/32", "NAT64/DNS64 Discovery" },
	{ "192.0.0.171", "192.0.0.171/32", "NAT64/DNS64 Discovery" },
	{ "192.0.2.7", "192.0.2.0/24", "Documentation (TEST-NET-1)" },
	{ "192.31.196.1", "192.31.196.0/24", "AS112-v4" },
	{ "192.52.193.1", "192.52.193.0/24", "AMT" },
	{ "192.88.99.1", "192.88.99.0/24", "Deprecated (6to4 Relay Anycast)" },
	{ "192.168.1.1", "192.168.0.0/16", "Private-Use" },
	{ "192.175.48.6", "192.175.48.0/24", "Direct Delegation AS112 Service" },
	{ "198.18.0.1", "198.18.0.0/15", "Benchmarking" },
	{ "198.19.255.255", "198.18.0.0/15", "Benchmarking" },
	{ "198.51.100.1", "198.51.100.0/24", "Documentation (TEST-NET-2)" },
	{ "203.0.113.9", "203.0.113.0/24", "Documentation (TEST-NET-3)" },
	{ "224.0.0.1", "224.0.0.0/4", "Multicast" },
	{ "239.255.255.250", "224.0.0.0/4", "Multicast" },
	{ "240.0.0.1", "240.0.0.0/4", "Reserved" },
	{ "255.255.255.255", "255.255.255.255/32", "Limited Broadcast" },
	{ "::", "::/128", "Unspecified Address" },
	{ "::1", "::1/128", "Loopback Address" },
	{ "::ffff:8.8.8.8", "::ffff:0:0/96", "IPv4-mapped Address" },
	{ "64:ff9b::808:808", "64:ff9b::/96", "IPv4-IPv6 Translat." },
	{ "64:ff9b:1::1", "64:ff9b:1::/48", "IPv4-IPv6 Translat." },
	{ "100::1", "100::/64", "Discard-Only Address Block" },
	{ "2001:100::1", "2001::/23", "IETF Protocol Assignments" },
	{ "2001:0:4136:e378::1", "2001::/32", "TEREDO" },
	{ "2001:1::1", "2001:1::1/128", "Port Control Protocol Anycast" },
	{ "2001:1::2", "2001:1::2/128", "Traversal Using Relays around NAT Anycast" },
	{ "2001:1::3", "2001:1::3/128", "DNS-SD Service Registration Protocol Anycast" },
	{ "2001:2::1", "2001:2::/48", "Benchmarking" },
	{ "2001:3::1", "2001:3::/32", "AMT" },
	{ "2001:4:112::1", "2001:4:112::/48", "AS112-v6" },
	{ "2001:10::1", "2001:10::/28", "Deprecated (previously ORCHID)" },
	{ "2001:20::1", "2001:20::/28", "ORCHIDv2" },
	{ "2001:30::1", "2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix" },
	{ "2001:db8::1", "2001:db8::/32", "Documentation" },
	{ "2001:db8:ffff::1", "2001:db8::/32", "Documentation" },
	{ "2002:c000:204::1", "2002::/16", "6to4" },
	{ "2620:4f:8000::1", "2620:4f:8000::/48", "Direct Delegation AS112 Service" },
	{ "3fff::1", "3fff::/20", "Documentation" },
	{ "5f00::1", "5f00::/16", "Segment Routing (SRv6) SIDs" },
	{ "fd12:3456::1", "fc00::/7", "Unique-Local" },
	{ "fe80::1", "fe80::/10", "Link-Local Unicast" },
	{ "ff02::1", "ff00::/8", "Multicast" },
	{ "::2", "::/3", "Reserved by IETF" },
	{ "4000::1", "4000::/2", "Reserved by IETF" },
	{ "8000::1", "8000::/2", "Reserved by IETF" },
	{ "c000::1", "c000::/3", "Reserved by IETF" },
	{ "e000::1", "e000::/4", "Reserved by IETF" },
	{ "f000::1", "f000::/5", "Reserved by IETF" },
	{ "f800::1", "f800::/6", "Reserved by IETF" },
	{ "fe00::1", "fe00::/9", "Reserved by IETF" },
	{ "fec0::1", "fec0::/10", "Reserved by IETF (deprecated site-local)" },
};

/* Public unicast: measured by default. */
static const char *const public_unicast[] = {
	"1.1.1.1", "8.8.8.8", "9.9.9.9", "193.0.14.129", "100.63.255.255", "100.128.0.0",
	"172.15.255.255", "172.32.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.254",
	"192.0.1.1", "192.0.3.1", "2001:4860:4860::8888", "2a00:1450::1", "2001:500:2f::f",
	"2001:db9::1", "2001:200::1", "3000::1", "3fff:1000::1", "2620:4f:8001::1",
};

/* "PREFIX, NAME (" must appear in the reason: the entry that decided. */
static void assert_reason(const char *addr, const char *why, const char *prefix, const char *name)
{
	char want[160];
	snprintf(want, sizeof want, "is in %s, %s (", prefix, name);
	if (!strstr(why, want) || !strstr(why, "IANA ") || !strstr(why, "RFC "))
		fail_msg("%s: reason '%s' does not name '%s'", addr, why, want);
}

static void test_default_refuses_special(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char why[512] = "";
		if (targets_allowed_text(&tp, refused[i].addr, why, sizeof why))
			fail_msg("%s allowed by default", refused[i].addr);
		assert_reason(refused[i].addr, why, refused[i].prefix, refused[i].name);
	}
}

/* Every table entry parses, has a test address above, and its last address is refused. */
static void test_table_complete(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	size_t n;
	const struct special_range *s = special_ranges(&n);
	assert_int_equal(tp.nspecial, n);
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < sizeof refused / sizeof refused[0]; j++)
			seen |= strcmp(refused[j].prefix, s[i].prefix) == 0;
		if (!seen)
			fail_msg("%s has no case in the test table", s[i].prefix);
		struct net_addr last = tp.special[i].addr;
		size_t bytes = net_addr_len(last.family);
		for (size_t bit = tp.special[i].len; bit < bytes * 8; bit++)
			last.a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		char why[512] = "", text[NET_ADDR_STRLEN];
		if (targets_allowed(&tp, &last, why, sizeof why))
			fail_msg("%s (last of %s) allowed", net_addr_str(&last, text, sizeof text),
				 s[i].prefix);
		/* The entry itself decides, or one more specific inside it (240.0.0.0/4's
		   last address is 255.255.255.255/32, Limited Broadcast). */
		int named = 0;
		for (size_t j = 0; j < n; j++) {
			char want[160];
			snprintf(want, sizeof want, "is in %s, %s (", s[j].prefix, s[j].name);
			named |= (j == i || tp.special[j].len > tp.special[i].len) && strstr(why, want);
		}
		if (!named)
			fail_msg("last of %s: reason '%s' names no entry at least as specific",
				 s[i].prefix, why);
	}
}

static void test_public_unicast_allowed(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	for (size_t i = 0; i < sizeof public_unicast / sizeof public_unicast[0]; i++) {
		char why[512] = "";
		if (!targets_allowed_text(&tp, public_unicast[i], why, sizeof why))
			fail_msg("%s refused: %s", public_unicast[i], why);
	}
	char why[512] = "";
	assert_false(targets_allowed_text(&tp, "example.net", why, sizeof why));
	assert_non_null(strstr(why, "not an IP address"));
	assert_false(targets_allowed_text(&tp, "198.18.0.1/32", why, sizeof why));
}

static void add(struct target_policy *tp, const char *rule)
{
	char err[256] = "";
	if (targets_add(tp, rule, "test", err, sizeof err) < 0)
		fail_msg("'%s': %s", rule, err);
}

/* The lab's lines open the benchmarking and documentation ranges, and only them. */
static void test_allow_overrides_default(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	add(&tp, "allow 198.18.0.0/15");
	add(&tp, "allow\t2001:db8::/32");
	char why[512] = "";
	static const char *const open[] = { "198.18.0.1", "198.19.255.254", "2001:db8::1",
					    "2001:db8:d0::1", "8.8.8.8" };
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (!targets_allowed_text(&tp, open[i], why, sizeof why))
			fail_msg("%s refused: %s", open[i], why);
	assert_true(targets_allowed_text(&tp, "198.20.0.1", why, sizeof why));
	assert_false(targets_allowed_text(&tp, "10.0.0.1", why, sizeof why));
	assert_true(targets_allowed_text(&tp, "2001:db9::1", why, sizeof why));
	assert_false(targets_allowed_text(&tp, "192.0.2.1", why, sizeof why));
	/* An allow less specific than a default range opens nothing inside it. */
	add(&tp, "allow 0.0.0.0/0");
	assert_false(targets_allowed_text(&tp, "192.168.1.1", why, sizeof why));
	assert_non_null(strstr(why, "Private-Use"));
	/* An allow as specific as the default wins the tie. */
	add(&tp, "allow 192.168.0.0/16");
	assert_true(targets_allowed_text(&tp, "192.168.1.1", why, sizeof why));
}

/* A refuse inside an allow closes that part, naming the operator's rule. */
static void test_refuse_inside_allow(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	add(&tp, "allow 198.18.0.0/15");
	add(&tp, "refuse 198.18.5.0/24");
	add(&tp, "allow 198.18.5.128/25");
	add(&tp, "refuse 2001:4860::/32");
	add(&tp, "refuse 9.9.9.9");
	char why[512] = "";
	assert_true(targets_allowed_text(&tp, "198.18.4.1", why, sizeof why));
	assert_false(targets_allowed_text(&tp, "198.18.5.1", why, sizeof why));
	assert_non_null(strstr(why, "198.18.5.0/24, refused by this platform's 'targets refuse'"));
	assert_non_null(strstr(why, "(test)"));
	assert_true(targets_allowed_text(&tp, "198.18.5.200", why, sizeof why));
	assert_false(targets_allowed_text(&tp, "2001:4860:4860::8888", why, sizeof why));
	assert_false(targets_allowed_text(&tp, "9.9.9.9", why, sizeof why));
	assert_true(targets_allowed_text(&tp, "9.9.9.10", why, sizeof why));
	/* At equal length, refuse beats allow whatever the order. */
	add(&tp, "allow 2001:4860::/32");
	assert_false(targets_allowed_text(&tp, "2001:4860::1", why, sizeof why));
}

static void test_bad_rules(void **state)
{
	(void)state;
	static struct target_policy tp;
	targets_init(&tp);
	static const char *const bad[] = { "allow", "allow ", "permit 10.0.0.0/8", "allow 10.0.0.1/8",
					   "refuse 10.0.0.0/33", "allow10.0.0.0/8", "refuse x",
					   "allow 10.0.0.0/8 extra", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[256] = "";
		if (targets_add(&tp, bad[i], "test", err, sizeof err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != 0);
	}
	assert_int_equal(tp.nrules, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_refuses_special),
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_public_unicast_allowed),
		cmocka_unit_test(test_allow_overrides_default),
		cmocka_unit_test(test_refuse_inside_allow),
		cmocka_unit_test(test_bad_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
