/*
 * engine_rate: rate classes (engine.h). A class is a pacer of its own and a
 * queue of held probes in front of the engine's send queue: a probe of an
 * owner in a class waits here until the class's budget has a token for it,
 * then joins the engine's queue, where the engine's own budget (the site's
 * ceiling) paces it as any other. So the class's probes leave at the smaller
 * of the two rates, and the engine's hot path (pump, turns) is unchanged.
 * At most a turn's worth of the class's probes is in the engine's queue at
 * once: a late pump does not let the class's probes pile up there and then
 * leave together (measured before: 46 probes in one second at 30/s, load 47
 * beside a CPU hog); the tokens wait in the class's bucket instead.
 */
#include <stdlib.h>

#include "engine/engine_int.h"

struct eng_rate {
	struct eng_rate *next;   /* the engine's list */
	struct engine *e;
	uint32_t pps;
	struct pacer pacer;
	struct dlink held;       /* probes waiting for a token, oldest first */
	size_t nheld;
	uint32_t queued;         /* let go, still in the engine's queue */
	bool released_any;       /* the class has let a probe go */
	struct eng_timer *timer; /* the next release */
	bool armed;
};

/* Let go as many held probes as the class's budget allows; come back for
   the rest when the next turn's tokens are there. */
static void release(struct eng_rate *r)
{
	struct engine *e = r->e;
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	uint32_t room = r->queued < r->pacer.turn_max ? r->pacer.turn_max - r->queued : 0;
	uint32_t want = r->nheld < room ? (uint32_t)r->nheld : room;
	uint32_t n = pacer_take(&r->pacer, now, want);
	for (; n > 0 && !dl_empty(&r->held); n--) {
		struct eng_probe *p = DL_ENTRY(r->held.next, struct eng_probe, qlink);
		dl_del(&p->qlink);
		r->nheld--;
		r->queued++;
		r->released_any = true;
		eng_enqueue(e, p);
	}
	if (r->nheld == 0 || r->queued >= r->pacer.turn_max)
		return; /* eng_rate_left comes back when one leaves the queue */
	uint64_t wait = pacer_wait_ns(&r->pacer, now, want);
	engine_timer_arm(e, r->timer, wait ? wait : 100000); /* never spin */
	r->armed = true;
}

/* The class's timer: the next turn's tokens are there. */
static void release_cb(void *arg)
{
	struct eng_rate *r = arg;
	r->armed = false;
	release(r);
}

/* See engine.h. */
bool engine_rate_needed(const struct engine *e, uint32_t pps)
{
	return pps > 0 && (e->opts.pps == 0 || pps < e->opts.pps);
}

/* See engine.h. */
struct eng_rate *engine_rate_get(struct engine *e, uint32_t pps)
{
	if (pps == 0)
		return NULL;
	for (struct eng_rate *r = e->rates; r; r = r->next)
		if (r->pps == pps)
			return r;
	struct eng_rate *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->timer = engine_timer_new(e, release_cb, r);
	if (!r->timer) {
		free(r);
		return NULL;
	}
	r->e = e;
	r->pps = pps;
	pacer_init(&r->pacer, pps, eng_clock_mono_ns(&e->opts.clock));
	dl_init(&r->held);
	r->next = e->rates;
	e->rates = r;
	return r;
}

/* See engine_int.h. */
void eng_rate_hold(struct engine *e, struct eng_probe *p)
{
	struct eng_rate *r = p->owner->rate;
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	dl_push(&r->held, &p->qlink);
	p->state = ENG_HELD;
	/* ready after a quiet time: the savings of the quiet time are no
	   budget for a burst (as the engine's own queue, engine.c) */
	if (r->nheld++ == 0 && r->released_any)
		pacer_ready(&r->pacer, now, e->due_ns && e->due_ns < now ? e->due_ns : now);
	if (!r->armed)
		release(r);
}

/* See engine_int.h. */
void eng_rate_left(struct engine *e, struct eng_rate *r)
{
	if (r->queued > 0)
		r->queued--;
	/* not from here: the pump is sending; the class's timer runs next */
	if (!r->armed && r->nheld) {
		engine_timer_arm(e, r->timer, 0);
		r->armed = true;
	}
}

/* See engine_int.h. */
bool eng_rates_holding(const struct engine *e)
{
	for (const struct eng_rate *r = e->rates; r; r = r->next)
		if (r->nheld)
			return true;
	return false;
}

/* See engine_int.h. */
void eng_rate_forget(struct eng_probe *p)
{
	p->owner->rate->nheld--;
}

/* See engine_int.h. */
void eng_rates_free(struct engine *e)
{
	while (e->rates) {
		struct eng_rate *r = e->rates;
		e->rates = r->next;
		while (!dl_empty(&r->held))
			eng_probe_free(e, DL_ENTRY(r->held.next, struct eng_probe, qlink));
		engine_timer_free(e, r->timer);
		free(r);
	}
}
