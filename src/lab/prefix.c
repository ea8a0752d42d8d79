/*
 * prefix: IPv4/IPv6 prefixes and addresses for the lab's topology: parse
 * "ADDR/LEN", test containment and overlap, and format them back to text.
 */
#include "lab/topology.h"
#include "util/numparse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Zero the host bits of p beyond its length. */
static void prefix_mask(struct lab_prefix *p)
{
	int bytes = p->af == 4 ? 4 : 16;
	for (int i = 0; i < bytes; i++) {
		int keep = p->len - i * 8;
		if (keep >= 8)
			continue;
		p->addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
}

/* Parse "ADDR/LEN" into *p (host bits cleared). Returns true on success. */
bool lab_prefix_parse(const char *text, struct lab_prefix *p)
{
	char buf[64], err[64];
	const char *slash = strchr(text, '/');
	long long len;

	if (!slash || (size_t)(slash - text) >= sizeof buf)
		return false;
	memcpy(buf, text, (size_t)(slash - text));
	buf[slash - text] = '\0';
	memset(p, 0, sizeof *p);
	if (inet_pton(AF_INET, buf, p->addr) == 1)
		p->af = 4;
	else if (inet_pton(AF_INET6, buf, p->addr) == 1)
		p->af = 6;
	else
		return false;
	if (!parse_bounded(slash + 1, 0, p->af == 4 ? 32 : 128, &len, err, sizeof err))
		return false;
	p->len = (int)len;
	prefix_mask(p);
	return true;
}

/* True when address addr (of family af) lies inside prefix p. */
bool lab_prefix_contains(const struct lab_prefix *p, int af, const uint8_t *addr)
{
	struct lab_prefix q;

	if (af != p->af)
		return false;
	q = *p;
	memcpy(q.addr, addr, af == 4 ? 4 : 16);
	prefix_mask(&q);
	return memcmp(q.addr, p->addr, af == 4 ? 4 : 16) == 0;
}

/* Format one address of family af (4 or 6) into buf. */
void lab_addr_format(int af, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(af == 4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* Format prefix p as "ADDR/LEN" into buf. */
void lab_prefix_format(const struct lab_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	lab_addr_format(p->af, p->addr, a, sizeof a);
	snprintf(buf, len, "%s/%d", a, p->len);
}
