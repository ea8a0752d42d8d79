/*
 * Fuzz target: the ICMP extension structure (src/net/icmpext.c): locating it
 * inside an ICMP/ICMPv6 error (first byte: v4 or v6) and walking its objects
 * (MPLS label stacks, interface information, unknown classes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/icmpext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool v6 = data[0] & 1;
	size_t len = size - 1;
	uint8_t *buf = malloc(len ? len : 1);
	memcpy(buf, data + 1, len);
	struct net_icmpext ext;
	size_t off, qlen;
	if (net_icmpext_locate(buf, len, v6, &off, &qlen)) {
		if (off > len || 8 + qlen > len)
			abort();
		(void)net_icmpext_parse(buf + off, len - off, &ext);
	}
	(void)net_icmpext_parse(buf, len, &ext);
	if (ext.mpls_count > NET_MPLS_MAX || ext.ifinfo_count > NET_IFINFO_MAX)
		abort();
	free(buf);
	return 0;
}
