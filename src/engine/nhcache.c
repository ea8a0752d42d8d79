/*
 * nhcache: the kernel's next hops read through rtnetlink (see nhcache.h).
 */
#include "engine/nhcache.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELOAD_NS 1000000000ULL
#define RELOAD_MISS_NS 10000000ULL /* after a miss (the raw probe that took
				      its place may have resolved the hop) */

/* Start empty. */
void nh_init(struct nhcache *c)
{
	memset(c, 0, sizeof *c);
}

/* Free the tables. */
void nh_free(struct nhcache *c)
{
	free(c->routes);
	free(c->neigh);
	free(c->links);
	nh_init(c);
}

/* Room for one more element of size sz in *arr (n used, *cap); NULL if none. */
static void *grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	if (n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, nc * sz);
		if (p == NULL)
			return NULL;
		*arr = p;
		*cap = nc;
	}
	return (uint8_t *)*arr + n * sz;
}

/* Append the sz bytes of elem to *arr (*n used, *cap). 0 or -1 (memory). */
static int push(void **arr, size_t *n, size_t *cap, const void *elem, size_t sz)
{
	void *slot = grow(arr, *n, cap, sz);
	if (slot == NULL)
		return -1;
	memcpy(slot, elem, sz);
	(*n)++;
	return 0;
}

/* Copy a 6-byte link-layer address attribute; false if it is not one. */
static bool take_mac(const struct rtattr *a, uint8_t mac[6])
{
	if (RTA_PAYLOAD(a) != 6)
		return false;
	memcpy(mac, RTA_DATA(a), 6);
	return true;
}

/*
 * The attribute at *off of the len bytes at p, stepping *off past it; NULL
 * when no whole attribute is left (the netlink macros' int arithmetic is
 * avoided: every length is checked against what remains).
 */
static const struct rtattr *next_attr(const uint8_t *p, size_t len, size_t *off)
{
	if (*off > len || len - *off < sizeof(struct rtattr))
		return NULL;
	const struct rtattr *a = (const struct rtattr *)(p + *off);
	if (a->rta_len < sizeof *a || a->rta_len > len - *off)
		return NULL;
	size_t step = RTA_ALIGN(a->rta_len);
	*off = step > len - *off ? len : *off + step;
	return a;
}

/* Copy an address attribute of the family's length; false if it is not one. */
static bool take_addr(const struct rtattr *a, uint8_t family, uint8_t out[16])
{
	size_t want = family == AF_INET ? 4 : 16;
	if (RTA_PAYLOAD(a) != want)
		return false;
	memset(out, 0, 16);
	memcpy(out, RTA_DATA(a), want);
	return true;
}

/* Read a 32-bit attribute. */
static uint32_t take_u32(const struct rtattr *a)
{
	uint32_t v = 0;
	if (RTA_PAYLOAD(a) >= sizeof v)
		memcpy(&v, RTA_DATA(a), sizeof v);
	return v;
}

/* One RTM_NEWROUTE message (payload len bytes). 0 or -1 (memory). */
static int add_route(struct nhcache *c, const struct rtmsg *rt, size_t len)
{
	if (rt->rtm_family != AF_INET && rt->rtm_family != AF_INET6)
		return 0;
	struct nh_route *r = grow((void **)&c->routes, c->nroutes, &c->caproutes, sizeof *r);
	if (r == NULL)
		return -1;
	memset(r, 0, sizeof *r);
	r->family = rt->rtm_family;
	r->dst_len = rt->rtm_dst_len;
	r->table = rt->rtm_table;
	r->type = rt->rtm_type;
	const uint8_t *ap = (const uint8_t *)rt + NLMSG_ALIGN(sizeof *rt);
	size_t alen = len - NLMSG_ALIGN(sizeof *rt), off = 0;
	for (const struct rtattr *a; (a = next_attr(ap, alen, &off)) != NULL;) {
		switch (a->rta_type) {
		case RTA_DST:
			if (!take_addr(a, r->family, r->dst))
				return 0;
			break;
		case RTA_GATEWAY:
			if (!take_addr(a, r->family, r->gw))
				return 0;
			r->has_gw = true;
			break;
		case RTA_OIF:
			r->oif = (int)take_u32(a);
			break;
		case RTA_PRIORITY:
			r->prio = take_u32(a);
			break;
		case RTA_TABLE:
			r->table = (uint8_t)(take_u32(a) > 255 ? 0 : take_u32(a));
			break;
		case RTA_MULTIPATH:
		case RTA_VIA:
		case RTA_NH_ID:
		case RTA_ENCAP:
			r->multipath = true; /* not one plain next hop: never repeat it */
			break;
		}
	}
	if ((r->family == AF_INET && r->dst_len > 32) || r->dst_len > 128)
		return 0;
	c->nroutes++;
	return 0;
}

