/*
 * Tests of analysis/stats: quantiles on known arrays and the three rank tests
 * against p-values computed independently (textbook formulas, as SciPy's
 * asymptotic modes give them), plus the no-difference cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "analysis/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_quantiles(void **state)
{
	(void)state;
	double v[] = { 4, 1, 3, 2 };
	struct stats_summary s;
	stats_summarize(v, N(v), &s);
	assert_true(fabs(s.median - 2.5) < 1e-12);
	assert_true(fabs(s.p25 - 1.75) < 1e-12);
	assert_true(fabs(s.p75 - 3.25) < 1e-12);
	assert_true(fabs(s.iqr - 1.5) < 1e-12);
	assert_true(fabs(s.mean - 2.5) < 1e-12);
	assert_true(s.min == 1 && s.max == 4);
	stats_summarize(v, 0, &s);
	assert_true(isnan(s.median));
}

static void test_mann_whitney_separated(void **state)
{
	(void)state;
	double a[] = { 5, 3, 1, 2, 4 }, b[] = { 6, 7, 8, 9, 10 };
	struct stats_test t;
	stats_mann_whitney(a, N(a), b, N(b), &t);
	assert_true(t.valid);
	assert_true(t.statistic == 0);
	assert_true(fabs(t.p - 0.012185) < 1e-4);
	assert_true(t.z > 0); /* b larger */
}

static void test_mann_whitney_same(void **state)
{
	(void)state;
	double a[] = { 1, 2, 3, 4, 5, 6 }, b[] = { 1, 2, 3, 4, 5, 6 };
	struct stats_test t;
	stats_mann_whitney(a, N(a), b, N(b), &t);
	assert_true(t.p > 0.99);
	double one[] = { 1 };
	stats_mann_whitney(one, 1, b, N(b), &t);
	assert_false(t.valid);
	assert_true(t.p == 1);
}

static void test_ks(void **state)
{
	(void)state;
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	struct stats_test t;
	stats_ks(a, N(a), b, N(b), &t);
	assert_true(t.statistic == 1);
	assert_true(t.p < 0.01);
	double c[] = { 1, 2, 3, 4, 5 }, d[] = { 1, 2, 3, 4, 5 };
	stats_ks(c, N(c), d, N(d), &t);
	assert_true(t.statistic == 0);
	assert_true(t.p == 1);
}

static void test_wilcoxon(void **state)
{
	(void)state;
	double d[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct stats_test t;
	stats_wilcoxon(d, N(d), &t);
	assert_true(t.statistic == 55);
	assert_true(fabs(t.p - 0.005922) < 1e-4);
	double sym[] = { -1, 1, -2, 2, -3, 3, -4, 4, 0, 0 };
	stats_wilcoxon(sym, N(sym), &t);
	assert_true(t.valid);
	assert_true(t.n1 == 8);
	assert_true(t.p > 0.9);
	double few[] = { 1, 0, 0, 2 };
	stats_wilcoxon(few, N(few), &t);
	assert_false(t.valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_mann_whitney_separated),
		cmocka_unit_test(test_mann_whitney_same),
		cmocka_unit_test(test_ks),
		cmocka_unit_test(test_wilcoxon),
	};
	return cmocka_run_group_tests_name("analysis_stats", tests, NULL, NULL);
}
