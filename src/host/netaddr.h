/*
 * netaddr: the host's IPv4 and IPv6 addresses as the kernel reports them over
 * rtnetlink (RTM_GETADDR dump: scope, flags such as temporary or permanent,
 * interface), and their classification for the host check: publicly
 * routable or not, tunnelled or native, static or temporary. The netlink
 * message parser is pure, bounded and fuzzed.
 */
#ifndef VANTAGE_HOST_NETADDR_H
#define VANTAGE_HOST_NETADDR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

struct host_addr {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t raw[16];       /* address bytes (4 used for IPv4) */
	char text[48];         /* printable form */
	int prefixlen;
	int scope;             /* RT_SCOPE_* (0 universe = global) */
	uint32_t flags;        /* IFA_F_* */
	int ifindex;
	char ifname[IF_NAMESIZE];
	int if_tunnel;         /* the interface is a tunnel (by ARPHRD type) */
};

/* A bounded list of addresses. */
struct host_addrs {
	size_t n;
	struct host_addr a[64];
};

/*
 * Parse one buffer of an RTM_GETADDR dump, appending addresses to *out
 * (ignoring those beyond its capacity). Returns 1 when NLMSG_DONE was seen,
 * 0 when more buffers follow, -1 on NLMSG_ERROR or a malformed message.
 */
int netaddr_parse(const void *buf, size_t len, struct host_addrs *out);

/* Dump the kernel's addresses into *out (and fill ifname and if_tunnel).
   Returns 0, or -1 with err filled. */
int netaddr_list(struct host_addrs *out, char *err, size_t errlen);

/* Publicly routable unicast (not private, documentation, ULA, link-local,
   loopback, multicast, 6to4 or Teredo)? */
int netaddr_is_public(const struct host_addr *a);

/* Carried in a tunnel: a tunnel interface, or a 6to4/Teredo address? */
int netaddr_is_tunnelled(const struct host_addr *a);

/* Is an ARPHRD_* interface type a tunnel (ipip, sit, gre, ip6tnl, none)? */
int netaddr_arphrd_is_tunnel(int type);

#endif
