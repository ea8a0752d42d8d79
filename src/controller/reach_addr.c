/*
 * reach_addr: the lab-only address rules of the remote check (see
 * reach_addr.h), over the API's prefix helpers.
 */
#include "controller/reach_addr.h"

#include "api/api_cidr.h"
#include "api/api_create.h"

#include <stdio.h>
#include <string.h>

/* See reach_addr.h. */
int reach_addr_lab(const char *text)
{
	struct api_cidr lab[2];
	api_limits_default(lab);
	for (int i = 0; i < 2; i++)
		if (api_cidr_contains(&lab[i], text) == 1)
			return strchr(text, ':') ? 6 : 4;
	return 0;
}

/* See reach_addr.h. */
int reach_peer_host(const char *peer, char *out, size_t len)
{
	const char *start = peer, *end;
	if (peer[0] == '[') {
		start = peer + 1;
		end = strchr(start, ']');
		if (!end || end[1] != ':')
			return -1;
	} else {
		end = strrchr(peer, ':');
		if (!end || memchr(peer, ':', (size_t)(end - peer)))
			return -1;
	}
	size_t n = (size_t)(end - start);
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, start, n);
	out[n] = 0;
	return 0;
}
