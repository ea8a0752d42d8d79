/*
 * probe: build one complete probe packet into a caller buffer, ready for a
 * raw socket. For IPv4 the packet starts with the IP header (for an
 * IPPROTO_RAW / IP_HDRINCL socket). For IPv6 it starts at the transport
 * header (IPv6 raw sockets take no IP header): set the hop limit with
 * IPV6_UNICAST_HOPS and the traffic class with IPV6_TCLASS; the transport
 * checksum is computed with the IPv6 pseudo-header of src/dst (for ICMPv6 the
 * kernel recomputes it, which gives the same value when src is the address
 * the kernel chooses).
 *
 * Paris traceroute: all fields that routers hash for load balancing (the
 * addresses, protocol, ports, and for ICMP the first 4 bytes including the
 * checksum) come straight from the spec, so keeping them equal between probes
 * keeps the flow. `want_cksum` pins the transport checksum to a chosen value
 * by adjusting the first two payload bytes: for ICMP echo this keeps the flow
 * while the sequence number changes; for UDP the checksum itself can carry
 * the probe's identity while the ports stay fixed (see net/paris.h).
 */
#ifndef VANTAGE_NET_PROBE_H
#define VANTAGE_NET_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/* The kinds of probe the builder makes. */
enum net_probe_kind {
	NET_PROBE_ICMP_ECHO = 1, /* ICMP echo request / ICMPv6 echo request */
	NET_PROBE_UDP = 2,       /* UDP datagram */
	NET_PROBE_TCP_SYN = 3,   /* TCP segment with SYN */
	NET_PROBE_TCP_ACK = 4,   /* TCP segment with ACK (draws a RST) */
};

/* Largest packet the builder writes (IPv4 header included). */
#define NET_PROBE_MAX 65535

/* Everything that goes into a probe. Zero-initialise, then set what matters. */
struct net_probe {
	enum net_probe_kind kind;
	struct net_addr src;   /* our address; must be the one the kernel sends
	                          from (it enters the checksums) */
	struct net_addr dst;   /* the destination; same family as src */
	uint8_t ttl;           /* IPv4: written in the header. IPv6: ignored, use
	                          IPV6_UNICAST_HOPS */
	uint8_t tos;           /* IPv4 TOS byte (IPv6: IPV6_TCLASS) */
	uint16_t ip_id;        /* IPv4 identification (the kernel keeps it for
	                          IP_HDRINCL when non-zero) */
	bool df;               /* IPv4 don't-fragment bit */
	uint16_t sport, dport; /* UDP/TCP ports */
	uint16_t icmp_id;      /* ICMP echo identifier */
	uint16_t icmp_seq;     /* ICMP echo sequence number */
	uint32_t tcp_seq;      /* TCP sequence number */
	uint32_t tcp_ack;      /* TCP acknowledgment number (NET_PROBE_TCP_ACK) */
	uint16_t tcp_win;      /* TCP window; 0 means 65535 */
	bool tcp_mss;          /* add an MSS option (1460 / 1440) to a SYN, as
	                          real stacks do, so middleboxes pass it */
	const uint8_t *payload; /* bytes after the transport header, may be NULL */
	size_t payload_len;
	bool want_cksum_set;   /* pin the transport checksum ... */
	uint16_t want_cksum;   /* ... to this value (host order) by rewriting
	                          payload bytes 0-1; needs payload_len >= 2; for
	                          UDP 0 is not allowed (it means "no checksum").
	                          The caller's payload is not modified. */
};

/*
 * Write the probe described by p into buf (buflen bytes). Returns the number
 * of bytes written (IPv4: IP header + transport + payload; IPv6: transport +
 * payload), or a negative NET_E* code: NET_EARG for an unknown kind, family
 * mismatch or an impossible want_cksum, NET_ESPACE when buf is too small.
 * Nothing outside buf[0..buflen) is written.
 */
int net_probe_build(const struct net_probe *p, uint8_t *buf, size_t buflen);

/*
 * The IP protocol number a probe of this kind uses on the wire for the
 * family: IPPROTO_ICMP/IPPROTO_ICMPV6, IPPROTO_UDP or IPPROTO_TCP; 0 for an
 * unknown kind. For IPv6 this is the protocol of the raw socket to send on.
 */
int net_probe_proto(enum net_probe_kind kind, int family);

/* The offset of the transport header in what net_probe_build writes (20 or 0). */
size_t net_probe_l4_offset(int family);

#endif
