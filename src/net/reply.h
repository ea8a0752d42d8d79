/*
 * reply: the one parser of what comes back from the network. It takes exactly
 * what a raw socket's recvmsg returns and fills a flat struct the engine can
 * match against its probes without touching packet bytes again:
 *
 *   NET_RX_IPV4      a full IPv4 packet (AF_INET raw socket, ICMP or TCP)
 *   NET_RX_IPV6      a full IPv6 packet (packet socket, pcap)
 *   NET_RX_V6_L4     an IPv6 raw socket's payload: starts at the ICMPv6 (or
 *                    TCP/UDP) header; the source comes from msg_name and the
 *                    hop limit from the IPV6_HOPLIMIT control message
 *
 * For ICMP/ICMPv6 errors it goes down into the quoted probe: quoted IP header
 * (IPv4 options skipped, IPv6 extension headers walked), quoted transport
 * header, and the RFC 4884 extension objects (MPLS label stacks, interface
 * information). All reads are bounded by the given length.
 */
#ifndef VANTAGE_NET_REPLY_H
#define VANTAGE_NET_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "net/icmpext.h"

/* The forms of input net_reply_parse accepts. */
enum net_rx_form {
	NET_RX_IPV4 = 1,  /* full IPv4 packet */
	NET_RX_IPV6 = 2,  /* full IPv6 packet */
	NET_RX_V6_L4 = 3, /* IPv6 raw socket payload (no IP header) */
};

/* One received buffer and what recvmsg said around it. */
struct net_rx {
	const uint8_t *buf;
	size_t len;
	enum net_rx_form form;
	/* For NET_RX_V6_L4 only: */
	uint8_t proto;              /* the raw socket's protocol: IPPROTO_ICMPV6
	                               (default when 0), IPPROTO_TCP or IPPROTO_UDP */
	const struct net_addr *src; /* from msg_name; required */
	const struct net_addr *dst; /* from IPV6_PKTINFO; may be NULL */
	int hlim;                   /* from IPV6_HOPLIMIT; -1 when unknown */
};

/* What the reply is. Normalised across IPv4 and IPv6. */
enum net_reply_kind {
	NET_REPLY_OTHER = 0,         /* parsed, but nothing a probe draws (see
	                                icmp_type/icmp_code, proto) */
	NET_REPLY_ECHO_REPLY = 1,    /* ICMP(v6) echo reply: icmp_id/icmp_seq */
	NET_REPLY_TIME_EXCEEDED = 2, /* code 0 in transit, 1 reassembly */
	NET_REPLY_UNREACH = 3,       /* destination unreachable; see `unreach` */
	NET_REPLY_PACKET_TOO_BIG = 4,/* ICMPv6 packet too big, or ICMPv4
	                                unreachable code 4 (fragmentation needed);
	                                see `mtu` */
	NET_REPLY_PARAM_PROBLEM = 5, /* parameter problem; see `pointer` */
	NET_REPLY_TCP_RST = 6,       /* a TCP segment with RST */
	NET_REPLY_TCP_SYNACK = 7,    /* a TCP segment with SYN and ACK */
	NET_REPLY_TCP_OTHER = 8,     /* another TCP segment */
	NET_REPLY_UDP = 9,           /* a UDP datagram (e.g. a DNS answer) */
	NET_REPLY_ECHO_REQUEST = 10, /* an echo request (our own, looped back) */
};

/*
 * Destination unreachable reasons, normalised over ICMPv4 type 3 and ICMPv6
 * type 1. The raw code stays in net_reply.icmp_code.
 */
enum net_unreach {
	NET_UNREACH_NONE = 0,
	NET_UNREACH_NET,          /* v4 0 net; v6 0 no route */
	NET_UNREACH_HOST,         /* v4 1 host; v6 3 address unreachable */
	NET_UNREACH_PROTO,        /* v4 2 protocol */
	NET_UNREACH_PORT,         /* v4 3; v6 4 port */
	NET_UNREACH_FRAG_NEEDED,  /* v4 4 (kind is NET_REPLY_PACKET_TOO_BIG) */
	NET_UNREACH_SRC_ROUTE,    /* v4 5 source route failed */
	NET_UNREACH_NET_UNKNOWN,  /* v4 6 */
	NET_UNREACH_HOST_UNKNOWN, /* v4 7 */
	NET_UNREACH_ISOLATED,     /* v4 8 source host isolated */
	NET_UNREACH_NET_PROHIB,   /* v4 9 network administratively prohibited */
	NET_UNREACH_HOST_PROHIB,  /* v4 10 host administratively prohibited */
	NET_UNREACH_TOS_NET,      /* v4 11 network unreachable for TOS */
	NET_UNREACH_TOS_HOST,     /* v4 12 host unreachable for TOS */
	NET_UNREACH_ADMIN,        /* v4 13 communication administratively
	                             prohibited (filter); v6 1 */
	NET_UNREACH_PREC_VIOL,    /* v4 14 host precedence violation */
	NET_UNREACH_PREC_CUTOFF,  /* v4 15 precedence cutoff in effect */
	NET_UNREACH_BEYOND_SCOPE, /* v6 2 beyond scope of source address */
	NET_UNREACH_SRC_POLICY,   /* v6 5 source address failed ingress/egress policy */
	NET_UNREACH_REJECT_ROUTE, /* v6 6 reject route to destination */
	NET_UNREACH_SRC_ROUTING,  /* v6 7 error in source routing header */
	NET_UNREACH_HDRS_TOO_LONG,/* v6 8 headers too long */
	NET_UNREACH_UNKNOWN,      /* a code not listed above */
};

