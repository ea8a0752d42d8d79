/*
 * emu: the link emulator's packet queue, one per direction of an emulated
 * link. A packet entering the link is dropped with the link's loss
 * probability (or when the queue is full), otherwise it leaves after the
 * link's delay, in arrival order. Pure logic with the time passed in, so it
 * is unit-tested without devices; the keeper moves packets between TUNs.
 * A slot's buffer grows to the largest packet it has held, so a queue deep
 * enough for 10,000 probes/s over a long delay (thousands of slots) costs
 * about its probes' size, not thousands of MTUs.
 */
#ifndef VANTAGE_LAB_EMU_H
#define VANTAGE_LAB_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMU_MTU 2048

struct emu_pkt {
	uint64_t due_ns;
	size_t len;
	size_t room;                /* bytes data can hold */
	uint8_t *data;
};

/* A bounded FIFO of delayed packets. */
struct emu_queue {
	struct emu_pkt *slots;
	int cap, head, count;
	uint64_t last_due;          /* keeps departures in arrival order */
	uint64_t rng;               /* xorshift state for loss */
	uint64_t dropped, passed;
	uint64_t full;              /* of dropped: the queue was full */
};

/* Allocate a queue of cap packets, loss draws seeded with seed. 0 or -1. */
int emu_queue_init(struct emu_queue *q, int cap, uint64_t seed);

/* Free the queue's packets. */
void emu_queue_free(struct emu_queue *q);

/*
 * Offer a packet of len bytes arriving at now_ns to a link with delay_ns and
 * loss_pct (0..100). Returns true when queued, false when lost, too long,
 * the queue is full or a slot's buffer cannot grow.
 */
bool emu_queue_push(struct emu_queue *q, uint64_t now_ns, uint64_t delay_ns, int loss_pct,
		    const void *data, size_t len);

/* When the oldest packet is due, or UINT64_MAX when the queue is empty. */
uint64_t emu_queue_next_due(const struct emu_queue *q);

/* Take the oldest packet if it is due at now_ns; NULL otherwise. */
const struct emu_pkt *emu_queue_pop(struct emu_queue *q, uint64_t now_ns);

#endif
