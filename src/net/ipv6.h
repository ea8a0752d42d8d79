/*
 * ipv6: parse and build the fixed IPv6 header (RFC 8200) and walk its chain
 * of extension headers down to the upper-layer header.
 */
#ifndef VANTAGE_NET_IPV6_H
#define VANTAGE_NET_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

#define NET_IPV6_HLEN 40

/* The fixed IPv6 header plus what the extension-header walk found. */
struct net_ipv6 {
	uint8_t tclass;       /* traffic class */
	uint32_t flowlabel;   /* 20 bits */
	uint16_t payload_len; /* as written by the sender */
	uint8_t hlim;         /* hop limit */
	uint8_t next;         /* next header field of the fixed header */
	struct net_addr src, dst;
	/* Filled by the walk: */
	uint8_t proto;        /* upper-layer protocol after extension headers
	                         (IPPROTO_NONE if none, IPPROTO_ESP if opaque) */
	uint16_t l4_off;      /* offset of the upper-layer header from the start */
	uint8_t n_ext;        /* number of extension headers walked */
	bool fragment;        /* a Fragment header was present */
	bool frag_first;      /* ... and this is the first fragment (offset 0) */
	uint32_t frag_id;     /* the fragment identification, when fragment */
};

/*
 * Walk the extension-header chain that starts with header type `next` at
 * offset off in p[0..len): Hop-by-Hop, Routing, Fragment, Destination
 * Options, AH, Mobility, HIP, Shim6. Stops at the first upper-layer header,
 * at No Next Header, at ESP, or at a non-first fragment. Fills proto, l4_off,
 * n_ext and the fragment fields of *out. Returns 0, or a negative NET_E*
 * code when a header does not fit in len or the chain is longer than 16.
 */
int net_ipv6_walk(const uint8_t *p, size_t len, uint8_t next, size_t off,
                  struct net_ipv6 *out);

/*
 * Parse the fixed header at p and walk its extension headers. A truncated
 * payload is accepted as long as the headers walked fit. Returns 0 or a
 * negative NET_E* code.
 */
int net_ipv6_parse(const uint8_t *p, size_t len, struct net_ipv6 *out);

/*
 * Write the 40-byte fixed header for h (tclass, flowlabel, payload_len,
 * hlim, next, src, dst) into buf. For packet sockets and tests; IPv6 raw
 * sockets take no IP header. Returns 40 or a negative NET_E* code.
 */
int net_ipv6_build(const struct net_ipv6 *h, uint8_t *buf, size_t buflen);

#endif
