/*
 * emu: delay-and-loss queue of the lab's link emulator (see emu.h).
 */
#include "lab/emu.h"

#include <stdlib.h>
#include <string.h>

/* Allocate a queue of cap packets. Returns 0 or -1. */
int emu_queue_init(struct emu_queue *q, int cap, uint64_t seed)
{
	memset(q, 0, sizeof *q);
	q->slots = calloc((size_t)cap, sizeof *q->slots);
	if (!q->slots)
		return -1;
	q->cap = cap;
	q->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	return 0;
}

/* Free the queue's packets. */
void emu_queue_free(struct emu_queue *q)
{
	for (int i = 0; q->slots && i < q->cap; i++)
		free(q->slots[i].data);
	free(q->slots);
	q->slots = NULL;
}

/* Next xorshift64 draw in [0, 100). */
static int draw_pct(struct emu_queue *q)
{
	q->rng ^= q->rng << 13;
	q->rng ^= q->rng >> 7;
	q->rng ^= q->rng << 17;
	return (int)(q->rng % 100);
}

/* Make slot p hold len bytes; false when it cannot grow. */
static bool slot_fit(struct emu_pkt *p, size_t len)
{
	if (p->room >= len)
		return true;
	uint8_t *d = realloc(p->data, len);
	if (!d)
		return false;
	p->data = d;
	p->room = len;
	return true;
}

/* Offer a packet to the link (see emu.h). */
bool emu_queue_push(struct emu_queue *q, uint64_t now_ns, uint64_t delay_ns, int loss_pct,
		    const void *data, size_t len)
{
	struct emu_pkt *p;
	uint64_t due = now_ns + delay_ns;

	if (len <= EMU_MTU && q->count == q->cap)
		q->full++;
	if (len > EMU_MTU || q->count == q->cap || (loss_pct > 0 && draw_pct(q) < loss_pct)) {
		q->dropped++;
		return false;
	}
	p = &q->slots[(q->head + q->count) % q->cap];
	if (!slot_fit(p, len)) {
		q->dropped++;
		return false;
	}
	if (due < q->last_due)
		due = q->last_due;
	p->due_ns = due;
	p->len = len;
	memcpy(p->data, data, len);
	q->last_due = due;
	q->count++;
	q->passed++;
	return true;
}

/* When the oldest packet is due, or UINT64_MAX when empty. */
uint64_t emu_queue_next_due(const struct emu_queue *q)
{
	return q->count ? q->slots[q->head].due_ns : UINT64_MAX;
}

/* Take the oldest packet if due at now_ns; NULL otherwise. */
const struct emu_pkt *emu_queue_pop(struct emu_queue *q, uint64_t now_ns)
{
	const struct emu_pkt *p;

	if (!q->count || q->slots[q->head].due_ns > now_ns)
		return NULL;
	p = &q->slots[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return p;
}
