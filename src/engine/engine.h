/*
 * engine: the probing core. It runs on a libevent event_base supplied by the
 * caller, sends probes through raw sockets under one packets-per-second
 * budget, asks the site policy before each probe leaves, matches replies to
 * probes by signature, times them with kernel timestamps and fires
 * timeouts from a heap on the monotonic clock. It knows no measurement type:
 * an owner (a ping, a trace, ...) submits probes and gets callbacks.
 */
#ifndef VANTAGE_ENGINE_ENGINE_H
#define VANTAGE_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/clock.h"
#include "engine/dlist.h"
#include "net/addr.h"
#include "net/probe.h"
#include "net/reply.h"

struct event_base;
struct engine;

/*
 * The site policy hook, asked before every probe leaves: returns true to
 * allow. `method` is the measurement's method name ("icmp-echo", "udp-paris",
 * ...). NULL hook = allow all.
 */
typedef bool (*eng_policy_fn)(void *ctx, const char *method,
			      const struct net_addr *dst, uint64_t now_ns);

/*
 * How probes leave. RAW: raw IP sockets, the kernel routes each packet.
 * PACKET: whole Ethernet frames on a packet socket, to the next hop the
 * kernel's tables name (see nhcache.h), skipping the IP layer; a probe
 * whose hop cannot be repeated exactly goes the raw way. AUTO: RAW until
 * the send queue holds ENG_PACKET_AUTO_QUEUE probes at once (a sweep), then
 * PACKET.
 */
enum eng_send_path { ENG_PATH_AUTO = 0, ENG_PATH_RAW = 1, ENG_PATH_PACKET = 2 };
#define ENG_PACKET_AUTO_QUEUE 64

struct engine_opts {
	uint32_t pps;             /* probes per second, 0 = unlimited */
	enum eng_send_path send_path;
	eng_policy_fn policy;     /* may be NULL */
	void *policy_ctx;
	struct eng_clock clock;   /* zero = the system clock */
};

/* A reply matched to a probe, as given to the owner. */
struct eng_reply {
	const struct net_reply *r; /* the parsed packet (valid during the call) */
	uint64_t rtt_ns;           /* see rtt.h */
	uint64_t tx_mono_ns;       /* when the probe was sent (monotonic) */
	uint8_t flags;             /* MSM_REPLY_* bits: *_KERNEL, DUP, LATE */
};

/* What an owner is asked and told. Each callback may submit more probes. */
struct eng_owner_ops {
	/* fill the packet of probe `cookie` as it is about to leave: src, ttl,
	   ports, tcp_mss, want_cksum for ICMP Paris (kind and dst are set; the
	   engine then writes the identity fields and the payload) */
	void (*build)(void *ctx, uint32_t cookie, struct net_probe *p);
	/* the probe `cookie` left (err 0, tx_mono_ns set), was refused by the
	   policy (refused true) or failed to send (err = errno) */
	void (*sent)(void *ctx, uint32_t cookie, int err, bool refused,
		     uint64_t tx_mono_ns);
	/* a reply (first, duplicate or late) to probe `cookie` */
	void (*reply)(void *ctx, uint32_t cookie, const struct eng_reply *rep);
	/* probe `cookie` got no reply within its timeout */
	void (*timeout)(void *ctx, uint32_t cookie);
};

/* An owner: embed it; the engine links its live probes to it. */
struct eng_owner {
	const struct eng_owner_ops *ops;
	void *ctx;
	const char *method;       /* for the policy check (static string) */
	struct dlink probes;      /* live probes of this owner (engine's) */
	struct eng_rate *rate;    /* its rate class (engine_rate_get), NULL =
				     the engine's budget only; set after
				     engine_owner_init, before the first submit */
};

/* One probe to send. */
struct eng_probe_req {
	enum net_probe_kind kind; /* what to send */
	struct net_addr dst;    /* where to */
	uint16_t payload_len;   /* bytes after the transport header (>= 6 for
				   ICMP/UDP so the run key and checksum fit) */
	uint16_t sig_a, sig_b;  /* identity: ICMP id/seq, UDP sport/checksum,
				   TCP sport/seq low 16 (see sigtab.h) */
	uint32_t cookie;        /* the owner's name for this probe */
	uint32_t timeout_ms;    /* how long to wait for a reply */
	uint32_t linger_ms;     /* keep matching after timeout / first reply
				   this long (late and duplicate replies) */
};

/* Create an engine on base. NULL with a reason in err on failure. */
struct engine *engine_new(struct event_base *base, const struct engine_opts *o,
			  char *err, size_t errlen);

/* Stop and free (live probes are dropped without callbacks). NULL is fine. */
void engine_free(struct engine *e);

/*
 * Make sure the sockets for (family, proto) are open; call before the first
 * submit so a missing CAP_NET_RAW is reported at once. 0 or -1 with err.
 */
int engine_prepare(struct engine *e, int family, int proto, char *err, size_t errlen);

/* Initialise an owner; method names its probes for the policy ("udp-paris"). */
void engine_owner_init(struct eng_owner *o, const struct eng_owner_ops *ops, void *ctx,
		       const char *method);

