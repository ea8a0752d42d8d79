/*
 * scan_round: what the scanner sends, round by round, over its window of
 * slots (scan.h: --window targets are probed at once; memory is fixed by
 * the window, not by the scan). A target enters a free slot at the start
 * of a round, in a keyed random order over all targets, and is first sent
 * one probe at max_ttl to learn its distance (FlashRoute). From the round
 * after, each round walks a keyed permutation of (slot, direction) and
 * sends each target at most its next backward TTL and its next forward
 * TTL; between rounds it waits wait_ms so the replies that decide whether
 * a target goes on are in. A target is written out, and its slot freed,
 * at the start of the round after it finished, when every probe it sent
 * has had its time to be answered. With a window of every target this is
 * the same as one distance round followed by path rounds.
 */
#include <event2/event.h>
#include <netinet/in.h>
#include <string.h>

#include "scan/scan_int.h"

uint64_t scan_round_domain(const struct scan *s)
{
	return 2 * (uint64_t)s->nslots;
}

struct scan_tstate *scan_slot_of(struct scan *s, long i)
{
	if (i < 0)
		return NULL;
	int64_t k = scan_slotmap_get(&s->slots, (uint32_t)i);
	return k < 0 ? NULL : &s->ts[k];
}

/* Whether targets i and j lie in the same /16 (IPv6: /48). */
static bool same_area(const struct scan_targets *t, size_t i, size_t j)
{
	if (t->family == AF_INET)
		return (t->v4[i] >> 8) == (t->v4[j] >> 8);
	return memcmp(t->v6[i], t->v6[j], 6) == 0;
}

/* The destination distance of the nearest neighbour of t in its entry
   group and area whose destination answered; 0 when none did. */
static uint8_t neighbour_distance(struct scan *s, const struct scan_tstate *t)
{
	size_t i = t->target, first = i - i % SCAN_ENTRY_GROUP;
	for (size_t d = 1; d < SCAN_ENTRY_GROUP; d++) {
		size_t cand[2] = { i - d, i + d };
		for (int k = 0; k < 2; k++) {
			size_t j = cand[k];
			if (j < first || j >= first + SCAN_ENTRY_GROUP || j >= s->t.n ||
			    !same_area(&s->t, i, j))
				continue;
			const struct scan_tstate *n = scan_slot_of(s, (long)j);
			if (n && (n->flags & ST_DEST) && n->dist)
				return n->dist;
		}
	}
	return 0;
}

/* A target whose distance probe went out: its starting TTLs from what it
   learnt. A silent one takes its neighbour's distance when it has one:
   backward from the hop before it, forward from it until one is silent. */
static void init_directions(struct scan *s, struct scan_tstate *t)
{
	uint8_t max = s->o->max_ttl, guess = 0;
	t->phase = SP_PATH;
	if (t->dist == 0 && (guess = neighbour_distance(s, t)) >= 2 && guess <= max) {
		t->split = (uint8_t)(guess - 1);
		t->back = t->split;
		t->fwd = guess;
		t->flags |= ST_PREDICTED;
	} else if (t->dist) {
		t->split = (uint8_t)(t->dist - 1);
		t->back = t->split;
		t->fwd = 0;
	} else {
		t->split = s->o->split_ttl < max ? s->o->split_ttl : (uint8_t)(max - 1);
		t->back = t->split;
		t->fwd = (uint8_t)(t->split + 1);
		if (t->fwd > max)
			t->fwd = 0;
	}
}

/* Forward probing ends after gap_limit silent TTLs in a row. */
static void check_gap(struct scan *s, struct scan_tstate *t)
{
	uint8_t base = t->fwd_reply > t->split ? t->fwd_reply : t->split;
	uint8_t limit = t->flags & ST_PREDICTED ? 1 : s->o->gap_limit;
	if (t->fwd && t->fwd - 1 - base >= limit) {
		t->fwd = 0;
		t->flags |= ST_GAP;
	}
}

/* Write out target t if it is finished and free its slot; true when freed. */
static bool emit_if_done(struct scan *s, struct scan_tstate *t)
{
	if (t->flags & ST_REFUSED)
		t->back = t->fwd = 0; /* refused after its state was saved */
	if (t->phase != SP_PATH || t->back || t->fwd)
		return false;
	if (scan_out_target(s, t) != 0)
		s->status = 1;
	s->done_targets++;
	scan_slotmap_del(&s->slots, t->target);
	memset(t, 0, sizeof *t);
	return true;
}

