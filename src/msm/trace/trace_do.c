/*
 * trace_do: the traceroute state machine. One probe in flight per trace:
 * `attempts` probes per TTL from first_ttl up; each probe is recorded in the
 * result as it is sent and filled when its reply comes; when a TTL is done
 * the stop rules (trace_stop.c) decide whether to go on. Many traces run at
 * once on one engine, under its pps budget.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "msm/msm_reply.h"
#include "msm/msm_task.h"
#include "msm/trace/trace.h"
#include "msm/trace/trace_stop.h"
#include "net/paris.h"

/*
 * One running trace. Its options live in its result (method, TTLs,
 * attempts, gap limit, size, ports, Paris id, wait), not in a copy of the
 * spec: with 10,000 traces in flight every byte here counts (96 bytes).
 */
struct trace_task {
	struct eng_owner own;
	struct engine *e;
	struct trace_result *res;  /* holds the options, dst, src and af too */
	msm_done_fn done;
	void *arg;
	uint64_t start_mono;
	uint16_t id;               /* the caller's id: echo id / source port */
	uint16_t cap, mpls_cap;
	uint8_t ttl, attempt;  /* probe being sent / in flight */
	uint8_t gap;           /* silent TTLs in a row */
	bool got_reply, got_dest, got_unreach, got_loop;
	uint8_t unreach_code;
	struct msm_ts_tally ts;
};

/* The probe kind of a method. */
static enum net_probe_kind kind_of(unsigned method)
{
	switch (method) {
	case TRACE_METHOD_UDP:
	case TRACE_METHOD_UDP_PARIS:
		return NET_PROBE_UDP;
	case TRACE_METHOD_TCP_ACK:
		return NET_PROBE_TCP_ACK;
	case TRACE_METHOD_TCP_SYN:
		return NET_PROBE_TCP_SYN;
	default:
		return NET_PROBE_ICMP_ECHO;
	}
}

/* The IP protocol of the spec's method. */
int trace_proto(const void *spec, int family)
{
	const struct trace_spec *s = spec;
	return net_probe_proto(kind_of(s->method), family);
}

/* Paris methods keep one flow. */
int trace_method_is_paris(unsigned method)
{
	return method != TRACE_METHOD_UDP && method != TRACE_METHOD_ICMP;
}

/* Bytes of IP and transport header of a probe. */
static unsigned header_bytes(unsigned method, int family)
{
	enum net_probe_kind k = kind_of(method);
	unsigned ip = family == AF_INET6 ? 40 : 20;
	return ip + (k == NET_PROBE_TCP_SYN ? 24 : k == NET_PROBE_TCP_ACK ? 20 : 8);
}

/*
 * Payload length that makes a probe `size` bytes: at least 6 for ICMP/UDP
 * (checksum word and run key); none for TCP, whose replies acknowledge
 * payload bytes and would no longer carry our sequence number + 1.
 */
static uint16_t payload_for(const struct trace_spec *s, int family)
{
	unsigned h = header_bytes(s->method, family);
	enum net_probe_kind k = kind_of(s->method);
	if (k == NET_PROBE_TCP_SYN || k == NET_PROBE_TCP_ACK)
		return 0;
	unsigned p = s->size > h ? s->size - h : 0;
	return (uint16_t)(p < 6 ? 6 : p);
}

/* Free the task. */
static void task_free(struct trace_task *tt)
{
	engine_owner_close(tt->e, &tt->own);
	trace_result_free(tt->res);
	free(tt);
}

/* Stop without a result. */
void trace_abort(void *task)
{
	task_free(task);
}

/* End the trace with a stop reason and hand the result over. */
static void finish(struct trace_task *tt, unsigned reason, unsigned data)
{
	struct trace_result *r = tt->res;
	r->stop_reason = (uint8_t)reason;
	r->stop_data = (uint8_t)data;
	clock_gettime(CLOCK_REALTIME, &r->end);
	r->ts_source = msm_ts_tally_source(&tt->ts);
	tt->res = NULL;
	msm_hand_over(trace_abort, tt, tt->done, tt->arg, r);
}

/*
 * Room for one more probe record; false when out of memory or full. The
 * first array has room for two TTLs: growing from one TTL's worth left
 * each trace's first small block free and scattered, which cost about
 * 80 bytes of resident memory per trace with 10,000 traces in flight.
 */
static bool grow_probes(struct trace_task *tt)
{
	struct trace_result *r = tt->res;
	if (r->n_probes < tt->cap)
		return true;
	struct trace_probe *v = msm_grow16(r->probes, &tt->cap, sizeof *v, r->attempts * 2u);
	if (v == NULL)
		return false;
	r->probes = v;
	return true;
}

/* An address of the result as a net_addr. */
static struct net_addr addr_of(const struct trace_result *r, const struct msm_addr *a)
{
	struct net_addr n;
	n.family = r->af;
	memcpy(n.a, a->b, 16);
	return n;
}

