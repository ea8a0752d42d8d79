/*
 * synth_hash: the hash functions every choice of the synthetic Internet is
 * derived from (splitmix64's finaliser), and the tags that keep the choices
 * apart. Same inputs, same Internet: nothing here reads a clock or a file.
 */
#ifndef VANTAGE_LAB_SYNTH_HASH_H
#define VANTAGE_LAB_SYNTH_HASH_H

#include <stdint.h>

enum synth_tag {
	T_AS_WEIGHT = 1, T_LEN4, T_V6, T_LEN6, T_PROV, T_REGION, T_CORE, T_TRANSIT, T_TLEN,
	T_MPLS, T_HIDDEN, T_LABEL, T_REG, T_RLEN, T_LONG, T_DELAY, T_ASCH, T_ALEN, T_GROUP,
	T_GLEN, T_GW, T_GWON, T_UNREACH, T_LOOP, T_ECMP, T_ECMPPOS, T_WIDTH, T_DLEN,
	T_PERPKT, T_ALT, T_SILENT, T_RL, T_OTHERIF, T_LOOPBACK, T_IFACE, T_RESP, T_ALIVE,
	T_OCC, T_FLOW, T_UNRKIND,
};

/* splitmix64's finaliser: a bijection that mixes every bit. */
static inline uint64_t synth_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* Hash of two words. */
static inline uint64_t synth_h2(uint64_t a, uint64_t b)
{
	return synth_mix(a ^ synth_mix(b + 0x9e3779b97f4a7c15ULL));
}

/* Hash of three words. */
static inline uint64_t synth_h3(uint64_t a, uint64_t b, uint64_t c)
{
	return synth_h2(synth_h2(a, b), c);
}

/* A draw in [0, 100) from hash h: compare with a percentage. */
static inline int synth_pct(uint64_t h)
{
	return (int)((h >> 11) % 100);
}

/* A draw in [0, 1) from hash h. */
static inline double synth_unit(uint64_t h)
{
	return (double)(h >> 11) / 9007199254740992.0;
}

#endif
