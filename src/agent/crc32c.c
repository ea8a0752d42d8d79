/*
 * crc32c: bitwise-reflected CRC-32C, with the SSE4.2 crc32 instruction
 * (eight bytes at a time) where the CPU has it, else eight bits at a time
 * through a constant table generated at compile time by the recurrence below.
 * Both give the same value (tests/unit/test_agent_crc32c.c).
 */
#include "agent/crc32c.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define CRC32C_HW 1
#endif

#define POLY 0x82f63b78u
#define B(c) (((c) >> 1) ^ (((c) & 1) ? POLY : 0))
#define E(c) B(B(B(B(B(B(B(B((uint32_t)(c)))))))))
#define R4(n) E(n), E(n + 1), E(n + 2), E(n + 3)
#define R16(n) R4(n), R4(n + 4), R4(n + 8), R4(n + 12)
#define R64(n) R16(n), R16(n + 16), R16(n + 32), R16(n + 48)

static const uint32_t table[256] = { R64(0), R64(64), R64(128), R64(192) };

/* See crc32c.h. */
uint32_t crc32c_table(uint32_t crc, const void *p, size_t len)
{
	const uint8_t *b = p;
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#ifdef CRC32C_HW
/* The same with the crc32 instruction: bytes up to an 8-byte boundary, words, the rest. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const void *p,
							       size_t len)
{
	const uint8_t *b = p;
	uint64_t c = ~crc;
	for (; len && ((uintptr_t)b & 7); len--)
		c = _mm_crc32_u8((uint32_t)c, *b++);
	for (; len >= 8; len -= 8, b += 8) {
		uint64_t w;
		memcpy(&w, b, sizeof w);
		c = _mm_crc32_u64(c, w);
	}
	for (; len; len--)
		c = _mm_crc32_u8((uint32_t)c, *b++);
	return ~(uint32_t)c;
}
#endif

/* See crc32c.h. */
int crc32c_hw(void)
{
#ifdef CRC32C_HW
	return __builtin_cpu_supports("sse4.2");
#else
	return 0;
#endif
}

/* See crc32c.h. */
uint32_t crc32c(uint32_t crc, const void *p, size_t len)
{
#ifdef CRC32C_HW
	if (__builtin_cpu_supports("sse4.2"))
		return crc32c_sse42(crc, p, len);
#endif
	return crc32c_table(crc, p, len);
}
