/*
 * api_cidr: prefixes on inet_pton/inet_ntop (see api_cidr.h).
 */
#include "api/api_cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/numparse.h"

/* See api_cidr.h. */
int api_addr_parse(const char *text, struct api_cidr *c)
{
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, text, c->a) == 1) {
		c->family = 4;
		c->len = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, text, c->a) == 1) {
		c->family = 6;
		c->len = 128;
		return 0;
	}
	return -1;
}

/* True if bit i (from the top) of a is set. */
static int bit(const unsigned char *a, int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/* See api_cidr.h. */
int api_cidr_parse(const char *text, struct api_cidr *c)
{
	char addr[64], why[64];
	const char *slash = strchr(text, '/');
	long long len;
	if (!slash || (size_t)(slash - text) >= sizeof addr)
		return -1;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = 0;
	if (api_addr_parse(addr, c) < 0 || !parse_bounded(slash + 1, 0, c->len, &len, why, sizeof why))
		return -1;
	for (int i = (int)len; i < c->len; i++)
		if (bit(c->a, i))
			return -1;
	c->len = (int)len;
	return 0;
}

/* See api_cidr.h. */
int api_cidr_contains(const struct api_cidr *c, const char *addr)
{
	struct api_cidr a;
	if (api_addr_parse(addr, &a) < 0 || a.family != c->family)
		return 0;
	for (int i = 0; i < c->len; i++)
		if (bit(a.a, i) != bit(c->a, i))
			return 0;
	return 1;
}

/* See api_cidr.h. */
int api_cidr_cover(const char *addr, char *out, size_t len)
{
	struct api_cidr a;
	char text[INET6_ADDRSTRLEN];
	if (api_addr_parse(addr, &a) < 0)
		return -1;
	int keep = a.family == 4 ? 3 : 6;
	memset(a.a + keep, 0, sizeof a.a - (size_t)keep);
	inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.a, text, sizeof text);
	snprintf(out, len, "%s/%d", text, keep * 8);
	return 0;
}
