/*
 * check_addr: the network part of the check. Of the host's addresses of one
 * family, pick the best candidate (global scope, not temporary, tentative or
 * deprecated; preferring public, native, static ones) and judge it.
 */
#include "host/check_int.h"

#include <linux/if_addr.h>
#include <stdio.h>
#include <sys/socket.h>

/* Score an address: -1 unusable, higher is better. */
static int addr_score(const struct host_addr *a)
{
	if (a->scope != 0 || (a->flags & (IFA_F_TEMPORARY | IFA_F_TENTATIVE |
					  IFA_F_DEPRECATED | IFA_F_DADFAILED)))
		return -1;
	return 4 * netaddr_is_public(a) + 2 * !netaddr_is_tunnelled(a) +
	       !!(a->flags & IFA_F_PERMANENT);
}

/* Best usable address of family in facts, or NULL. */
static const struct host_addr *best_addr(const struct host_facts *f, int family,
					 int *temporaries)
{
	const struct host_addr *best = NULL;
	int best_score = -1;
	*temporaries = 0;
	for (size_t i = 0; i < f->addrs.n; i++) {
		const struct host_addr *a = &f->addrs.a[i];
		if (a->family != family)
			continue;
		if (a->flags & IFA_F_TEMPORARY)
			(*temporaries)++;
		int s = addr_score(a);
		if (s > best_score) {
			best = a;
			best_score = s;
		}
	}
	return best;
}

/* Judge the addresses of one family against level. */
void check_family(struct check_report *out, const struct host_facts *f,
		  int family, enum req_level level)
{
	const char *name = family == AF_INET ? "ipv4" : "ipv6";
	int temps;
	const struct host_addr *a = best_addr(f, family, &temps);
	if (!f->addrs_ok) {
		check_add(out, name, level_status(level, 0), req_level_name(level),
			  "could not list addresses (rtnetlink)");
		return;
	}
	if (!a) {
		check_add(out, name, level_status(level, 0), req_level_name(level),
			  "no global-scope address%s",
			  temps ? " (only temporary/privacy ones)" : "");
		return;
	}
	int pub = netaddr_is_public(a), native = !netaddr_is_tunnelled(a);
	int stat = (a->flags & IFA_F_PERMANENT) != 0;
	enum check_status st = pub && native && stat ? CHECK_PASS : CHECK_WARN;
	if (level == REQ_IGNORED)
		st = CHECK_PASS;
	check_add(out, name, st, req_level_name(level), "%s/%d on %s: %s, %s, %s%s",
		  a->text, a->prefixlen, a->ifname,
		  pub ? "public" : "not publicly routable",
		  native ? "native" : "tunnelled",
		  stat ? "static" : "dynamic (lifetime-limited)",
		  temps ? ", temporary addresses also present" : "");
}
