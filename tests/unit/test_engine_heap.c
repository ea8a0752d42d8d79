/*
 * Tests of the timeout heap: random deadlines come out in order, cancelled
 * timers never come out, re-arming moves a timer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "engine/timer_heap.h"

#define N 5000

/* Deadlines pop in non-decreasing order and all of them pop. */
static void test_order(void **state)
{
	(void)state;
	struct timer_heap h;
	static struct th_timer t[N];
	th_init(&h);
	srand(7);
	for (int i = 0; i < N; i++) {
		th_timer_init(&t[i]);
		assert_int_equal(th_arm(&h, &t[i], (uint64_t)(rand() % 100000)), 0);
	}
	uint64_t last = 0;
	int n = 0;
	struct th_timer *x;
	while ((x = th_pop_due(&h, UINT64_MAX)) != NULL) {
		assert_true(x->when_ns >= last);
		assert_false(th_armed(x));
		last = x->when_ns;
		n++;
	}
	assert_int_equal(n, N);
	th_free(&h);
}

/* Cancelled timers never pop; the rest keep their order. */
static void test_cancel(void **state)
{
	(void)state;
	struct timer_heap h;
	static struct th_timer t[N];
	th_init(&h);
	for (int i = 0; i < N; i++) {
		th_timer_init(&t[i]);
		th_arm(&h, &t[i], (uint64_t)((i * 7919) % N));
	}
	for (int i = 0; i < N; i += 3)
		th_cancel(&h, &t[i]);
	th_cancel(&h, &t[0]); /* twice is harmless */
	uint64_t last = 0;
	int n = 0;
	struct th_timer *x;
	while ((x = th_pop_due(&h, UINT64_MAX)) != NULL) {
		assert_true((x - t) % 3 != 0);
		assert_true(x->when_ns >= last);
		last = x->when_ns;
		n++;
	}
	assert_int_equal(n, N - (N + 2) / 3);
	th_free(&h);
}

/* Nothing pops before its deadline; re-arming moves the timer. */
static void test_due_and_rearm(void **state)
{
	(void)state;
	struct timer_heap h;
	struct th_timer a, b;
	th_init(&h);
	th_timer_init(&a);
	th_timer_init(&b);
	th_arm(&h, &a, 100);
	th_arm(&h, &b, 200);
	assert_null(th_pop_due(&h, 99));
	th_arm(&h, &a, 300);
	assert_ptr_equal(th_peek(&h), &b);
	assert_ptr_equal(th_pop_due(&h, 250), &b);
	assert_null(th_pop_due(&h, 250));
	assert_ptr_equal(th_pop_due(&h, 300), &a);
	assert_null(th_peek(&h));
	th_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_due_and_rearm),
	};
	return cmocka_run_group_tests_name("engine_heap", tests, NULL, NULL);
}
