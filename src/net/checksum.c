/*
 * checksum: the Internet checksum (RFC 1071) and the pseudo-header sums.
 */
#include "net/checksum.h"

#include <netinet/in.h>

#include "net/bytes.h"

/* Add len bytes at p to a partial sum; returns the new partial sum. */
uint32_t net_sum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;
	size_t i = 0;
	for (; i + 1 < len; i += 2)
		s += get16(p + i);
	if (i < len)
		s += (uint32_t)p[i] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* Fold a partial sum to 16 bits and complement it. */
uint16_t net_sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The Internet checksum of p[0..len). */
uint16_t net_checksum(const uint8_t *p, size_t len)
{
	return net_sum_fold(net_sum_add(0, p, len));
}

/* The partial sum of the v4 or v6 pseudo-header; 0 on a family mismatch. */
uint32_t net_pseudo_sum(const struct net_addr *src, const struct net_addr *dst,
                        uint8_t proto, uint32_t l4len)
{
	size_t n = net_addr_len(src->family);
	if (n == 0 || src->family != dst->family)
		return 0;
	uint32_t sum = net_sum_add(0, src->a, n);
	sum = net_sum_add(sum, dst->a, n);
	uint8_t tail[8];
	if (n == 4) {
		/* zero, protocol, 16-bit length */
		put16(tail, proto);
		put16(tail + 2, (uint16_t)l4len);
		return net_sum_add(sum, tail, 4);
	}
	/* 32-bit length, 3 zero bytes, next header */
	put32(tail, l4len);
	put32(tail + 4, proto);
	return net_sum_add(sum, tail, 8);
}

/* The transport checksum of l4 with the pseudo-header of src/dst/proto. */
uint16_t net_l4_checksum(const struct net_addr *src, const struct net_addr *dst,
                         uint8_t proto, const uint8_t *l4, size_t l4len)
{
	uint32_t sum = net_pseudo_sum(src, dst, proto, (uint32_t)l4len);
	return net_sum_fold(net_sum_add(sum, l4, l4len));
}
