/*
 * rtt: turning the times around one probe and its reply into an RTT.
 * The kernel stamps packets with CLOCK_REALTIME, which can be stepped; the
 * engine samples the offset (REALTIME - MONOTONIC) when it sends and when it
 * receives, and removes any change of that offset from the kernel RTT, so a
 * clock step between probe and reply bends nothing. A kernel RTT that falls
 * outside what the user-space monotonic times allow is refused and the
 * monotonic RTT is used instead (and the result says so).
 */
#ifndef VANTAGE_ENGINE_RTT_H
#define VANTAGE_ENGINE_RTT_H

#include <stdint.h>

/* Everything known about the timing of one probe and one reply. */
struct rtt_in {
	int64_t tx_kernel_ns; /* kernel TX timestamp (REALTIME), 0 = none */
	int64_t rx_kernel_ns; /* kernel RX timestamp (REALTIME), 0 = none */
	uint64_t tx_mono_ns;  /* MONOTONIC just before the send call */
	uint64_t rx_mono_ns;  /* MONOTONIC just after the receive call */
	int64_t off_tx_ns;    /* REALTIME - MONOTONIC sampled at send */
	int64_t off_rx_ns;    /* REALTIME - MONOTONIC sampled at receive */
	uint32_t off_tx_err_ns, off_rx_err_ns; /* how far each offset sample
				 can be off (half the time its reading took) */
};

/* A step of the offset smaller than this (plus both samples' error) is
   taken as sampling noise. */
#define RTT_STEP_NS 2000

/*
 * Compute the RTT in ns. *flags gets MSM_REPLY_TX_KERNEL / RX_KERNEL for
 * each side whose kernel timestamp was used. Never negative.
 */
uint64_t rtt_compute(const struct rtt_in *in, uint8_t *flags);

#endif
