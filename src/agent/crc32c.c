/*
 * crc32c: bitwise-reflected CRC-32C, eight bits at a time through a constant
 * table generated at compile time by the recurrence below.
 */
#include "agent/crc32c.h"

#define POLY 0x82f63b78u
#define B(c) (((c) >> 1) ^ (((c) & 1) ? POLY : 0))
#define E(c) B(B(B(B(B(B(B(B((uint32_t)(c)))))))))
#define R4(n) E(n), E(n + 1), E(n + 2), E(n + 3)
#define R16(n) R4(n), R4(n + 4), R4(n + 8), R4(n + 12)
#define R64(n) R16(n), R16(n + 16), R16(n + 32), R16(n + 48)

static const uint32_t table[256] = { R64(0), R64(64), R64(128), R64(192) };

/* See crc32c.h. */
uint32_t crc32c(uint32_t crc, const void *p, size_t len)
{
	const uint8_t *b = p;
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
