/*
 * engine_send: the send pump. It takes as many queued probes as the token
 * bucket allows, asks the policy, builds each packet (with the run key in
 * its payload), sends it, and arms its timeout; then it sleeps until the
 * next token.
 */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>

#include "engine/engine_int.h"
#include "msm/msm_result.h"

#define PUMP_BATCH 256

/* Which socket slot a probe leaves by. */
static int tx_slot(const struct net_probe *np)
{
	if (np->dst.family == AF_INET)
		return ENG_S4_TX;
	if (np->kind == NET_PROBE_UDP)
		return ENG_S6_UDP;
	return np->kind == NET_PROBE_ICMP_ECHO ? ENG_S6_ICMP : ENG_S6_TCP;
}

/* REALTIME - MONOTONIC now; *mono gets the monotonic reading. */
int64_t eng_offset_now(const struct engine *e, uint64_t *mono)
{
	int64_t real = eng_clock_real_ns(&e->opts.clock);
	*mono = eng_clock_mono_ns(&e->opts.clock);
	return real - (int64_t)*mono;
}

/* Arrange for the pump to run after delay_ns (0 = at the next loop turn). */
void eng_schedule_pump(struct engine *e, uint64_t delay_ns)
{
	if (e->pump_armed)
		return;
	if (delay_ns == 0) {
		event_active(e->pump_ev, EV_TIMEOUT, 0);
		e->pump_armed = true;
		return;
	}
	struct timeval tv = { (time_t)(delay_ns / 1000000000ULL),
			      (suseconds_t)((delay_ns % 1000000000ULL) / 1000) };
	if (delay_ns > 0 && tv.tv_sec == 0 && tv.tv_usec == 0)
		tv.tv_usec = 1;
	event_add(e->pump_ev, &tv);
	e->pump_armed = true;
}

/* The packet of probe p as its owner describes it, with our identity fields. */
static void describe(const struct engine *e, const struct eng_probe *p, struct net_probe *np)
{
	memset(np, 0, sizeof *np);
	np->kind = (enum net_probe_kind)p->kind;
	np->dst.family = p->sig.key.family;
	memcpy(np->dst.a, p->sig.key.dst, 16);
	p->owner->ops->build(p->owner->ctx, p->cookie, np);
	np->kind = (enum net_probe_kind)p->kind;
	eng_stamp_identity(e, p, np);
}

/* Build the packet np into e->pkt; its length or a negative code. */
static int build(struct engine *e, const struct eng_probe *p, struct net_probe *np)
{
	uint8_t payload[2048];
	size_t n = p->payload_len < sizeof payload ? p->payload_len : sizeof payload;
	memset(payload, 0, n);
	if (n >= 6)
		memcpy(payload + 2, &e->key, 4);
	np->payload = payload;
	np->payload_len = n;
	int len = net_probe_build(np, e->pkt, sizeof e->pkt);
	np->payload = NULL;
	return len;
}

/* Tell the owner about a probe that did not leave, and free it. */
static void not_sent(struct engine *e, struct eng_probe *p, int err, bool refused)
{
	struct eng_owner *o = p->owner;
	uint32_t cookie = p->cookie;
	eng_probe_free(e, p);
	o->ops->sent(o->ctx, cookie, err, refused, 0);
}

/* Send one probe taken off the queue. */
static void send_one(struct engine *e, struct eng_probe *p)
{
	uint64_t mono;
	struct net_probe np;
	describe(e, p, &np);
	if (e->opts.policy &&
	    !e->opts.policy(e->opts.policy_ctx, p->owner->method, &np.dst,
			    eng_clock_mono_ns(&e->opts.clock))) {
		e->stats.refused++;
		not_sent(e, p, 0, true);
		return;
	}
	int slot = tx_slot(&np), len = build(e, p, &np);
	struct eng_sock *s = &e->socks[slot];
	if (len < 0 || s->rs.fd < 0) {
		e->stats.send_errors++;
		not_sent(e, p, len < 0 ? EINVAL : EBADF, false);
		return;
	}
	uint32_t key = 0;
	int64_t off = eng_offset_now(e, &mono);
	int rc = rawsock_send(&s->rs, e->pkt, (size_t)len, &np.dst, np.ttl, &key);
	if (rc < 0) {
		e->stats.send_errors++;
		if (s->rs.ts_tx) {
			eng_drain_txts(e, slot);
			rawsock_reset_keys(&s->rs);
		}
		not_sent(e, p, -rc, false);
		return;
	}
	e->stats.sent++;
	if (e->stats.first_send_ns == 0)
		e->stats.first_send_ns = mono;
	e->stats.last_send_ns = mono;
	p->state = ENG_SENT;
	p->tx_mono_ns = mono;
	p->off_tx_ns = off;
	p->tx_key = key;
	p->sock = (uint8_t)slot;
	if (s->rs.ts_tx)
		dl_push(&s->txq, &p->txlink);
	eng_arm(e, p, mono + (uint64_t)p->timeout_ms * 1000000ULL);
	p->owner->ops->sent(p->owner->ctx, p->cookie, 0, false, mono);
}

/* The pump: send what the budget allows, then sleep until the next token. */
void eng_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	(void)fd;
	(void)what;
	e->pump_armed = false;
	uint32_t want = e->nqueued < PUMP_BATCH ? (uint32_t)e->nqueued : PUMP_BATCH;
	uint32_t n = pacer_take(&e->pacer, eng_clock_mono_ns(&e->opts.clock), want);
	while (n-- > 0 && !dl_empty(&e->sendq)) {
		struct eng_probe *p = DL_ENTRY(e->sendq.next, struct eng_probe, qlink);
		dl_del(&p->qlink);
		e->nqueued--;
		send_one(e, p);
	}
	if (!dl_empty(&e->sendq))
		eng_schedule_pump(e, pacer_wait_ns(&e->pacer));
}
