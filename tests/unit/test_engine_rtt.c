/*
 * Tests of the RTT arithmetic with an injected clock: a table of probe/reply
 * timings, including wall-clock steps between send and receive (forward,
 * backward, large) that must change no RTT, missing kernel stamps (fallback
 * and the flags saying so), kernel stamps that contradict the monotonic
 * clock (refused) and an offset sample pulled apart by preemption (not a
 * step).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/rtt.h"
#include "msm/msm_result.h"

#define SEC 1000000000LL
#define K (MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL)

/*
 * A probe sent at monotonic 100 s with wall = mono + off_tx; the kernel
 * stamps TX 3 us after the user-space reading and RX `wire` ns later; the
 * wall clock is stepped by `step` ns between send and receive (kernel RX
 * stamp and off_rx both see the step); user space reads the clock 5 us
 * after the RX stamp.
 */
struct rtt_case {
	int64_t wire, step;
	bool tx_k, rx_k;
	uint64_t want;
	uint8_t want_flags;
};

static const struct rtt_case cases[] = {
	{ 250000, 0, true, true, 250000, K },
	{ 250000, 3600 * SEC, true, true, 250000, K },     /* step forward 1 h */
	{ 250000, -3600 * SEC, true, true, 250000, K },    /* step back 1 h */
	{ 41234, 1500, true, true, 42734, K }, /* below RTT_STEP_NS: taken as noise */
	{ 41234, 7 * SEC, true, true, 41234, K },
	{ 250000, 0, false, true, 253000, MSM_REPLY_RX_KERNEL },
	{ 250000, 3600 * SEC, false, true, 253000, MSM_REPLY_RX_KERNEL },
	{ 250000, 0, true, false, 255000, MSM_REPLY_TX_KERNEL },
	{ 250000, -3600 * SEC, true, false, 255000, MSM_REPLY_TX_KERNEL },
	{ 250000, 0, false, false, 258000, 0 },
	{ 250000, 3600 * SEC, false, false, 258000, 0 },
};

/* Each case gives its RTT and flags. */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct rtt_case *c = &cases[i];
		int64_t off = 1700000000 * SEC, mono_tx = 100 * SEC;
		int64_t k_tx = mono_tx + 3000 + off;
		int64_t k_rx = k_tx + c->wire + c->step;
		struct rtt_in in = {
			.tx_kernel_ns = c->tx_k ? k_tx : 0,
			.rx_kernel_ns = c->rx_k ? k_rx : 0,
			.tx_mono_ns = (uint64_t)mono_tx,
			.rx_mono_ns = (uint64_t)(mono_tx + 3000 + c->wire + 5000),
			.off_tx_ns = off,
			.off_rx_ns = off + c->step,
		};
		uint8_t flags;
		uint64_t rtt = rtt_compute(&in, &flags);
		if (rtt != c->want || flags != c->want_flags)
			fail_msg("case %zu: rtt %llu flags %u, want %llu flags %u", i,
				 (unsigned long long)rtt, flags, (unsigned long long)c->want,
				 c->want_flags);
	}
}

/* A kernel RTT the monotonic clock cannot allow (a stale TX stamp) is refused. */
static void test_refuse(void **state)
{
	(void)state;
	struct rtt_in in = {
		.tx_kernel_ns = 1000 * SEC - 5 * SEC, /* 5 s before the send */
		.rx_kernel_ns = 1000 * SEC + 100000,
		.tx_mono_ns = 10 * SEC,
		.rx_mono_ns = 10 * SEC + 200000,
		.off_tx_ns = 990 * SEC,
		.off_rx_ns = 990 * SEC,
	};
	uint8_t flags;
	assert_int_equal(rtt_compute(&in, &flags), 200000);
	assert_int_equal(flags, 0);
}

/*
 * An offset sample that was pulled apart (preempted between its clock
 * readings, so off by 15 us) is not a clock step: with its error known the
 * kernel RTT stands. Without the error it would be taken for a step.
 */
static void test_noisy_offset_sample(void **state)
{
	(void)state;
	int64_t off = 1700000000 * SEC;
	struct rtt_in in = {
		.tx_kernel_ns = off + 10 * SEC + 3000,
		.rx_kernel_ns = off + 10 * SEC + 3000 + 6000,
		.tx_mono_ns = 10 * SEC,
		.rx_mono_ns = 10 * SEC + 30000,
		.off_tx_ns = off,
		.off_rx_ns = off + 15000,
		.off_tx_err_ns = 100,
		.off_rx_err_ns = 15000,
	};
	uint8_t flags;
	assert_int_equal(rtt_compute(&in, &flags), 6000);
	assert_int_equal(flags, K);
	in.off_rx_err_ns = 0;
	assert_int_not_equal(rtt_compute(&in, &flags), 6000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_noisy_offset_sample),
	};
	return cmocka_run_group_tests_name("engine_rtt", tests, NULL, NULL);
}
