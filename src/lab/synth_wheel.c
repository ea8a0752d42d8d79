/*
 * synth_wheel: the timer wheel of delayed replies (see synth_wheel.h).
 */
#include "lab/synth_wheel.h"

#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

/* Make the wheel (see synth_wheel.h). */
int synth_wheel_init(struct synth_wheel *w, uint32_t n_slots, uint64_t tick_ns, uint32_t cap,
		     uint64_t now_ns)
{
	memset(w, 0, sizeof *w);
	w->head = malloc(n_slots * sizeof *w->head);
	w->tail = malloc(n_slots * sizeof *w->tail);
	w->pool = calloc(cap, sizeof *w->pool);    /* untouched pages cost nothing */
	if (!w->head || !w->tail || !w->pool || n_slots == 0 || tick_ns == 0) {
		synth_wheel_free(w);
		return -1;
	}
	for (uint32_t i = 0; i < n_slots; i++)
		w->head[i] = w->tail[i] = NIL;
	w->n_slots = n_slots;
	w->tick_ns = tick_ns;
	w->cap = cap;
	w->free_head = NIL;         /* freed packets; never used ones come from `fresh` */
	w->cur = now_ns / tick_ns;
	return 0;
}

/* Free the wheel. */
void synth_wheel_free(struct synth_wheel *w)
{
	free(w->head);
	free(w->tail);
	free(w->pool);
	memset(w, 0, sizeof *w);
}

/* Hold a packet until due_ns (see synth_wheel.h). */
bool synth_wheel_add(struct synth_wheel *w, uint64_t now_ns, uint64_t due_ns, const void *data,
		     size_t len)
{
	uint64_t tick = due_ns / w->tick_ns;
	uint32_t i, slot;

	if (w->count == 0 && now_ns / w->tick_ns > w->cur)
		w->cur = now_ns / w->tick_ns;      /* idle: catch up with the clock */
	if ((w->free_head == NIL && w->fresh == w->cap) || len > SYNTH_REPLY_MAX) {
		w->dropped++;
		return false;
	}
	if (tick < w->cur)
		tick = w->cur;
	if (tick >= w->cur + w->n_slots)
		tick = w->cur + w->n_slots - 1;
	if (w->free_head != NIL) {
		i = w->free_head;
		w->free_head = w->pool[i].next;
	} else {
		i = w->fresh++;     /* pages of the pool are touched only once used */
	}
	w->pool[i].next = NIL;
	w->pool[i].len = (uint16_t)len;
	memcpy(w->pool[i].data, data, len);
	slot = (uint32_t)(tick % w->n_slots);
	if (w->tail[slot] == NIL)
		w->head[slot] = i;
	else
		w->pool[w->tail[slot]].next = i;
	w->tail[slot] = i;
	w->count++;
	return true;
}

/* Copy the next packet due by now_ns into buf (see synth_wheel.h). */
size_t synth_wheel_pop(struct synth_wheel *w, uint64_t now_ns, uint8_t *buf)
{
	uint64_t now_tick = now_ns / w->tick_ns;

	while (w->count > 0 && w->cur <= now_tick) {
		uint32_t slot = (uint32_t)(w->cur % w->n_slots), i = w->head[slot];
		size_t len;
		if (i == NIL) {
			w->cur++;
			continue;
		}
		w->head[slot] = w->pool[i].next;
		if (w->head[slot] == NIL)
			w->tail[slot] = NIL;
		len = w->pool[i].len;
		memcpy(buf, w->pool[i].data, len);
		w->pool[i].next = w->free_head;
		w->free_head = i;
		w->count--;
		return len;
	}
	if (w->count == 0 && w->cur < now_tick)
		w->cur = now_tick;
	return 0;
}

/* When the wheel next has something to send (see synth_wheel.h). */
uint64_t synth_wheel_next_ns(const struct synth_wheel *w)
{
	return w->count ? (w->cur + 1) * w->tick_ns : UINT64_MAX;
}
