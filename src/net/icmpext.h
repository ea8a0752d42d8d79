/*
 * icmpext: ICMP extension objects (RFC 4884) carried after the quoted
 * datagram of ICMP/ICMPv6 errors: MPLS label stacks (RFC 4950) and interface
 * information (RFC 5837). Also finds where the extension structure starts,
 * following RFC 4884's length field and the older 128-byte convention.
 */
#ifndef VANTAGE_NET_ICMPEXT_H
#define VANTAGE_NET_ICMPEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

#define NET_MPLS_MAX 16  /* label stack entries kept; more are counted, not kept */
#define NET_IFINFO_MAX 4 /* interface information objects kept */
#define NET_IFNAME_MAX 64

/* One MPLS label stack entry (RFC 4950 / RFC 3032). */
struct net_mpls {
	uint32_t label; /* 20 bits */
	uint8_t tc;     /* traffic class, formerly EXP (3 bits) */
	uint8_t s;      /* bottom of stack (1 bit) */
	uint8_t ttl;
};

/* Roles of an interface information object (RFC 5837 section 4.1). */
enum net_ifrole {
	NET_IFROLE_INCOMING = 0, /* the interface the datagram arrived on */
	NET_IFROLE_SUBIP = 1,    /* the sub-IP component of that interface */
	NET_IFROLE_OUTGOING = 2, /* the interface it would have left by */
	NET_IFROLE_NEXTHOP = 3,  /* the next hop's address */
};

/* One interface information object (RFC 5837); has_* say which parts came. */
struct net_ifinfo {
	uint8_t role;         /* enum net_ifrole */
	bool has_ifindex, has_addr, has_name, has_mtu;
	uint32_t ifindex;
	struct net_addr addr;
	char name[NET_IFNAME_MAX]; /* NUL-terminated, bytes as sent (may be any octets) */
	uint32_t mtu;
};

/* What an extension structure held. */
struct net_icmpext {
	bool present;         /* a version-2 extension header was found */
	bool cksum_ok;        /* its checksum verified (0 = not computed counts as ok) */
	uint8_t mpls_count;   /* entries kept in mpls[] */
	uint8_t mpls_total;   /* entries seen (may exceed NET_MPLS_MAX) */
	struct net_mpls mpls[NET_MPLS_MAX];
	uint8_t ifinfo_count;
	struct net_ifinfo ifinfo[NET_IFINFO_MAX];
	uint8_t n_objects;    /* objects walked, of any class */
};

/*
 * Parse the extension structure at p (len bytes: the extension header and
 * its objects, up to the end of the ICMP message). Unknown classes are
 * skipped; a malformed object stops the walk with an error but keeps what was
 * parsed before it. Returns 0, or a negative NET_E* code.
 */
int net_icmpext_parse(const uint8_t *p, size_t len, struct net_icmpext *out);

/*
 * Locate the extension structure in an ICMP error message. msg/len is the
 * whole ICMP (v6 when v6) message starting at its type byte. Uses the RFC 4884
 * length field (byte 5 in 32-bit words for ICMPv4, byte 4 in 64-bit words for
 * ICMPv6); when it is zero, accepts a structure at the old fixed offset (128
 * bytes of quote) if its version nibble is 2 and its checksum verifies.
 * On success stores the offset of the extension header in *off and the length
 * of the quoted datagram in *quote_len and returns true; returns false when
 * there is no extension (then *quote_len = len - 8).
 */
bool net_icmpext_locate(const uint8_t *msg, size_t len, bool v6,
                        size_t *off, size_t *quote_len);

#endif
