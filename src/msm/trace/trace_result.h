/*
 * trace_result: what a finished traceroute holds, for the encoders (RIPE
 * Atlas JSON, warts trace records, traceroute(8)-style text). A trace sends
 * `attempts` probes per TTL from first_ttl upward; every probe sent is one
 * trace_probe in probes[] (ordered by ttl, then attempt), whether it was
 * answered (flags & MSM_REPLY_GOT) or not (a "*"); duplicate replies add
 * entries with MSM_REPLY_DUP. MPLS label stacks live in one array per trace,
 * referenced by offset. The engine hands a finished result to a
 * trace_result_cb, which encodes it and frees it with trace_result_free.
 */
#ifndef VANTAGE_MSM_TRACE_TRACE_RESULT_H
#define VANTAGE_MSM_TRACE_TRACE_RESULT_H

#include "msm/msm_result.h"

#include <stdint.h>
#include <time.h>

/* How a trace probes (names as on the command line). */
enum trace_method {
	TRACE_METHOD_UDP = 0,        /* classic: dport = port + probe number */
	TRACE_METHOD_UDP_PARIS = 1,  /* fixed ports (flow id); probe told apart
					by the UDP checksum */
	TRACE_METHOD_ICMP = 2,       /* echo request, seq varies (and so the
					checksum: flow may change) */
	TRACE_METHOD_ICMP_PARIS = 3, /* echo request, checksum kept constant */
	TRACE_METHOD_TCP_ACK = 4,    /* TCP ACK to dport, fixed flow */
	TRACE_METHOD_TCP_SYN = 5,    /* TCP SYN to dport, fixed flow */
};

/* Why a trace stopped. */
enum trace_stop {
	TRACE_STOP_NONE = 0,        /* not stopped (never in a finished result) */
	TRACE_STOP_COMPLETED = 1,   /* the destination answered (echo reply, port
				       unreachable, TCP reply) */
	TRACE_STOP_UNREACH = 2,     /* an ICMP destination unreachable other
				       than port unreachable from the target */
	TRACE_STOP_GAPLIMIT = 3,    /* gap_limit consecutive silent TTLs */
	TRACE_STOP_LOOP = 4,        /* the same address answered two different
				       TTLs with a silent or other hop between */
	TRACE_STOP_HOPLIMIT = 5,    /* max_ttl reached without the destination */
	TRACE_STOP_REFUSED = 6,     /* the site policy refused the probes */
	TRACE_STOP_ERROR = 7,       /* a send error (stop_data holds errno) */
};

/* One probe of a trace and its reply, if any. 44 bytes. */
struct trace_probe {
	struct msm_addr from;  /* who replied; zero if nobody */
	uint64_t rtt_ns;       /* RX time - TX time, nanoseconds; 0 if no reply */
	uint32_t tx_offset_us; /* when sent, microseconds after trace start
				  (monotonic) */
	uint16_t reply_size;   /* size of the reply's IP packet, bytes */
	uint16_t mpls_off;     /* first label of this reply in trace mpls[] */
	uint8_t ttl;           /* the probe's TTL / hop limit (the "hop") */
	uint8_t attempt;       /* 0-based attempt at this TTL */
	uint8_t reply_ttl;     /* IP TTL / hop limit of the reply */
	uint8_t quoted_ttl;    /* TTL of our probe as quoted in the ICMP error
				  (0 if none or not an ICMP error) */
	uint8_t icmp_type;     /* ICMP(v6) type; TCP flags if MSM_REPLY_TCP */
	uint8_t icmp_code;     /* ICMP(v6) code */
	uint8_t mpls_n;        /* labels of this reply in mpls[] (0 = none) */
	uint8_t flags;         /* enum msm_reply_flag bits */
};

/* A finished trace. */
struct trace_result {
	uint8_t af;            /* AF_INET or AF_INET6; applies to every address */
	uint8_t method;        /* enum trace_method */
	uint8_t first_ttl;     /* first TTL probed */
	uint8_t max_ttl;       /* largest TTL allowed */
	uint8_t attempts;      /* probes per TTL */
	uint8_t gap_limit;     /* silent TTLs in a row before giving up */
	uint8_t stop_reason;   /* enum trace_stop */
	uint8_t stop_data;     /* ICMP code for UNREACH, errno for ERROR */
	uint8_t hop_count;     /* highest TTL that got any reply (0 if none) */
	uint8_t probe_ttl_max; /* highest TTL probed */
	uint8_t ts_source;     /* enum msm_ts_source over all replies */
	uint8_t pad_;          /* zero */
	struct msm_addr dst;   /* the destination traced */
	struct msm_addr src;   /* our source address for it */
	char *dst_name;        /* the target as given; owned, never NULL */
	uint16_t size;         /* probe IP packet size, bytes (RIPE "size") */
	uint16_t sport;        /* source port (udp/tcp) or ICMP echo id */
	uint16_t dport;        /* destination port (base port for classic udp) */
	uint16_t paris_id;     /* Paris flow id (RIPE "paris_id"); 0 for the
				  non-Paris methods */
	uint32_t wait_ms;      /* how long each probe waits for a reply */
	uint32_t user_id;      /* the caller's id; carried, never read */
	struct timespec start; /* wall-clock time the first probe was sent
				  (a label only) */
	struct timespec end;   /* wall-clock time the trace finished */
	uint16_t probes_sent;  /* probes that left the host */
	uint16_t refused;      /* probes the site policy refused */
	uint16_t n_probes;     /* entries in probes[] */
	uint16_t n_mpls;       /* entries in mpls[] */
	struct trace_probe *probes; /* by ttl then attempt; owned */
	msm_mpls_t *mpls;      /* label stack entries, referenced by probes;
				  owned, NULL if none */
};

/* The engine gives each finished trace to this callback, which owns it from
   then on and must release it with trace_result_free. */
typedef void (*trace_result_cb)(struct trace_result *res, void *arg);

/* Free a result and everything it owns. NULL is allowed. */
void trace_result_free(struct trace_result *res);

/* The command-line name of a method ("udp-paris", ...), or "?" */
const char *trace_method_name(unsigned method);

/* The name of a stop reason ("completed", "unreach", "gaplimit", "loop",
   "hoplimit", "refused", "error"), or "?" */
const char *trace_stop_name(unsigned reason);

#endif
