/*
 * crc32c: the CRC-32C (Castagnoli) checksum that guards each spool record,
 * computed with the CPU's crc32 instruction (SSE4.2) when it has one, from a
 * constant table otherwise.
 */
#ifndef VANTAGE_AGENT_CRC32C_H
#define VANTAGE_AGENT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue the CRC-32C crc (0 to start) over len bytes at p; returns the new CRC. */
uint32_t crc32c(uint32_t crc, const void *p, size_t len);

/* The same, always from the table (the reference the fast path is tested against). */
uint32_t crc32c_table(uint32_t crc, const void *p, size_t len);

/* True if crc32c uses the crc32 instruction on this CPU. */
int crc32c_hw(void);

#endif
