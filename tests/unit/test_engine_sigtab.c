/*
 * Tests of the signature table: every linked signature is found, lookups
 * that differ in any one field miss, duplicates are refused, deletion works
 * across growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sigtab.h"

#define N 20000

/* Signature number i: spread over 200 destinations. */
static void make(struct eng_sig *s, int i)
{
	memset(s, 0, sizeof *s);
	s->family = AF_INET;
	s->proto = IPPROTO_UDP;
	s->a = (uint16_t)(0x8000 | (i % 100));
	s->b = (uint16_t)(i / 200 + 1);
	s->dst[0] = 198;
	s->dst[1] = 18;
	s->dst[2] = (uint8_t)(i % 200);
	s->dst[3] = 1;
}

/* Add N, find all, miss near-misses, refuse duplicates, delete half. */
static void test_find(void **state)
{
	(void)state;
	struct sigtab t;
	struct sig_node *nodes = calloc(N, sizeof *nodes);
	assert_int_equal(sigtab_init(&t), 0);
	for (int i = 0; i < N; i++) {
		make(&nodes[i].key, i);
		assert_int_equal(sigtab_add(&t, &nodes[i]), 0);
	}
	struct sig_node dup;
	make(&dup.key, 17);
	assert_int_equal(sigtab_add(&t, &dup), -1);
	for (int i = 0; i < N; i++) {
		struct eng_sig k;
		make(&k, i);
		assert_ptr_equal(sigtab_find(&t, &k), &nodes[i]);
		k.proto = IPPROTO_TCP;
		assert_null(sigtab_find(&t, &k));
		make(&k, i);
		k.dst[3] = 2;
		assert_null(sigtab_find(&t, &k));
		make(&k, i);
		k.b ^= 0x4000;
		assert_null(sigtab_find(&t, &k));
	}
	for (int i = 0; i < N; i += 2)
		sigtab_del(&t, &nodes[i]);
	for (int i = 0; i < N; i++) {
		struct eng_sig k;
		make(&k, i);
		assert_ptr_equal(sigtab_find(&t, &k), i % 2 ? &nodes[i] : NULL);
	}
	assert_int_equal(t.n, N / 2);
	sigtab_free(&t);
	free(nodes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests_name("engine_sigtab", tests, NULL, NULL);
}
