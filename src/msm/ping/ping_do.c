/*
 * ping_do: the ping state machine. Probe k leaves k intervals after the
 * first (paced by the engine's budget too); each reply is recorded in
 * arrival order; the ping finishes when every probe is answered or timed
 * out, and its result goes to the done callback.
 *
 * A reply after its probe's timeout is late: recorded and marked late, never
 * lost. After the last probe's timeout a ping that still misses replies keeps
 * listening for PING_GRACE_MS (as RIPE Atlas and scamper keep a probe's
 * reply welcome after its timer), and ends as soon as every probe it sent
 * has its reply. A reply after that reaches no task (the engine counts it
 * unmatched): the result has left.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "msm/msm_reply.h"
#include "msm/msm_task.h"
#include "msm/ping/ping.h"
#include "net/paris.h"

/* How long a probe stays matchable after its timeout or first reply: in
   practice until the ping finishes and closes its probes. */
#define PING_LINGER_MS 3600000u

/* How long a ping listens for late replies after its last timeout. */
#define PING_GRACE_MS 1000u

struct ping_task {
	struct eng_owner own;
	struct engine *e;
	struct ping_spec spec;
	struct msm_target t;
	struct ping_result *res;
	struct eng_timer *tick;
	struct eng_timer *grace;  /* the listening after the last timeout */
	bool in_grace;
	msm_done_fn done;
	void *arg;
	uint16_t next;        /* next seq to send */
	uint16_t resolved;    /* probes answered, timed out or not sent */
	uint16_t cap;         /* room in res->replies */
	uint64_t start_mono;
	uint64_t sum_ns;
	struct msm_ts_tally ts;
};

