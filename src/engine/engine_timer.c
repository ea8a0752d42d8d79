/*
 * engine_timer: probe timeouts on the monotonic clock (one heap, one libevent
 * timer aimed at its earliest deadline), freeing probes, and small one-shot
 * timers for owners.
 */
#include <event2/event.h>
#include <stdlib.h>

#include "engine/engine_int.h"

/*
 * Timeouts fire up to this late, so that the deadlines of a millisecond
 * (probes sent in one turn, timing out together) share one wake-up.
 */
#define TIMEOUT_SLACK_NS 1000000ULL
/* While a paced engine has probes waiting, its pump turns come at least
   this often (100 probes/s, four probes a turn: pacer.c) and expire what
   is due: a timeout waits for the next turn instead of waking the engine
   on its own. */
#define TIMEOUT_TURN_SLACK_NS 40000000ULL

/* How late a timeout may fire: until the next turn while turns come. */
static uint64_t slack(const struct engine *e)
{
	uint64_t gap = e->opts.pps ? 1000000000ULL * e->pacer.turn_max / e->opts.pps : 0;
	if (e->nqueued == 0 || gap <= TIMEOUT_SLACK_NS || gap > TIMEOUT_TURN_SLACK_NS)
		return TIMEOUT_SLACK_NS;
	return gap + TIMEOUT_SLACK_NS;
}

/* Aim the engine's timer event at the heap's earliest deadline (+ slack). */
static void aim(struct engine *e)
{
	struct th_timer *t = th_peek(&e->timers);
	if (t == NULL) {
		event_del(e->timer_ev);
		return;
	}
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	uint64_t when = t->when_ns + slack(e);
	uint64_t d = when > now ? when - now : 0;
	struct timeval tv = { (time_t)(d / 1000000000ULL),
			      (suseconds_t)((d % 1000000000ULL + 999) / 1000) };
	if (tv.tv_usec >= 1000000) {
		tv.tv_sec++;
		tv.tv_usec -= 1000000;
	}
	event_base_update_cache_time(e->base); /* from now, as the pump's */
	event_add(e->timer_ev, &tv);
}

/* Arm p's timer. */
void eng_arm(struct engine *e, struct eng_probe *p, uint64_t when_ns)
{
	struct th_timer *first = th_peek(&e->timers);
	if (th_arm(&e->timers, &p->timer, when_ns) != 0)
		return;
	if (first == NULL || when_ns < first->when_ns || first == &p->timer)
		aim(e);
}

/* Unlink a probe from all structures and free it. */
void eng_probe_free(struct engine *e, struct eng_probe *p)
{
	sigtab_del(&e->sigs, &p->sig);
	th_cancel(&e->timers, &p->timer);
	dl_del(&p->olink);
	if (p->state == ENG_INFLIGHT)
		eng_txt_forget(e, p);
	if (p->state == ENG_STAGED)
		eng_turn_forget(e, p);
	if (p->state == ENG_QUEUED && !dl_empty(&p->qlink)) {
		e->nqueued--;
		if (p->owner->rate)
			eng_rate_left(e, p->owner->rate);
	}
	if (p->state == ENG_HELD)
		eng_rate_forget(p);
	dl_del(&p->qlink); /* or txlink: they share the links */
	free(p);
}

/* One probe's deadline passed. */
static void expire(struct engine *e, struct eng_probe *p, uint64_t now)
{
	if (p->state == ENG_LINGER || p->timed_out) {
		eng_probe_free(e, p);
		return;
	}
	struct eng_owner *o = p->owner;
	uint32_t cookie = p->cookie;
	p->timed_out = true;
	if (p->linger_ms == 0) {
		eng_probe_free(e, p);
	} else {
		p->state = ENG_LINGER;
		th_arm(&e->timers, &p->timer, now + (uint64_t)p->linger_ms * 1000000ULL);
	}
	o->ops->timeout(o->ctx, cookie);
}

/* See engine_int.h. */
bool eng_expire_if_due(struct engine *e, struct eng_probe *p, uint64_t now)
{
	if (p->timed_out || p->state == ENG_LINGER || p->timer.slot == TH_NONE ||
	    p->timer.when_ns > now)
		return false;
	th_cancel(&e->timers, &p->timer);
	expire(e, p, now);
	return true;
}

/* Expire every probe whose deadline is at or before until. */
static void expire_until(struct engine *e, uint64_t until, uint64_t now)
{
	struct th_timer *t;
	while ((t = th_pop_due(&e->timers, until)) != NULL)
		expire(e, DL_ENTRY(t, struct eng_probe, timer), now);
}

/* See engine_int.h. */
void eng_expire_due(struct engine *e)
{
	struct th_timer *t = th_peek(&e->timers);
	uint64_t now = eng_clock_mono_ns(&e->opts.clock);
	if (t == NULL || t->when_ns > now)
		return; /* nothing due: the timer event stays as it is aimed */
	/* a reply the kernel took in before the deadline, still unread while
	   reads wait for the turns (a read takes 256 at most, and a starved
	   loop may find more), is no timeout; polled sockets are read by the
	   loop as their replies come. Deadlines before the time the turn's
	   own read (or the timer event's) found the sockets empty need no
	   second read: it would find nothing, a system call for each turn
	   that runs a timeout */
	if (e->reads_deferred) {
		expire_until(e, e->read_empty_ns < now ? e->read_empty_ns : now, now);
		t = th_peek(&e->timers);
		if (t == NULL || t->when_ns > now) {
			aim(e);
			return;
		}
		eng_read_drained(e);
		now = eng_clock_mono_ns(&e->opts.clock);
	}
	expire_until(e, now, now);
	aim(e);
}

/* The timer event: expire everything due. */
void eng_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	(void)fd;
	(void)what;
	if (e->reads_deferred)
		eng_read_all(e); /* a reply waiting unread is no timeout */
	eng_expire_due(e);
	aim(e);
}

struct eng_timer {
	struct engine *e;
	uint64_t due_ns; /* monotonic, when armed */
	struct event *ev;
	eng_timer_fn fn;
	void *arg;
};

/* libevent trampoline for owner timers. */
static void owner_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct eng_timer *t = arg;
	struct engine *e = t->e;
	(void)fd;
	(void)what;
	/* probes it queues were ready when it was due, not when a late loop
	   ran it (engine_probe: the pacer and the idle time count from then) */
	e->due_ns = t->due_ns;
	t->fn(t->arg);
	e->due_ns = 0;
}

/* A new one-shot owner timer (not armed); NULL when out of memory. */
struct eng_timer *engine_timer_new(struct engine *e, eng_timer_fn fn, void *arg)
{
	struct eng_timer *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->e = e;
	t->fn = fn;
	t->arg = arg;
	t->ev = event_new(e->base, -1, 0, owner_timer_cb, t);
	if (t->ev == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

/* Arm (or re-arm) an owner timer. */
void engine_timer_arm(struct engine *e, struct eng_timer *t, uint64_t delay_ns)
{
	struct timeval tv = { (time_t)(delay_ns / 1000000000ULL),
			      (suseconds_t)((delay_ns % 1000000000ULL) / 1000) };
	t->due_ns = eng_clock_mono_ns(&e->opts.clock) + delay_ns;
	event_base_update_cache_time(e->base); /* from now, as due_ns */
	event_add(t->ev, &tv);
}

/* Free an owner timer (cancels it). NULL is fine. */
void engine_timer_free(struct engine *e, struct eng_timer *t)
{
	(void)e;
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}
