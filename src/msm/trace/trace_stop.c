/*
 * trace_stop: classifying replies and spotting loops.
 */
#include "msm/trace/trace_stop.h"

#include <netinet/in.h>
#include <string.h>

/* The reply's source is the destination. */
static bool from_dst(const struct net_addr *dst, const struct net_reply *r)
{
	return net_addr_equal(dst, &r->src);
}

/* Classify a reply. */
enum trace_verdict trace_classify(unsigned method, const struct net_addr *dst,
				  const struct net_reply *r)
{
	switch (r->kind) {
	case NET_REPLY_TIME_EXCEEDED:
		return TRACE_V_HOP;
	case NET_REPLY_ECHO_REPLY:
		return (method == TRACE_METHOD_ICMP || method == TRACE_METHOD_ICMP_PARIS)
		       ? TRACE_V_DEST : TRACE_V_IGNORE;
	case NET_REPLY_TCP_RST:
	case NET_REPLY_TCP_SYNACK:
	case NET_REPLY_TCP_OTHER:
		return from_dst(dst, r) ? TRACE_V_DEST : TRACE_V_IGNORE;
	case NET_REPLY_UNREACH:
		/* the probe reached a host that has no such port: the
		   destination, even when it answers from another of its
		   addresses (an IPv6 host picks its source by itself) */
		if (r->unreach == NET_UNREACH_PORT &&
		    (method == TRACE_METHOD_UDP || method == TRACE_METHOD_UDP_PARIS ||
		     from_dst(dst, r)))
			return TRACE_V_DEST;
		return TRACE_V_UNREACH;
	case NET_REPLY_PACKET_TOO_BIG:
	case NET_REPLY_PARAM_PROBLEM:
		return TRACE_V_UNREACH;
	default:
		return TRACE_V_IGNORE;
	}
}

/* Did `from` answer with time exceeded at a TTL below `ttl`? */
bool trace_is_loop(const struct trace_result *res, const struct msm_addr *from,
		   uint8_t ttl)
{
	for (uint16_t i = 0; i < res->n_probes; i++) {
		const struct trace_probe *p = &res->probes[i];
		bool te = !(p->flags & MSM_REPLY_TCP) &&
			  p->icmp_type == (res->af == AF_INET6 ? 3 : 11);
		if (p->ttl < ttl && (p->flags & MSM_REPLY_GOT) && te &&
		    memcmp(p->from.b, from->b, 16) == 0)
			return true;
	}
	return false;
}
