/*
 * engine: probes in, matched replies and timeouts out (see engine.h).
 * Life of a probe: submit (signature linked, queued) -> pump (paced by the
 * token bucket, policy-checked, built, sent, timer armed, waiting for its TX
 * stamp) -> reply or timeout -> lingers for late/duplicate replies -> freed.
 */
#include "engine/engine.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine/engine_int.h"
#include "msm/msm_result.h"

/* Read a fresh random run key. */
static uint32_t random_key(void)
{
	uint32_t k = 0;
	if (getrandom(&k, sizeof k, GRND_NONBLOCK) != (ssize_t)sizeof k)
		k = (uint32_t)(uintptr_t)&k ^ 0x5a17c0deu;
	return k ? k : 1;
}

/* Create an engine. */
struct engine *engine_new(struct event_base *base, const struct engine_opts *o,
			  char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof *e);
	if (e == NULL || sigtab_init(&e->sigs) != 0) {
		snprintf(err, errlen, "out of memory");
		free(e);
		return NULL;
	}
	e->base = base;
	e->opts = *o;
	e->pump_tfd = -1;
	if (e->opts.clock.read == NULL)
		e->opts.clock = eng_clock_system();
	e->key = random_key();
	th_init(&e->timers);
	nh_init(&e->nh);
	txtap_init(&e->tap);
	e->packet_on = o->send_path == ENG_PATH_PACKET;
	dl_init(&e->sendq);
	for (size_t i = 0; i < ENG_NSOCK; i++)
		e->socks[i].rs.fd = -1;
	pacer_init(&e->pacer, o->pps, eng_clock_mono_ns(&e->opts.clock));
	e->pump_ev = event_new(base, -1, 0, eng_pump_cb, e);
	/* The pump's own timerfd: a turn's wait to the microsecond in any
	   event_base (libevent's timers, unless the base was made with
	   EVENT_BASE_FLAG_PRECISE_TIMER, round up to milliseconds, and a turn
	   at 1,000/s must come every millisecond, not every two), and without
	   the early wake-ups of libevent's coarse clock (engine_send.c). Edge-
	   triggered: re-arming it clears it, so it is never read. */
	e->pump_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->pump_tfd >= 0) {
		e->pump_tev = event_new(base, e->pump_tfd, EV_READ | EV_PERSIST | EV_ET,
					eng_pump_cb, e);
		if (e->pump_tev == NULL || event_add(e->pump_tev, NULL) != 0) {
			if (e->pump_tev)
				event_free(e->pump_tev);
			e->pump_tev = NULL;
			close(e->pump_tfd);
			e->pump_tfd = -1;
		}
	}
	e->timer_ev = event_new(base, -1, 0, eng_timeout_cb, e);
	if (e->pump_ev == NULL || e->timer_ev == NULL) {
		snprintf(err, errlen, "cannot create events");
		engine_free(e);
		return NULL;
	}
	return e;
}

/* Free every probe still queued, waiting or lingering. */
static void drop_all(struct engine *e)
{
	while (!dl_empty(&e->sendq)) {
		struct eng_probe *p = DL_ENTRY(e->sendq.next, struct eng_probe, qlink);
		eng_probe_free(e, p);
	}
	for (size_t i = 0; i < ENG_NSOCK; i++)
		while (e->socks[i].rs.fd >= 0 && !dl_empty(&e->socks[i].txq)) {
			struct eng_probe *p = DL_ENTRY(e->socks[i].txq.next,
						       struct eng_probe, txlink);
			eng_probe_free(e, p);
		}
	struct th_timer *t;
	while ((t = th_peek(&e->timers)) != NULL)
		eng_probe_free(e, DL_ENTRY(t, struct eng_probe, timer));
}

/* Free the engine. */
void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	eng_txt_stop(e);
	drop_all(e);        /* queued probes of a class tell it they left */
	eng_rates_free(e);
	txtap_close(&e->tap);
	for (size_t i = 0; i < ENG_NSOCK; i++) {
		if (e->socks[i].ev)
			event_free(e->socks[i].ev);
		rawsock_close(&e->socks[i].rs);
	}
	if (e->pump_ev)
		event_free(e->pump_ev);
	if (e->pump_tev)
		event_free(e->pump_tev);
	if (e->pump_tfd >= 0)
		close(e->pump_tfd);
	if (e->timer_ev)
		event_free(e->timer_ev);
	th_free(&e->timers);
	nh_free(&e->nh);
	sigtab_free(&e->sigs);
	free(e);
}