/* Engine: the packet of probe idx as it leaves. */
static void on_build(void *ctx, uint32_t idx, struct net_probe *p)
{
	const struct trace_task *tt = ctx;
	const struct trace_result *s = tt->res;
	p->src = addr_of(tt->res, &tt->res->src);
	p->ttl = idx < tt->res->n_probes ? tt->res->probes[idx].ttl : tt->ttl;
	p->dport = s->dport;
	p->tcp_mss = p->kind == NET_PROBE_TCP_SYN;
	if (s->method == TRACE_METHOD_UDP)
		p->dport = (uint16_t)(s->dport + idx);
	if (s->method == TRACE_METHOD_ICMP_PARIS) {
		p->want_cksum_set = true;
		p->want_cksum = (uint16_t)(0x5000 + s->paris_id);
	}
}

/* The engine request for probe number idx. */
static void make_req(const struct trace_task *tt, uint16_t idx, struct eng_probe_req *q)
{
	const struct trace_result *s = tt->res;
	memset(q, 0, sizeof *q);
	q->kind = kind_of(s->method);
	q->dst = addr_of(s, &s->dst);
	q->payload_len = (uint16_t)(s->size - header_bytes(s->method, s->af));
	q->sig_a = (uint16_t)(0x8000 | tt->id);
	q->sig_b = idx;
	if (q->kind == NET_PROBE_UDP)
		q->sig_b = net_paris_udp_cksum_for(idx);
	else if (q->kind == NET_PROBE_ICMP_ECHO)
		q->sig_a = tt->id;
	q->cookie = idx;
	q->timeout_ms = s->wait_ms;
	q->linger_ms = 0;
}

/*
 * Record and submit the probe for (ttl, attempt). Returns 0, or an errno
 * value when it could not be queued (nothing recorded).
 */
static int submit_probe(struct trace_task *tt)
{
	struct trace_result *r = tt->res;
	if (!grow_probes(tt))
		return ENOMEM;
	uint16_t idx = r->n_probes;
	struct trace_probe *p = &r->probes[r->n_probes++];
	memset(p, 0, sizeof *p);
	p->ttl = tt->ttl;
	p->attempt = tt->attempt;
	if (tt->ttl > r->probe_ttl_max)
		r->probe_ttl_max = tt->ttl;
	struct eng_probe_req q;
	make_req(tt, idx, &q);
	if (engine_submit(tt->e, &tt->own, &q) != 0) {
		r->n_probes--;
		return EEXIST;
	}
	return 0;
}

/* Send the next probe; finishes the trace with an error if it cannot. */
static void send_probe(struct trace_task *tt)
{
	int err = submit_probe(tt);
	if (err != 0)
		finish(tt, TRACE_STOP_ERROR, (unsigned)err);
}

/* Decide what follows a finished TTL: the next TTL, or the end. */
static void ttl_done(struct trace_task *tt)
{
	if (tt->got_dest) {
		finish(tt, TRACE_STOP_COMPLETED, 0);
		return;
	}
	if (tt->got_unreach) {
		finish(tt, TRACE_STOP_UNREACH, tt->unreach_code);
		return;
	}
	if (tt->got_loop) {
		finish(tt, TRACE_STOP_LOOP, 0);
		return;
	}
	tt->gap = tt->got_reply ? 0 : (uint8_t)(tt->gap + 1);
	if (tt->gap >= tt->res->gap_limit) {
		finish(tt, TRACE_STOP_GAPLIMIT, 0);
		return;
	}
	if (tt->ttl >= tt->res->max_ttl) {
		finish(tt, TRACE_STOP_HOPLIMIT, 0);
		return;
	}
	tt->ttl++;
	tt->attempt = 0;
	tt->got_reply = false;
	send_probe(tt);
}

/* The current probe is settled: send the next attempt or close the TTL. */
static void advance(struct trace_task *tt)
{
	if (++tt->attempt < tt->res->attempts)
		send_probe(tt);
	else
		ttl_done(tt);
}

/* Keep the reply's MPLS labels in the result; sets p->mpls_off/n. */
static void keep_mpls(struct trace_task *tt, struct trace_probe *p, const struct net_reply *r)
{
	struct trace_result *res = tt->res;
	unsigned n = r->ext.present ? r->ext.mpls_count : 0;
	if (n == 0 || res->n_mpls + n > UINT16_MAX)
		return;
	if (res->n_mpls + n > tt->mpls_cap) {
		unsigned cap = (res->n_mpls + n) * 2u;
		cap = cap > UINT16_MAX ? UINT16_MAX : cap;
		msm_mpls_t *v = realloc(res->mpls, cap * sizeof *v);
		if (v == NULL)
			return;
		res->mpls = v;
		tt->mpls_cap = (uint16_t)cap;
	}
	p->mpls_off = res->n_mpls;
	p->mpls_n = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		const struct net_mpls *m = &r->ext.mpls[i];
		res->mpls[res->n_mpls++] = msm_mpls_pack(m->label, m->tc, m->s, m->ttl);
	}
}

