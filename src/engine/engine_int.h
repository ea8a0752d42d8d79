/*
 * engine_int: the engine's internal structs, shared by its files
 * (engine.c: life cycle and submit; engine_send.c: pacing and sending;
 * engine_recv.c: receiving and matching; engine_timer.c: timeouts).
 */
#ifndef VANTAGE_ENGINE_ENGINE_INT_H
#define VANTAGE_ENGINE_ENGINE_INT_H

#include <event2/util.h>

#include "engine/engine.h"
#include "engine/dlist.h"
#include "engine/nhcache.h"
#include "engine/pacer.h"
#include "engine/rawsock.h"
#include "engine/sigtab.h"
#include "engine/timer_heap.h"
#include "engine/txtap.h"
#include "engine/txthread.h"

/* Socket slots. */
enum {
	ENG_S4_TX = 0,   /* IPv4 IPPROTO_RAW sender */
	ENG_S4_ICMP = 1, /* IPv4 ICMP receiver */
	ENG_S4_TCP = 2,  /* IPv4 TCP receiver */
	ENG_S6_ICMP = 3, /* IPv6 ICMPv6 sender and receiver */
	ENG_S6_UDP = 4,  /* IPv6 UDP sender */
	ENG_S6_TCP = 5,  /* IPv6 TCP sender and receiver */
	ENG_PK_TX = 6,   /* AF_PACKET frame sender (send path PACKET) */
	ENG_NSOCK = 7,
};

struct eng_sock {
	struct rawsock rs;
	struct event *ev;  /* read (and error queue) readiness */
	struct dlink txq;  /* probes sent on it waiting for their TX stamp,
			      in key order */
	uint32_t read_key; /* keys below it: their stamps were read */
	struct engine *e;
};

enum eng_state { ENG_QUEUED = 0, ENG_SENT = 1, ENG_LINGER = 2,
		 ENG_INFLIGHT = 3, /* with the sender thread (txthread.h) */
		 ENG_STAGED = 4,   /* built, in the pump's turn (engine_turn.c) */
		 ENG_HELD = 5      /* waiting in its owner's rate class (qlink in
				      the class's queue, engine_rate.c) */ };

struct eng_probe {
	struct sig_node sig;
	struct th_timer timer;
	struct dlink olink;     /* owner's live probes */
	union {
		struct dlink qlink;  /* send queue (state ENG_QUEUED) */
		struct dlink txlink; /* socket's TX-stamp queue (after) */
	};
	struct eng_owner *owner;
	uint8_t kind;           /* enum net_probe_kind */
	uint16_t payload_len;
	uint8_t state;          /* enum eng_state */
	uint8_t nreplies;
	bool timed_out;
	uint8_t sock;           /* slot it was sent on */
	uint32_t cookie, timeout_ms, linger_ms, tx_key, off_tx_err_ns;
	uint64_t tx_mono_ns;
	int64_t off_tx_ns, tx_kernel_ns; /* offset at send, error-queue stamp */
	int64_t tx_tap_ns;      /* the device tap's stamp (txtap.h), 0 = none */
};

/*
 * The probes of one pump turn, built and waiting to leave together: one
 * sendmmsg per socket when the turn is flushed (engine_turn.c).
 */
#define ENG_TURN_SLOT 2048 /* bytes of a staged packet or frame at most */
struct eng_turn {
	uint32_t n;
	struct eng_probe *p[RAWSOCK_SEND_BATCH]; /* NULL: freed meanwhile */
	uint8_t slot[RAWSOCK_SEND_BATCH];
	struct rawsock_out out[RAWSOCK_SEND_BATCH];
	uint8_t buf[RAWSOCK_SEND_BATCH][ENG_TURN_SLOT];
};

struct engine {
	struct event_base *base;
	struct engine_opts opts;
	uint32_t key;
	struct sigtab sigs;
	struct timer_heap timers;
	struct dlink sendq;
	size_t nqueued;         /* probes in sendq */
	struct pacer pacer;
	struct event *pump_ev, *timer_ev;
	int pump_tfd;           /* the pump's timer: a timerfd (-1: libevent's) */
	struct event *pump_tev; /* its readiness, edge-triggered */
	bool pump_armed;
	bool in_pump;           /* the pump runs (it schedules itself at its end) */
	struct eng_sock socks[ENG_NSOCK];
	struct engine_stats stats;
	struct nhcache nh;      /* next hops for the packet path */
	bool packet_on;         /* the packet path is in use */
	struct txtap tap;       /* TX stamps of the raw path (engine_tap.c) */
	uint64_t tap_checked;   /* tap.frames when its drops were last read */
	struct eng_txthread *txt; /* the packet path's sender thread, or NULL */
	bool txt_failed;        /* it could not start: the path stays here */
	bool stamps_checked;    /* tslive_wait has run */
	const struct eng_stream_ops *stream; /* stateless probes (engine_stream.c) */
	void *stream_ctx;
	const char *stream_method;
	bool stream_idle;       /* its next said "none for now" */
	struct eng_turn turn;   /* the pump's probes about to leave */
	struct eng_rate *rates; /* rate classes (engine_rate.c), a list */
	uint64_t idle_since;    /* the send queue is empty since (0 = it is not) */
	uint64_t due_ns;        /* while an owner timer's callback runs: when it
				   was due (its probes were ready then, also
				   when the loop woke late for it); else 0 */
	bool reads_deferred;    /* replies are read at pump turns, not polled */
	uint64_t read_empty_ns; /* eng_read_all found every receiving socket
				   empty, reading from this time on: replies the
				   kernel took in before it are read */
	bool fam_sent[2];       /* probes of IPv4 [0], IPv6 [1] were sent */
	uint8_t pkt[65536];
	uint8_t rx[RAWSOCK_BATCH][RAWSOCK_RXLEN];
};

