/*
 * Tests of prefixes and the prefix trie: a table of prefix texts and what
 * must come out; longest-prefix match against a brute-force scan of the same
 * prefixes; and the node budget refusing an insert without changing the trie.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "policy/prefix.h"
#include "policy/trie.h"

struct pcase {
	const char *text;
	bool ok;
	const char *canon; /* net_prefix_str when ok, else a substring of the error */
};

static const struct pcase pcases[] = {
	{ "198.18.0.0/15", true, "198.18.0.0/15" },
	{ "198.18.5.1", true, "198.18.5.1/32" },
	{ "0.0.0.0/0", true, "0.0.0.0/0" },
	{ "2001:db8::/32", true, "2001:db8::/32" },
	{ "2001:db8::1", true, "2001:db8::1/128" },
	{ "::/0", true, "::/0" },
	{ "198.18.0.0/14", false, "host bits set after /14" },
	{ "198.18.0.0/33", false, "too large (maximum 32)" },
	{ "2001:db8::/129", false, "too large (maximum 128)" },
	{ "198.18.0.0/", false, "empty" },
	{ "198.18.0.0/x", false, "not a number" },
	{ "198.18.0.0/-1", false, "too small" },
	{ "example.org", false, "not an IPv4 or IPv6 address" },
	{ "/8", false, "not an address or prefix" },
	{ "1.2.3.4.5/8", false, "not an IPv4" },
};

/* Parse every row of the table. */
static void test_prefix_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
		struct net_prefix p;
		char err[160] = "", buf[64];
		bool ok = net_prefix_parse(pcases[i].text, &p, err, sizeof err);
		if (ok != pcases[i].ok)
			fail_msg("%s: ok=%d err=%s", pcases[i].text, ok, err);
		if (ok)
			assert_string_equal(net_prefix_str(&p, buf, sizeof buf), pcases[i].canon);
		else if (strstr(err, pcases[i].canon) == NULL)
			fail_msg("%s: error '%s' lacks '%s'", pcases[i].text, err, pcases[i].canon);
	}
}

/* Parse text that must be a valid prefix. */
static struct net_prefix P(const char *text)
{
	struct net_prefix p;
	char err[160];
	assert_true(net_prefix_parse(text, &p, err, sizeof err));
	return p;
}

/* Parse text that must be a valid address. */
static struct net_addr A(const char *text)
{
	struct net_addr a;
	char err[160];
	assert_true(net_addr_parse(text, &a, err, sizeof err));
	return a;
}

/* Longest match picks the most specific prefix, per family. */
static void test_longest_match(void **state)
{
	(void)state;
	struct ptrie *t = ptrie_new(4096);
	const char *pfx[] = { "198.18.0.0/15", "198.18.5.0/24", "198.18.5.128/25",
	                      "2001:db8::/32", "2001:db8:1::/48", "0.0.0.0/1" };
	for (uint32_t i = 0; i < 6; i++) {
		struct net_prefix p = P(pfx[i]);
		assert_int_equal(ptrie_insert(t, &p, i), 0);
	}
	struct { const char *addr; int want; const char *match; } q[] = {
		{ "198.18.5.200", 2, "198.18.5.128/25" }, { "198.18.5.1", 1, "198.18.5.0/24" },
		{ "198.19.0.1", 0, "198.18.0.0/15" },     { "10.0.0.1", 5, "0.0.0.0/1" },
		{ "200.0.0.1", -1, NULL },                 { "2001:db8:1::5", 4, "2001:db8:1::/48" },
		{ "2001:db8:2::5", 3, "2001:db8::/32" },  { "2001:db9::1", -1, NULL },
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		struct net_addr a = A(q[i].addr);
		uint32_t v = 99;
		struct net_prefix m;
		char buf[64];
		bool hit = ptrie_lookup(t, &a, &v, &m);
		assert_int_equal(hit, q[i].want >= 0);
		if (hit) {
			assert_int_equal(v, (uint32_t)q[i].want);
			assert_string_equal(net_prefix_str(&m, buf, sizeof buf), q[i].match);
		}
	}
	assert_int_equal(ptrie_count(t), 6);
	ptrie_free(t);
}

