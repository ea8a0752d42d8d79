/*
 * test_format_fixtures: hand-built ping and trace results (IPv4 and IPv6,
 * with silent probes, duplicates, late replies, MPLS labels and
 * unreachables) shared by the encoder tests. Each builder returns a result
 * owned by the caller (free with ping_result_free / trace_result_free).
 */
#ifndef VANTAGE_TESTS_FORMAT_FIXTURES_H
#define VANTAGE_TESTS_FORMAT_FIXTURES_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

/* Parse an address literal of family af into a result address. */
static inline struct msm_addr fx_addr(int af, const char *text)
{
	struct msm_addr a;
	memset(&a, 0, sizeof a);
	if (inet_pton(af, text, a.b) != 1)
		abort();
	return a;
}

/* One ping reply. */
static inline struct ping_reply fx_reply(int af, const char *from, uint16_t seq,
					 uint64_t rtt_ns, uint8_t ttl, uint8_t flags)
{
	struct ping_reply p;
	memset(&p, 0, sizeof p);
	p.from = fx_addr(af, from);
	p.seq = seq;
	p.rtt_ns = rtt_ns;
	p.reply_ttl = ttl;
	p.reply_size = af == AF_INET ? 84 : 104;
	p.icmp_type = af == AF_INET ? 0 : 129;
	p.tx_offset_us = seq * 1000000u;
	p.flags = (uint8_t)(MSM_REPLY_GOT | MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL | flags);
	return p;
}

/*
 * IPv4 icmp-echo ping of 198.18.1.2, 4 probes: seq 0 and 1 answered (seq 1
 * twice: a duplicate), seq 2 silent, seq 3 answered late.
 */
static inline struct ping_result *fx_ping4(void)
{
	struct ping_result *r = calloc(1, sizeof *r);
	r->af = AF_INET;
	r->method = PING_METHOD_ICMP_ECHO;
	r->ttl = 64;
	r->dst = fx_addr(AF_INET, "198.18.1.2");
	r->src = fx_addr(AF_INET, "198.18.0.2");
	r->dst_name = strdup("198.18.1.2");
	r->size = 48;
	r->sport = 4242;
	r->count = 4;
	r->interval_ms = 1000;
	r->timeout_ms = 1000;
	r->start.tv_sec = 1700000000;
	r->start.tv_nsec = 123456000;
	r->end.tv_sec = 1700000004;
	r->sent = 4;
	r->rcvd = 3;
	r->dup = 1;
	r->n_replies = 4;
	r->replies = calloc(4, sizeof *r->replies);
	r->replies[0] = fx_reply(AF_INET, "198.18.1.2", 0, 39123, 63, 0);
	r->replies[1] = fx_reply(AF_INET, "198.18.1.2", 1, 41000, 63, 0);
	r->replies[2] = fx_reply(AF_INET, "198.18.1.2", 1, 52000, 63, MSM_REPLY_DUP);
	r->replies[3] = fx_reply(AF_INET, "198.18.1.2", 3, 1500000000, 63, MSM_REPLY_LATE);
	r->min_ns = 39123;
	r->max_ns = 1500000000;
	r->avg_ns = (39123 + 41000 + 1500000000) / 3;
	return r;
}

/* IPv6 tcp-syn ping of 2001:db8::2 port 80, 2 probes, both answered SYN-ACK. */
static inline struct ping_result *fx_ping6(void)
{
	struct ping_result *r = calloc(1, sizeof *r);
	r->af = AF_INET6;
	r->method = PING_METHOD_TCP_SYN;
	r->ttl = 64;
	r->dst = fx_addr(AF_INET6, "2001:db8::2");
	r->src = fx_addr(AF_INET6, "2001:db8:ff::1");
	r->dst_name = strdup("host6.example");
	r->size = 0;
	r->sport = 40000;
	r->dport = 80;
	r->count = 2;
	r->interval_ms = 500;
	r->timeout_ms = 2000;
	r->start.tv_sec = 1700000100;
	r->end.tv_sec = 1700000101;
	r->sent = 2;
	r->rcvd = 2;
	r->n_replies = 2;
	r->replies = calloc(2, sizeof *r->replies);
	for (uint16_t i = 0; i < 2; i++) {
		r->replies[i] = fx_reply(AF_INET6, "2001:db8::2", i, 80000 + i * 1000u, 64,
					 MSM_REPLY_TCP);
		r->replies[i].icmp_type = 0x12; /* SYN|ACK */
		r->replies[i].reply_size = 80;
	}
	r->min_ns = 80000;
	r->max_ns = 81000;
	r->avg_ns = 80500;
	return r;
}

