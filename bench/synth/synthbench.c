/*
 * synthbench: how large and how fast the synthetic Internet is, in process,
 * with no device in the way: generate an Internet of N IPv4 prefixes (and
 * its IPv6 counterpart), report the routed /24s, the time taken and the
 * peak memory, then feed one core a stream of probes (UDP, ICMP echo, TCP;
 * TTLs 1..32; random routed /24s; one IPv6 probe in eight) straight into
 * synth_answer and report probes answered per second.
 *
 *   synthbench [PREFIXES [PROBES]]    (default 1,000,000 and 3,000,000)
 */
#include "lab/synth.h"
#include "lab/synth_hash.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CLOCK_MONOTONIC in seconds. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time in seconds: on a loaded machine, what one core does. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's peak resident memory in MB (VmHWM). */
static double peak_mb(void)
{
	char line[256];
	double kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atof(line + 6);
	if (f)
		fclose(f);
	return kb / 1024.0;
}

/* Probe k: a random routed destination, a TTL, a protocol. Returns its length. */
static size_t make_probe(const struct synth *g, uint64_t k, uint8_t *buf)
{
	uint64_t h = synth_h2(0xbe9c4, k);
	int v6 = (h & 7) == 0 && g->n6 > 0, len;
	uint8_t proto = (uint8_t)((h >> 3) % 3), dst[16];
	size_t iph = v6 ? 40 : 20, l4 = 8 + 12, n = iph + l4;
	uint8_t ttl = (uint8_t)(1 + (h >> 8) % 32);

	if (v6) {
		synth_pfx_addr(g, 6, (h >> 16) % g->n6, dst, &len);
		dst[15] = (uint8_t)(1 + (h >> 50) % 2);
	} else {
		size_t i = (size_t)((h >> 16) % g->n4);
		synth_pfx_addr(g, 4, i, dst, &len);
		uint32_t v = ((uint32_t)dst[0] << 24 | (uint32_t)dst[1] << 16 | (uint32_t)dst[2] << 8) +
			     (uint32_t)((h >> 40) % (1u << (32 - len)));
		dst[0] = (uint8_t)(v >> 24); dst[1] = (uint8_t)(v >> 16); dst[2] = (uint8_t)(v >> 8); dst[3] = (uint8_t)v;
	}
	memset(buf, 0, n);
	proto = proto == 0 ? IPPROTO_UDP : proto == 1 ? IPPROTO_TCP : (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (proto == IPPROTO_TCP)
		l4 = 20, n = iph + l4;
	if (v6) {
		buf[0] = 0x60; buf[5] = (uint8_t)l4; buf[6] = proto; buf[7] = ttl;
		buf[8] = 0x20; buf[9] = 0x01; buf[10] = 0x0d; buf[11] = 0xb8; buf[23] = 1;
		memcpy(buf + 24, dst, 16);
	} else {
		buf[0] = 0x45; buf[3] = (uint8_t)n; buf[8] = ttl; buf[9] = proto;
		buf[12] = 198; buf[13] = 18; buf[15] = 1;
		memcpy(buf + 16, dst, 4);
	}
	uint8_t *p = buf + iph;
	if (proto == IPPROTO_TCP) {
		p[0] = 0x9c; p[1] = (uint8_t)k; p[3] = 80; p[12] = 0x50; p[13] = 0x10;
	} else if (proto == IPPROTO_UDP) {
		p[0] = 0x9c; p[1] = (uint8_t)k; p[2] = 0x82; p[3] = 0x9b;
	} else {
		p[0] = v6 ? 128 : 8; p[4] = 0x12; p[6] = (uint8_t)(k >> 8); p[7] = (uint8_t)k;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Address k of the /24 starting at base. */
static void in24(const uint8_t *base, int k, uint8_t *dst)
{
	memcpy(dst, base, 4);
	dst[3] = (uint8_t)k;
}

/*
 * The shares the defaults are calibrated on, measured on this Internet:
 * path lengths to the first /24 of up to 20,000 prefixes, load-balanced
 * paths, silent routers among the distinct routers met, responsive /24s
 * and how full they are.
 */
static void calibration(const struct synth *g)
{
	size_t step = g->n4 > 20000 ? g->n4 / 20000 : 1, n = 0, lb = 0, keys_n = 0, silent = 0, routers = 0;
	size_t blocks = 0, responsive = 0, sparse = 0, dense = 0;
	int *len = calloc(20001, sizeof *len);
	uint64_t *keys = calloc(20001 * SYNTH_MAX_HOPS, sizeof *keys);
	struct synth_path path;

	for (size_t i = 0; i < g->n4 && n < 20000; i += step) {
		struct synth_flow f = { .proto = IPPROTO_UDP, .sport = 40000, .dport = 33435 };
		int plen;
		f.src[0] = 198; f.src[1] = 18; f.src[3] = 1;
		synth_pfx_addr(g, 4, i, f.dst, &plen);
		f.dst[3] = 1;
		synth_path_of(g, 4, &f, 0, &path);
		for (int h = 0; h < path.n_hops; h++)
			keys[keys_n++] = (path.hops[h].router & ~1ULL) | ((path.hops[h].flags & SYNTH_H_SILENT) != 0);
		if (path.end != SYNTH_END_HOST)
			continue;
		len[n++] = path.n_hops + 1;
		lb += path.width > 1;
		if (blocks < 2000) {
			int alive = 0;
			for (int k = 0; k < 256; k++) {
				in24(f.dst, k, f.dst);
				synth_path_of(g, 4, &f, 0, &path);
				alive += path.alive;
			}
			blocks++;
			responsive += alive > 0;
			sparse += alive > 0 && alive < 13;
			dense += alive > 128;
		}
	}
	qsort(len, n, sizeof *len, cmp_int);
	qsort(keys, keys_n, sizeof *keys, cmp_u64);
	for (size_t i = 0; i < keys_n; i++)
		if (i == 0 || keys[i] != keys[i - 1]) {
			routers++;
			silent += keys[i] & 1;
		}
	printf("calibration (measured here): synthetic hops to the destination, percentiles 10/25/50/75/90: "
	       "%d/%d/%d/%d/%d (add the lab's own hops before the internet node)\n",
	       len[n / 10], len[n / 4], len[n / 2], len[3 * n / 4], len[9 * n / 10]);
	printf("  paths through a load balancer %.1f%%; silent routers %.1f%% of %zu met; responsive /24s "
	       "%.1f%%, of which %.1f%% under 5%% full and %.1f%% over half full\n",
	       100.0 * (double)lb / (double)n, 100.0 * (double)silent / (double)routers, routers,
	       100.0 * (double)responsive / (double)blocks, 100.0 * (double)sparse / (double)responsive,
	       100.0 * (double)dense / (double)responsive);
	free(len);
	free(keys);
}

int main(int argc, char **argv)
{
	struct synth_params p;
	struct synth *g = calloc(1, sizeof *g);
	struct synth_reply r;
	char err[256];
	long long probes = argc > 2 ? atoll(argv[2]) : 3000000;
	uint64_t routed24 = 0, answered = 0;
	uint8_t (*pkts)[64] = malloc(65536 * 64);
	size_t lens[65536];
	double t0, t1, c0, c1;

	synth_params_default(&p);
	p.prefixes = argc > 1 ? atoll(argv[1]) : 1000000;
	/* in process only: spaces large enough for today's routed IPv4 space */
	synth_params_word(&p, "v4=0.0.0.0/0", err, sizeof err);
	synth_params_word(&p, "v6=3f00::/16", err, sizeof err);
	t0 = now_s();
	if (!g || !pkts || synth_init(g, &p, err, sizeof err) < 0) {
		fprintf(stderr, "synthbench: %s\n", err);
		return 1;
	}
	t1 = now_s();
	for (size_t i = 0; i < g->n4; i++)
		routed24 += g->pfx4[i].len <= 24 ? 1ULL << (24 - g->pfx4[i].len) : 1;
	printf("internet: %zu IPv4 prefixes (%llu routed /24s), %zu IPv6 prefixes, %llu ASes\n",
	       g->n4, (unsigned long long)routed24, g->n6, (unsigned long long)g->n_as);
	printf("generated in %.2f s; peak memory %.0f MB\n", t1 - t0, peak_mb());
	calibration(g);
	for (int i = 0; i < 65536; i++)
		lens[i] = make_probe(g, (uint64_t)i, pkts[i]);
	t0 = now_s();
	c0 = cpu_s();
	for (long long k = 0; k < probes; k++) {
		int i = (int)(k & 65535);
		answered += synth_answer(g, pkts[i], lens[i], (uint64_t)k * 1000, &r) == 1;
	}
	t1 = now_s();
	c1 = cpu_s();
	printf("answer function: %.0f probes per CPU second (%.0f ns of CPU each); %.0f probes/s wall "
	       "clock on this machine now (%lld probes, %.1f%% answered)\n",
	       (double)probes / (c1 - c0), (c1 - c0) * 1e9 / (double)probes, (double)probes / (t1 - t0),
	       probes, 100.0 * (double)answered / (double)probes);
	printf("peak memory after answering: %.0f MB\n", peak_mb());
	synth_free(g);
	free(g);
	free(pkts);
	return 0;
}
