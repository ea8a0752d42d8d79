/*
 * timer_heap: binary min-heap of embedded timers keyed by monotonic deadline.
 */
#include "engine/timer_heap.h"

#include <stdlib.h>

/* An empty heap. */
void th_init(struct timer_heap *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
}

/* Free the slot array. */
void th_free(struct timer_heap *h)
{
	free(h->v);
	th_init(h);
}

/* Mark t as not armed. */
void th_timer_init(struct th_timer *t)
{
	t->when_ns = 0;
	t->slot = TH_NONE;
}

/* True if t is in a heap. */
bool th_armed(const struct th_timer *t)
{
	return t->slot != TH_NONE;
}

/* Put t at slot i and record it. */
static void put(struct timer_heap *h, size_t i, struct th_timer *t)
{
	h->v[i] = t;
	t->slot = i;
}

/* Move the timer at slot i up until its parent is not later. */
static void sift_up(struct timer_heap *h, size_t i)
{
	struct th_timer *t = h->v[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (h->v[p]->when_ns <= t->when_ns)
			break;
		put(h, i, h->v[p]);
		i = p;
	}
	put(h, i, t);
}

/* Move the timer at slot i down until no child is earlier. */
static void sift_down(struct timer_heap *h, size_t i)
{
	struct th_timer *t = h->v[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->when_ns < h->v[c]->when_ns)
			c++;
		if (h->v[c]->when_ns >= t->when_ns)
			break;
		put(h, i, h->v[c]);
		i = c;
	}
	put(h, i, t);
}

/* Arm or re-arm t; 0, or -1 on allocation failure. */
int th_arm(struct timer_heap *h, struct th_timer *t, uint64_t when_ns)
{
	if (th_armed(t))
		th_cancel(h, t);
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct th_timer **v = realloc(h->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	t->when_ns = when_ns;
	put(h, h->n++, t);
	sift_up(h, t->slot);
	return 0;
}

/* Remove t from the heap if armed. */
void th_cancel(struct timer_heap *h, struct th_timer *t)
{
	size_t i = t->slot;
	if (i == TH_NONE || i >= h->n || h->v[i] != t)
		return;
	t->slot = TH_NONE;
	h->n--;
	if (i == h->n)
		return;
	put(h, i, h->v[h->n]);
	sift_down(h, i);
	sift_up(h, h->v[i]->slot);
}

/* The earliest timer or NULL. */
struct th_timer *th_peek(const struct timer_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

/* Pop the earliest timer if due. */
struct th_timer *th_pop_due(struct timer_heap *h, uint64_t now_ns)
{
	struct th_timer *t = th_peek(h);
	if (t == NULL || t->when_ns > now_ns)
		return NULL;
	th_cancel(h, t);
	return t;
}