/* Fill probe record p from a reply. */
static void fill(struct trace_task *tt, struct trace_probe *p, const struct eng_reply *rep)
{
	const struct net_reply *r = rep->r;
	memcpy(p->from.b, r->src.a, 16);
	p->rtt_ns = rep->rtt_ns;
	p->reply_size = msm_reply_size(r);
	p->reply_ttl = msm_reply_ttl(r);
	p->quoted_ttl = r->has_quote ? r->q.ttl : 0;
	p->flags = (uint8_t)(p->flags | rep->flags | MSM_REPLY_GOT |
			     msm_reply_kind(r, &p->icmp_type, &p->icmp_code));
	keep_mpls(tt, p, r);
	msm_ts_tally_add(&tt->ts, rep->flags);
}

/* Engine: a reply to probe idx. */
static void on_reply(void *ctx, uint32_t idx, const struct eng_reply *rep)
{
	struct trace_task *tt = ctx;
	struct trace_result *res = tt->res;
	struct net_addr dst = addr_of(res, &res->dst);
	enum trace_verdict v = trace_classify(res->method, &dst, rep->r);
	if (idx >= res->n_probes || v == TRACE_V_IGNORE)
		return;
	struct trace_probe *p = &res->probes[idx];
	bool current = idx + 1u == res->n_probes && !(rep->flags & MSM_REPLY_LATE);
	if (p->flags & MSM_REPLY_GOT)
		return;
	fill(tt, p, rep);
	if (!current)
		return;
	struct msm_addr from = p->from;
	if (p->ttl > res->hop_count)
		res->hop_count = p->ttl;
	tt->got_reply = true;
	if (v == TRACE_V_DEST)
		tt->got_dest = true;
	else if (v == TRACE_V_UNREACH) {
		tt->got_unreach = true;
		tt->unreach_code = rep->r->icmp_code;
	} else if (trace_is_loop(res, &from, p->ttl))
		tt->got_loop = true;
	advance(tt);
}

/* Engine: probe idx timed out. */
static void on_timeout(void *ctx, uint32_t idx)
{
	struct trace_task *tt = ctx;
	if (idx + 1u == tt->res->n_probes)
		advance(tt);
}

/* Engine: probe idx left, was refused or failed. */
static void on_sent(void *ctx, uint32_t idx, int err, bool refused, uint64_t mono)
{
	struct trace_task *tt = ctx;
	struct trace_result *r = tt->res;
	if (refused) {
		r->refused++;
		finish(tt, TRACE_STOP_REFUSED, 0);
		return;
	}
	if (err != 0) {
		finish(tt, TRACE_STOP_ERROR, (unsigned)err);
		return;
	}
	if (r->probes_sent++ == 0) {
		tt->start_mono = mono;
		clock_gettime(CLOCK_REALTIME, &r->start);
	}
	if (idx < r->n_probes)
		r->probes[idx].tx_offset_us = (uint32_t)((mono - tt->start_mono) / 1000);
}

static const struct eng_owner_ops trace_owner_ops = { on_build, on_sent, on_reply, on_timeout };

static const struct msm_result_layout trace_layout = MSM_RESULT_LAYOUT(struct trace_result);

/* A new result for this task's target and spec. */
static struct trace_result *new_result(const struct trace_spec *s, const struct msm_target *t)
{
	struct trace_result *r = msm_result_new(&trace_layout, t);
	if (r == NULL)
		return NULL;
	r->method = s->method;
	r->first_ttl = s->first_ttl;
	r->max_ttl = s->max_ttl;
	r->attempts = s->attempts;
	r->gap_limit = s->gap_limit;
	r->size = (uint16_t)(header_bytes(s->method, t->dst.family) + payload_for(s, t->dst.family));
	r->sport = kind_of(s->method) == NET_PROBE_ICMP_ECHO ? t->id : (uint16_t)(0x8000 | t->id);
	r->dport = kind_of(s->method) == NET_PROBE_ICMP_ECHO ? 0 : s->dport;
	r->paris_id = trace_method_is_paris(s->method) ? s->paris_id : 0;
	r->wait_ms = s->wait_ms;
	return r;
}

/* Start a trace. */
void *trace_start(struct engine *e, const void *spec, const struct msm_target *t,
		  msm_done_fn done, void *arg, char *err, size_t errlen)
{
	const struct trace_spec *s = spec;
	if (s->attempts == 0 || s->first_ttl == 0 || s->first_ttl > s->max_ttl ||
	    s->gap_limit == 0 || s->method > TRACE_METHOD_TCP_SYN) {
		snprintf(err, errlen, "bad trace options");
		return NULL;
	}
	struct trace_task *tt = calloc(1, sizeof *tt);
	if (tt == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tt->e = e;
	tt->id = t->id;
	tt->done = done;
	tt->arg = arg;
	tt->ttl = s->first_ttl;
	msm_ts_tally_init(&tt->ts);
	engine_owner_init(&tt->own, &trace_owner_ops, tt, trace_method_name(s->method));
	tt->own.rate = t->rate;
	tt->res = new_result(s, t);
	int rc = tt->res ? submit_probe(tt) : ENOMEM;
	if (rc != 0) {
		snprintf(err, errlen, "%s", rc == ENOMEM ? "out of memory"
			 : "a measurement with the same id to this target is running");
		task_free(tt);
		return NULL;
	}
	return tt;
}
