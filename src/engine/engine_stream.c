/*
 * engine_stream: the engine's stateless side (see engine.h, eng_stream_ops).
 * A stream probe is built and sent in one go and forgotten: no signature,
 * no timer, no TX-stamp wait, so memory does not grow with probes in flight.
 * It goes through the same policy hook and the same token bucket as every
 * other probe (the pump hands it what tokens its own queue left over).
 */
#include <errno.h>
#include <string.h>

#include "engine/engine_int.h"

void engine_stream_set(struct engine *e, const struct eng_stream_ops *ops, void *ctx,
		       const char *method)
{
	e->stream = ops;
	e->stream_ctx = ctx;
	e->stream_method = method;
	e->stream_idle = false;
	if (ops)
		eng_schedule_pump(e, 0);
}

void engine_stream_kick(struct engine *e)
{
	if (e->stream == NULL)
		return;
	e->stream_idle = false;
	eng_schedule_pump(e, 0);
}

/* Build and send one stream probe np; 0 or -errno. */
static int send_one(struct engine *e, const struct net_probe *np)
{
	int slot = eng_tx_slot(np);
	int len = net_probe_build(np, e->pkt, sizeof e->pkt);
	if (len < 0)
		return -EINVAL;
	if (e->socks[slot].rs.fd < 0)
		return -EBADF;
	uint32_t key;
	return rawsock_send(&e->socks[slot].rs, e->pkt, (size_t)len, &np->dst, np->ttl, &key);
}

void eng_stream_pump(struct engine *e, uint32_t budget)
{
	const struct eng_clock *c = &e->opts.clock;
	for (uint32_t i = 0; i < budget; i++) {
		struct net_probe np;
		memset(&np, 0, sizeof np);
		uint64_t now = eng_clock_mono_ns(c);
		if (!e->stream->next(e->stream_ctx, now, &np)) {
			e->stream_idle = true;
			return; /* the unused tokens lapse: the ceiling is never passed */
		}
		if (e->opts.policy &&
		    !e->opts.policy(e->opts.policy_ctx, e->stream_method, &np.dst, now)) {
			e->stats.refused++;
			e->stream->sent(e->stream_ctx, &np, 0, true);
			continue;
		}
		int rc = send_one(e, &np);
		if (rc < 0) {
			e->stats.send_errors++;
		} else {
			e->stats.sent++;
			if (e->stats.first_send_ns == 0)
				e->stats.first_send_ns = now;
			e->stats.last_send_ns = now;
		}
		e->stream->sent(e->stream_ctx, &np, rc < 0 ? -rc : 0, false);
		np.payload = NULL;
	}
}

void eng_stream_reply(struct engine *e, const struct net_reply *r, const uint8_t *buf,
		      size_t len, const struct rawsock_rx *rx, const struct eng_rxtime *at)
{
	if (e->stream == NULL)
		return;
	bool kernel = rx->kernel_ns != 0;
	uint64_t mono = kernel ? (uint64_t)(rx->kernel_ns - at->off) : at->mono;
	if (kernel && (mono > at->mono || at->mono - mono > 10000000000ULL))
		mono = at->mono, kernel = false; /* a stamp outside reason */
	e->stream->reply(e->stream_ctx, r, buf, len, mono, kernel);
}
