/*
 * test_lab_synth: the synthetic Internet's generator and answer function:
 * the same seed gives the same Internet, the configured shares come out
 * within tolerance, and crafted probes get the answers real routers and
 * hosts would send (TTL expiry from the right hop, echo reply, port
 * unreachable, RST, MPLS labels, Paris flows on one branch, per-packet
 * balancers varying, rate limits, unreachable prefixes).
 */
#include "lab/synth.h"
#include "lab/synth_wheel.h"
#include "net/checksum.h"
#include "net/icmpext.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const uint8_t SRC4[4] = { 198, 18, 0, 1 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 };

/* A probe of protocol proto from the lab source to dst with ttl. */
static size_t probe(int af, const uint8_t *dst, uint8_t proto, uint8_t ttl, uint16_t sport,
		    uint16_t dport, uint8_t *buf)
{
	size_t iph = af == 4 ? 20 : 40, l4 = proto == IPPROTO_TCP ? 20 : 8;
	uint8_t *p = buf + iph;

	memset(buf, 0, iph + l4 + 4);
	if (af == 4) {
		buf[0] = 0x45;
		buf[2] = (uint8_t)((iph + l4 + 4) >> 8);
		buf[3] = (uint8_t)(iph + l4 + 4);
		buf[8] = ttl;
		buf[9] = proto;
		memcpy(buf + 12, SRC4, 4);
		memcpy(buf + 16, dst, 4);
	} else {
		buf[0] = 0x60;
		buf[5] = (uint8_t)(l4 + 4);
		buf[6] = proto;
		buf[7] = ttl;
		memcpy(buf + 8, SRC6, 16);
		memcpy(buf + 24, dst, 16);
	}
	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP) {
		p[0] = (uint8_t)(sport >> 8); p[1] = (uint8_t)sport;
		p[2] = (uint8_t)(dport >> 8); p[3] = (uint8_t)dport;
		if (proto == IPPROTO_TCP) {
			p[12] = 5 << 4;
			p[13] = 0x02;   /* SYN */
			p[4] = 0x11;
		}
	} else {
		p[0] = af == 4 ? 8 : 128;
		p[4] = (uint8_t)(sport >> 8); p[5] = (uint8_t)sport;   /* id */
		p[6] = (uint8_t)(dport >> 8); p[7] = (uint8_t)dport;   /* seq */
		p[2] = 0x12; p[3] = 0x34;  /* any checksum: the synth does not verify */
	}
	return iph + l4 + 4;
}

/* A small Internet with the given changes to the defaults. */
static struct synth *make(const char *const *words)
{
	struct synth_params p;
	struct synth *g = calloc(1, sizeof *g);
	char err[256];

	synth_params_default(&p);
	p.prefixes = 2000;
	/* In process only (no packet is sent): a space larger than the lab's. */
	memset(p.v4, 0, sizeof p.v4);
	p.v4[0] = 240;
	p.v4len = 4;
	for (; words && *words; words++)
		assert_int_equal(synth_params_word(&p, *words, err, sizeof err), 0);
	assert_int_equal(synth_init(g, &p, err, sizeof err), 0);
	return g;
}

static void destroy(struct synth *g)
{
	synth_free(g);
	free(g);
}

/* Address `host` in IPv4 prefix i. */
static void addr_in4(const struct synth *g, size_t i, uint32_t host, uint8_t *a)
{
	int len;
	uint32_t v;

	synth_pfx_addr(g, 4, i, a, &len);
	v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	v += host % (1u << (32 - len));
	a[0] = (uint8_t)(v >> 24); a[1] = (uint8_t)(v >> 16); a[2] = (uint8_t)(v >> 8); a[3] = (uint8_t)v;
}

/* The path of a UDP flow from the lab source to dst. */
static void path_to(const struct synth *g, int af, const uint8_t *dst, uint16_t sport,
		    struct synth_path *path)
{
	struct synth_flow f = { .proto = IPPROTO_UDP, .sport = sport, .dport = 33434 };

	memcpy(f.src, af == 4 ? SRC4 : SRC6, af == 4 ? 4 : 16);
	memcpy(f.dst, dst, af == 4 ? 4 : 16);
	synth_path_of(g, af, &f, 0, path);
}

