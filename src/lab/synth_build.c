/*
 * synth_build: generate the prefix table of a synthetic Internet from its
 * seed. ASes get heavy-tailed numbers of prefixes (Pareto weights, each AS
 * at least one); prefix lengths follow a RouteViews-like mix (mostly /24s,
 * some as short as /16); prefixes are laid out in AS order, each aligned to
 * its length, after a block kept for router addresses. A share of ASes also
 * announce IPv6 prefixes (/48, /44 or /40). Only this table is stored.
 */
#include "lab/synth.h"
#include "lab/synth_hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PARETO_ALPHA 1.2
#define PARETO_CAP 1e6

/* Pareto weight of AS a. */
static double as_weight(const struct synth *g, uint64_t a)
{
	double u = synth_unit(synth_h3(g->p.seed, T_AS_WEIGHT, a));
	double w = pow(1.0 - u, -1.0 / PARETO_ALPHA);

	return w > PARETO_CAP ? PARETO_CAP : w;
}

/* IPv4 prefix length of prefix i: mostly /24, a tail down to /16. */
static int len4_of(const struct synth *g, uint64_t i)
{
	static const struct { int per_mille, len; } mix[] = {
		{ 600, 24 }, { 100, 23 }, { 120, 22 }, { 50, 21 }, { 50, 20 },
		{ 30, 19 }, { 20, 18 }, { 10, 17 }, { 20, 16 },
	};
	int d = (int)((synth_h3(g->p.seed, T_LEN4, i) >> 11) % 1000), acc = 0;

	for (size_t k = 0; k < sizeof mix / sizeof mix[0]; k++) {
		acc += mix[k].per_mille;
		if (d < acc)
			return mix[k].len;
	}
	return 24;
}

/* IPv6 prefix length of IPv6 prefix i: /48, sometimes /44 or /40. */
static int len6_of(const struct synth *g, uint64_t i)
{
	int d = synth_pct(synth_h3(g->p.seed, T_LEN6, i));

	return d < 95 ? 48 : d < 99 ? 44 : 40;
}

/* Prefix counts per AS: 1 each, the rest shared by Pareto weight. */
static int as_counts(const struct synth *g, uint32_t *count)
{
	uint64_t A = g->n_as, rest = (uint64_t)g->p.prefixes - A, given = 0;
	double total = 0, cum = 0;

	for (uint64_t a = 0; a < A; a++)
		total += as_weight(g, a);
	for (uint64_t a = 0; a < A; a++) {
		cum += as_weight(g, a);
		uint64_t upto = a + 1 == A ? rest : (uint64_t)((double)rest * cum / total);
		if (upto > rest)
			upto = rest;
		count[a] = 1 + (uint32_t)(upto - given);
		given = upto;
	}
	return 0;
}

