/*
 * Tests of the agent's slot arithmetic: one-off and periodic measurements,
 * start in the past or future, stop times, and never twice in one slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "agent/slot.h"

struct slotcase {
	int64_t base, interval, stop;
	uint64_t runs;
	int64_t now, want;
};

static const struct slotcase cases[] = {
	/* one-off: at its start, or at once when that has passed; then never */
	{ 1000, 0, 0, 0, 900, 1000 },
	{ 1000, 0, 0, 0, 1200, 1200 },
	{ 1000, 0, 0, 1, 1200, -1 },
	/* periodic, every 60 s from 1000 */
	{ 1000, 60, 0, 0, 900, 1000 },
	{ 1000, 60, 0, 0, 1000, 1000 },
	{ 1000, 60, 0, 1, 1000, 1060 },   /* ran in slot 1000: next slot */
	{ 1000, 60, 0, 1, 1025, 1060 },   /* ran late within the spread */
	{ 1000, 60, 0, 1, 1060, 1120 },   /* fired exactly on a slot: never twice */
	{ 1000, 60, 0, 0, 1061, 1120 },   /* joined late: the next whole slot */
	{ 1000, 60, 0, 5, 1500, 1540 },   /* slots missed while busy are skipped */
	/* stop time */
	{ 1000, 60, 1120, 2, 1061, 1120 },
	{ 1000, 60, 1120, 3, 1121, -1 },
	{ 1000, 60, 1000, 1, 1000, -1 },
};

static void test_slots(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct slotcase *c = &cases[i];
		int64_t got = slot_next(c->base, c->interval, c->stop, c->runs, c->now);
		if (got != c->want)
			fail_msg("case %zu: got %lld, want %lld", i, (long long)got, (long long)c->want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
	};
	return cmocka_run_group_tests_name("agent_slot", tests, NULL, NULL);
}