/* The same seed gives the same Internet and answers; another seed another. */
static void test_determinism(void **state)
{
	struct synth *a = make(NULL), *b = make(NULL);
	const char *const other[] = { "seed=2", NULL };
	struct synth *c = make(other);
	struct synth_reply ra, rb;
	uint8_t pkt[128], dst[16] = { 0 };
	int same = 0;

	(void)state;
	assert_int_equal(a->n4, b->n4);
	assert_memory_equal(a->pfx4, b->pfx4, a->n4 * sizeof *a->pfx4);
	assert_int_equal(a->n6, b->n6);
	for (size_t i = 0; i < a->n4; i += 7) {
		for (int ttl = 1; ttl < 20; ttl += 3) {
			addr_in4(a, i, 1, dst);
			size_t n = probe(4, dst, IPPROTO_UDP, (uint8_t)ttl, 40000, 33434, pkt);
			int x = synth_answer(a, pkt, n, 0, &ra), y = synth_answer(b, pkt, n, 0, &rb);
			assert_int_equal(x, y);
			if (x == 1) {
				assert_int_equal(ra.len, rb.len);
				assert_memory_equal(ra.data, rb.data, ra.len);
				assert_int_equal(ra.delay_ns, rb.delay_ns);
			}
		}
	}
	for (size_t i = 0; i < 50; i++)
		same += a->pfx4[i].len == c->pfx4[i].len && a->pfx4[i].as == c->pfx4[i].as;
	assert_true(same < 50);
	destroy(a);
	destroy(b);
	destroy(c);
}

/* qsort order of router identities (the silent flag rides in the low bit). */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Shares of balanced paths, silent routers, responsive /24s; path lengths. */
static void test_shares(void **state)
{
	struct synth *g = make(NULL);
	struct synth_path path;
	uint8_t dst[16] = { 0 };
	long paths = 0, balanced = 0, routers = 0, silent = 0, blocks = 0, responsive = 0, hops = 0;
	uint64_t *keys = calloc(g->n4 * SYNTH_MAX_HOPS, sizeof *keys);
	size_t n_keys = 0;

	(void)state;
	for (size_t i = 0; i < g->n4; i++) {
		addr_in4(g, i, 1, dst);
		path_to(g, 4, dst, 40000, &path);
		if (path.end != SYNTH_END_HOST)
			continue;
		paths++;
		hops += path.n_hops + 1;
		balanced += path.width > 1;
		for (int h = 0; h < path.n_hops; h++)
			keys[n_keys++] = (path.hops[h].router & ~1ULL) |
					 ((path.hops[h].flags & SYNTH_H_SILENT) != 0);
		/* a /24 is responsive when any of its addresses answers */
		bool any = false;
		for (uint32_t host = 0; host < 256 && !any; host++) {
			addr_in4(g, i, host, dst);
			path_to(g, 4, dst, 40000, &path);
			any = path.alive;
		}
		blocks++;
		responsive += any;
	}
	qsort(keys, n_keys, sizeof *keys, cmp_u64);
	for (size_t i = 0; i < n_keys; i++)
		if (i == 0 || keys[i] != keys[i - 1]) {
			routers++;
			silent += keys[i] & 1;
		}
	free(keys);
	assert_true(paths > 1500);
	assert_in_range(100 * balanced / paths, 34, 44);                 /* ecmp=39 */
	assert_in_range(100 * silent / routers, 5, 11);                  /* silent=8 (distinct routers) */
	assert_in_range(100 * responsive / blocks, 52, 68);              /* responsive=65, some /24s sparse */
	assert_in_range(10 * hops / paths, 90, 160);                     /* mean synthetic hops 9..16 */
	destroy(g);
}

/* The reply's ICMP type and source address. */
static void check_icmp(const struct synth_reply *r, int af, uint8_t type, uint8_t code, const uint8_t *from)
{
	size_t iph = af == 4 ? 20 : 40;

	assert_true(r->len >= iph + 8);
	assert_int_equal(r->data[iph], type);
	assert_int_equal(r->data[iph + 1], code);
	assert_memory_equal(r->data + (af == 4 ? 12 : 8), from, af == 4 ? 4 : 16);
	if (af == 4)
		assert_int_equal(net_checksum(r->data + iph, r->len - iph), 0);
}

/* A routed, alive IPv4 destination with a path of no silent routers. */
static size_t find_alive4(struct synth *g, uint8_t *dst, struct synth_path *path)
{
	for (size_t i = 0; i < g->n4; i++)
		for (uint32_t host = 1; host < 256; host++) {
			addr_in4(g, i, host, dst);
			path_to(g, 4, dst, 40000, path);
			if (path->alive)
				return i;
		}
	fail();
	return 0;
}

