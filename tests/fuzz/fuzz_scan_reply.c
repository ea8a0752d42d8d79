/*
 * Fuzz target: how `vantage scan` reads a reply (src/scan/stamp.c) over
 * arbitrary bytes. The first byte picks the input form (as fuzz_net_reply)
 * and the scan method; the packet goes through the one reply parser, then
 * the stateless decoder, from a buffer of exactly its size so an overread
 * of the quote is caught. A decoded probe must name a TTL in range and a
 * target of the reply's family.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/reply.h"
#include "scan/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const uint8_t protos[] = { IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP };
	struct net_addr src = { .family = AF_INET6, .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	uint8_t sel = data[0];
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	struct net_rx rx = { .buf = buf, .len = len, .form = (enum net_rx_form)(sel % 3 + 1),
			     .proto = protos[(sel / 3) % 3], .src = &src, .hlim = 64 };
	struct net_reply r;
	if (net_reply_parse(&rx, &r) == 0) {
		struct scan_stamp s;
		scan_stamp_init(&s, (enum scan_method)((sel / 9) % 3), 1);
		struct scan_match m;
		if (scan_stamp_decode(&s, &r, buf, len, &m) &&
		    (m.f.ttl < 1 || m.f.ttl > SCAN_TTL_MAX ||
		     (m.f.dst.family != AF_INET && m.f.dst.family != AF_INET6)))
			abort();
	}
	free(buf);
	return 0;
}
