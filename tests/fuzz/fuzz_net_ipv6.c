/*
 * Fuzz target: the IPv6 header parse and extension-header walk
 * (src/net/ipv6.c) over arbitrary bytes, also starting the walk from a
 * chosen header type at a chosen offset. The upper-layer offset it returns
 * must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t next = data[0], off = data[1];
	size_t len = size - 2;
	uint8_t *buf = malloc(len ? len : 1);
	memcpy(buf, data + 2, len);
	struct net_ipv6 h;
	if (net_ipv6_parse(buf, len, &h) == 0 && h.l4_off > len)
		abort();
	memset(&h, 0, sizeof h);
	if (off <= len && net_ipv6_walk(buf, len, next, off, &h) == 0 && h.l4_off > len)
		abort();
	free(buf);
	return 0;
}
