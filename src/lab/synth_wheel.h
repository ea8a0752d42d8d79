/*
 * synth_wheel: a timer wheel of delayed packets, the synthetic Internet's
 * way to send each reply after its round trip, so replies leave in the order
 * real ones would arrive. Slots of one tick (1 ms in the keeper); a packet
 * due beyond the wheel's span waits in its last slot. Pure logic with the
 * time passed in, like the link emulator's queue.
 */
#ifndef VANTAGE_LAB_SYNTH_WHEEL_H
#define VANTAGE_LAB_SYNTH_WHEEL_H

#include "lab/synth.h"

#include <stdbool.h>
#include <stdint.h>

struct synth_wheel_pkt {
	uint32_t next;              /* next packet in the same slot, or UINT32_MAX */
	uint16_t len;
	uint8_t data[SYNTH_REPLY_MAX];
};

struct synth_wheel {
	uint32_t *head, *tail;      /* per slot */
	uint32_t n_slots;
	uint64_t tick_ns;
	uint64_t cur;               /* the tick being emptied */
	struct synth_wheel_pkt *pool;
	uint32_t cap, free_head, fresh, count;
	uint64_t dropped;           /* the pool was full */
};

/* A wheel of n_slots ticks of tick_ns, holding up to cap packets, starting at now_ns. 0 or -1. */
int synth_wheel_init(struct synth_wheel *w, uint32_t n_slots, uint64_t tick_ns, uint32_t cap,
		     uint64_t now_ns);

/* Free the wheel. */
void synth_wheel_free(struct synth_wheel *w);

/* Hold len bytes, offered at now_ns, until due_ns. False when the pool is full or len too long. */
bool synth_wheel_add(struct synth_wheel *w, uint64_t now_ns, uint64_t due_ns, const void *data,
		     size_t len);

/* Copy the next packet due by now_ns into buf (SYNTH_REPLY_MAX); its length, or 0 when none. */
size_t synth_wheel_pop(struct synth_wheel *w, uint64_t now_ns, uint8_t *buf);

/* When the wheel next has something to send: the current tick's end, or UINT64_MAX if empty. */
uint64_t synth_wheel_next_ns(const struct synth_wheel *w);

#endif