/* Take the next target into the empty slot k; false when none is left.
   Targets enter a group of neighbours at a time, groups in a keyed order. */
static bool enter(struct scan *s, uint32_t k)
{
	uint64_t end = (s->t.n + SCAN_ENTRY_GROUP - 1) / SCAN_ENTRY_GROUP * SCAN_ENTRY_GROUP;
	while (s->entered < end) {
		uint64_t e = s->entered++;
		uint64_t i = scan_perm_at(&s->order, e / SCAN_ENTRY_GROUP) * SCAN_ENTRY_GROUP +
			     e % SCAN_ENTRY_GROUP;
		if (i >= s->t.n)
			continue; /* the last group is short */
		struct scan_tstate *t = &s->ts[k];
		memset(t, 0, sizeof *t);
		t->target = (uint32_t)i;
		t->phase = SP_DIST;
		scan_slotmap_put(&s->slots, t->target, k);
		return true;
	}
	return false;
}

/* Settle every slot at a round's start: directions, gaps, the finished out,
   new targets in. True when nothing is left to probe. */
static bool settle_slots(struct scan *s)
{
	bool any = false;
	for (uint32_t k = 0; k < s->nslots; k++) {
		struct scan_tstate *t = &s->ts[k];
		if (t->phase == SP_PATH)
			check_gap(s, t);
		else if (t->phase == SP_DIST_SENT)
			init_directions(s, t);
		if ((t->phase == SP_EMPTY || emit_if_done(s, t)) && !enter(s, k))
			continue;
		any = true;
	}
	return !any;
}

void scan_round_start(struct scan *s)
{
	if (settle_slots(s)) {
		s->finished = true;
		if (s->base)
			event_base_loopbreak(s->base);
		return;
	}
	scan_perm_init(&s->perm, scan_round_domain(s), s->o->seed, s->round);
	s->pos = 0;
	s->reserved = 0;
	s->waiting = false;
}

void scan_take_position(struct scan *s, uint64_t i, struct scan_fields *f)
{
	memset(f, 0, sizeof *f);
	uint64_t x = scan_perm_at(&s->perm, i);
	struct scan_tstate *t = &s->ts[x >> 1];
	uint8_t ttl = 0;
	if (t->phase == SP_DIST) {
		if ((x & 1) == 0) {
			ttl = s->o->max_ttl;
			t->phase = SP_DIST_SENT;
		}
	} else if (t->phase != SP_PATH) {
		return;
	} else if ((x & 1) == 0 && t->back) {
		ttl = t->back--;
	} else if ((x & 1) == 1 && t->fwd) {
		ttl = t->fwd++;
		if (t->fwd > s->o->max_ttl)
			t->fwd = 0;
	}
	if (ttl == 0)
		return;
	if (t->phase == SP_PATH) {
		if (t->lowest == 0 || ttl < t->lowest)
			t->lowest = ttl;
		if (ttl > t->highest)
			t->highest = ttl;
	}
	scan_targets_addr(&s->t, t->target, &f->dst);
	f->ttl = ttl;
}

/* Reserve the next stretch of positions in the checkpoint before sending them. */
static void reserve(struct scan *s)
{
	uint64_t chunk = s->o->pps ? (uint64_t)s->o->pps * s->o->checkpoint_ms / 1000 : 100000;
	s->reserved = s->pos + (chunk < 1 ? 1 : chunk);
	if (scan_ckpt_write(s) != 0)
		s->status = 1;
}

bool scan_next(void *ctx, uint64_t now, struct net_probe *np)
{
	struct scan *s = ctx;
	if (s->waiting || s->finished)
		return false;
	uint64_t dom = scan_round_domain(s);
	while (s->pos < dom) {
		if (s->o->resume && s->pos >= s->reserved)
			reserve(s);
		struct scan_fields f;
		scan_take_position(s, s->pos++, &f);
		if (f.ttl == 0)
			continue;
		f.ts = (uint16_t)((now - s->start_mono) / SCAN_TS_UNIT_NS);
		scan_stamp_encode(&s->stamp, &f, np, s->payload);
		np->src = s->src;
		return true;
	}
	s->waiting = true;
	engine_timer_arm(s->e, s->round_timer, (uint64_t)s->o->wait_ms * 1000000ULL);
	return false;
}

void scan_round_timer(void *arg)
{
	struct scan *s = arg;
	s->round++;
	scan_round_start(s);
	if (!s->finished)
		engine_stream_kick(s->e);
}
