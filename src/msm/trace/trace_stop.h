/*
 * trace_stop: the rules that end a trace, kept apart from the probing so
 * they can be tested with tables: what a reply means for the trace
 * (a hop, the destination, an unreachable, a loop) and what to do when a
 * TTL is done.
 */
#ifndef VANTAGE_MSM_TRACE_TRACE_STOP_H
#define VANTAGE_MSM_TRACE_TRACE_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "msm/trace/trace_result.h"
#include "net/reply.h"

/* What one reply means. */
enum trace_verdict {
	TRACE_V_HOP = 0,     /* a router on the way (time exceeded) */
	TRACE_V_DEST = 1,    /* the destination answered */
	TRACE_V_UNREACH = 2, /* an unreachable that ends the trace */
	TRACE_V_IGNORE = 3,  /* nothing a trace counts */
};

/* Classify a reply to a probe of `method` sent to dst. */
enum trace_verdict trace_classify(unsigned method, const struct net_addr *dst,
				  const struct net_reply *r);

/*
 * True when `from` answered an earlier TTL than `ttl` in res (a loop).
 * Only replies with time exceeded count.
 */
bool trace_is_loop(const struct trace_result *res, const struct msm_addr *from,
		   uint8_t ttl);

#endif