/* One trace probe; from == NULL means no reply. */
static inline struct trace_probe fx_probe(int af, uint8_t ttl, uint8_t attempt,
					  const char *from, uint64_t rtt_ns,
					  uint8_t type, uint8_t code)
{
	struct trace_probe p;
	memset(&p, 0, sizeof p);
	p.ttl = ttl;
	p.attempt = attempt;
	p.tx_offset_us = (ttl * 3u + attempt) * 1000u;
	if (from == NULL)
		return p;
	p.from = fx_addr(af, from);
	p.rtt_ns = rtt_ns;
	p.reply_ttl = (uint8_t)(65 - ttl);
	p.reply_size = af == AF_INET ? 56 : 96;
	p.quoted_ttl = 1;
	p.icmp_type = type;
	p.icmp_code = code;
	p.flags = MSM_REPLY_GOT | MSM_REPLY_TX_KERNEL | MSM_REPLY_RX_KERNEL;
	return p;
}

/*
 * IPv4 udp-paris trace to 198.18.1.2: TTL 1 router answers all 3, TTL 2
 * router answers the middle attempt with an MPLS label, TTL 3 is the
 * destination (port unreachable). Completed.
 */
static inline struct trace_result *fx_trace4(void)
{
	struct trace_result *r = calloc(1, sizeof *r);
	r->af = AF_INET;
	r->method = TRACE_METHOD_UDP_PARIS;
	r->first_ttl = 1;
	r->max_ttl = 30;
	r->attempts = 3;
	r->gap_limit = 5;
	r->stop_reason = TRACE_STOP_COMPLETED;
	r->hop_count = 3;
	r->probe_ttl_max = 3;
	r->dst = fx_addr(AF_INET, "198.18.1.2");
	r->src = fx_addr(AF_INET, "198.18.0.2");
	r->dst_name = strdup("198.18.1.2");
	r->size = 48;
	r->sport = 33000;
	r->dport = 33435;
	r->paris_id = 7;
	r->wait_ms = 2000;
	r->start.tv_sec = 1700000200;
	r->start.tv_nsec = 5000;
	r->end.tv_sec = 1700000201;
	r->probes_sent = 9;
	r->n_probes = 9;
	r->probes = calloc(9, sizeof *r->probes);
	int k = 0;
	for (uint8_t a = 0; a < 3; a++)
		r->probes[k++] = fx_probe(AF_INET, 1, a, "198.18.0.1", 21000 + a * 100u, 11, 0);
	r->probes[k++] = fx_probe(AF_INET, 2, 0, NULL, 0, 0, 0);
	r->probes[k] = fx_probe(AF_INET, 2, 1, "198.18.5.1", 33500, 11, 0);
	r->probes[k].mpls_off = 0;
	r->probes[k++].mpls_n = 1;
	r->probes[k++] = fx_probe(AF_INET, 2, 2, NULL, 0, 0, 0);
	for (uint8_t a = 0; a < 3; a++)
		r->probes[k++] = fx_probe(AF_INET, 3, a, "198.18.1.2", 45000 + a * 10u, 3, 3);
	r->n_mpls = 1;
	r->mpls = calloc(1, sizeof *r->mpls);
	r->mpls[0] = (16005u << 12) | (0u << 9) | (1u << 8) | 254u;
	return r;
}

/*
 * IPv6 icmp trace to 2001:db8::2: TTL 1 router (time exceeded), TTL 2
 * silent, TTL 3 a router reports address unreachable. Stop: unreach.
 */
static inline struct trace_result *fx_trace6(void)
{
	struct trace_result *r = calloc(1, sizeof *r);
	r->af = AF_INET6;
	r->method = TRACE_METHOD_ICMP;
	r->first_ttl = 1;
	r->max_ttl = 16;
	r->attempts = 2;
	r->gap_limit = 3;
	r->stop_reason = TRACE_STOP_UNREACH;
	r->stop_data = 3;
	r->hop_count = 3;
	r->probe_ttl_max = 3;
	r->dst = fx_addr(AF_INET6, "2001:db8::2");
	r->src = fx_addr(AF_INET6, "2001:db8:ff::1");
	r->dst_name = strdup("2001:db8::2");
	r->size = 64;
	r->sport = 999;
	r->wait_ms = 1000;
	r->start.tv_sec = 1700000300;
	r->end.tv_sec = 1700000302;
	r->probes_sent = 6;
	r->n_probes = 6;
	r->probes = calloc(6, sizeof *r->probes);
	r->probes[0] = fx_probe(AF_INET6, 1, 0, "2001:db8:1::1", 30001, 3, 0);
	r->probes[1] = fx_probe(AF_INET6, 1, 1, "2001:db8:1::1", 30999, 3, 0);
	r->probes[2] = fx_probe(AF_INET6, 2, 0, NULL, 0, 0, 0);
	r->probes[3] = fx_probe(AF_INET6, 2, 1, NULL, 0, 0, 0);
	r->probes[4] = fx_probe(AF_INET6, 3, 0, "2001:db8:9::1", 77777, 1, 3);
	r->probes[5] = fx_probe(AF_INET6, 3, 1, "2001:db8:9::1", 78000, 1, 3);
	return r;
}

#endif
