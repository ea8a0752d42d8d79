/*
 * checksum: the Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-header
 * sums that UDP, TCP and ICMPv6 include. Sums are kept as 32-bit partial sums
 * so the pieces of a packet can be added separately, then folded once.
 */
#ifndef VANTAGE_NET_CHECKSUM_H
#define VANTAGE_NET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/*
 * Add len bytes at p to the partial sum (big-endian 16-bit words; an odd last
 * byte is padded with zero). Returns the new partial sum. Pieces must be added
 * at even offsets of the checksummed data, except the last one.
 */
uint32_t net_sum_add(uint32_t sum, const uint8_t *p, size_t len);

/* Fold a partial sum into the final one's-complement checksum (host order). */
uint16_t net_sum_fold(uint32_t sum);

/* The Internet checksum of len bytes at p, in host order. */
uint16_t net_checksum(const uint8_t *p, size_t len);

/*
 * The partial sum of the pseudo-header for transport protocol proto with
 * upper-layer length l4len: the IPv4 form (RFC 768/793) when src is AF_INET,
 * the IPv6 form (RFC 8200 section 8.1) when AF_INET6. src and dst must have
 * the same family; returns 0 otherwise.
 */
uint32_t net_pseudo_sum(const struct net_addr *src, const struct net_addr *dst,
                        uint8_t proto, uint32_t l4len);

/*
 * The transport checksum (UDP, TCP, ICMPv6) of the l4len bytes at l4 with the
 * pseudo-header of src/dst/proto, as it must appear in the header (host
 * order). The checksum field inside l4 must be zero, or the result is the
 * verification sum (0 means "valid"). For UDP a computed 0 is sent as 0xffff;
 * that is the caller's concern (net_probe_build does it).
 */
uint16_t net_l4_checksum(const struct net_addr *src, const struct net_addr *dst,
                         uint8_t proto, const uint8_t *l4, size_t l4len);

#endif
