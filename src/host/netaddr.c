/*
 * netaddr: rtnetlink address dump, its parser, and address classification
 * (see netaddr.h).
 */
#include "host/netaddr.h"
#include "host/procfs.h"
#include "util/numparse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fill one address from an RTM_NEWADDR message's header and attributes. */
static int parse_addr_msg(const struct nlmsghdr *h, struct host_addr *a)
{
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return -1;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	size_t alen = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
	if (alen == 0)
		return 1;
	memset(a, 0, sizeof *a);
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	a->ifindex = (int)ifa->ifa_index;
	int have_local = 0, have_any = 0;
	int rlen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa));
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, rlen);
	     rta = RTA_NEXT(rta, rlen)) {
		size_t plen = RTA_PAYLOAD(rta);
		if (rta->rta_type == IFA_FLAGS && plen >= 4)
			memcpy(&a->flags, RTA_DATA(rta), 4);
		if ((rta->rta_type == IFA_LOCAL || (rta->rta_type == IFA_ADDRESS &&
		     !have_local)) && plen >= alen) {
			memcpy(a->raw, RTA_DATA(rta), alen);
			have_local |= rta->rta_type == IFA_LOCAL;
			have_any = 1;
		}
	}
	if (!have_any)
		return 1;
	inet_ntop(a->family, a->raw, a->text, sizeof a->text);
	return 0;
}

/* Parse one buffer (4-byte aligned) of an address dump; see netaddr.h. */
int netaddr_parse(const void *buf, size_t len, struct host_addrs *out)
{
	const char *p = buf;
	for (size_t off = 0; len - off >= sizeof(struct nlmsghdr);) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(const void *)(p + off);
		if (h->nlmsg_len < sizeof *h || h->nlmsg_len > len - off)
			return -1;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR)
			return -1;
		if (h->nlmsg_type == RTM_NEWADDR) {
			struct host_addr a;
			int rc = parse_addr_msg(h, &a);
			if (rc < 0)
				return -1;
			if (rc == 0 && out->n < sizeof out->a / sizeof out->a[0])
				out->a[out->n++] = a;
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
		if (off > len)
			break;
	}
	return 0;
}

/* Send the RTM_GETADDR dump request on netlink socket fd. */
static int send_dump_request(int fd)
{
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg ifa;
	} req;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.ifa);
	req.h.nlmsg_type = RTM_GETADDR;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.ifa.ifa_family = AF_UNSPEC;
	return send(fd, &req, req.h.nlmsg_len, 0) < 0 ? -1 : 0;
}

/* Name and tunnel-ness of each address's interface. */
static void fill_interfaces(struct host_addrs *out)
{
	for (size_t i = 0; i < out->n; i++) {
		struct host_addr *a = &out->a[i];
		if (!if_indextoname((unsigned)a->ifindex, a->ifname))
			snprintf(a->ifname, sizeof a->ifname, "if%d", a->ifindex);
		char path[96], buf[32];
		long long type = 0;
		snprintf(path, sizeof path, "/sys/class/net/%s/type", a->ifname);
		if (procfs_read(path, buf, sizeof buf) > 0 &&
		    parse_bounded(buf, 0, 65535, &type, path, sizeof path))
			a->if_tunnel = netaddr_arphrd_is_tunnel((int)type);
	}
}

/* Dump all addresses from the kernel. */
int netaddr_list(struct host_addrs *out, char *err, size_t errlen)
{
	out->n = 0;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || send_dump_request(fd) < 0) {
		snprintf(err, errlen, "rtnetlink: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	long buf[8192 / sizeof(long)];
	int rc = 0;
	while (rc == 0) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		rc = netaddr_parse(buf, (size_t)n, out);
	}
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "rtnetlink: address dump failed");
		return -1;
	}
	fill_interfaces(out);
	return 0;
}

/* Does the address start with the prefix bytes/bits given? */
static int in_prefix(const uint8_t *raw, const uint8_t *pfx, int bits)
{
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((raw[i] & mask) != (pfx[i] & mask))
			return 0;
	}
	return 1;
}

/* Special-purpose IPv4 ranges that are not publicly routable. */
static int v4_special(const uint8_t *r)
{
	static const struct { uint8_t p[4]; int bits; } ranges[] = {
		{ { 0 }, 8 }, { { 10 }, 8 }, { { 100, 64 }, 10 }, { { 127 }, 8 },
		{ { 169, 254 }, 16 }, { { 172, 16 }, 12 }, { { 192, 0, 0 }, 24 },
		{ { 192, 0, 2 }, 24 }, { { 192, 168 }, 16 }, { { 198, 18 }, 15 },
		{ { 198, 51, 100 }, 24 }, { { 203, 0, 113 }, 24 }, { { 224 }, 3 },
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (in_prefix(r, ranges[i].p, ranges[i].bits))
			return 1;
	return 0;
}

/* Publicly routable unicast? */
int netaddr_is_public(const struct host_addr *a)
{
	if (a->family == AF_INET)
		return !v4_special(a->raw);
	static const uint8_t global[] = { 0x20 }, doc[] = { 0x20, 0x01, 0x0d, 0xb8 };
	if (!in_prefix(a->raw, global, 3) || in_prefix(a->raw, doc, 32))
		return 0;
	return !netaddr_is_tunnelled(a);
}

/* Tunnel interface or 6to4 (2002::/16) / Teredo (2001::/32) address? */
int netaddr_is_tunnelled(const struct host_addr *a)
{
	if (a->if_tunnel)
		return 1;
	if (a->family != AF_INET6)
		return 0;
	static const uint8_t six2four[] = { 0x20, 0x02 }, teredo[] = { 0x20, 0x01, 0, 0 };
	return in_prefix(a->raw, six2four, 16) || in_prefix(a->raw, teredo, 32);
}

/* ARPHRD types of tunnel devices (and "none": tun, wireguard). */
int netaddr_arphrd_is_tunnel(int type)
{
	switch (type) {
	case ARPHRD_TUNNEL: case ARPHRD_TUNNEL6: case ARPHRD_SIT:
	case ARPHRD_IPGRE: case ARPHRD_IP6GRE: case ARPHRD_NONE:
		return 1;
	default:
		return 0;
	}
}
