/*
 * rtt: kernel-time RTTs robust to wall-clock steps, with monotonic fallback.
 */
#include "engine/rtt.h"

#include "msm/msm_result.h"

/*
 * The change of the REALTIME-MONOTONIC offset, or 0 when it is only noise:
 * a sample whose two clock readings were pulled apart (the thread was
 * preempted between them) is only known to within its error, and reading
 * that error as a clock step would bend a good kernel RTT.
 */
static int64_t offset_step(const struct rtt_in *in)
{
	int64_t d = in->off_rx_ns - in->off_tx_ns;
	int64_t noise = RTT_STEP_NS + (int64_t)in->off_tx_err_ns + (int64_t)in->off_rx_err_ns;
	return (d > noise || d < -noise) ? d : 0;
}

/* A kernel REALTIME stamp moved onto the monotonic time line. */
static int64_t to_mono(int64_t kernel_ns, int64_t off_ns)
{
	return kernel_ns - off_ns;
}

/* Compute the RTT, preferring kernel time on both sides. */
uint64_t rtt_compute(const struct rtt_in *in, uint8_t *flags)
{
	int64_t user = (int64_t)(in->rx_mono_ns - in->tx_mono_ns);
	int64_t tx = (int64_t)in->tx_mono_ns, rx = (int64_t)in->rx_mono_ns;
	*flags = 0;
	if (in->tx_kernel_ns && in->rx_kernel_ns) {
		int64_t k = in->rx_kernel_ns - in->tx_kernel_ns - offset_step(in);
		if (k >= 0 && k <= user + RTT_STEP_NS) {
			*flags = MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL;
			return (uint64_t)k;
		}
	} else if (in->tx_kernel_ns) {
		int64_t t = to_mono(in->tx_kernel_ns, in->off_tx_ns);
		if (t >= tx - RTT_STEP_NS && t <= rx) {
			*flags = MSM_REPLY_TX_KERNEL;
			return (uint64_t)(rx - t);
		}
	} else if (in->rx_kernel_ns) {
		int64_t r = to_mono(in->rx_kernel_ns, in->off_rx_ns);
		if (r >= tx && r <= rx + RTT_STEP_NS) {
			*flags = MSM_REPLY_RX_KERNEL;
			return r > tx ? (uint64_t)(r - tx) : 0;
		}
	}
	return user > 0 ? (uint64_t)user : 0;
}