/* Write the signature fields and run key of probe p into its packet np. */
void eng_stamp_identity(const struct engine *e, const struct eng_probe *p,
			struct net_probe *np);

/* Put a new or held probe in the send queue (it is ready to leave). */
void eng_enqueue(struct engine *e, struct eng_probe *p);

/* Rate classes (engine_rate.c): hold a new probe of an owner with a class
   until the class's budget lets it go; forget a held probe being freed;
   free every class and the probes they hold. */
void eng_rate_hold(struct engine *e, struct eng_probe *p);
void eng_rate_forget(struct eng_probe *p);
/* A probe the class let go left the engine's queue (sent or freed): room
   for the next. */
void eng_rate_left(struct engine *e, struct eng_rate *r);
/* Some class holds probes: its release brings a pump turn, which reads the
   replies, so they need not wake the engine (eng_defer_reads). */
bool eng_rates_holding(const struct engine *e);
void eng_rates_free(struct engine *e);

/* Unlink a probe from everything and free it. */
void eng_probe_free(struct engine *e, struct eng_probe *p);

/*
 * After probe p was sent on slot (rc 0, OPT_ID key) or not (rc -errno), with
 * mono / off / off_err sampled before the send call: count it, wait for its
 * TX stamp (unless it has one), arm its timeout, tell its owner.
 */
void eng_sent(struct engine *e, struct eng_probe *p, int slot, int rc, uint32_t key,
	      uint64_t mono, int64_t off, uint32_t off_err);

/* The pump's turn (engine_turn.c): room for the next packet (NULL when
   full), stage a probe built there, send what is staged, forget a probe
   being freed. */
uint8_t *eng_turn_buf(struct engine *e, size_t *room);
void eng_turn_add(struct engine *e, struct eng_probe *p, int slot, size_t len,
		  const struct net_addr *dst, int hlim, int ifindex, const uint8_t mac[6]);
void eng_turn_flush(struct engine *e);
void eng_turn_forget(struct engine *e, struct eng_probe *p);

/* Read the TX stamps of the sockets nobody polls once enough are waiting
   (all = read them whatever their number). */
void eng_drain_quiet_txts(struct engine *e, bool all);

/* Run the send pump soon (after delay_ns). */
void eng_schedule_pump(struct engine *e, uint64_t delay_ns);

/* Expire every probe whose deadline has passed, re-aim the timer event
   (engine_timer.c); the pump does it at each turn, so timeouts ride on the
   turns of a paced engine instead of waking it on their own. */
void eng_expire_due(struct engine *e);

/* The raw socket slot a probe leaves by (engine_send.c). */
int eng_tx_slot(const struct net_probe *np);

/* libevent callbacks. */
void eng_pump_cb(evutil_socket_t fd, short what, void *arg);
void eng_timeout_cb(evutil_socket_t fd, short what, void *arg);
void eng_read_cb(evutil_socket_t fd, short what, void *arg);

/* Arm the probe's timer at when_ns and re-aim the engine's timer event. */
void eng_arm(struct engine *e, struct eng_probe *p, uint64_t when_ns);

/*
 * While a paced engine has probes waiting for their turn, replies need not
 * wake it: their kernel stamps time them, and the next turn (a millisecond
 * or one probe gap away) reads them first. eng_defer_reads(e, true) stops
 * polling the receiving sockets, false polls them again; eng_read_all
 * reads what waits on every one of them.
 */
void eng_defer_reads(struct engine *e, bool defer);
void eng_read_all(struct engine *e);

/* Read every receiving socket until nothing waits (before timeouts run,
   unless eng_read_all found them empty after their deadlines). */
void eng_read_drained(struct engine *e);

/*
 * If p's deadline is at or before now (monotonic ns) and its timer has not
 * run yet, time it out now, as the timer would (the owner's timeout callback
 * runs: p may be freed). True if it did.
 */
bool eng_expire_if_due(struct engine *e, struct eng_probe *p, uint64_t now);

/* Read every waiting TX stamp of socket slot i. */
void eng_drain_txts(struct engine *e, int i);

/* After a send error on slot i: read its stamps, restart its OPT_ID count,
   give up the stamps of the probes still waiting (engine_recv.c). */
void eng_reset_keys(struct engine *e, int i);

/* The device tap (engine_tap.c): open it, read its ring, close it. */
void eng_tap_open(struct engine *e);
void eng_drain_tap(struct engine *e);
void eng_tap_close(struct engine *e);
/* The raw path's kernel TX stamps on or off as the tap needs (engine_tap.c);
   a probe answered without the tap's stamp turns them on. */
void eng_tap_kernel_stamps(struct engine *e);
void eng_tap_unseen(struct engine *e, const struct eng_probe *p);

/* REALTIME - MONOTONIC now; *mono the monotonic time, *err the sample's error. */
int64_t eng_offset_now(const struct engine *e, uint64_t *mono, uint32_t *err);

/* When a batch of packets was read: monotonic time and the clock offset. */
struct eng_rxtime {
	uint64_t mono;
	int64_t off;
	uint32_t off_err;
};

/* The stream's share of the pump: send up to `budget` of its probes (engine_stream.c). */
void eng_stream_pump(struct engine *e, uint32_t budget);

/* Hand an unclaimed packet to the stream, if any (engine_stream.c). */
void eng_stream_reply(struct engine *e, const struct net_reply *r, const uint8_t *buf,
		      size_t len, const struct rawsock_rx *rx, const struct eng_rxtime *at);

#endif
