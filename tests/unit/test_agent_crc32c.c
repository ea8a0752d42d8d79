/*
 * test_agent_crc32c: the CRC-32C of the spool records. The standard check
 * value; and the value crc32c gives (the crc32 instruction where the CPU has
 * SSE4.2) equals the table's on random buffers of every length up to 300 at
 * every alignment, also when continued over pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "agent/crc32c.h"

static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c_table(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c(0, "", 0), 0);
	print_message("crc32c: %s\n", crc32c_hw() ? "crc32 instruction (SSE4.2)" : "table");
}

static void test_same_as_table(void **state)
{
	(void)state;
	uint8_t buf[4096 + 8];
	srandom(19);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)random();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 300; len++) {
			uint32_t seed = (uint32_t)random();
			assert_int_equal(crc32c(seed, buf + off, len),
					 crc32c_table(seed, buf + off, len));
		}
	for (int round = 0; round < 200; round++) {
		size_t off = (size_t)random() % 8, len = (size_t)random() % 4096;
		size_t cut = len ? (size_t)random() % len : 0;
		uint32_t whole = crc32c_table(0, buf + off, len);
		assert_int_equal(crc32c(0, buf + off, len), whole);
		assert_int_equal(crc32c(crc32c(0, buf + off, cut), buf + off + cut, len - cut), whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_same_as_table),
	};
	return cmocka_run_group_tests_name("agent_crc32c", tests, NULL, NULL);
}
