/*
 * perm: see perm.h. Four Feistel rounds, each round function a SipHash of
 * the round number and the right half; on average fewer than four passes
 * of cycle walking (the network's domain is under 4n).
 */
#include "scan/perm.h"

#define PERM_ROUNDS 4
#define PERM_PURPOSE 0x7065726d /* "perm" */

void scan_perm_init(struct scan_perm *p, uint64_t n, uint64_t seed, uint32_t round)
{
	unsigned bits = 2;
	while (bits < 62 && (1ULL << bits) < n)
		bits++;
	bits += bits & 1;
	p->n = n;
	p->half = bits / 2;
	p->mask = (1ULL << p->half) - 1;
	p->key = keyhash_derive(seed, PERM_PURPOSE ^ (round * 0x9e3779b1u));
}

/* One pass of the Feistel network over the 2*half-bit domain. */
static uint64_t feistel(const struct scan_perm *p, uint64_t x)
{
	uint64_t l = x >> p->half, r = x & p->mask;
	for (uint64_t i = 0; i < PERM_ROUNDS; i++) {
		uint64_t f = keyhash_u64(&p->key, (i << 56) ^ r) & p->mask;
		uint64_t nl = r;
		r = l ^ f;
		l = nl;
	}
	return (l << p->half) | r;
}

uint64_t scan_perm_at(const struct scan_perm *p, uint64_t i)
{
	uint64_t x = i;
	do
		x = feistel(p, x);
	while (x >= p->n);
	return x;
}
