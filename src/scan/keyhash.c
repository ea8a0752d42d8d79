/*
 * keyhash: SipHash-2-4 over a byte string, as specified in the paper
 * "SipHash: a fast short-input PRF" (2 compression rounds per 8-byte word,
 * 4 finalisation rounds). Checked against the paper's test vector in
 * tests/unit/test_scan_stamp.c.
 */
#include "scan/keyhash.h"

#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound over the state. */
static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

/* Little-endian 64-bit read of 8 bytes. */
static uint64_t le64(const uint8_t *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

/* Absorb one message word. */
static void absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t keyhash(const struct keyhash_key *k, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t v[4] = { k->k0 ^ 0x736f6d6570736575ULL, k->k1 ^ 0x646f72616e646f6dULL,
			  k->k0 ^ 0x6c7967656e657261ULL, k->k1 ^ 0x7465646279746573ULL };
	size_t i = 0;
	for (; i + 8 <= len; i += 8)
		absorb(v, le64(p + i));
	uint8_t last[8] = { 0 };
	memcpy(last, p + i, len - i);
	last[7] = (uint8_t)len;
	absorb(v, le64(last));
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t keyhash_u64(const struct keyhash_key *k, uint64_t x)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(x >> (8 * i));
	return keyhash(k, b, sizeof b);
}

struct keyhash_key keyhash_derive(uint64_t seed, uint32_t purpose)
{
	const struct keyhash_key base = { 0x76616e7461676573ULL, seed };
	struct keyhash_key k;
	k.k0 = keyhash_u64(&base, ((uint64_t)purpose << 1) | 0);
	k.k1 = keyhash_u64(&base, ((uint64_t)purpose << 1) | 1);
	return k;
}
