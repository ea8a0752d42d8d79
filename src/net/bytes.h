/*
 * bytes: big-endian loads and stores on byte buffers, for the codec's own
 * use. Callers check bounds first; these only spare the shifting.
 */
#ifndef VANTAGE_NET_BYTES_H
#define VANTAGE_NET_BYTES_H

#include <stdint.h>

/* The 16-bit big-endian value at p. */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The 32-bit big-endian value at p. */
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Store v big-endian at p. */
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Store v big-endian at p. */
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
