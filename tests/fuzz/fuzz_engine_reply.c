/*
 * Fuzz target: whatever arrives on the engine's raw sockets, as IPv4 packets
 * and as IPv6 raw-socket payloads, goes through the codec's parser and then
 * the engine's matching (reply -> probe signature, run-key checks) and the
 * trace stop rules; and as a packet the device tap saw leaving (the
 * identity parser and signature of engine_tap.c). Nothing may crash, and a
 * packet that carries a foreign run key must never yield a signature.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/match.h"
#include "msm/trace/trace_stop.h"
#include "net/reply.h"

#define KEY 0x5eed1e55u

/* Match one parsed reply and classify it for every trace method. */
static void exercise(const struct net_reply *r, const uint8_t *buf, size_t len)
{
	struct eng_sig sig;
	struct net_addr dst;
	memset(&dst, 0, sizeof dst);
	dst.family = r->family;
	if (eng_reply_sig(r, buf, len, KEY, &sig)) {
		if (sig.family != AF_INET && sig.family != AF_INET6)
			abort();
		if (r->kind == NET_REPLY_ECHO_REPLY && r->payload_len >= 6 &&
		    memcmp(buf + r->payload_off + 2, &(uint32_t){ KEY }, 4) != 0)
			abort();
	}
	for (unsigned m = 0; m <= TRACE_METHOD_TCP_SYN; m++)
		(void)trace_classify(m, &dst, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_reply r;
	struct net_addr src;
	memset(&src, 0, sizeof src);
	src.family = AF_INET6;
	struct net_rx v4 = { .buf = data, .len = size, .form = NET_RX_IPV4 };
	if (net_reply_parse(&v4, &r) == 0)
		exercise(&r, data, size);
	struct net_rx v6 = { .buf = data, .len = size, .form = NET_RX_V6_L4,
			     .proto = IPPROTO_ICMPV6, .src = &src, .hlim = 64 };
	if (net_reply_parse(&v6, &r) == 0)
		exercise(&r, data, size);
	struct net_quote q;
	struct eng_sig sig;
	if (net_quote_parse(data, size, &q) && eng_quote_sig(&q, KEY, &sig) &&
	    ((sig.family != AF_INET && sig.family != AF_INET6) ||
	     (sig.proto == IPPROTO_TCP && (q.tcp_seq >> 16) != (KEY & 0xffff))))
		abort();
	return 0;
}