/* The probe as the error message quoted it. */
struct net_quote {
	uint8_t family;        /* AF_INET / AF_INET6 of the quoted packet */
	uint8_t proto;         /* quoted upper-layer protocol (after v6 ext headers) */
	struct net_addr src;   /* quoted source: our address as the router saw it */
	struct net_addr dst;   /* quoted destination: the probe's target */
	uint8_t ttl;           /* TTL / hop limit the probe had when quoted
	                          (1 for a plain time exceeded; more on the
	                          destination or after a TTL-rewriting hop) */
	uint8_t tos;           /* quoted TOS / traffic class */
	uint32_t flowlabel;    /* quoted IPv6 flow label */
	uint16_t ip_id;        /* quoted IPv4 identification; IPv6: low 16 bits
	                          of a fragment id, else 0 */
	uint16_t ip_len;       /* quoted total length (v4) / 40 + payload length (v6) */
	uint16_t quote_len;    /* bytes of the probe actually quoted (IP header on) */
	bool has_l4;           /* at least the first 8 transport bytes were quoted */
	uint16_t sport, dport; /* UDP/TCP ports */
	uint16_t udp_len;      /* quoted UDP length field */
	uint16_t l4_cksum;     /* quoted UDP / ICMP checksum (Paris identity) */
	uint8_t icmp_type;     /* quoted ICMP(v6) type (echo request expected) */
	uint16_t icmp_id, icmp_seq; /* quoted ICMP echo id / sequence */
	uint32_t tcp_seq;      /* quoted TCP sequence number */
};

/* Everything the engine needs to know about one received packet. */
struct net_reply {
	enum net_reply_kind kind;
	uint8_t family;        /* AF_INET / AF_INET6 of the reply */
	uint8_t proto;         /* the reply's own protocol: ICMP, ICMPV6, TCP, UDP */
	struct net_addr src;   /* who sent the reply (router or destination) */
	struct net_addr dst;   /* to whom; family 0 when not known (V6_L4 without dst) */
	int ttl;               /* reply TTL / hop limit; -1 when not known */
	uint32_t size;         /* reply size in bytes from the IP header on, per
	                          the IP header (V6_L4: 40 + received length) */
	uint16_t ip_id;        /* reply IPv4 identification (0 for IPv6) */
	uint8_t tos;           /* reply TOS / traffic class (V6_L4: 0) */
	uint8_t icmp_type, icmp_code; /* raw ICMP(v6) type and code, else 0 */
	enum net_unreach unreach;     /* for NET_REPLY_UNREACH / PACKET_TOO_BIG */
	uint32_t mtu;          /* next-hop MTU of packet too big / frag needed */
	uint32_t pointer;      /* parameter problem pointer (byte offset) */
	/* Echo reply: */
	uint16_t icmp_id, icmp_seq;
	uint32_t payload_off;  /* offset of the echo/UDP/TCP payload in buf */
	uint32_t payload_len;
	/* TCP / UDP reply (ports as seen in the reply: sport is the target's): */
	uint16_t sport, dport;
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;     /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	/* ICMP(v6) errors: */
	bool has_quote;        /* the quoted IP header was parsed into q */
	struct net_quote q;
	struct net_icmpext ext; /* RFC 4884 objects; ext.present tells */
};

/*
 * Parse one received packet. Returns 0 and fills *out (zeroed first) when the
 * packet's own headers parse; kind NET_REPLY_OTHER for packets no probe
 * draws. A truncated or garbled quote inside an ICMP error is not an error:
 * has_quote / q.has_l4 say how far it went. Returns a negative NET_E* code
 * when the packet itself is malformed or the arguments are invalid.
 */
int net_reply_parse(const struct net_rx *rx, struct net_reply *out);

/*
 * Parse an IP datagram, or as much of its head as p[0..len) holds, into the
 * identity fields of *q (zeroed first): what an ICMP error quotes of a
 * probe, and what a capture of the probe leaving shows. True when its IP
 * header was read; q->has_l4 tells whether the transport fields were.
 */
bool net_quote_parse(const uint8_t *p, size_t len, struct net_quote *q);

/* A short static name for a reply kind ("time-exceeded", ...). */
const char *net_reply_kind_str(enum net_reply_kind kind);

/* A short static name for an unreachable reason ("port", "admin", ...). */
const char *net_unreach_str(enum net_unreach u);

#endif