/*
 * Queue a probe; it leaves when the pps budget allows. Returns 0, or -1 when
 * the signature is already in use by a live probe or memory runs out.
 */
int engine_submit(struct engine *e, struct eng_owner *o, const struct eng_probe_req *req);

/*
 * A rate class: the probes of every owner in it leave under a pps budget of
 * their own besides the engine's, so they go at the smaller of the two (a
 * team member's rate below its site's ceiling). Probes wait in the class
 * until its budget has a token, then join the engine's queue. One class per
 * pps value (0: NULL, no class), made on first use, freed with the engine;
 * NULL when out of memory.
 */
struct eng_rate;
struct eng_rate *engine_rate_get(struct engine *e, uint32_t pps);

/* Whether pps needs a class: not when 0, nor when the engine's own budget is
 * that low already (a class at the engine's rate only splits each turn
 * between two pacers that tick apart: twice the wake-ups, bench/team/agent). */
bool engine_rate_needed(const struct engine *e, uint32_t pps);

/* Drop every live or queued probe of an owner, silently (it is finishing). */
void engine_owner_close(struct engine *e, struct eng_owner *o);

/* The engine's 16-bit run key (random per engine; TCP probes carry it). */
uint16_t engine_run_key(const struct engine *e);

/* The engine's clock. */
const struct eng_clock *engine_clock(const struct engine *e);

/* Counters, for tests and benchmarks. */
struct engine_stats {
	uint64_t sent, send_errors, refused, received, matched, unmatched,
		 parse_errors, tx_ts, tx_ts_missing, dups, late;
	uint64_t tap_ts;          /* probes stamped at the device tap (txtap.h) */
	uint64_t tap_missed;      /* frames the tap missed (ring drops, no
				     stamp, answered probes it never showed);
				     from the first, the raw path's kernel TX
				     stamps are on again (engine_tap.c) */
	uint64_t tap_errors;      /* the tap could not be opened (error-queue
				     stamps only) */
	uint64_t stamps_not_live; /* the kernel's stamps were not on within
				     200 ms of the first prepare (tslive.h) */
	uint64_t packet_sent;     /* of sent, the probes that left as frames on
				     the packet socket (the rest: raw sockets) */
	uint64_t thread_sent;     /* of packet_sent, those the sender thread
				     sent (txthread.h) */
	uint64_t first_send_ns, last_send_ns; /* monotonic, 0 = none yet */
	uint64_t idle_ns;         /* of the time between them, how long the send
				     queue stood empty (no probe was ready:
				     the rate could not be reached then) */
	uint64_t read_at_turns;   /* of received, the packets read at a pump
				     turn or timeout while the sockets were
				     not polled (engine_int.h: reads deferred;
				     their RTTs are kernel stamps all the same) */
	uint64_t late_lost;       /* probes the budget allowed while some were
				     ready, lost because the loop woke more
				     than the pacer's bucket late, or because
				     the last turn before the queue emptied
				     woke late (pacer_lost, pacer.h) */
};
void engine_get_stats(const struct engine *e, struct engine_stats *out);

/*
 * Schedule fn(arg) after delay_ms on the engine's clock (for owners' pacing
 * between their own probes, e.g. ping intervals). The timer is the owner's
 * struct eng_timer; cancel it with engine_timer_cancel before freeing it.
 */
struct eng_timer;
typedef void (*eng_timer_fn)(void *arg);
struct eng_timer *engine_timer_new(struct engine *e, eng_timer_fn fn, void *arg);
void engine_timer_arm(struct engine *e, struct eng_timer *t, uint64_t delay_ns);
void engine_timer_free(struct engine *e, struct eng_timer *t);

/*
 * A stateless stream of probes (`vantage scan`): whenever the pps budget
 * has a token left after the engine's own queue, the engine asks the stream
 * for its next packet, checks the policy, sends it on the raw socket of its
 * family and keeps nothing of it. Every received packet no live probe
 * claims goes to the stream with its receive time, which must find in the
 * packet itself what it needs (see src/scan/stamp.h).
 */
struct eng_stream_ops {
	/* fill np (kind, dst, src, ttl, ids, ports, payload) of the next probe,
	   which leaves at now_mono_ns; false when there is none for now
	   (engine_stream_kick asks again) */
	bool (*next)(void *ctx, uint64_t now_mono_ns, struct net_probe *np);
	/* the probe just filled left (err 0), was refused by the policy
	   (refused) or failed to send (err = errno) */
	void (*sent)(void *ctx, const struct net_probe *np, int err, bool refused);
	/* a received packet (parsed r, bytes buf[0..len)) that no live probe
	   claims; rx_mono_ns is when it arrived on the monotonic clock, from the
	   kernel's receive stamp when kernel is true */
	void (*reply)(void *ctx, const struct net_reply *r, const uint8_t *buf, size_t len,
		      uint64_t rx_mono_ns, bool kernel);
};

/* Attach a stream (ops NULL detaches it); method names its probes for the
   policy ("udp-paris", ...). Probes leave by the raw path. */
void engine_stream_set(struct engine *e, const struct eng_stream_ops *ops, void *ctx,
		       const char *method);

/* The stream has probes again (after its next returned false). */
void engine_stream_kick(struct engine *e);

#endif
