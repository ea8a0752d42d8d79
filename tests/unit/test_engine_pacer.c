/*
 * Tests of the pps budget: over a simulated second the pacer lets through
 * the budget (no more, hardly less), never more than five milliseconds'
 * worth back to back, and pps 0 means no limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/pacer.h"

struct pace_case {
	uint32_t pps;
	uint64_t step_ns; /* how often the simulated loop asks */
};

static const struct pace_case cases[] = {
	{ 10, 1000000 }, { 1000, 100000 }, { 1000, 5000000 }, { 88000, 50000 },
	{ 250000, 1000 }, { 1000000, 3000000 },
};

/* Asking greedily every step_ns for one second sends pps (+-1 token). */
static void test_rate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pacer p;
		uint64_t t0 = 5000000000ULL, sent = 0, maxburst = 0;
		pacer_init(&p, cases[i].pps, t0);
		for (uint64_t t = t0; t < t0 + 1000000000ULL; t += cases[i].step_ns) {
			uint32_t n = pacer_take(&p, t, 1000000);
			sent += n;
			if (n > maxburst)
				maxburst = n;
		}
		uint64_t depth = cases[i].pps / 200 ? cases[i].pps / 200 : 1;
		assert_true(sent <= cases[i].pps + depth + 1);
		assert_true(sent + depth + 1 >= cases[i].pps);
		assert_true(maxburst <= depth);
	}
}

/* The wait until the next token is right and then a token is there. */
static void test_wait(void **state)
{
	(void)state;
	struct pacer p;
	pacer_init(&p, 100, 0);
	assert_int_equal(pacer_take(&p, 0, 5), 1);
	uint64_t w = pacer_wait_ns(&p);
	assert_true(w > 9000000 && w <= 10000000);
	assert_int_equal(pacer_take(&p, w - 1000, 5), 0);
	assert_int_equal(pacer_take(&p, w, 5), 1);
}

/* pps 0: everything asked for, at once. */
static void test_unlimited(void **state)
{
	(void)state;
	struct pacer p;
	pacer_init(&p, 0, 0);
	assert_int_equal(pacer_take(&p, 0, 12345), 12345);
	assert_int_equal(pacer_wait_ns(&p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_unlimited),
	};
	return cmocka_run_group_tests_name("engine_pacer", tests, NULL, NULL);
}
