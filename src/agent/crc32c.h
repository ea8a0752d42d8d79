/*
 * crc32c: the CRC-32C (Castagnoli) checksum that guards each spool record,
 * computed in software from a constant table.
 */
#ifndef VANTAGE_AGENT_CRC32C_H
#define VANTAGE_AGENT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue the CRC-32C crc (0 to start) over len bytes at p; returns the new CRC. */
uint32_t crc32c(uint32_t crc, const void *p, size_t len);

#endif