/* One RTM_NEWNEIGH message. 0 or -1 (memory). */
static int add_neigh(struct nhcache *c, const struct ndmsg *nd, size_t len)
{
	const uint16_t usable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
				NUD_PERMANENT;
	if ((nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
	    !(nd->ndm_state & usable))
		return 0;
	struct nh_neigh n = { .family = nd->ndm_family, .ifindex = nd->ndm_ifindex };
	bool dst = false, ll = false;
	const uint8_t *ap = (const uint8_t *)nd + NLMSG_ALIGN(sizeof *nd);
	size_t alen = len - NLMSG_ALIGN(sizeof *nd), off = 0;
	for (const struct rtattr *a; (a = next_attr(ap, alen, &off)) != NULL;) {
		if (a->rta_type == NDA_DST)
			dst = take_addr(a, n.family, n.addr);
		else if (a->rta_type == NDA_LLADDR)
			ll = take_mac(a, n.mac);
	}
	if (!dst || !ll)
		return 0;
	return push((void **)&c->neigh, &c->nneigh, &c->capneigh, &n, sizeof n);
}

/* One RTM_NEWLINK message: Ethernet links only. 0 or -1 (memory). */
static int add_link(struct nhcache *c, const struct ifinfomsg *ifi, size_t len)
{
	if (ifi->ifi_type != ARPHRD_ETHER || !(ifi->ifi_flags & IFF_UP))
		return 0;
	struct nh_link l = { .ifindex = ifi->ifi_index };
	bool ll = false;
	const uint8_t *ap = (const uint8_t *)ifi + NLMSG_ALIGN(sizeof *ifi);
	size_t alen = len - NLMSG_ALIGN(sizeof *ifi), off = 0;
	for (const struct rtattr *a; (a = next_attr(ap, alen, &off)) != NULL;)
		if (a->rta_type == IFLA_ADDRESS)
			ll = take_mac(a, l.mac);
		else if (a->rta_type == IFLA_MTU)
			l.mtu = take_u32(a);
	if (!ll || l.mtu == 0)
		return 0;
	return push((void **)&c->links, &c->nlinks, &c->caplinks, &l, sizeof l);
}

/* One RTM_NEWRULE message: counts it, notes anything but a default rule. */
static void add_rule(struct nhcache *c, const struct fib_rule_hdr *fr, size_t len)
{
	int f = fr->family == AF_INET ? 0 : fr->family == AF_INET6 ? 1 : -1;
	if (f < 0)
		return;
	c->nrules[f]++;
	uint32_t table = fr->table;
	bool selector = fr->src_len || fr->dst_len || fr->tos;
	const uint8_t *ap = (const uint8_t *)fr + NLMSG_ALIGN(sizeof *fr);
	size_t alen = len - NLMSG_ALIGN(sizeof *fr), off = 0;
	for (const struct rtattr *a; (a = next_attr(ap, alen, &off)) != NULL;) {
		if (a->rta_type == FRA_TABLE)
			table = take_u32(a);
		else if (a->rta_type != FRA_PRIORITY && a->rta_type != FRA_PROTOCOL &&
			 a->rta_type != FRA_SUPPRESS_PREFIXLEN &&
			 a->rta_type != FRA_SUPPRESS_IFGROUP)
			selector = true;
	}
	if (fr->action != FR_ACT_TO_TBL || selector ||
	    (table != RT_TABLE_LOCAL && table != RT_TABLE_MAIN && table != RT_TABLE_DEFAULT))
		c->odd_rules[f] = true;
}

/* Add the messages of one dump buffer. */
int nh_parse_dump(struct nhcache *c, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		if (h->nlmsg_len < sizeof *h || h->nlmsg_len > len - off)
			return 0;
		size_t step = NLMSG_ALIGN(h->nlmsg_len);
		off = step > len - off ? len : off + step;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR)
			return -1;
		size_t pl = NLMSG_PAYLOAD(h, 0);
		const void *d = NLMSG_DATA(h);
		int rc = 0;
		if (h->nlmsg_type == RTM_NEWROUTE && pl >= NLMSG_ALIGN(sizeof(struct rtmsg)))
			rc = add_route(c, d, pl);
		else if (h->nlmsg_type == RTM_NEWNEIGH && pl >= NLMSG_ALIGN(sizeof(struct ndmsg)))
			rc = add_neigh(c, d, pl);
		else if (h->nlmsg_type == RTM_NEWLINK &&
			 pl >= NLMSG_ALIGN(sizeof(struct ifinfomsg)))
			rc = add_link(c, d, pl);
		else if (h->nlmsg_type == RTM_NEWRULE &&
			 pl >= NLMSG_ALIGN(sizeof(struct fib_rule_hdr)))
			add_rule(c, d, pl);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Ask for one dump (type, family) on fd and read it all. 0 or -errno. */
static int dump(struct nhcache *c, int fd, uint16_t type, uint8_t family)
{
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
		uint8_t pad[16];
	} req;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = NLMSG_LENGTH(type == RTM_GETLINK ? sizeof(struct ifinfomsg) :
				       type == RTM_GETNEIGH ? sizeof(struct ndmsg) :
				       type == RTM_GETRULE ? sizeof(struct fib_rule_hdr) :
				       sizeof(struct rtmsg));
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.g.rtgen_family = family;
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;
	static const size_t bufsz = 32768;
	uint8_t *buf = malloc(bufsz);
	if (buf == NULL)
		return -ENOMEM;
	int rc;
	for (;;) {
		ssize_t n = recv(fd, buf, bufsz, 0);
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0 || (rc = nh_parse_dump(c, buf, (size_t)n)) != 0) {
			rc = n == 0 || rc < 0 ? -EIO : 0;
			break;
		}
	}
	free(buf);
	return rc;
}

