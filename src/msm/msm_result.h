/*
 * msm_result: the pieces every measurement result shares (addresses, reply
 * flags, MPLS label entries, wall-clock labels). Results are compact on
 * purpose: an address is 16 bytes and carries no family (the family is stored
 * once per result), so tens of thousands of measurements fit in a few MB.
 * Results are handed to a callback when finished and freed by it; nothing
 * accumulates in the engine.
 */
#ifndef VANTAGE_MSM_MSM_RESULT_H
#define VANTAGE_MSM_MSM_RESULT_H

#include <stdint.h>
#include <stdbool.h>
#include <time.h>

/*
 * An IPv4 or IPv6 address in network byte order. IPv4 uses b[0..3] and
 * leaves b[4..15] zero; which one it is comes from the result's af field.
 * All-zero means "none" (e.g. no reply).
 */
struct msm_addr {
	uint8_t b[16];
};

/* Bits of the flags byte of a reply (ping_reply.flags, trace_probe.flags). */
enum msm_reply_flag {
	MSM_REPLY_GOT      = 1u << 0, /* a reply arrived; else the probe timed out */
	MSM_REPLY_DUP      = 1u << 1, /* a further reply to a probe already answered */
	MSM_REPLY_LATE     = 1u << 2, /* arrived after the probe's timeout had fired */
	MSM_REPLY_TX_KERNEL = 1u << 3, /* the transmit time is the kernel's
					 (the device tap's, else SO_TIMESTAMPING
					 via the error queue) */
	MSM_REPLY_RX_KERNEL = 1u << 4, /* the receive time is the kernel's */
	MSM_REPLY_TCP      = 1u << 5, /* the reply is TCP (icmp_type holds the
					 TCP flags byte, icmp_code 0) */
	MSM_REPLY_UDP      = 1u << 6, /* the reply is UDP (ping udp to an
					 open port) */
};

/* True if the RTT of a reply with these flags is kernel time minus kernel time. */
static inline bool msm_reply_kernel_rtt(uint8_t flags)
{
	return (flags & (MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL)) ==
	       (MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL);
}

/*
 * One MPLS label stack entry from an ICMP extension (RFC 4950), as on the
 * wire in host byte order: label (20 bits) << 12 | exp/TC (3) << 9 |
 * bottom-of-stack (1) << 8 | ttl (8).
 */
typedef uint32_t msm_mpls_t;

/* Pack one entry from its fields (each cut to its width). */
static inline msm_mpls_t msm_mpls_pack(uint32_t label, unsigned exp, unsigned s, unsigned ttl)
{
	return ((label & 0xfffffu) << 12) | ((exp & 7u) << 9) | ((s & 1u) << 8) | (ttl & 0xffu);
}

static inline uint32_t msm_mpls_label(msm_mpls_t e) { return e >> 12; }
static inline unsigned msm_mpls_exp(msm_mpls_t e) { return (e >> 9) & 7u; }
static inline unsigned msm_mpls_s(msm_mpls_t e) { return (e >> 8) & 1u; }
static inline unsigned msm_mpls_ttl(msm_mpls_t e) { return e & 0xffu; }

/* Where a measurement's probes and replies were timed (whole-result summary). */
enum msm_ts_source {
	MSM_TS_KERNEL = 0,   /* every RTT is kernel RX minus kernel TX */
	MSM_TS_MIXED = 1,    /* some replies fell back to user-space time */
	MSM_TS_FALLBACK = 2, /* no kernel timestamps: user-space clocks around
				send/recv (CLOCK_MONOTONIC) */
};

#endif
