/*
 * Tests of the comparison: two sides generated from one model (several
 * targets, a queueing term both sides share per round, per-packet jitter of
 * their own, a little loss, traceroute paths) must give "no measurable
 * difference"; changing side B (added delay, rounding to a coarse step, more
 * loss, other paths, too few rounds) must be named in the verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"

/* xorshift64*, state passed explicitly. */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double expo(uint64_t *s, double mean)
{
	return -mean * log(1.0 - uniform(s));
}

/* How side B differs from side A. */
struct bmod {
	double delay, step, loss, path_change;
	int rounds;
};

/* One ping record of a side. */
static void ping(struct rec *r, const char *dst, int64_t ts, double base, double queue,
		 uint64_t *rng, const struct bmod *m)
{
	memset(r, 0, sizeof *r);
	snprintf(r->probe, sizeof r->probe, "%s", m ? "6002" : "6001");
	snprintf(r->dst, sizeof r->dst, "%s", dst);
	r->timestamp = ts;
	r->kind = REC_PING;
	r->min = -1;
	r->sent = 3;
	for (int k = 0; k < 3; k++) {
		double v = base + queue + expo(rng, 0.15);
		if (uniform(rng) < 0.005 + (m ? m->loss : 0))
			continue;
		if (m) {
			v += m->delay;
			if (m->step > 0)
				v = nearbyint(v / m->step) * m->step;
		}
		v = nearbyint(v * 1000) / 1000; /* RIPE Atlas prints microseconds */
		r->rtt[r->nrtt++] = v;
		r->rcvd++;
		if (r->min < 0 || v < r->min)
			r->min = v;
	}
}

/* One traceroute record (path only; it reaches its target). */
static void trace(struct rec *r, const char *dst, int64_t ts, int ti, double base,
		  uint64_t *rng, const struct bmod *m)
{
	char path[160];
	int other = m && uniform(rng) < m->path_change;
	snprintf(path, sizeof path, "198.19.%d.1|198.19.%d.2|%s|%s", ti, ti,
		 other ? "198.19.99.1" : "198.19.0.3", dst);
	memset(r, 0, sizeof *r);
	snprintf(r->dst, sizeof r->dst, "%s", dst);
	r->timestamp = ts;
	r->kind = REC_TRACE;
	r->sent = r->rcvd = 1;
	r->min = -1;
	r->path = strdup(path);
	r->path_len = 4;
	(void)base;
}

/* Generate both sides. */
static void generate(uint64_t seed, const struct bmod *m, struct rec_set *a, struct rec_set *b)
{
	static const double bases[] = { 4.2, 18.7, 37.1, 81.9, 148.3 };
	uint64_t shared = seed, ra = seed * 3 + 1, rb = seed * 5 + 2;
	for (int k = 0; k < m->rounds; k++) {
		for (int ti = 0; ti < 5; ti++) {
			char dst[32];
			snprintf(dst, sizeof dst, "198.18.%d.1", ti + 1);
			int64_t t0 = 1700000000 + (int64_t)k * 240 + ti * 3;
			double q = expo(&shared, 0.4);
			struct rec r;
			ping(&r, dst, t0 + (int64_t)(uniform(&ra) * 20), bases[ti], q, &ra, NULL);
			assert_int_equal(rec_set_add(a, &r), 0);
			ping(&r, dst, t0 + (int64_t)(uniform(&rb) * 20), bases[ti], q, &rb, m);
			assert_int_equal(rec_set_add(b, &r), 0);
			if (k % 4)
				continue;
			trace(&r, dst, t0 + 60, ti, bases[ti], &ra, NULL);
			assert_int_equal(rec_set_add(a, &r), 0);
			trace(&r, dst, t0 + 61, ti, bases[ti], &rb, m);
			assert_int_equal(rec_set_add(b, &r), 0);
		}
	}
}

struct ccase {
	const char *name;
	struct bmod m;
	int differs, enough;
	const char *verdict; /* substring */
};

