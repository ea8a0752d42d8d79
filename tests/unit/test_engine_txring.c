/*
 * Tests of the sender thread's ring (engine/txring.h): single-threaded, the
 * room, order and wrap-around of its counters; with a real consumer thread,
 * 200,000 frames go through a small ring in order, each outcome belongs to
 * its own frame, none is lost or seen twice, and the producer never
 * overwrites a slot the consumer has not finished.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine/txring.h"

/* Room shrinks as slots are published and grows back only once consumed. */
static void test_room_and_order(void **state)
{
	(void)state;
	struct txring r;
	assert_int_equal(txring_init(&r, 2), 0);
	for (uint32_t round = 0; round < 3; round++) { /* wraps the 4 slots */
		assert_int_equal(txring_room(&r), 4);
		assert_null(txring_outcome(&r));
		for (uint32_t i = 0; i < 4; i++) {
			txring_next(&r)->len = (uint16_t)(round * 10 + i);
			assert_int_equal(txring_publish(&r), round * 4 + i);
		}
		assert_int_equal(txring_room(&r), 0);
		assert_int_equal(txring_busy(&r), 4);
		uint32_t from, n = txring_ready(&r, &from);
		assert_int_equal(n, 4);
		assert_int_equal(from, round * 4);
		assert_false(txring_is_done(&r, from));
		txring_slot(&r, from)->key = 100 + round;
		txring_finish(&r, 1);
		assert_true(txring_is_done(&r, from));
		assert_false(txring_is_done(&r, from + 1));
		assert_int_equal(txring_ready(&r, &from), 3);
		struct txslot *s = txring_outcome(&r);
		assert_non_null(s);
		assert_int_equal(s->len, round * 10);
		assert_int_equal(s->key, 100 + round);
		txring_consume(&r);
		assert_null(txring_outcome(&r));
		assert_int_equal(txring_room(&r), 1); /* only the consumed one */
		txring_finish(&r, 3);
		for (uint32_t i = 1; i < 4; i++) {
			s = txring_outcome(&r);
			assert_non_null(s);
			assert_int_equal(s->len, round * 10 + i);
			txring_consume(&r);
		}
		assert_int_equal(txring_busy(&r), 0);
	}
	txring_free(&r);
}

/* Counters near UINT32_MAX wrap without losing room or order. */
static void test_counter_wrap(void **state)
{
	(void)state;
	struct txring r;
	assert_int_equal(txring_init(&r, 3), 0);
	atomic_store(&r.head, UINT32_MAX - 2);
	atomic_store(&r.done, UINT32_MAX - 2);
	r.tail = UINT32_MAX - 2;
	for (uint32_t i = 0; i < 6; i++)
		(void)txring_publish(&r);
	assert_int_equal(txring_room(&r), 2);
	uint32_t from;
	assert_int_equal(txring_ready(&r, &from), 6);
	txring_finish(&r, 6);
	assert_true(txring_is_done(&r, UINT32_MAX));
	assert_true(txring_is_done(&r, 2));
	assert_false(txring_is_done(&r, 3));
	for (uint32_t i = 0; i < 6; i++) {
		assert_non_null(txring_outcome(&r));
		txring_consume(&r);
	}
	assert_null(txring_outcome(&r));
	assert_int_equal(txring_room(&r), 8);
	txring_free(&r);
}

#define NFRAMES 200000u

struct consumer {
	struct txring *r;
	atomic_int bad; /* frames seen out of order or torn */
};

/* The consumer thread: "send" each frame: its outcome key is its number. */
static void *consume(void *arg)
{
	struct consumer *c = arg;
	uint32_t want = 0;
	while (want < NFRAMES) {
		uint32_t from, n = txring_ready(c->r, &from);
		if (n == 0) {
			sched_yield();
			continue;
		}
		n = n > 5 ? 5 : n;
		for (uint32_t i = 0; i < n; i++) {
			struct txslot *s = txring_slot(c->r, from + i);
			uint32_t v;
			memcpy(&v, s->frame, 4);
			if (v != want || s->len != (uint16_t)(v * 7) ||
			    memcmp(s->frame + 4, s->frame, 4) != 0)
				atomic_fetch_add(&c->bad, 1);
			s->key = v ^ 0x5a5a5a5au;
			s->err = 0;
			want++;
		}
		txring_finish(c->r, n);
	}
	return NULL;
}

/* Frames through a 16-slot ring with a real thread: in order, none lost. */
static void test_two_threads(void **state)
{
	(void)state;
	struct txring r;
	assert_int_equal(txring_init(&r, 4), 0);
	struct consumer c = { &r, 0 };
	pthread_t tid;
	assert_int_equal(pthread_create(&tid, NULL, consume, &c), 0);
	uint32_t sent = 0, got = 0;
	while (got < NFRAMES) {
		while (sent < NFRAMES && txring_room(&r) > 0) {
			struct txslot *s = txring_next(&r);
			memcpy(s->frame, &sent, 4);
			memcpy(s->frame + 4, &sent, 4);
			s->len = (uint16_t)(sent * 7);
			s->owner = &r;
			(void)txring_publish(&r);
			sent++;
		}
		struct txslot *s;
		while ((s = txring_outcome(&r)) != NULL) {
			assert_int_equal(s->key, got ^ 0x5a5a5a5au);
			assert_ptr_equal(s->owner, &r);
			txring_consume(&r);
			got++;
		}
	}
	pthread_join(tid, NULL);
	assert_int_equal(atomic_load(&c.bad), 0);
	assert_int_equal(txring_busy(&r), 0);
	txring_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_room_and_order),
		cmocka_unit_test(test_counter_wrap),
		cmocka_unit_test(test_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