/* Random prefixes and addresses: the trie agrees with a linear scan. */
static void test_against_linear_scan(void **state)
{
	(void)state;
	enum { NP = 300, NQ = 3000 };
	struct net_prefix ps[NP];
	struct ptrie *t = ptrie_new(NP * 128);
	srand(7);
	for (int i = 0; i < NP; i++) {
		struct net_prefix *p = &ps[i];
		memset(p, 0, sizeof *p);
		p->addr.family = i % 2 ? AF_INET6 : AF_INET;
		size_t n = net_addr_len(p->addr.family);
		p->len = (uint8_t)(rand() % (int)(n * 8 / 2 + 1)); /* short: many overlaps */
		for (size_t b = 0; b < 2; b++)
			p->addr.a[b] = (uint8_t)(rand() & 0x0f);
		for (size_t b = 0; b < n * 8; b++)
			if (b >= p->len)
				p->addr.a[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		assert_int_equal(ptrie_insert(t, p, (uint32_t)i), 0);
	}
	for (int k = 0; k < NQ; k++) {
		struct net_addr a = { .family = k % 2 ? AF_INET6 : AF_INET };
		for (size_t b = 0; b < net_addr_len(a.family); b++)
			a.a[b] = (uint8_t)(b < 2 ? rand() & 0x0f : rand());
		int best = -1;
		for (int i = 0; i < NP; i++)
			if (net_prefix_contains(&ps[i], &a) && (best < 0 || ps[i].len >= ps[best].len))
				best = i;
		struct net_prefix m;
		bool hit = ptrie_lookup(t, &a, NULL, &m);
		assert_int_equal(hit, best >= 0);
		if (hit)
			assert_int_equal(m.len, ps[best].len);
	}
	ptrie_free(t);
}

/* The node budget is a hard bound; a refused insert changes nothing. */
static void test_node_budget(void **state)
{
	(void)state;
	struct ptrie *t = ptrie_new(40);
	struct net_prefix a = P("198.18.5.0/24"), b = P("2001:db8::/32"), c = P("198.18.4.0/24");
	assert_int_equal(ptrie_insert(t, &a, 1), 0);
	assert_int_equal(ptrie_nodes_used(t), 24);
	assert_int_equal(ptrie_insert(t, &b, 2), -1); /* 32 more nodes: over 40 */
	assert_int_equal(ptrie_nodes_used(t), 24);
	assert_int_equal(ptrie_count(t), 1);
	assert_int_equal(ptrie_insert(t, &c, 3), 0); /* shares 23 bits: 1 node */
	assert_int_equal(ptrie_nodes_used(t), 25);
	assert_int_equal(ptrie_insert(t, &c, 4), 0); /* same prefix: value replaced */
	assert_int_equal(ptrie_count(t), 2);
	assert_true(ptrie_nodes_used(t) <= ptrie_nodes_max(t));
	struct net_addr x = A("198.18.4.9");
	uint32_t v;
	assert_true(ptrie_lookup(t, &x, &v, NULL));
	assert_int_equal(v, 4);
	assert_null(ptrie_new(0));
	ptrie_free(t);
}

/* The node array grows past its first allocation up to the budget exactly. */
static void test_grows_to_budget(void **state)
{
	(void)state;
	struct ptrie *t = ptrie_new(88);
	struct net_prefix a = P("198.18.5.0/24"), b = P("2001:db8:1:2::/64"), c = P("10.0.0.0/24");
	assert_int_equal(ptrie_insert(t, &a, 1), 0);
	assert_int_equal(ptrie_insert(t, &b, 2), 0);  /* 24 + 64 nodes: the whole budget */
	assert_int_equal(ptrie_nodes_used(t), 88);
	assert_int_equal(ptrie_insert(t, &c, 3), -1); /* 24 more: refused, nothing changed */
	assert_int_equal(ptrie_nodes_used(t), 88);
	struct net_addr x = A("198.18.5.77"), y = A("2001:db8:1:2::9"), z = A("10.0.0.1");
	uint32_t v;
	assert_true(ptrie_lookup(t, &x, &v, NULL));
	assert_int_equal(v, 1);
	assert_true(ptrie_lookup(t, &y, &v, NULL));
	assert_int_equal(v, 2);
	assert_false(ptrie_lookup(t, &z, &v, NULL));
	ptrie_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_parse_table),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_against_linear_scan),
		cmocka_unit_test(test_node_budget),
		cmocka_unit_test(test_grows_to_budget),
	};
	return cmocka_run_group_tests_name("policy_trie", tests, NULL, NULL);
}
