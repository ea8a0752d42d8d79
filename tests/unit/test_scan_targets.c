/*
 * Tests of the scan's inputs: the pfx2as parser (good lines, AS sets,
 * comments, and each kind of bad line with its line number), target
 * generation (/24 expansion, a longer prefix counting for its /24,
 * deduplication, the keyed host byte changing with the seed, IPv6 ::1 plus
 * a random address, prefixes longer than /48 skipped) and the keyed
 * permutation (a bijection for many sizes, the same for the same seed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/perm.h"
#include "scan/pfx2as.h"
#include "scan/targets.h"

struct collected {
	int n;
	struct pfx2as_entry e[8];
};

static int collect(const struct pfx2as_entry *e, void *ctx)
{
	struct collected *c = ctx;
	if (c->n < 8)
		c->e[c->n] = *e;
	c->n++;
	return 0;
}

static void test_pfx2as_good(void **state)
{
	(void)state;
	const char *text = "# RouteViews\n1.0.0.0\t24\t13335\r\n\n"
			   "198.18.0.0\t15\t7018_209\n2001:db8::\t32\t4434,4435\n"
			   "  10.0.0.0 8 65000\n";
	struct collected c = { 0 };
	char err[128];
	assert_int_equal(pfx2as_parse(text, strlen(text), collect, &c, err, sizeof err), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.e[0].prefix.len, 24);
	assert_int_equal(c.e[0].asn, 13335);
	assert_int_equal(c.e[1].prefix.len, 15);
	assert_int_equal(c.e[1].asn, 7018);
	assert_int_equal(c.e[2].prefix.addr.family, AF_INET6);
	assert_int_equal(c.e[2].asn, 4434);
	assert_int_equal(c.e[3].asn, 65000);
}

static void test_pfx2as_bad(void **state)
{
	(void)state;
	static const struct { const char *text, *want; } bad[] = {
		{ "1.0.0.0\t24\t1\n1.0.0.0\t24\n", "line 2: expected prefix<TAB>length<TAB>ASN" },
		{ "1.0.0.0\t33\t1\n", "line 1: " },
		{ "1.0.0.1\t24\t1\n", "line 1: '1.0.0.1/24': host bits set" },
		{ "1.0.0.0\t24\tAS1\n", "line 1: bad ASN 'AS1'" },
		{ "1.0.0.0\t24\t4294967296\n", "line 1: bad ASN" },
		{ "1.0.0.0\t-1\t1\n", "line 1: bad prefix length '-1'" },
		{ "x.0.0.0\t24\t1\n", "line 1: " },
		{ "1.0.0.0\t24\t1\t9\n", "line 1: expected" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct collected c = { 0 };
		char err[160] = "";
		assert_int_equal(pfx2as_parse(bad[i].text, strlen(bad[i].text), collect, &c,
					      err, sizeof err), -1);
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, err, bad[i].want);
	}
}

/* Targets of text under seed. */
static void targets_of(struct scan_targets *t, int family, uint64_t seed, const char *text)
{
	char err[160];
	assert_int_equal(scan_targets_init(t, family, seed, err, sizeof err), 0);
	if (scan_targets_add_text(t, text, strlen(text), "list", err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(scan_targets_finish(t, err, sizeof err), 0);
}

static void test_targets_v4(void **state)
{
	(void)state;
	struct scan_targets t;
	targets_of(&t, AF_INET, 1, "198.18.0.0\t22\t1\n198.18.1.128/25\n198.18.9.7\n"
				   "2001:db8::/32\n198.18.2.0/24\n");
	assert_int_equal(t.n, 5); /* .0-.3 from the /22, .9 */
	assert_int_equal(t.other_family, 1);
	struct net_addr a, b;
	for (size_t i = 0; i < t.n; i++) {
		scan_targets_addr(&t, i, &a);
		assert_int_equal(a.a[0], 198);
		assert_true(a.a[3] >= 1 && a.a[3] <= 254);
		assert_int_equal(scan_targets_find(&t, &a), (long)i);
	}
	scan_targets_addr(&t, 4, &a);
	assert_int_equal(a.a[2], 9);
	/* another seed picks other host bytes (in some /24 at least) */
	struct scan_targets u;
	scan_targets_free(&t);
	targets_of(&u, AF_INET, 2, "198.18.0.0/16\n");
	targets_of(&t, AF_INET, 1, "198.18.0.0/16\n");
	int differ = 0;
	for (size_t i = 0; i < t.n; i++) {
		scan_targets_addr(&t, i, &a);
		scan_targets_addr(&u, i, &b);
		differ += !net_addr_equal(&a, &b);
	}
	assert_true(differ > 200);
	scan_targets_free(&t);
	scan_targets_free(&u);
	/* a bad line is named */
	char err[160];
	assert_int_equal(scan_targets_init(&t, AF_INET, 1, err, sizeof err), 0);
	const char *bad = "198.18.0.0/24\n198.18.0.0/99\n";
	assert_int_equal(scan_targets_add_text(&t, bad, strlen(bad), "pfx", err, sizeof err), -1);
	assert_non_null(strstr(err, "pfx line 2: "));
	scan_targets_free(&t);
}

static void test_targets_v6(void **state)
{
	(void)state;
	struct scan_targets t;
	targets_of(&t, AF_INET6, 1, "2001:db8:1::/48\n2001:db8:200::\t40\t5\n2001:db8:3::/64\n"
				    "2001:db8:1::/48\n");
	assert_int_equal(t.n, 4);
	assert_int_equal(t.too_long, 1);
	struct net_addr a;
	struct net_prefix p;
	char err[64];
	assert_true(net_prefix_parse("2001:db8:1::/48", &p, err, sizeof err));
	int ones = 0, inside = 0;
	for (size_t i = 0; i < t.n; i++) {
		scan_targets_addr(&t, i, &a);
		if (net_prefix_contains(&p, &a))
			inside++;
		static const uint8_t one[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
		ones += memcmp(a.a, one, 16) == 0;
	}
	assert_int_equal(inside, 2);
	assert_int_equal(ones, 1);
	scan_targets_free(&t);
}

static void test_perm_bijection(void **state)
{
	(void)state;
	static const uint64_t sizes[] = { 1, 2, 3, 5, 64, 1000, 4097, 65536 };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		uint64_t n = sizes[s];
		uint8_t *seen = calloc(n, 1);
		struct scan_perm p, q;
		scan_perm_init(&p, n, 1234, 3);
		scan_perm_init(&q, n, 1234, 3);
		uint64_t fixed = 0;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t x = scan_perm_at(&p, i);
			assert_true(x < n);
			assert_int_equal(seen[x], 0);
			seen[x] = 1;
			assert_true(x == scan_perm_at(&q, i)); /* deterministic */
			fixed += x == i;
		}
		if (n >= 1000)
			assert_true(fixed < n / 100); /* it does move things */
		free(seen);
	}
	/* another seed or round gives another order */
	struct scan_perm a, b, c;
	scan_perm_init(&a, 1000, 1, 0);
	scan_perm_init(&b, 1000, 2, 0);
	scan_perm_init(&c, 1000, 1, 1);
	int diff_seed = 0, diff_round = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		diff_seed += scan_perm_at(&a, i) != scan_perm_at(&b, i);
		diff_round += scan_perm_at(&a, i) != scan_perm_at(&c, i);
	}
	assert_true(diff_seed > 900 && diff_round > 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfx2as_good),
		cmocka_unit_test(test_pfx2as_bad),
		cmocka_unit_test(test_targets_v4),
		cmocka_unit_test(test_targets_v6),
		cmocka_unit_test(test_perm_bijection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
