/*
 * msm_reply: reply fields every measurement type records alike (see
 * msm_reply.h).
 */
#include "msm/msm_reply.h"

#include <netinet/in.h>

#include "msm/msm_result.h"

/* Size, clamped to 16 bits. */
uint16_t msm_reply_size(const struct net_reply *r)
{
	return (uint16_t)(r->size > UINT16_MAX ? UINT16_MAX : r->size);
}

/* TTL, 0 for unknown (-1). */
uint8_t msm_reply_ttl(const struct net_reply *r)
{
	return r->ttl < 0 ? 0 : (uint8_t)r->ttl;
}

/* TCP flags or ICMP type/code; MSM_REPLY_TCP for TCP. */
uint8_t msm_reply_kind(const struct net_reply *r, uint8_t *type, uint8_t *code)
{
	if (r->proto == IPPROTO_TCP) {
		*type = r->tcp_flags;
		*code = 0;
		return MSM_REPLY_TCP;
	}
	*type = r->icmp_type;
	*code = r->icmp_code;
	return 0;
}
