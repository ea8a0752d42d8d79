/*
 * Tests of the quantization detector: a table of synthetic RTT series
 * (several targets, exponential jitter before rounding, optional off-grid
 * outliers) rounded to a known step must give back that step, and
 * fine-grained series must give none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/quant.h"

/* A small deterministic generator (xorshift64*), state passed explicitly. */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

struct qcase {
	const char *name;
	size_t n;
	double step;       /* rounding step in ms, 0 = none            */
	double outliers;   /* fraction of values moved off the grid    */
	double noise;      /* uniform +- noise added after rounding, ms */
	double resolution; /* print resolution of the data, ms         */
	int want;          /* QUANT_*                                 */
};

static const struct qcase cases[] = {
	{ "1 ms", 600, 1.0, 0, 0, 0.001, QUANT_FOUND },
	{ "100 us", 600, 0.1, 0, 0, 0.001, QUANT_FOUND },
	{ "4 ms", 600, 4.0, 0, 0, 0.001, QUANT_FOUND },
	{ "250 us", 600, 0.25, 0, 0, 0.001, QUANT_FOUND },
	{ "1 ms, 4% outliers", 600, 1.0, 0.04, 0, 0.001, QUANT_FOUND },
	{ "1 ms, 5% outliers", 600, 1.0, 0.05, 0, 0.001, QUANT_FOUND },
	{ "2 ms, jitter below a step", 600, 2.0, 0, 0, 0.001, QUANT_FOUND },
	{ "4 ms, few values", 40, 4.0, 0, 0, 0.001, QUANT_FOUND },
	{ "10 us in ns data", 600, 0.01, 0, 0, 0.000001, QUANT_FOUND },
	{ "fine, us printed", 600, 0, 0, 0, 0.001, QUANT_NONE },
	{ "fine, ns printed", 600, 0, 0, 0, 0.000001, QUANT_NONE },
	{ "fine, few values", 30, 0, 0, 0, 0.001, QUANT_NONE },
	{ "too few values", 10, 1.0, 0, 0, 0.001, QUANT_UNKNOWN },
};

/* Fill v with a series as described by c. */
static void make_series(const struct qcase *c, double *v, uint64_t seed)
{
	static const double bases[] = { 4.2, 23.71, 81.3, 148.9 };
	uint64_t s = seed;
	for (size_t i = 0; i < c->n; i++) {
		double x = bases[i % 4] - 3.0 * log(1.0 - uniform(&s));
		if (c->step > 0)
			x = nearbyint(x / c->step) * c->step;
		if (uniform(&s) < c->outliers)
			x += c->step * (0.2 + 0.6 * uniform(&s));
		x += c->noise * (2 * uniform(&s) - 1);
		v[i] = nearbyint(x / c->resolution) * c->resolution;
	}
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct qcase *c = &cases[i];
		for (uint64_t seed = 1; seed <= 5; seed++) {
			double *v = malloc(c->n * sizeof *v);
			assert_non_null(v);
			make_series(c, v, seed * 7919 + i);
			struct quant_params p;
			struct quant_result r;
			quant_params_default(&p, c->resolution);
			int got = quant_detect(v, c->n, &p, &r);
			if (got != c->want || (got == QUANT_FOUND &&
			    fabs(r.step - c->step) > c->step * 0.01))
				fail_msg("%s (seed %d): verdict %d step %g fit %.2f, want %d step %g",
					 c->name, (int)seed, got, r.step, r.fit, c->want, c->step);
			free(v);
		}
	}
}

static void test_constant_series_unknown(void **state)
{
	(void)state;
	double v[50];
	for (size_t i = 0; i < 50; i++)
		v[i] = i % 2 ? 12.0 : 13.0;
	struct quant_params p;
	struct quant_result r;
	quant_params_default(&p, 0.001);
	assert_int_equal(quant_detect(v, 50, &p, &r), QUANT_UNKNOWN);
	assert_int_equal(r.distinct, 2);
}

/*
 * A tight spread of RTTs (2.350-2.459 ms, 1 us resolution, as a lab link
 * with a fixed delay gives) fits a "grid" whose step is its own median
 * within the tolerance; all on one multiple, that is no grid. (CI saw it
 * called quantized to 2.401 ms.)
 */
static void test_tight_spread_not_quantized(void **state)
{
	(void)state;
	double v[240];
	for (size_t i = 0; i < 240; i++)
		v[i] = 2.35 + (double)((i * 7919) % 110) / 1000.0;
	v[0] = 4.80; /* outliers near twice the median, as in CI's data */
	v[1] = 4.81;
	struct quant_params p;
	struct quant_result r;
	quant_params_default(&p, 0.001);
	assert_int_equal(quant_detect(v, 240, &p, &r), QUANT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_constant_series_unknown),
		cmocka_unit_test(test_tight_spread_not_quantized),
	};
	return cmocka_run_group_tests_name("analysis_quant", tests, NULL, NULL);
}
