/*
 * Tests of team probing's pure parts: the prefix table (parse, /24
 * expansion, IPv6 targets, a bad line leaves nothing), and the draw of a
 * cycle (deterministic from its key, every position in exactly one chunk
 * of exactly one member, shares in proportion to rates, other addresses
 * and another split the next cycle, spread evenly enough).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/targets.h"
#include "team/prefix_table.h"
#include "team/team_plan.h"

/* Parse text into t, failing the test on error. */
static void parse_ok(struct prefix_table *t, const char *text)
{
	char err[256] = "";
	if (prefix_table_parse(t, text, strlen(text), err, sizeof err) < 0)
		fail_msg("parse: %s", err);
}

static void test_table_expands_slash24s(void **state)
{
	(void)state;
	struct prefix_table t;
	/* a /22 is 4 /24s; a /26 and a /25 inside one /24 count once; the /24
	   inside the /22 is not counted again */
	parse_ok(&t, "# comment\n198.19.0.0\t22\t64500\n198.19.8.0\t26\t64501\n"
		 "198.19.8.128\t25\t64502\n198.19.1.0\t24\t64503\n\n");
	assert_int_equal(t.n, 4);
	assert_int_equal(t.v4_prefixes, 4);
	assert_int_equal(t.slash24s, 5);
	assert_int_equal(t.e[1].asn, 64501);
	prefix_table_free(&t);
}

static void test_table_ipv6_targets(void **state)
{
	(void)state;
	struct prefix_table t;
	/* /32 and /48: 2 targets each; a /56 is too long and skipped */
	parse_ok(&t, "2001:db8::\t32\t64500\n2001:db8:1::\t48\t64501\n"
		 "2001:db8:2:100::\t56\t64502\n198.19.0.0\t24\t1\n");
	assert_int_equal(t.v6_prefixes, 3);
	assert_int_equal(t.v6_targets, 4);
	assert_int_equal(t.v6_too_long, 1);
	assert_int_equal(t.slash24s, 1);
	prefix_table_free(&t);
}

static void test_table_bad_line_leaves_nothing(void **state)
{
	(void)state;
	struct prefix_table t;
	char err[256] = "";
	const char *text = "198.19.0.0\t24\t1\n198.19.1.0\t24\t2\n198.19.2.1\t24\t3\n";
	assert_int_equal(prefix_table_parse(&t, text, strlen(text), err, sizeof err), -1);
	assert_non_null(strstr(err, "line 3"));
	assert_int_equal(t.n, 0);
	assert_null(t.e);
	text = "198.19.0.0\t33\t1\n";
	assert_int_equal(prefix_table_parse(&t, text, strlen(text), err, sizeof err), -1);
	assert_non_null(strstr(err, "line 1"));
}

static void test_split_proportional(void **state)
{
	(void)state;
	uint32_t rates[] = { 100, 50, 50, 0, 1 };
	struct team_share s[5];
	assert_int_equal(team_split(1000, rates, 5, s), 0);
	uint64_t sum = 0;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(s[i].first, sum);
		sum += s[i].count;
	}
	assert_int_equal(sum, 1000);
	assert_int_equal(s[3].count, 0);
	/* 1000 * 100 / 201 = 497.5 -> 498 or 497; within one of the exact share */
	assert_true(s[0].count == 497 || s[0].count == 498);
	assert_true(s[4].count == 4 || s[4].count == 5);
	uint32_t zero[] = { 0, 0 };
	assert_int_equal(team_split(10, zero, 2, s), -1);
}

/* Every position of a cycle in exactly one chunk, and each chunk within its member's share. */
static void test_chunks_cover_once(void **state)
{
	(void)state;
	uint32_t rates[] = { 100, 30, 70 };
	struct team_share s[3];
	const uint64_t n = 10007;
	const uint32_t chunk = 97;
	assert_int_equal(team_split(n, rates, 3, s), 0);
	uint8_t *seen = calloc(n, 1);
	for (uint32_t m = 0; m < 3; m++)
		for (uint64_t j = 0; j < team_share_chunks(&s[m], chunk); j++) {
			struct team_chunk c = team_share_chunk(&s[m], m, chunk, j);
			assert_true(c.count >= 1 && c.count <= chunk);
			assert_true(c.first >= s[m].first &&
				    c.first + c.count <= s[m].first + s[m].count);
			for (uint64_t p = c.first; p < c.first + c.count; p++)
				seen[p]++;
		}
	for (uint64_t p = 0; p < n; p++)
		assert_int_equal(seen[p], 1);
	free(seen);
}

