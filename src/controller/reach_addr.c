/*
 * reach_addr: the address rules of the remote check (see reach_addr.h).
 */
#include "controller/reach_addr.h"

#include <stdio.h>
#include <string.h>

/* See reach_addr.h. */
int reach_addr_allowed(const struct target_policy *tp, const char *text, char *why, size_t wl)
{
	if (!targets_allowed_text(tp, text, why, wl))
		return 0;
	return strchr(text, ':') ? 6 : 4;
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
