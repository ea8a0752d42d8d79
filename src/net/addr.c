/*
 * addr: the IPv4/IPv6 address value type: set, compare, parse, print, and
 * convert to and from socket addresses.
 */
#include "net/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Number of address bytes for a family (4, 16, or 0). */
size_t net_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* Set *out to the IPv4 address at p. */
void net_addr_set4(struct net_addr *out, const uint8_t *p)
{
	memset(out, 0, sizeof *out);
	out->family = AF_INET;
	memcpy(out->a, p, 4);
}

/* Set *out to the IPv6 address at p. */
void net_addr_set6(struct net_addr *out, const uint8_t *p)
{
	memset(out, 0, sizeof *out);
	out->family = AF_INET6;
	memcpy(out->a, p, 16);
}

/* True when x and y are the same address of the same family. */
bool net_addr_equal(const struct net_addr *x, const struct net_addr *y)
{
	size_t n = net_addr_len(x->family);
	return x->family == y->family && memcmp(x->a, y->a, n) == 0;
}

/* Parse a numeric IPv4 or IPv6 address; false with a reason on failure. */
bool net_addr_parse(const char *text, struct net_addr *out, char *err, size_t errlen)
{
	uint8_t buf[16];
	if (strchr(text, ':') != NULL) {
		if (inet_pton(AF_INET6, text, buf) == 1) {
			net_addr_set6(out, buf);
			return true;
		}
	} else if (inet_pton(AF_INET, text, buf) == 1) {
		net_addr_set4(out, buf);
		return true;
	}
	snprintf(err, errlen, "'%.64s' is not an IPv4 or IPv6 address", text);
	return false;
}

/* Write x as text into buf; "?" when unset. Returns buf. */
const char *net_addr_str(const struct net_addr *x, char *buf, size_t buflen)
{
	if (buflen == 0)
		return buf;
	if ((x->family != AF_INET && x->family != AF_INET6) ||
	    inet_ntop(x->family, x->a, buf, (socklen_t)buflen) == NULL)
		snprintf(buf, buflen, "?");
	return buf;
}

/* Fill a sockaddr for x and port; returns its length, 0 for an unset family. */
socklen_t net_addr_to_sockaddr(const struct net_addr *x, uint16_t port,
                               struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (x->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, x->a, 4);
		return sizeof *sin;
	}
	if (x->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, x->a, 16);
		return sizeof *sin6;
	}
	return 0;
}

/* Read a sockaddr_in / sockaddr_in6 into *out; false for anything else. */
bool net_addr_from_sockaddr(const struct sockaddr *sa, socklen_t salen, struct net_addr *out)
{
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		net_addr_set4(out, (const uint8_t *)&sin->sin_addr);
		return true;
	}
	if (sa->sa_family == AF_INET6 && salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		net_addr_set6(out, (const uint8_t *)&sin6->sin6_addr);
		return true;
	}
	return false;
}
