/*
 * Fuzz target: the reply parser (src/net/reply.c) over arbitrary bytes. The
 * first input byte picks the form (full IPv4, full IPv6, IPv6 raw-socket
 * payload with ICMPv6/TCP/UDP); the rest is the packet, copied to a buffer of
 * exactly its size so any overread is caught. Checks the offsets it returns.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/reply.h"

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
	                     .proto = protos[(sel / 3) % 3], .src = &src, .hlim = sel };
	struct net_reply r;
	if (net_reply_parse(&rx, &r) == 0) {
		if (r.payload_off + (size_t)r.payload_len > len)
			abort();
		if (r.ext.mpls_count > NET_MPLS_MAX || r.ext.ifinfo_count > NET_IFINFO_MAX)
			abort();
		if (r.has_quote && r.q.quote_len > len)
			abort();
		for (int i = 0; i < r.ext.ifinfo_count; i++)
			if (strlen(r.ext.ifinfo[i].name) >= NET_IFNAME_MAX)
				abort();
	}
	free(buf);
	return 0;
}
