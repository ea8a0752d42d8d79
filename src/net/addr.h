/*
 * addr: one small value type for an IPv4 or IPv6 address, used by the packet
 * codec, the policy library and the engine alike. Addresses are stored in
 * network byte order; an IPv4 address fills the first 4 bytes of `a`.
 */
#ifndef VANTAGE_NET_ADDR_H
#define VANTAGE_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Longest text an address can take, with its terminating NUL. */
#define NET_ADDR_STRLEN 46

struct net_addr {
	uint8_t family; /* AF_INET, AF_INET6, or 0 when unknown/unset */
	uint8_t a[16];  /* network byte order; IPv4 uses a[0..3], rest zero */
};

/* Number of address bytes for a family: 4, 16, or 0 for anything else. */
size_t net_addr_len(int family);

/* Set *out to the IPv4 address in the 4 bytes at p (network order). */
void net_addr_set4(struct net_addr *out, const uint8_t *p);

/* Set *out to the IPv6 address in the 16 bytes at p. */
void net_addr_set6(struct net_addr *out, const uint8_t *p);

/* True when both addresses have the same family and bytes. */
bool net_addr_equal(const struct net_addr *x, const struct net_addr *y);

/*
 * Parse a numeric IPv4 or IPv6 address (no names, no prefix length).
 * Returns true and fills *out, or false with a reason in err.
 */
bool net_addr_parse(const char *text, struct net_addr *out, char *err, size_t errlen);

/*
 * Write the address as text into buf (at least NET_ADDR_STRLEN bytes is
 * always enough). Returns buf; "?" for an unset address.
 */
const char *net_addr_str(const struct net_addr *x, char *buf, size_t buflen);

/* Fill a sockaddr_in/sockaddr_in6 for x with the given port; returns its length or 0. */
socklen_t net_addr_to_sockaddr(const struct net_addr *x, uint16_t port,
                               struct sockaddr_storage *ss);

/* Read a sockaddr_in/sockaddr_in6 into *out; returns false for other families. */
bool net_addr_from_sockaddr(const struct sockaddr *sa, socklen_t salen, struct net_addr *out);

#endif
