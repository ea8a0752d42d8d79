/*
 * Tests of the JetStream ingest's ack wait (publish_wait): 5 s on a cluster
 * that keeps up, three times the drain time of what is in flight on a slow
 * one, doubled per try, never past 2 minutes; the ack rate is measured over
 * windows of a second and smoothed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controller/publish_wait.h"

/* acks a second for secs seconds, 100 acks at a time, from t0 (ms); returns the end */
static int64_t feed(struct ack_rate *r, int per_s, int secs, int64_t t0)
{
	int64_t t = t0;
	for (int s = 0; s < secs; s++)
		for (int k = 0; k < per_s / 100; k++, t += 1000 / (per_s / 100))
			ack_rate_add(r, 100, t);
	return t;
}

static void test_no_rate_yet_waits_the_minimum(void **state)
{
	(void)state;
	struct ack_rate r = { 0 };
	assert_int_equal(publish_wait_ms(&r, 2048, 0), PUBLISH_WAIT_MIN_MS);
	assert_int_equal(publish_wait_ms(&r, 2048, 1), 2 * PUBLISH_WAIT_MIN_MS);
	ack_rate_add(&r, 500, 1000);   /* one window not closed yet */
	assert_int_equal(publish_wait_ms(&r, 2048, 0), PUBLISH_WAIT_MIN_MS);
}

static void test_fast_cluster_waits_the_minimum(void **state)
{
	(void)state;
	struct ack_rate r = { 0 };
	feed(&r, 10000, 5, 1);
	assert_true(r.per_s > 9000 && r.per_s < 11000);
	assert_int_equal(publish_wait_ms(&r, 2048, 0), PUBLISH_WAIT_MIN_MS);
}

/* 2,048 in flight at 300 acks/s drain in 6.8 s: wait about 20 s, not 5. */
static void test_slow_cluster_waits_three_drains(void **state)
{
	(void)state;
	struct ack_rate r = { 0 };
	feed(&r, 300, 10, 1);
	assert_true(r.per_s > 250 && r.per_s < 350);
	int64_t w = publish_wait_ms(&r, 2048, 0);
	assert_true(w > 17000 && w < 25000);
	assert_true(publish_wait_ms(&r, 2048, 1) > 34000);
	assert_int_equal(publish_wait_ms(&r, 2048, 3), PUBLISH_WAIT_MAX_MS);
}

/* The rate follows the cluster: it slows, then recovers. */
static void test_rate_follows_changes(void **state)
{
	(void)state;
	struct ack_rate r = { 0 };
	int64_t t = feed(&r, 10000, 5, 1);
	t = feed(&r, 200, 8, t);
	assert_true(r.per_s < 400);
	feed(&r, 10000, 8, t);
	assert_true(r.per_s > 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_rate_yet_waits_the_minimum),
		cmocka_unit_test(test_fast_cluster_waits_the_minimum),
		cmocka_unit_test(test_slow_cluster_waits_three_drains),
		cmocka_unit_test(test_rate_follows_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
