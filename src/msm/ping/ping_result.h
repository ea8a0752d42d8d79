/*
 * ping_result: what a finished ping holds, for the encoders (RIPE Atlas JSON,
 * warts ping records, ping(8)-style text). A ping is one destination probed
 * `count` times; each reply (including duplicates and late ones) is one
 * ping_reply in arrival order; probes that got no reply have none (the
 * encoders derive the "*" entries from the seq numbers 0..sent-1 that no
 * reply carries). The engine hands a finished result to a ping_result_cb,
 * which encodes it and frees it with ping_result_free.
 */
#ifndef VANTAGE_MSM_PING_PING_RESULT_H
#define VANTAGE_MSM_PING_PING_RESULT_H

#include "msm/msm_result.h"

#include <stdint.h>
#include <time.h>

/* How a ping probes (names as on the command line). */
enum ping_method {
	PING_METHOD_ICMP_ECHO = 0, /* ICMP / ICMPv6 echo request */
	PING_METHOD_UDP = 1,       /* UDP to dport (+seq); reply: port unreachable */
	PING_METHOD_TCP_SYN = 2,   /* TCP SYN to dport; reply: SYN-ACK or RST */
	PING_METHOD_TCP_ACK = 3,   /* TCP ACK to dport; reply: RST */
};

/* One reply to one ping probe. 40 bytes. */
struct ping_reply {
	struct msm_addr from;  /* source address of the reply */
	uint64_t rtt_ns;       /* RX time - TX time, nanoseconds (kernel time on
				  both sides unless flags say otherwise) */
	uint32_t tx_offset_us; /* when the probe was sent, microseconds after
				  ping_result.start (monotonic; for warts' tx) */
	uint16_t seq;          /* probe number, 0..sent-1 */
	uint16_t reply_size;   /* size of the reply's IP packet, bytes */
	uint8_t reply_ttl;     /* IP TTL / IPv6 hop limit of the reply */
	uint8_t icmp_type;     /* ICMP(v6) type of the reply; TCP flags if
				  flags has MSM_REPLY_TCP */
	uint8_t icmp_code;     /* ICMP(v6) code of the reply */
	uint8_t flags;         /* enum msm_reply_flag bits (DUP, LATE, *_KERNEL) */
};

/* A finished ping. */
struct ping_result {
	uint8_t af;            /* AF_INET or AF_INET6; applies to every address */
	uint8_t method;        /* enum ping_method */
	uint8_t ttl;           /* IP TTL / hop limit of the probes */
	uint8_t ts_source;     /* enum msm_ts_source over all replies */
	struct msm_addr dst;   /* the destination probed */
	struct msm_addr src;   /* our source address for it */
	char *dst_name;        /* the target as given (name or address text);
				  owned by the result, never NULL */
	uint16_t size;         /* probe payload size, bytes (RIPE "size": bytes
				  after the ICMP/UDP/TCP header) */
	uint16_t sport;        /* source port (udp/tcp) or ICMP echo id */
	uint16_t dport;        /* destination port (udp/tcp); 0 for icmp-echo */
	uint16_t count;        /* probes asked for */
	uint32_t interval_ms;  /* gap between probes to this destination */
	uint32_t timeout_ms;   /* how long to wait for each reply */
	uint32_t user_id;      /* the caller's id (the CLI's list position, the
				  agent's measurement id); carried, never read */
	struct timespec start; /* wall-clock (CLOCK_REALTIME) time the first
				  probe was sent: a label only, no RTT uses it */
	struct timespec end;   /* wall-clock time the ping finished */
	uint16_t sent;         /* probes that left the host */
	uint16_t rcvd;         /* probes answered at least once (not counting
				  duplicates; late replies count) */
	uint16_t dup;          /* duplicate replies */
	uint16_t refused;      /* probes the site policy refused (never sent) */
	uint64_t min_ns;       /* smallest RTT of the non-duplicate replies */
	uint64_t avg_ns;       /* mean RTT of them (0 if rcvd == 0) */
	uint64_t max_ns;       /* largest RTT of them */
	uint16_t n_replies;    /* entries in replies[] */
	struct ping_reply *replies; /* in arrival order; owned by the result */
};

/* The engine gives each finished ping to this callback, which owns it from
   then on and must release it with ping_result_free. */
typedef void (*ping_result_cb)(struct ping_result *res, void *arg);

/* Free a result and everything it owns. NULL is allowed. */
void ping_result_free(struct ping_result *res);

/* The command-line name of a method ("icmp-echo", ...), or "?" */
const char *ping_method_name(unsigned method);

#endif
