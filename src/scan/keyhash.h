/*
 * keyhash: SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit hash
 * short inputs are cheap to run through. The scanner derives from it
 * everything that must look random to others yet be the same for the same
 * --seed: the address picked in each /24, the permutation's round keys, and
 * the MAC its probes carry so forged replies are not matched.
 */
#ifndef VANTAGE_SCAN_KEYHASH_H
#define VANTAGE_SCAN_KEYHASH_H

#include <stddef.h>
#include <stdint.h>

/* A 128-bit SipHash key. */
struct keyhash_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 of buf[0..len) under key k. */
uint64_t keyhash(const struct keyhash_key *k, const void *buf, size_t len);

/* SipHash-2-4 of one 64-bit word (little-endian bytes) under key k. */
uint64_t keyhash_u64(const struct keyhash_key *k, uint64_t x);

/* The key of a seed and a purpose (a small constant naming what it is for),
   so keys for different uses never coincide. */
struct keyhash_key keyhash_derive(uint64_t seed, uint32_t purpose);

#endif
