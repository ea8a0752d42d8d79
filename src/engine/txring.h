/*
 * txring: the single-producer / single-consumer ring between the engine's
 * main thread and its sender thread (engine_txthread.c). The main thread
 * fills a slot with a whole frame and publishes it (head); the sender sends
 * published slots in order, writes each one's outcome into the slot and
 * publishes that (done); the main thread then consumes the outcomes in order
 * (tail, its own) and the slot is free again. Two atomic counters, no locks:
 * a slot's frame is the sender's between head and done, its outcome the main
 * thread's between done and tail. Counters run freely and wrap; the size is
 * a power of two.
 */
#ifndef VANTAGE_ENGINE_TXRING_H
#define VANTAGE_ENGINE_TXRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Bytes of frame a slot holds: probes of up to 512 bytes with their Ethernet
 * header, every default probe size and then some. A larger probe takes the
 * raw path. (1536-byte slots cost 0.8 MB of RSS for the 512 slots, a tenth
 * of the 8 MB a run of 10,000 traces may use.)
 */
#define TXRING_FRAME 512

struct txslot {
	/* filled by the producer */
	uint8_t frame[TXRING_FRAME];
	uint16_t len;
	int ifindex;
	uint8_t mac[6];
	void *owner;      /* the producer's; the sender never reads it */
	/* filled by the sender */
	int err;          /* 0 or the send's errno */
	uint32_t key;     /* OPT_ID key of a frame that left */
	uint64_t mono;    /* monotonic time just before the send call */
	int64_t off;      /* REALTIME - MONOTONIC then, and its error */
	uint32_t off_err;
};

struct txring {
	_Atomic uint32_t head; /* slots published by the producer */
	_Atomic uint32_t done; /* slots whose outcome the sender published */
	uint32_t tail;         /* outcomes the producer consumed (its own) */
	uint32_t mask;
	struct txslot *slots;
};

/* Allocate a ring of 2^order slots; 0 or -1 when out of memory. */
static inline int txring_init(struct txring *r, unsigned order)
{
	r->slots = calloc((size_t)1 << order, sizeof *r->slots);
	if (r->slots == NULL)
		return -1;
	atomic_init(&r->head, 0);
	atomic_init(&r->done, 0);
	r->tail = 0;
	r->mask = (1u << order) - 1;
	return 0;
}

/* Free the slots. */
static inline void txring_free(struct txring *r)
{
	free(r->slots);
	r->slots = NULL;
}

/* Producer: slots free for filling. */
static inline uint32_t txring_room(const struct txring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	return r->mask + 1 - (h - r->tail);
}

/* Producer: the slot to fill next (only when txring_room() > 0). */
static inline struct txslot *txring_next(struct txring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	return &r->slots[h & r->mask];
}

/* Producer: hand the filled slot to the sender; returns its sequence number. */
static inline uint32_t txring_publish(struct txring *r)
{
	uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
	atomic_store_explicit(&r->head, h + 1, memory_order_seq_cst);
	return h;
}

/* Producer: the next outcome to consume, or NULL when none is ready. */
static inline struct txslot *txring_outcome(struct txring *r)
{
	uint32_t d = atomic_load_explicit(&r->done, memory_order_acquire);
	return d == r->tail ? NULL : &r->slots[r->tail & r->mask];
}

/* Producer: the outcome returned by txring_outcome() is consumed. */
static inline void txring_consume(struct txring *r)
{
	r->tail++;
}

/* Producer: slots handed over whose outcome is not consumed yet. */
static inline uint32_t txring_busy(const struct txring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed) - r->tail;
}

/* Producer: true once the sender published the outcome of slot seq. */
static inline bool txring_is_done(const struct txring *r, uint32_t seq)
{
	uint32_t d = atomic_load_explicit(&r->done, memory_order_acquire);
	return (int32_t)(d - seq) > 0;
}

/* Sender: slots published and not yet sent, from sequence number *from. */
static inline uint32_t txring_ready(struct txring *r, uint32_t *from)
{
	*from = atomic_load_explicit(&r->done, memory_order_relaxed);
	return atomic_load_explicit(&r->head, memory_order_seq_cst) - *from;
}

/* Sender: the slot of sequence number seq. */
static inline struct txslot *txring_slot(struct txring *r, uint32_t seq)
{
	return &r->slots[seq & r->mask];
}

/* Sender: the outcomes of the next n slots are written; publish them. */
static inline void txring_finish(struct txring *r, uint32_t n)
{
	uint32_t d = atomic_load_explicit(&r->done, memory_order_relaxed);
	atomic_store_explicit(&r->done, d + n, memory_order_seq_cst);
}

#endif