/* Re-read everything. */
int nh_load(struct nhcache *c, uint64_t now_ns, char *err, size_t errlen)
{
	c->nroutes = c->nneigh = c->nlinks = 0;
	memset(c->nrules, 0, sizeof c->nrules);
	memset(c->odd_rules, 0, sizeof c->odd_rules);
	c->loaded_ns = now_ns ? now_ns : 1;
	c->loads++;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open rtnetlink: %s", strerror(errno));
		return -errno;
	}
	static const uint16_t types[] = { RTM_GETRULE, RTM_GETROUTE, RTM_GETNEIGH };
	int rc = dump(c, fd, RTM_GETLINK, AF_UNSPEC);
	for (size_t i = 0; rc == 0 && i < sizeof types / sizeof types[0]; i++) {
		rc = dump(c, fd, types[i], AF_INET);
		if (rc == 0)
			rc = dump(c, fd, types[i], AF_INET6);
	}
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the routes: %s", strerror(-rc));
		c->nroutes = 0; /* answer no until the next load */
	}
	return rc;
}

/* Whether the first len bits of a and b agree. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t m = (uint8_t)(0xff00u >> rest);
	return ((a[whole] ^ b[whole]) & m) == 0;
}

/* The route of the given table that the kernel would match for dst, or NULL. */
static const struct nh_route *best_route(const struct nhcache *c, const struct net_addr *dst,
					 uint8_t table)
{
	const struct nh_route *best = NULL;
	for (size_t i = 0; i < c->nroutes; i++) {
		const struct nh_route *r = &c->routes[i];
		if (r->family != dst->family || r->table != table ||
		    !prefix_eq(r->dst, dst->a, r->dst_len))
			continue;
		if (best == NULL || r->dst_len > best->dst_len ||
		    (r->dst_len == best->dst_len && r->prio < best->prio))
			best = r;
	}
	return best;
}

/* Our link-layer address and MTU on ifindex; false if not an Ethernet link. */
static bool link_of(const struct nhcache *c, int ifindex, struct nh_hop *out)
{
	for (size_t i = 0; i < c->nlinks; i++)
		if (c->links[i].ifindex == ifindex) {
			memcpy(out->src_mac, c->links[i].mac, 6);
			out->mtu = c->links[i].mtu;
			return true;
		}
	return false;
}

/* The neighbour's link-layer address; false if not resolved. */
static bool neigh_mac(const struct nhcache *c, int family, int ifindex, const uint8_t *addr,
		      uint8_t mac[6])
{
	for (size_t i = 0; i < c->nneigh; i++) {
		const struct nh_neigh *n = &c->neigh[i];
		if (n->family == family && n->ifindex == ifindex &&
		    memcmp(n->addr, addr, family == AF_INET ? 4 : 16) == 0) {
			memcpy(mac, n->mac, 6);
			return true;
		}
	}
	return false;
}

/* The hop for dst from the tables as loaded. */
static bool lookup_loaded(const struct nhcache *c, const struct net_addr *dst,
			  struct nh_hop *out)
{
	int f = dst->family == AF_INET ? 0 : 1;
	if (c->nrules[f] == 0 || c->odd_rules[f] || best_route(c, dst, RT_TABLE_LOCAL))
		return false;
	const struct nh_route *r = best_route(c, dst, RT_TABLE_MAIN);
	if (r == NULL || r->type != RTN_UNICAST || r->multipath || r->oif <= 0)
		return false;
	out->ifindex = r->oif;
	return link_of(c, r->oif, out) &&
	       neigh_mac(c, dst->family, r->oif, r->has_gw ? r->gw : dst->a, out->dst_mac);
}

/* The hop towards dst, reloading stale tables. */
bool nh_lookup(struct nhcache *c, const struct net_addr *dst, uint64_t now_ns,
	       struct nh_hop *out)
{
	char err[128];
	if (dst->family != AF_INET && dst->family != AF_INET6)
		return false;
	c->lookups++;
	if (c->loaded_ns == 0 || now_ns - c->loaded_ns > RELOAD_NS)
		(void)nh_load(c, now_ns, err, sizeof err);
	if (lookup_loaded(c, dst, out))
		return true;
	if (now_ns - c->loaded_ns > RELOAD_MISS_NS) {
		(void)nh_load(c, now_ns, err, sizeof err);
		if (lookup_loaded(c, dst, out))
			return true;
	}
	c->misses++;
	return false;
}
