/*
 * test_lab_emu: the link emulator's queue: packets leave after the delay and
 * in arrival order, a full queue drops, loss drops about its share.
 */
#include "lab/emu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define MS 1000000ULL

/* Packets leave after the delay, in order, even when the delay shrinks. */
static void test_delay_and_order(void **state)
{
	struct emu_queue q;
	const struct emu_pkt *p;

	(void)state;
	assert_int_equal(emu_queue_init(&q, 8, 1), 0);
	assert_int_equal(emu_queue_next_due(&q), UINT64_MAX);
	assert_true(emu_queue_push(&q, 0, 50 * MS, 0, "a", 1));
	assert_true(emu_queue_push(&q, 1 * MS, 10 * MS, 0, "b", 1));   /* delay lowered */
	assert_int_equal(emu_queue_next_due(&q), 50 * MS);
	assert_null(emu_queue_pop(&q, 49 * MS));
	p = emu_queue_pop(&q, 50 * MS);
	assert_non_null(p);
	assert_memory_equal(p->data, "a", 1);
	p = emu_queue_pop(&q, 50 * MS);                       /* b waited behind a */
	assert_non_null(p);
	assert_memory_equal(p->data, "b", 1);
	assert_null(emu_queue_pop(&q, 1000 * MS));
	emu_queue_free(&q);
}

/* A full queue and an oversized packet are dropped and counted. */
static void test_full_and_oversized(void **state)
{
	struct emu_queue q;
	static uint8_t big[EMU_MTU + 1];

	(void)state;
	assert_int_equal(emu_queue_init(&q, 2, 1), 0);
	assert_true(emu_queue_push(&q, 0, 0, 0, "x", 1));
	assert_true(emu_queue_push(&q, 0, 0, 0, "y", 1));
	assert_false(emu_queue_push(&q, 0, 0, 0, "z", 1));
	assert_non_null(emu_queue_pop(&q, 0));
	assert_true(emu_queue_push(&q, 0, 0, 0, "z", 1));   /* the ring wraps */
	assert_false(emu_queue_push(&q, 0, 0, 0, big, sizeof big));
	assert_int_equal(q.dropped, 2);
	assert_int_equal(q.full, 1);
	assert_int_equal(q.passed, 3);
	emu_queue_free(&q);
}

/*
 * A deep queue (the keeper's: 10,000 probes/s over a long delay) keeps each
 * packet's bytes whole as slots are reused by packets small and large.
 */
static void test_deep_queue_sizes(void **state)
{
	static uint8_t pkt[EMU_MTU];
	struct emu_queue q;
	const struct emu_pkt *p;

	(void)state;
	assert_int_equal(emu_queue_init(&q, 4096, 3), 0);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4096; i++) {
			size_t len = (size_t)(1 + (i * 7 + round * 13) % EMU_MTU);
			memset(pkt, (i + round) & 0xff, len);
			assert_true(emu_queue_push(&q, (uint64_t)i, 2 * MS, 0, pkt, len));
		}
		assert_false(emu_queue_push(&q, 4096, 2 * MS, 0, pkt, 1));
		for (int i = 0; i < 4096; i++) {
			size_t len = (size_t)(1 + (i * 7 + round * 13) % EMU_MTU);
			assert_non_null(p = emu_queue_pop(&q, 10 * MS));
			assert_int_equal(p->len, len);
			assert_int_equal(p->data[0], (i + round) & 0xff);
			assert_int_equal(p->data[len - 1], (i + round) & 0xff);
		}
	}
	assert_int_equal(q.full, 3);
	emu_queue_free(&q);
}

/* Table: loss percentages drop about their share of 10000 packets. */
static void test_loss_share(void **state)
{
	static const int pct[] = { 0, 1, 25, 50, 100 };

	(void)state;
	for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		struct emu_queue q;
		assert_int_equal(emu_queue_init(&q, 1, 7 + i), 0);
		for (int n = 0; n < 10000; n++)
			if (emu_queue_push(&q, 0, 0, pct[i], "p", 1))
				emu_queue_pop(&q, 0);
		long lost = (long)q.dropped, want = pct[i] * 100L;
		if (lost < want - 300 || lost > want + 300)
			fail_msg("loss %d%%: dropped %ld of 10000", pct[i], lost);
		emu_queue_free(&q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_and_order),
		cmocka_unit_test(test_full_and_oversized),
		cmocka_unit_test(test_deep_queue_sizes),
		cmocka_unit_test(test_loss_share),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