/* TTL expiry from the right hop; port unreachable, echo reply, RST at the end. */
static void test_crafted_v4(void **state)
{
	const char *const words[] = { "silent=0", "ratelimit=0", NULL };
	struct synth *g = make(words);
	struct synth_path path;
	struct synth_reply r;
	uint8_t dst[16] = { 0 }, pkt[128];
	size_t n;

	(void)state;
	find_alive4(g, dst, &path);
	for (int ttl = 1; ttl <= path.n_hops; ttl++) {
		n = probe(4, dst, IPPROTO_UDP, (uint8_t)ttl, 40000, 33434, pkt);
		assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
		check_icmp(&r, 4, 11, 0, path.hops[ttl - 1].addr);
		assert_int_equal(r.delay_ns, 2000ULL * path.hops[ttl - 1].delay_us);
		assert_int_equal(r.data[28 + 8], 1);        /* quoted TTL: 1 */
		assert_memory_equal(r.data + 28 + 16, dst, 4);
	}
	n = probe(4, dst, IPPROTO_UDP, 64, 40000, 33434, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
	check_icmp(&r, 4, 3, 3, dst);
	n = probe(4, dst, IPPROTO_ICMP, 64, 7, 9, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
	check_icmp(&r, 4, 0, 0, dst);
	assert_int_equal(r.data[24], 0); assert_int_equal(r.data[25], 7);   /* id kept */
	n = probe(4, dst, IPPROTO_TCP, 64, 40000, 80, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
	assert_int_equal(r.data[9], IPPROTO_TCP);
	assert_int_equal(r.data[20 + 13], 0x14);       /* RST+ACK to a SYN */
	assert_int_equal(r.data[20] << 8 | r.data[21], 80);
	destroy(g);
}

/* IPv6: TTL expiry, and ::1 of a responsive /64 answers the echo. */
static void test_crafted_v6(void **state)
{
	const char *const words[] = { "silent=0", "ratelimit=0", "responsive=100", NULL };
	struct synth *g = make(words);
	struct synth_path path;
	struct synth_reply r;
	uint8_t dst[16], pkt[128];
	size_t n;
	int len;

	(void)state;
	assert_true(g->n6 > 10);
	synth_pfx_addr(g, 6, 3, dst, &len);
	dst[15] = 1;
	path_to(g, 6, dst, 40000, &path);
	assert_int_equal(path.end == SYNTH_END_HOST, path.alive);
	if (path.end != SYNTH_END_HOST) {
		synth_pfx_addr(g, 6, 4, dst, &len);
		dst[15] = 1;
		path_to(g, 6, dst, 40000, &path);
	}
	n = probe(6, dst, IPPROTO_UDP, 2, 40000, 33434, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
	check_icmp(&r, 6, 3, 0, path.hops[1].addr);
	n = probe(6, dst, IPPROTO_ICMPV6, 64, 1, 1, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), path.alive ? 1 : 0);
	if (path.alive)
		check_icmp(&r, 6, 129, 0, dst);
	dst[15] = 2;                                    /* not ::1: silent */
	n = probe(6, dst, IPPROTO_ICMPV6, 64, 1, 1, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 0);
	destroy(g);
}

/* Inside an MPLS tunnel that shows itself, the reply carries the label. */
static void test_mpls(void **state)
{
	const char *const words[] = { "silent=0", "ratelimit=0", "mpls=100", "mpls_hidden=0", NULL };
	struct synth *g = make(words);
	struct synth_path path;
	struct synth_reply r;
	uint8_t dst[16] = { 0 }, pkt[128];
	int found = 0;

	(void)state;
	for (size_t i = 0; i < g->n4 && !found; i += 37) {
		addr_in4(g, i, 1, dst);
		path_to(g, 4, dst, 40000, &path);
		for (int h = 0; h < path.n_hops && !found; h++) {
			size_t off, quote, n;
			struct net_icmpext ext;
			if (!(path.hops[h].flags & SYNTH_H_MPLS))
				continue;
			n = probe(4, dst, IPPROTO_UDP, (uint8_t)(h + 1), 40000, 33434, pkt);
			assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
			assert_true(net_icmpext_locate(r.data + 20, r.len - 20, false, &off, &quote));
			assert_int_equal(net_icmpext_parse(r.data + 20 + off, r.len - 20 - off, &ext), 0);
			assert_true(ext.present && ext.cksum_ok);
			assert_int_equal(ext.mpls_count, 1);
			assert_int_equal(ext.mpls[0].label, path.hops[h].label);
			found = 1;
		}
	}
	assert_true(found);
	destroy(g);
}

/* A Paris flow stays on one branch; other flows spread over the branches. */
static void test_paris_and_perpacket(void **state)
{
	const char *const perflow[] = { "silent=0", "ratelimit=0", "ecmp=100", "perpacket=0", NULL };
	const char *const perpkt[] = { "silent=0", "ratelimit=0", "ecmp=100", "perpacket=100", NULL };
	struct synth *g = make(perflow), *h = make(perpkt);
	struct synth_path path;
	struct synth_reply r;
	uint8_t dst[16] = { 0 }, pkt[128], first[4] = { 0 };
	int d = -1, seen = 0, differ = 0;

	(void)state;
	addr_in4(g, 10, 1, dst);
	path_to(g, 4, dst, 40000, &path);
	for (int i = 0; i < path.n_hops; i++)
		if (path.hops[i].width > 1 && d < 0)
			d = i;
	assert_true(d >= 0);
	for (int k = 0; k < 20; k++) {      /* same flow: same answer at the diamond */
		size_t n = probe(4, dst, IPPROTO_UDP, (uint8_t)(d + 1), 40000, 33434, pkt);
		assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
		if (k == 0)
			memcpy(first, r.data + 12, 4);
		assert_memory_equal(r.data + 12, first, 4);
	}
	for (uint16_t sport = 40000; sport < 40064; sport++) {   /* other flows: other branches */
		size_t n = probe(4, dst, IPPROTO_UDP, (uint8_t)(d + 1), sport, 33434, pkt);
		assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
		differ += memcmp(r.data + 12, first, 4) != 0;
	}
	assert_true(differ > 10);
	path_to(h, 4, dst, 40000, &path);
	d = -1;
	for (int i = 0; i < path.n_hops; i++)
		if (path.hops[i].width > 1 && d < 0)
			d = i;
	assert_true(d >= 0);
	for (int k = 0; k < 20; k++) {      /* per packet: one flow sees several branches */
		size_t n = probe(4, dst, IPPROTO_UDP, (uint8_t)(d + 1), 40000, 33434, pkt);
		assert_int_equal(synth_answer(h, pkt, n, 0, &r), 1);
		if (k == 0)
			memcpy(first, r.data + 12, 4);
		seen += memcmp(r.data + 12, first, 4) != 0;
	}
	assert_true(seen > 0);
	destroy(g);
	destroy(h);
}

/* A rate-limited router answers its burst, then about its rate. */
static void test_ratelimit(void **state)
{
	const char *const words[] = { "silent=0", "ratelimit=100", "ratelimit_pps=10", NULL };
	struct synth *g = make(words);
	struct synth_reply r;
	uint8_t dst[16] = { 0 }, pkt[128];
	int got = 0;

	(void)state;
	addr_in4(g, 0, 1, dst);
	for (int k = 0; k < 100; k++) {     /* 100 probes in 1 s at hop 1 */
		size_t n = probe(4, dst, IPPROTO_UDP, 1, (uint16_t)(40000 + k), 33434, pkt);
		got += synth_answer(g, pkt, n, (uint64_t)k * 10000000ULL, &r);
	}
	assert_in_range(got, 15, 22);       /* burst 10 + 10/s */
	destroy(g);
}

/* Unreachable prefixes: the border router says so; unrouted space is silent. */
static void test_unreachable(void **state)
{
	const char *const words[] = { "silent=0", "ratelimit=0", "unreach=100", NULL };
	struct synth *g = make(words);
	struct synth_path path;
	struct synth_reply r;
	uint8_t dst[16] = { 0 }, pkt[128];
	size_t n;

	(void)state;
	addr_in4(g, 5, 1, dst);
	path_to(g, 4, dst, 40000, &path);
	assert_true(path.end == SYNTH_END_NET_UNREACH || path.end == SYNTH_END_HOST_UNREACH);
	n = probe(4, dst, IPPROTO_UDP, 60, 40000, 33434, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 1);
	check_icmp(&r, 4, 3, path.end == SYNTH_END_NET_UNREACH ? 0 : 1, path.hops[path.border].addr);
	dst[0] = 240; dst[1] = 0; dst[2] = 0; dst[3] = 9;   /* the router block: not routed */
	n = probe(4, dst, IPPROTO_UDP, 60, 40000, 33434, pkt);
	assert_int_equal(synth_answer(g, pkt, n, 0, &r), 0);
	destroy(g);
}

/* Bad parameters get an error naming the parameter; garbage is not answered. */
static void test_bad_input(void **state)
{
	struct synth_params p;
	struct synth g;
	struct synth_reply r;
	char err[256];
	uint8_t junk[64] = { 0x45, 0, 0, 200 };

	(void)state;
	synth_params_default(&p);
	assert_int_equal(synth_params_word(&p, "ecmp=140", err, sizeof err), -1);
	assert_non_null(strstr(err, "ecmp"));
	assert_int_equal(synth_params_word(&p, "v4=10.0.0.0/33", err, sizeof err), -1);
	assert_non_null(strstr(err, "v4"));
	assert_int_equal(synth_params_word(&p, "bogus=1", err, sizeof err), 1);
	assert_int_equal(synth_params_word(&p, "v4=10.0.0.0/8", err, sizeof err), 0);
	assert_int_equal(synth_params_check(&p, true, err, sizeof err), -1);
	assert_non_null(strstr(err, "v4"));
	synth_params_default(&p);
	assert_int_equal(synth_params_word(&p, "v4=198.19.0.0/16", err, sizeof err), 0);
	assert_int_equal(synth_params_word(&p, "prefixes=5000", err, sizeof err), 0);
	assert_int_equal(synth_init(&g, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "prefixes"));
	synth_params_default(&p);
	assert_int_equal(synth_init(&g, &p, err, sizeof err), 0);
	assert_int_equal(synth_answer(&g, junk, sizeof junk, 0, &r), -1);
	assert_int_equal(synth_answer(&g, junk, 3, 0, &r), -1);
	synth_free(&g);
}

/* The prefix table comes out as prefix<TAB>length<TAB>ASN lines. */
static void test_pfx2as(void **state)
{
	struct synth *g = make(NULL);
	char *buf = NULL, first[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned a, b, c, d, l, asn;

	(void)state;
	assert_int_equal(synth_write_pfx2as(g, 4, f), 0);
	fclose(f);
	assert_int_equal(sscanf(buf, "%u.%u.%u.%u\t%u\t%u", &a, &b, &c, &d, &l, &asn), 6);
	assert_true(a >= 240 && l >= 16 && l <= 24 && asn >= SYNTH_ASN_BASE);
	snprintf(first, sizeof first, "%u.%u.%u.%u", a, b, c, d);
	size_t lines = 0;
	for (char *p = buf; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, g->n4);
	uint8_t addr[16];
	inet_pton(AF_INET, first, addr);
	assert_int_equal(synth_lookup(g, 4, addr), 0);
	free(buf);
	destroy(g);
}

/* The wheel sends each packet at its time, in time order, after a long idle too. */
static void test_wheel(void **state)
{
	struct synth_wheel w;
	uint8_t buf[SYNTH_REPLY_MAX];
	const uint64_t MS = 1000000ULL, start = 5000 * MS;

	(void)state;
	assert_int_equal(synth_wheel_init(&w, 64, MS, 4, start), 0);
	assert_int_equal(synth_wheel_next_ns(&w), UINT64_MAX);
	/* idle for 100 ticks (more than the wheel), then three packets */
	uint64_t now = start + 100 * MS;
	assert_true(synth_wheel_add(&w, now, now + 30 * MS, "c", 1));
	assert_true(synth_wheel_add(&w, now, now + 2 * MS, "a", 1));
	assert_true(synth_wheel_add(&w, now, now + 10 * MS, "b", 1));
	assert_true(synth_wheel_add(&w, now, now + 500 * MS, "d", 1));   /* beyond the span: waits at its end */
	assert_false(synth_wheel_add(&w, now, now, "e", 1));             /* full */
	assert_int_equal(synth_wheel_pop(&w, now + 1 * MS, buf), 0);
	assert_int_equal(synth_wheel_pop(&w, now + 2 * MS, buf), 1);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(synth_wheel_pop(&w, now + 9 * MS, buf), 0);
	assert_int_equal(synth_wheel_pop(&w, now + 31 * MS, buf), 1);
	assert_int_equal(buf[0], 'b');
	assert_int_equal(synth_wheel_pop(&w, now + 31 * MS, buf), 1);
	assert_int_equal(buf[0], 'c');
	assert_int_equal(synth_wheel_pop(&w, now + 62 * MS, buf), 0);
	assert_int_equal(synth_wheel_pop(&w, now + 63 * MS, buf), 1);
	assert_int_equal(buf[0], 'd');
	assert_int_equal(synth_wheel_next_ns(&w), UINT64_MAX);
	synth_wheel_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_crafted_v4),
		cmocka_unit_test(test_crafted_v6),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_paris_and_perpacket),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_pfx2as),
		cmocka_unit_test(test_wheel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