/* The IP protocol of the spec's method. */
int ping_proto(const void *spec, int family)
{
	const struct ping_spec *s = spec;
	if (s->method == PING_METHOD_UDP)
		return IPPROTO_UDP;
	if (s->method == PING_METHOD_TCP_SYN || s->method == PING_METHOD_TCP_ACK)
		return IPPROTO_TCP;
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Free the task (after it is closed on the engine). */
static void task_free(struct ping_task *pt)
{
	engine_owner_close(pt->e, &pt->own);
	engine_timer_free(pt->e, pt->tick);
	engine_timer_free(pt->e, pt->grace);
	ping_result_free(pt->res);
	free(pt);
}

/* Stop without a result. */
void ping_abort(void *task)
{
	task_free(task);
}

/* Fill the summary fields and hand the result over; frees the task. */
static void finish(struct ping_task *pt)
{
	struct ping_result *r = pt->res;
	clock_gettime(CLOCK_REALTIME, &r->end);
	if (r->rcvd)
		r->avg_ns = pt->sum_ns / r->rcvd;
	r->ts_source = msm_ts_tally_source(&pt->ts);
	if (r->rcvd == 0)
		r->ts_source = MSM_TS_KERNEL;
	pt->res = NULL;
	msm_hand_over(ping_abort, pt, pt->done, pt->arg, r);
}

/* The grace period is over: finish with what came. */
static void grace_over(void *arg)
{
	finish(arg);
}

/*
 * Every probe is settled: finish now if each one sent has its reply (or the
 * grace timer cannot be had), else listen PING_GRACE_MS more for late
 * replies. Returns true if finished.
 */
static bool wrap_up(struct ping_task *pt)
{
	if (pt->res->rcvd >= pt->res->sent ||
	    (pt->grace = engine_timer_new(pt->e, grace_over, pt)) == NULL) {
		finish(pt);
		return true;
	}
	pt->in_grace = true;
	engine_timer_arm(pt->e, pt->grace, (uint64_t)PING_GRACE_MS * 1000000ULL);
	return false;
}

/* Count a probe as settled; wrap up when all are. Returns true if finished. */
static bool settle(struct ping_task *pt)
{
	pt->resolved++;
	if (pt->resolved >= pt->spec.count && pt->next >= pt->spec.count)
		return wrap_up(pt);
	return false;
}

/* True if r answers a ping of this method (not a router's error). */
static bool is_answer(const struct ping_task *pt, const struct net_reply *r)
{
	switch (pt->spec.method) {
	case PING_METHOD_ICMP_ECHO:
		return r->kind == NET_REPLY_ECHO_REPLY;
	case PING_METHOD_UDP:
		return r->kind == NET_REPLY_UNREACH && r->unreach == NET_UNREACH_PORT;
	default:
		return r->kind == NET_REPLY_TCP_RST || r->kind == NET_REPLY_TCP_SYNACK;
	}
}

/* Append a reply; false when out of memory. */
static bool add_reply(struct ping_task *pt, uint32_t seq, const struct eng_reply *rep)
{
	struct ping_result *res = pt->res;
	if (res->n_replies == pt->cap) {
		struct ping_reply *v = msm_grow16(res->replies, &pt->cap, sizeof *v, 4);
		if (v == NULL)
			return false;
		res->replies = v;
	}
	const struct net_reply *r = rep->r;
	struct ping_reply *x = &res->replies[res->n_replies++];
	memset(x, 0, sizeof *x);
	memcpy(x->from.b, r->src.a, 16);
	x->rtt_ns = rep->rtt_ns;
	x->tx_offset_us = (uint32_t)((rep->tx_mono_ns - pt->start_mono) / 1000);
	x->seq = (uint16_t)seq;
	x->reply_size = msm_reply_size(r);
	x->reply_ttl = msm_reply_ttl(r);
	x->flags = rep->flags | MSM_REPLY_GOT | msm_reply_kind(r, &x->icmp_type, &x->icmp_code);
	return true;
}

/* Engine: a reply to probe seq. */
static void on_reply(void *ctx, uint32_t seq, const struct eng_reply *rep)
{
	struct ping_task *pt = ctx;
	struct ping_result *res = pt->res;
	if (!is_answer(pt, rep->r) || !add_reply(pt, seq, rep))
		return;
	if (rep->flags & MSM_REPLY_DUP) {
		res->dup++;
		return;
	}
	res->rcvd++;
	pt->sum_ns += rep->rtt_ns;
	if (res->rcvd == 1 || rep->rtt_ns < res->min_ns)
		res->min_ns = rep->rtt_ns;
	if (rep->rtt_ns > res->max_ns)
		res->max_ns = rep->rtt_ns;
	msm_ts_tally_add(&pt->ts, rep->flags);
	if (!(rep->flags & MSM_REPLY_LATE))
		settle(pt);
	else if (pt->in_grace && res->rcvd >= res->sent)
		finish(pt);  /* the last missing reply came in the grace period */
}

/* Engine: probe seq timed out. */
static void on_timeout(void *ctx, uint32_t seq)
{
	(void)seq;
	settle(ctx);
}

static void send_next(void *arg);

/* Engine: probe seq left (or not). */
static void on_sent(void *ctx, uint32_t seq, int err, bool refused, uint64_t mono)
{
	struct ping_task *pt = ctx;
	(void)seq;
	(void)err;
	if (pt->res->sent == 0 && pt->res->refused == 0 && !refused && err == 0) {
		pt->start_mono = mono;
		clock_gettime(CLOCK_REALTIME, &pt->res->start);
	}
	if (refused)
		pt->res->refused++;
	else if (err == 0)
		pt->res->sent++;
	if (refused || err != 0) {
		if (settle(pt))
			return;
	}
	if (pt->next < pt->spec.count && pt->tick)
		engine_timer_arm(pt->e, pt->tick, (uint64_t)pt->spec.interval_ms * 1000000ULL);
}

/* Engine: the packet of a probe about to leave (every probe alike). */
static void on_build(void *ctx, uint32_t seq, struct net_probe *p)
{
	const struct ping_task *pt = ctx;
	(void)seq;
	p->src = pt->t.src;
	p->ttl = pt->spec.ttl;
	p->dport = pt->spec.dport;
	p->tcp_mss = p->kind == NET_PROBE_TCP_SYN;
}

static const struct eng_owner_ops ping_owner_ops = { on_build, on_sent, on_reply, on_timeout };

/* The engine request for probe seq. */
static void make_req(const struct ping_task *pt, uint16_t seq, struct eng_probe_req *q)
{
	static const enum net_probe_kind kinds[] = { NET_PROBE_ICMP_ECHO, NET_PROBE_UDP,
						     NET_PROBE_TCP_SYN, NET_PROBE_TCP_ACK };
	memset(q, 0, sizeof *q);
	q->kind = kinds[pt->spec.method];
	q->dst = pt->t.dst;
	q->payload_len = q->kind == NET_PROBE_ICMP_ECHO || q->kind == NET_PROBE_UDP
			 ? (pt->spec.size < 6 ? 6 : pt->spec.size) : 0;
	q->sig_a = q->kind == NET_PROBE_ICMP_ECHO ? pt->t.id : (uint16_t)(0x8000 | pt->t.id);
	q->sig_b = q->kind == NET_PROBE_UDP ? net_paris_udp_cksum_for(seq) : seq;
	q->cookie = seq;
	q->timeout_ms = pt->spec.timeout_ms;
	/* keep matching until the ping ends (its end drops the probes), so a
	   reply after its timeout is recorded as late, not lost */
	q->linger_ms = PING_LINGER_MS;
}

/* Submit the next probe. */
static void send_next(void *arg)
{
	struct ping_task *pt = arg;
	struct eng_probe_req q;
	uint16_t seq = pt->next++;
	make_req(pt, seq, &q);
	if (engine_submit(pt->e, &pt->own, &q) != 0)
		on_sent(pt, seq, EEXIST, false, 0);
}

static const struct msm_result_layout ping_layout = MSM_RESULT_LAYOUT(struct ping_result);

/* A new result for this task's target and spec. */
static struct ping_result *new_result(const struct ping_spec *s, const struct msm_target *t)
{
	struct ping_result *r = msm_result_new(&ping_layout, t);
	if (r == NULL)
		return NULL;
	r->method = s->method;
	r->ttl = s->ttl;
	r->size = s->size;
	r->sport = s->method == PING_METHOD_ICMP_ECHO ? t->id : (uint16_t)(0x8000 | t->id);
	r->dport = s->dport;
	r->count = s->count;
	r->interval_ms = s->interval_ms;
	r->timeout_ms = s->timeout_ms;
	return r;
}

/* Start a ping. */
void *ping_start(struct engine *e, const void *spec, const struct msm_target *t,
		 msm_done_fn done, void *arg, char *err, size_t errlen)
{
	const struct ping_spec *s = spec;
	struct ping_task *pt = calloc(1, sizeof *pt);
	if (pt == NULL || s->count == 0 || s->method > PING_METHOD_TCP_ACK) {
		snprintf(err, errlen, pt ? "bad ping options" : "out of memory");
		free(pt);
		return NULL;
	}
	pt->e = e;
	pt->spec = *s;
	pt->t = *t;
	pt->t.name = NULL;
	pt->done = done;
	pt->arg = arg;
	msm_ts_tally_init(&pt->ts);
	engine_owner_init(&pt->own, &ping_owner_ops, pt, ping_method_name(s->method));
	pt->own.rate = t->rate;
	pt->res = new_result(s, t);
	if (s->count > 1)
		pt->tick = engine_timer_new(e, send_next, pt);
	if (pt->res == NULL || (s->count > 1 && pt->tick == NULL)) {
		snprintf(err, errlen, "out of memory");
		task_free(pt);
		return NULL;
	}
	struct eng_probe_req q;
	make_req(pt, pt->next++, &q);
	if (engine_submit(e, &pt->own, &q) != 0) {
		snprintf(err, errlen, "a measurement with the same id to this target is running");
		task_free(pt);
		return NULL;
	}
	return pt;
}