/* Initialise an owner. */
void engine_owner_init(struct eng_owner *o, const struct eng_owner_ops *ops, void *ctx,
		       const char *method)
{
	o->ops = ops;
	o->ctx = ctx;
	o->method = method;
	o->rate = NULL;
	dl_init(&o->probes);
}

/* Drop an owner's probes. */
void engine_owner_close(struct engine *e, struct eng_owner *o)
{
	while (!dl_empty(&o->probes))
		eng_probe_free(e, DL_ENTRY(o->probes.next, struct eng_probe, olink));
}

/* Fill the fields of the packet that carry the signature and run key. */
void eng_stamp_identity(const struct engine *e, const struct eng_probe *p,
			struct net_probe *np)
{
	uint32_t tcp = ((uint32_t)(e->key & 0xffff) << 16) | p->sig.key.b;
	/* Given a zero IPv4 ID, the kernel makes one up per packet (a keyed
	   hash and an atomic counter in __ip_select_ident): 12% of a sweep's
	   CPU time in a profile. Any non-zero value spares it; nothing matches
	   on the ID. */
	if (np->ip_id == 0)
		np->ip_id = (uint16_t)((p->sig.key.a ^ p->sig.key.b ^ e->key) | 1);
	switch (np->kind) {
	case NET_PROBE_ICMP_ECHO:
		np->icmp_id = p->sig.key.a;
		np->icmp_seq = p->sig.key.b;
		break;
	case NET_PROBE_UDP:
		np->sport = p->sig.key.a;
		np->want_cksum_set = true;
		np->want_cksum = p->sig.key.b;
		break;
	case NET_PROBE_TCP_SYN:
	case NET_PROBE_TCP_ACK:
		np->sport = p->sig.key.a;
		np->tcp_seq = tcp;
		np->tcp_ack = np->kind == NET_PROBE_TCP_ACK ? tcp : 0;
		break;
	}
}

/* Queue a probe. */
int engine_submit(struct engine *e, struct eng_owner *o, const struct eng_probe_req *req)
{
	struct eng_probe *p = calloc(1, sizeof *p);
	if (p == NULL)
		return -1;
	p->kind = (uint8_t)req->kind;
	p->payload_len = req->payload_len;
	p->cookie = req->cookie;
	p->timeout_ms = req->timeout_ms;
	p->linger_ms = req->linger_ms;
	p->sig.key.family = req->dst.family;
	p->sig.key.proto = (uint8_t)net_probe_proto(req->kind, req->dst.family);
	p->sig.key.a = req->sig_a;
	p->sig.key.b = req->sig_b;
	memcpy(p->sig.key.dst, req->dst.a, 16);
	if ((req->kind == NET_PROBE_UDP && req->sig_b == 0) ||
	    sigtab_add(&e->sigs, &p->sig) != 0) {
		free(p);
		return -1;
	}
	p->owner = o;
	th_timer_init(&p->timer);
	dl_init(&p->txlink);
	dl_push(&o->probes, &p->olink);
	if (o->rate)
		eng_rate_hold(e, p);
	else
		eng_enqueue(e, p);
	return 0;
}

/* See engine_int.h. */
void eng_enqueue(struct engine *e, struct eng_probe *p)
{
	dl_push(&e->sendq, &p->qlink);
	/* ready again: the budget counts from now, or from when the owner's
	   timer that queues it was due (not before the first send: the
	   start's savings, while targets are read, are no debt) */
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	uint64_t since = e->due_ns && e->due_ns < now ? e->due_ns : now;
	if (e->nqueued++ == 0 && e->stats.sent > 0)
		pacer_ready(&e->pacer, now, since);
	p->state = ENG_QUEUED;
	if (e->idle_since) { /* a probe is ready again */
		e->stats.idle_ns += since > e->idle_since ? since - e->idle_since : 0;
		e->idle_since = 0;
	}
	eng_schedule_pump(e, 0);
}

/* The run key. */
uint16_t engine_run_key(const struct engine *e)
{
	return (uint16_t)e->key;
}

/* The clock. */
const struct eng_clock *engine_clock(const struct engine *e)
{
	return &e->opts.clock;
}

/* Copy the counters. */
void engine_get_stats(const struct engine *e, struct engine_stats *out)
{
	*out = e->stats;
	out->late_lost = pacer_lost(&e->pacer);
}
