/*
 * ipv4: parse and build the IPv4 header (RFC 791). Options are skipped, not
 * interpreted. Pure functions over caller-given buffers.
 */
#ifndef VANTAGE_NET_IPV4_H
#define VANTAGE_NET_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

#define NET_IPV4_HLEN 20 /* header without options */

/* The fields of an IPv4 header, in host order. */
struct net_ipv4 {
	uint8_t hlen;       /* header length in bytes, options included (20..60) */
	uint8_t tos;        /* DSCP + ECN byte */
	uint16_t total_len; /* total length field as written by the sender */
	uint16_t id;        /* identification */
	bool df, mf;        /* don't fragment, more fragments */
	uint16_t frag_off;  /* fragment offset in bytes */
	uint8_t ttl;
	uint8_t proto;      /* next protocol (IPPROTO_*) */
	uint16_t cksum;     /* header checksum as found */
	struct net_addr src, dst;
};

/*
 * Parse the IPv4 header at p (len bytes available). Checks the version, that
 * hlen >= 20 and that the header fits in len; does not require total_len to
 * fit (quoted packets are truncated). Returns 0 or a negative NET_E* code.
 */
int net_ipv4_parse(const uint8_t *p, size_t len, struct net_ipv4 *out);

/*
 * Write a 20-byte IPv4 header (no options) for h into buf, computing the
 * header checksum; h->hlen is ignored. Returns 20, or a negative NET_E* code
 * when buflen < 20 or the addresses are not IPv4.
 */
int net_ipv4_build(const struct net_ipv4 *h, uint8_t *buf, size_t buflen);

#endif
