/*
 * scan_reply: a reply, decoded from its own bytes (stamp.h), becomes a hop
 * of its target and may end a direction: backward probing stops at an
 * interface already in the stop set, forward probing at the destination or
 * an unreachable. A reply to the distance probe (sent at max_ttl) sets the
 * target's distance: from the quoted TTL of an ICMP error, else from the
 * TTL the destination's reply arrived with.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_int.h"

/* Hops a reply with this TTL has come (initial TTL 64, 128 or 255). */
static uint8_t hops_back(int reply_ttl)
{
	int init = reply_ttl <= 64 ? 64 : reply_ttl <= 128 ? 128 : 255;
	return (uint8_t)(reply_ttl > 0 ? init - reply_ttl + 1 : 0);
}

/* Which hop the reply to the distance probe names (0 = cannot tell). */
static uint8_t overshoot_hop(const struct scan *s, const struct scan_match *m,
			     const struct net_reply *r)
{
	int d = 0;
	if (r->has_quote && m->quoted_ttl > 0)
		d = (int)m->f.ttl - m->quoted_ttl + 1;
	else if (m->from_target)
		d = hops_back(r->ttl);
	return d >= 1 && d <= s->o->max_ttl ? (uint8_t)d : 0;
}

/* The RTT of a probe sent at ts (64 us units since the start), now rx. */
static uint32_t rtt_us(const struct scan *s, uint16_t ts, uint64_t rx_mono)
{
	uint64_t el = rx_mono - s->start_mono, units = el / SCAN_TS_UNIT_NS;
	uint64_t tx_units = units - ((units - ts) & 0xffff);
	uint64_t tx = tx_units * SCAN_TS_UNIT_NS + SCAN_TS_UNIT_NS / 2;
	return el > tx ? (uint32_t)((el - tx) / 1000) : 0;
}

/* Keep the reply as the hop at ttl, unless that TTL has one. */
static void keep_hop(struct scan_tstate *t, uint8_t ttl, const struct net_reply *r,
		     const struct scan_match *m, uint32_t rtt, bool kernel)
{
	for (unsigned i = 0; i < t->nhops; i++)
		if (t->hops[i].ttl == ttl)
			return;
	if (t->nhops == t->cap) {
		unsigned cap = t->cap ? t->cap * 2u : 4u;
		if (cap > 255)
			return;
		void *v = realloc(t->hops, cap * sizeof *t->hops);
		if (v == NULL)
			return;
		t->hops = v;
		t->cap = (uint8_t)cap;
	}
	struct scan_hop *h = &t->hops[t->nhops++];
	memset(h, 0, sizeof *h);
	memcpy(h->addr, r->src.a, 16);
	h->rtt_us = rtt;
	h->size = (uint16_t)(r->size > 0xffff ? 0xffff : r->size);
	h->ttl = ttl;
	h->reply_ttl = (uint8_t)(r->ttl > 0 ? r->ttl : 0);
	h->quoted_ttl = m->quoted_ttl;
	bool tcp = r->proto == IPPROTO_TCP;
	h->icmp_type = tcp ? r->tcp_flags : r->icmp_type;
	h->icmp_code = tcp ? 0 : r->icmp_code;
	h->flags = (uint8_t)(MSM_REPLY_GOT | (kernel ? MSM_REPLY_RX_KERNEL : 0) |
			     (tcp ? MSM_REPLY_TCP : 0));
	unsigned n = r->ext.present ? r->ext.mpls_count : 0;
	for (unsigned k = 0; k < n && k < SCAN_HOP_MPLS; k++) {
		const struct net_mpls *l = &r->ext.mpls[k];
		h->mpls[h->mpls_n++] = msm_mpls_pack(l->label, l->tc, l->s, l->ttl);
	}
}

/* Round 0's reply: the distance, or at least a far hop. */
static void distance_reply(struct scan *s, struct scan_tstate *t, uint8_t hop,
			   const struct net_reply *r, const struct scan_match *m)
{
	if (hop == 0)
		return;
	if (m->from_target) {
		t->dist = hop;
		t->flags |= ST_DEST;
	} else if (r->kind == NET_REPLY_UNREACH) {
		t->dist = hop; /* nothing lies beyond it */
		t->flags |= ST_UNREACH;
	}
	if (!m->from_target)
		(void)scan_stopset_add(&s->stop, r->src.a);
}

/* A reply in rounds 1..: stop set and the end of a direction. */
static void path_reply(struct scan *s, struct scan_tstate *t, uint8_t ttl,
		       const struct net_reply *r, const struct scan_match *m)
{
	bool unreach = r->kind == NET_REPLY_UNREACH && !m->from_target;
	if (ttl <= t->split) {
		if (m->from_target || unreach)
			return;
		if (scan_stopset_add(&s->stop, r->src.a) != 0) {
			t->known_run = 0;
		} else if (++t->known_run >= s->o->stop_run && t->back) {
			t->back = 0; /* the rest of the way is known */
			t->flags |= ST_STOPSET;
		}
		return;
	}
	if (!m->from_target)
		(void)scan_stopset_add(&s->stop, r->src.a);
	if (m->from_target || unreach) {
		t->fwd = 0;
		t->flags |= m->from_target ? ST_DEST : ST_UNREACH;
		if (m->from_target && (t->dist == 0 || ttl < t->dist))
			t->dist = ttl;
	} else if (ttl > t->fwd_reply) {
		t->fwd_reply = ttl;
	}
}

void scan_reply(void *ctx, const struct net_reply *r, const uint8_t *buf, size_t len,
		uint64_t rx_mono, bool kernel)
{
	struct scan *s = ctx;
	struct scan_match m;
	s->replies++;
	if (!scan_stamp_decode(&s->stamp, r, buf, len, &m))
		return;
	long i = scan_targets_find(&s->t, &m.f.dst);
	if (m.f.ttl > s->o->max_ttl)
		return;
	struct scan_tstate *t = scan_slot_of(s, i);
	if (t == NULL || t->phase == SP_DIST)
		return; /* too late: it is written (or another scan's) */
	s->matched++;
	bool overshoot = m.f.ttl == s->o->max_ttl && (m.from_target || r->has_quote);
	uint8_t hop = overshoot ? overshoot_hop(s, &m, r) : m.f.ttl;
	if (hop == 0)
		return;
	keep_hop(t, hop, r, &m, rtt_us(s, m.f.ts, rx_mono), kernel);
	if (t->phase == SP_DIST_SENT)
		distance_reply(s, t, hop, r, &m);
	else
		path_reply(s, t, hop, r, &m);
}