/* Big-endian bytes to a number. */
static uint64_t be_num(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Lay out the IPv4 prefixes. 0, or -1 with err when the space is too small. */
static int layout4(struct synth *g, const uint32_t *count, char *err, size_t errlen)
{
	uint64_t size = 1ULL << (32 - g->p.v4len), cur, n = 0;

	g->infra4_base = be_num(g->p.v4, 4);
	g->infra4_size = size / 64 < 4096 ? 4096 : size / 64;
	if (g->infra4_size > size / 4) {
		snprintf(err, errlen, "v4: the space must be a /18 or larger");
		return -1;
	}
	cur = g->infra4_size;
	for (uint64_t a = 0; a < g->n_as; a++) {
		g->as_first4[a] = (uint32_t)n;
		for (uint32_t k = 0; k < count[a]; k++, n++) {
			int len = len4_of(g, n);
			/* A lab-sized space (198.19.0.0/16) cannot hold /16s: there,
			 * lengths of more than 1/64 of the space become /24s. */
			if (len < g->p.v4len + 6)
				len = 24;
			uint64_t psize = 1ULL << (32 - len);
			cur = (cur + psize - 1) & ~(psize - 1);
			if (cur + psize > size - 256) {
				snprintf(err, errlen, "prefixes: %lld prefixes do not fit in v4 %u.%u.%u.%u/%d "
					 "(%llu of %llu done); give a larger v4 space or fewer prefixes",
					 g->p.prefixes, g->p.v4[0], g->p.v4[1], g->p.v4[2], g->p.v4[3],
					 g->p.v4len, (unsigned long long)n, (unsigned long long)g->p.prefixes);
				return -1;
			}
			g->pfx4[n] = (struct synth_pfx){ g->infra4_base + cur, (uint32_t)a, (uint8_t)len };
			cur += psize;
		}
	}
	g->n4 = n;
	return 0;
}

/* IPv6 prefixes AS a announces (0 when it has none). */
static uint32_t v6_count(const struct synth *g, uint64_t a, uint32_t count4)
{
	if (synth_pct(synth_h3(g->p.seed, T_V6, a)) >= g->p.v6_pct)
		return 0;
	return 1 + count4 / 8;
}

/* Lay out the IPv6 prefixes, in units of /48. 0, or -1 with err. */
static int layout6(struct synth *g, const uint32_t *count, char *err, size_t errlen)
{
	uint64_t units = 1ULL << (48 - g->p.v6len), cur = 1, n = 0, total = 0;
	uint64_t hi = be_num(g->p.v6, 8);

	g->infra6_hi = hi;
	for (uint64_t a = 0; a < g->n_as; a++)
		total += v6_count(g, a, count[a]);
	if (!(g->pfx6 = calloc(total ? total : 1, sizeof *g->pfx6)))
		return -1;
	for (uint64_t a = 0; a < g->n_as; a++) {
		uint32_t c = v6_count(g, a, count[a]);
		for (uint32_t k = 0; k < c; k++, n++) {
			int len = len6_of(g, n);
			uint64_t psize = 1ULL << (48 - len);
			cur = (cur + psize - 1) & ~(psize - 1);
			if (cur + psize > units) {
				snprintf(err, errlen, "v6: the space /%d holds too few /48s for %llu IPv6 "
					 "prefixes; give a larger v6 space or a smaller v6share",
					 g->p.v6len, (unsigned long long)total);
				return -1;
			}
			g->pfx6[n] = (struct synth_pfx){ hi + (cur << 16), (uint32_t)a, (uint8_t)len };
			cur += psize;
		}
	}
	g->n6 = n;
	return 0;
}

#define INDEX_BITS 16

/* The family's space start and width in key bits (IPv4: 32, IPv6: upper 64). */
static void space_of(const struct synth *g, int f, uint64_t *base, int *bits)
{
	*base = f == 0 ? be_num(g->p.v4, 4) : be_num(g->p.v6, 8);
	*bits = f == 0 ? 32 - g->p.v4len : 64 - g->p.v6len;
}

/* Bucket of key k in family f's index. */
static uint32_t bucket_of(const struct synth *g, int f, uint64_t k)
{
	uint64_t base;
	int bits;

	space_of(g, f, &base, &bits);
	return (uint32_t)((k - base) >> g->index_shift[f]);
}

/* Index the prefix table of family f (0: IPv4, 1: IPv6) by 65536 buckets. 0 or -1. */
static int build_index(struct synth *g, int f)
{
	const struct synth_pfx *t = f == 0 ? g->pfx4 : g->pfx6;
	size_t n = f == 0 ? g->n4 : g->n6, i = 0;
	uint64_t base;
	int bits;

	space_of(g, f, &base, &bits);
	g->index_shift[f] = bits > INDEX_BITS ? bits - INDEX_BITS : 0;
	if (!(g->index[f] = calloc((1u << INDEX_BITS) + 1, sizeof *g->index[f])))
		return -1;
	for (uint32_t b = 0; b <= (1u << INDEX_BITS); b++) {
		while (i < n && bucket_of(g, f, t[i].start) < b)
			i++;
		g->index[f][b] = (uint32_t)i;
	}
	return 0;
}

/* Generate the Internet of params p into *g (see synth.h). */
int synth_init(struct synth *g, const struct synth_params *p, char *err, size_t errlen)
{
	uint32_t *count = NULL;
	int rc = -1;

	memset(g, 0, sizeof *g);
	if (synth_params_check(p, false, err, errlen) < 0)
		return -1;
	g->p = *p;
	g->n_as = p->ases ? (uint64_t)p->ases : (uint64_t)(p->prefixes / 13 ? p->prefixes / 13 : 1);
	g->n_transit = (uint32_t)(4 + g->n_as / 2000);
	g->n_region = 4;
	g->n_buckets = 1 << 16;
	g->pfx4 = calloc((size_t)p->prefixes, sizeof *g->pfx4);
	g->as_first4 = calloc(g->n_as, sizeof *g->as_first4);
	count = calloc(g->n_as, sizeof *count);
	g->buckets = calloc(g->n_buckets, sizeof *g->buckets);
	if (!g->pfx4 || !g->as_first4 || !count || !g->buckets) {
		snprintf(err, errlen, "prefixes: out of memory for %lld prefixes", p->prefixes);
	} else if (as_counts(g, count) == 0 && layout4(g, count, err, errlen) == 0 &&
		   layout6(g, count, err, errlen) == 0) {
		if (build_index(g, 0) == 0 && build_index(g, 1) == 0)
			rc = 0;
		else
			snprintf(err, errlen, "prefixes: out of memory for the index");
	}
	free(count);
	if (rc < 0)
		synth_free(g);
	return rc;
}

/* Free what synth_init allocated. */
void synth_free(struct synth *g)
{
	free(g->pfx4);
	free(g->pfx6);
	free(g->as_first4);
	free(g->buckets);
	free(g->index[0]);
	free(g->index[1]);
	g->index[0] = g->index[1] = NULL;
	g->pfx4 = g->pfx6 = NULL;
	g->as_first4 = NULL;
	g->buckets = NULL;
}

/* The lookup key of addr: IPv4 as a number, IPv6 its upper 64 bits. */
static uint64_t addr_key(int af, const uint8_t *addr)
{
	return be_num(addr, af == 4 ? 4 : 8);
}

/* Index of the prefix of family af holding addr, or -1. */
long long synth_lookup(const struct synth *g, int af, const uint8_t *addr)
{
	const struct synth_pfx *t = af == 4 ? g->pfx4 : g->pfx6;
	size_t lo = 0, hi = af == 4 ? g->n4 : g->n6;
	uint64_t k = addr_key(af, addr), base;
	int bits = af == 4 ? 32 : 64, f = af == 6, sbits;

	space_of(g, f, &base, &sbits);
	if (k < base || (sbits < 64 && k - base >= 1ULL << sbits))
		return -1;
	if (g->index[f]) {          /* narrow the search to the key's bucket */
		uint32_t b = bucket_of(g, f, k);
		lo = g->index[f][b] ? g->index[f][b] - 1 : 0;
		hi = g->index[f][b + 1];
	}
	while (lo < hi) {           /* first prefix starting after k */
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].start <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	lo--;
	return k - t[lo].start < (1ULL << (bits - t[lo].len)) ? (long long)lo : -1;
}

/* Prefix i of family af: its first address into addr, its length into *len. */
void synth_pfx_addr(const struct synth *g, int af, size_t i, uint8_t *addr, int *len)
{
	const struct synth_pfx *x = af == 4 ? &g->pfx4[i] : &g->pfx6[i];
	int n = af == 4 ? 4 : 8;

	memset(addr, 0, af == 4 ? 4 : 16);
	for (int b = 0; b < n; b++)
		addr[b] = (uint8_t)(x->start >> (8 * (n - 1 - b)));
	*len = x->len;
}