/* The permutation of a cycle hits every target once; the same seed gives the same draw. */
static void test_plan_deterministic_permutation(void **state)
{
	(void)state;
	const uint64_t n = 5000;
	struct team_plan a, b, c;
	team_plan_init(&a, n, team_cycle_seed(42, 1), 100);
	team_plan_init(&b, n, team_cycle_seed(42, 1), 100);
	team_plan_init(&c, n, team_cycle_seed(42, 2), 100);
	assert_int_not_equal(team_cycle_seed(42, 1), team_cycle_seed(42, 2));
	assert_int_not_equal(team_cycle_seed(42, 1), team_cycle_seed(43, 1));
	uint8_t *seen = calloc(n, 1);
	uint64_t same = 0;
	for (uint64_t p = 0; p < n; p++) {
		uint64_t t = team_plan_target(&a, p);
		assert_true(t < n);
		assert_int_equal(t, team_plan_target(&b, p));
		same += t == team_plan_target(&c, p);
		seen[t]++;
	}
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);
	/* another cycle, another order: a few coincidences by chance at most */
	assert_true(same < 20);
	free(seen);
}

/*
 * Uniform enough: the first member's half of the positions lands evenly on
 * the targets, so each tenth of the (sorted) target space gets close to
 * half of its targets from it; and the next cycle gives it a different half.
 */
static void test_plan_split_uniform(void **state)
{
	(void)state;
	const uint64_t n = 100000;
	uint32_t rates[] = { 100, 100 };
	struct team_share s[2];
	assert_int_equal(team_split(n, rates, 2, s), 0);
	struct team_plan p1, p2;
	team_plan_init(&p1, n, team_cycle_seed(7, 1), 1000);
	team_plan_init(&p2, n, team_cycle_seed(7, 2), 1000);
	uint64_t bucket[10] = { 0 }, both = 0;
	uint8_t *mine = calloc(n, 1);
	for (uint64_t pos = s[0].first; pos < s[0].first + s[0].count; pos++) {
		uint64_t t = team_plan_target(&p1, pos);
		bucket[t * 10 / n]++;
		mine[t] = 1;
	}
	for (int i = 0; i < 10; i++)   /* expected 5000, sd about 50 */
		assert_true(bucket[i] > 4700 && bucket[i] < 5300);
	for (uint64_t pos = s[0].first; pos < s[0].first + s[0].count; pos++)
		both += mine[team_plan_target(&p2, pos)];
	/* about a quarter of the targets stay with the same member by chance */
	assert_true(both > 23500 && both < 26500);
	free(mine);
}

/* The address drawn in a /24 changes with the cycle's seed. */
static void test_addresses_change_per_cycle(void **state)
{
	(void)state;
	struct scan_targets a, b;
	char err[128];
	struct net_prefix p = { .addr = { .family = AF_INET, .a = { 198, 19, 0, 0 } }, .len = 16 };
	assert_int_equal(scan_targets_init(&a, AF_INET, team_cycle_seed(9, 1), err, sizeof err), 0);
	assert_int_equal(scan_targets_init(&b, AF_INET, team_cycle_seed(9, 2), err, sizeof err), 0);
	assert_int_equal(scan_targets_add(&a, &p, err, sizeof err), 0);
	assert_int_equal(scan_targets_add(&b, &p, err, sizeof err), 0);
	assert_int_equal(scan_targets_finish(&a, err, sizeof err), 0);
	assert_int_equal(scan_targets_finish(&b, err, sizeof err), 0);
	size_t same = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct net_addr x, y;
		scan_targets_addr(&a, i, &x);
		scan_targets_addr(&b, i, &y);
		same += x.a[3] == y.a[3];
	}
	assert_int_equal(a.n, 256);
	assert_true(same < 10);     /* 1 in 254 by chance */
	scan_targets_free(&a);
	scan_targets_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_expands_slash24s),
		cmocka_unit_test(test_table_ipv6_targets),
		cmocka_unit_test(test_table_bad_line_leaves_nothing),
		cmocka_unit_test(test_split_proportional),
		cmocka_unit_test(test_chunks_cover_once),
		cmocka_unit_test(test_plan_deterministic_permutation),
		cmocka_unit_test(test_plan_split_uniform),
		cmocka_unit_test(test_addresses_change_per_cycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