static const struct ccase cases[] = {
	{ "same", { 0, 0, 0, 0, 300 }, 0, 1, "no measurable difference" },
	{ "+2 ms", { 2.0, 0, 0, 0, 300 }, 1, 1, "ms slower than A" },
	{ "-1.5 ms", { -1.5, 0, 0, 0, 300 }, 1, 1, "ms faster than A" },
	{ "+0.3 ms", { 0.3, 0, 0, 0, 300 }, 1, 1, "ms slower than A" },
	{ "+0.03 ms: below the minimum effect", { 0.03, 0, 0, 0, 300 }, 0, 1,
	  "no measurable difference" },
	{ "1 ms rounding", { 0, 1.0, 0, 0, 300 }, 1, 1,
	  "B's RTTs are quantized to 1 ms (A's are not)" },
	{ "4 ms rounding", { 0, 4.0, 0, 0, 300 }, 1, 1, "quantized to 4 ms" },
	{ "100 us rounding", { 0, 0.1, 0, 0, 300 }, 1, 1, "quantized to 0.1 ms" },
	{ "10% more loss", { 0, 0, 0.10, 0, 300 }, 1, 1, "B loses" },
	{ "other paths", { 0, 0, 0, 0.5, 300 }, 1, 1, "paths differ in" },
	{ "too few rounds", { 0, 0, 0, 0, 1 }, 0, 0, "too few paired rounds" },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ccase *c = &cases[i];
		for (uint64_t seed = 11; seed <= 13; seed++) {
			struct rec_set a = { 0 }, b = { 0 };
			struct compare_params p;
			struct compare_report r;
			compare_params_default(&p);
			generate(seed, &c->m, &a, &b);
			assert_int_equal(compare_run(&a, &b, "A", "B", &p, &r), 0);
			if (r.differs != c->differs || r.enough != c->enough ||
			    !strstr(r.verdict, c->verdict))
				fail_msg("%s (seed %d): differs %d enough %d: %s", c->name, (int)seed,
					 r.differs, r.enough, r.verdict);
			/* the shift found is the delay added, within 50 us */
			if (c->m.delay != 0 && fabs(r.diff.median - c->m.delay) > 0.05)
				fail_msg("%s: median difference %g", c->name, r.diff.median);
			compare_report_free(&r);
			rec_set_free(&a);
			rec_set_free(&b);
		}
	}
}

static void test_pairing(void **state)
{
	(void)state;
	struct bmod m = { 0, 0, 0, 0, 20 };
	struct rec_set a = { 0 }, b = { 0 };
	generate(5, &m, &a, &b);
	/* a target only A measured, and B's results shifted out of the window */
	struct rec extra = a.v[0];
	snprintf(extra.dst, sizeof extra.dst, "198.18.77.1");
	assert_int_equal(rec_set_add(&a, &extra), 0);
	for (size_t i = 0; i < b.n; i++)
		if (strcmp(b.v[i].dst, "198.18.5.1") == 0)
			b.v[i].timestamp += 100000;
	struct compare_params p;
	struct compare_report r;
	compare_params_default(&p);
	assert_int_equal(compare_run(&a, &b, "A", "B", &p, &r), 0);
	/* 20 rounds x 4 targets of pings + 5 rounds x 4 of traceroutes pair up */
	assert_int_equal(r.pairs, 80 + 20);
	assert_int_equal(r.unpaired_a, 1 + 20 + 5);
	assert_int_equal(r.unpaired_b, 20 + 5);
	assert_int_equal(r.ntargets, 8);
	assert_int_equal(r.trace_pairs, 20);
	compare_report_free(&r);
	rec_set_free(&a);
	rec_set_free(&b);
}

/* Pings that all went unanswered: nothing to difference, no verdict, and
   no statistic may touch an empty array (a fuzzer found this). */
static void test_no_rtts(void **state)
{
	(void)state;
	struct rec_set a = { 0 }, b = { 0 };
	for (int i = 0; i < 20; i++) {
		struct rec r;
		memset(&r, 0, sizeof r);
		snprintf(r.dst, sizeof r.dst, "198.18.0.1");
		r.timestamp = 1000 + i * 240;
		r.sent = 3;
		r.min = -1;
		assert_int_equal(rec_set_add(&a, &r), 0);
		assert_int_equal(rec_set_add(&b, &r), 0);
	}
	struct compare_params p;
	struct compare_report r;
	compare_params_default(&p);
	assert_int_equal(compare_run(&a, &b, "A", "B", &p, &r), 0);
	assert_int_equal(r.pairs, 20);
	assert_int_equal(r.ndiff, 0);
	assert_false(r.enough);
	assert_non_null(strstr(r.verdict, "too few paired rounds"));
	assert_true(r.loss_a == 1.0 && r.loss_b == 1.0);
	compare_report_free(&r);
	rec_set_free(&a);
	rec_set_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_pairing),
		cmocka_unit_test(test_no_rtts),
	};
	return cmocka_run_group_tests_name("analysis_compare", tests, NULL, NULL);
}
