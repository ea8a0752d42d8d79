/*
 * scan_round: what the scanner sends, round by round. Round 0 sends every
 * target one probe at max_ttl to learn its distance. Each later round walks
 * a keyed permutation of (target, direction) and sends each target at most
 * its next backward TTL and its next forward TTL; between rounds it waits
 * wait_ms so the replies that decide whether a target goes on are in.
 * A target is written out at the start of the round after it finished, when
 * every probe it sent has had its time to be answered.
 */
#include <event2/event.h>
#include <string.h>

#include "scan/scan_int.h"

uint64_t scan_round_domain(const struct scan *s, uint32_t round)
{
	return round == 0 ? s->t.n : 2 * (uint64_t)s->t.n;
}

/* Round 1: each target's starting TTLs from what round 0 learnt. */
static void init_directions(struct scan *s)
{
	uint8_t max = s->o->max_ttl;
	for (size_t i = 0; i < s->t.n; i++) {
		struct scan_tstate *t = &s->ts[i];
		if (t->dist) {
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
}

/* Forward probing ends after gap_limit silent TTLs in a row. */
static void check_gaps(struct scan *s)
{
	for (size_t i = 0; i < s->t.n; i++) {
		struct scan_tstate *t = &s->ts[i];
		uint8_t base = t->fwd_reply > t->split ? t->fwd_reply : t->split;
		if (t->fwd && t->fwd - 1 - base >= s->o->gap_limit) {
			t->fwd = 0;
			t->flags |= ST_GAP;
		}
	}
}

/* Write out every finished target; true when all are. */
static bool emit_finished(struct scan *s)
{
	bool all = true;
	for (size_t i = 0; i < s->t.n; i++) {
		struct scan_tstate *t = &s->ts[i];
		if (t->flags & ST_EMITTED)
			continue;
		if (t->flags & ST_REFUSED)
			t->back = t->fwd = 0; /* refused after its state was saved */
		if (t->back || t->fwd) {
			all = false;
			continue;
		}
		if (scan_out_target(s, i) != 0)
			s->status = 1;
		t->flags |= ST_EMITTED;
		s->done_targets++;
	}
	return all;
}

/* Start round s->round: settle the last one's outcomes, then walk anew. */
void scan_round_start(struct scan *s)
{
	if (s->round == 1)
		init_directions(s);
	if (s->round >= 2)
		check_gaps(s);
	if (s->round >= 1 && emit_finished(s)) {
		s->finished = true;
		if (s->base)
			event_base_loopbreak(s->base);
		return;
	}
	scan_perm_init(&s->perm, scan_round_domain(s, s->round), s->o->seed, s->round);
	s->pos = 0;
	s->reserved = 0;
	s->waiting = false;
}

void scan_take_position(struct scan *s, uint64_t i, struct scan_fields *f)
{
	memset(f, 0, sizeof *f);
	uint64_t x = scan_perm_at(&s->perm, i);
	size_t ti = s->round == 0 ? (size_t)x : (size_t)(x >> 1);
	struct scan_tstate *t = &s->ts[ti];
	uint8_t ttl = 0;
	if (s->round == 0) {
		ttl = s->o->max_ttl;
	} else if ((x & 1) == 0 && t->back) {
		ttl = t->back--;
	} else if ((x & 1) == 1 && t->fwd) {
		ttl = t->fwd++;
		if (t->fwd > s->o->max_ttl)
			t->fwd = 0;
	}
	if (ttl == 0)
		return;
	if (s->round > 0) {
		if (t->lowest == 0 || ttl < t->lowest)
			t->lowest = ttl;
		if (ttl > t->highest)
			t->highest = ttl;
	}
	scan_targets_addr(&s->t, ti, &f->dst);
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
	uint64_t dom = scan_round_domain(s, s->round);
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
