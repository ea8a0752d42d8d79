/*
 * txthread: the packet path's sender thread (engine_txthread.c). While it
 * runs, frames for the packet socket are built by the main thread straight
 * into a slot of a txring (txring.h) and sent by the sender thread, which
 * does nothing else; the main thread consumes the outcomes in send order
 * (eng_txt_drain: key, send time, or errno) and does for each what it does
 * after a send of its own (eng_sent in engine_send.c). Probes in between are
 * in state ENG_INFLIGHT. The raw path never uses it.
 */
#ifndef VANTAGE_ENGINE_TXTHREAD_H
#define VANTAGE_ENGINE_TXTHREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;
struct eng_probe;
struct eng_sig;

/*
 * Start the sender thread on the packet socket unless it runs or cannot
 * (no packet socket, out of memory, no thread): then the packet path stays
 * in the main thread. Returns true when it runs.
 */
bool eng_txt_start(struct engine *e);

/* Stop and join the sender thread, free the probes still in its ring. */
void eng_txt_stop(struct engine *e);

/* Slots free for frames: how many probes the pump may send now. */
uint32_t eng_txt_room(const struct engine *e);

/* Where to build the next frame (room bytes), or NULL when the thread is off
   or its ring is full. */
uint8_t *eng_txt_frame(struct engine *e, size_t *room);

/* Hand the frame built at eng_txt_frame() (len bytes, to ifindex / mac) of
   probe p to the sender thread; p becomes ENG_INFLIGHT. */
void eng_txt_push(struct engine *e, struct eng_probe *p, size_t len, int ifindex,
		  const uint8_t mac[6]);

/* Consume every outcome the sender published, in order. */
void eng_txt_drain(struct engine *e);

/*
 * A reply matched an ENG_INFLIGHT probe: wait (boundedly, microseconds) for
 * its outcome and consume it. Returns the probe of sig as it is then (NULL
 * when it is gone, or still in flight after the bound).
 */
struct eng_probe *eng_txt_settle(struct engine *e, const struct eng_sig *sig);

/* A TX stamp of the packet socket found no probe yet: keep it for the
   outcome of key, which is not consumed yet. */
void eng_txt_stash(struct engine *e, uint32_t key, int64_t ns);

/* Probe p (ENG_INFLIGHT) is being freed: its outcome will find no probe. */
void eng_txt_forget(struct engine *e, struct eng_probe *p);

#endif
