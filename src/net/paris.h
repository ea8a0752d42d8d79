/*
 * paris: helpers for Paris traceroute (Augustin et al., IMC 2006). Routers
 * that balance load hash a packet's flow identifier: addresses, protocol,
 * ports, and for ICMP the first 4 bytes (type, code, checksum). A probe's
 * identity must then live in fields outside that hash, and the checksum must
 * be kept equal by adjusting bytes the hash does not see.
 */
#ifndef VANTAGE_NET_PARIS_H
#define VANTAGE_NET_PARIS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Given a transport segment whose checksum field currently holds `cur`
 * (valid, host order), find the 16-bit value to write at a 2-byte-aligned
 * position (relative to the checksummed data) currently holding `old` so
 * that the checksum becomes `want` instead. Returns that value (host order).
 * Pure ones'-complement arithmetic (RFC 1624).
 */
uint16_t net_paris_fix_word(uint16_t cur, uint16_t want, uint16_t old);

/*
 * Rewrite the 2 bytes at l4[word_off] (word_off even, inside l4len) so that
 * the transport checksum stored at l4[cksum_off] becomes want, and store want
 * there. The checksum must be valid before the call. Returns 0, or NET_EARG
 * when an offset is odd or out of range.
 */
int net_paris_set_cksum(uint8_t *l4, size_t l4len, size_t cksum_off,
                        size_t word_off, uint16_t want);

/*
 * The identity of a UDP Paris probe carried in its checksum: maps a probe
 * number to a checksum value that is never 0 (0 means "no checksum" for UDP
 * over IPv4 and is forbidden over IPv6). Returns id + 1 wrapped to skip 0.
 */
uint16_t net_paris_udp_cksum_for(uint16_t id);

#endif
