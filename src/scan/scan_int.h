/*
 * scan_int: the scanner's state, shared by its files (scan.c: set-up and
 * the run; scan_round.c: rounds and what to send next; scan_reply.c:
 * replies; scan_out.c: results and progress; scan_ckpt.c: checkpoints).
 */
#ifndef VANTAGE_SCAN_SCAN_INT_H
#define VANTAGE_SCAN_SCAN_INT_H

#include <stddef.h>
#include <stdio.h>

#include "engine/engine.h"
#include "scan/perm.h"
#include "scan/scan.h"
#include "scan/slotmap.h"
#include "scan/stopset.h"
#include "scan/targets.h"

/* MPLS label stack entries (RFC 4950) kept per hop; deeper stacks are cut. */
#define SCAN_HOP_MPLS 4

/* Targets enter the window in groups of this many neighbours (in the
   sorted list), so a silent target can take a neighbour's distance. */
#define SCAN_ENTRY_GROUP 16

/* One reply kept for a target's result (48 bytes). */
struct scan_hop {
	uint8_t addr[16];
	uint32_t rtt_us;
	uint16_t size;
	uint8_t ttl, reply_ttl, quoted_ttl, icmp_type, icmp_code, flags;
	uint8_t mpls_n;
	msm_mpls_t mpls[SCAN_HOP_MPLS];
};

enum scan_tflag {
	ST_DEST = 1,      /* the destination answered */
	ST_UNREACH = 2,   /* an unreachable ended the forward probing */
	ST_GAP = 4,       /* the gap limit did */
	ST_PREDICTED = 8, /* distance taken from a neighbour: forward gap of 1 */
	ST_STOPSET = 16,  /* backward probing met known interfaces */
	ST_REFUSED = 32,  /* the site policy refused its probes */
};

/* Where a slot's target stands. */
enum scan_phase {
	SP_EMPTY = 0,     /* no target */
	SP_DIST = 1,      /* its distance probe is still to send */
	SP_DIST_SENT = 2, /* sent; its directions are set at the next round */
	SP_PATH = 3,      /* probing backward and forward */
};

/* What is kept per target in the window (24 bytes + its hops). */
struct scan_tstate {
	struct scan_hop *hops;
	uint8_t nhops, cap;
	uint8_t split;     /* backward probing starts here, forward above it */
	uint8_t back;      /* next backward TTL to send; 0 = done */
	uint8_t fwd;       /* next forward TTL to send; 0 = done */
	uint8_t fwd_reply; /* highest forward TTL answered */
	uint8_t dist;      /* the destination's distance; 0 = not known */
	uint8_t flags;     /* enum scan_tflag */
	uint8_t lowest;    /* lowest TTL sent in rounds 1.. (0 = none) */
	uint8_t highest;   /* highest TTL sent in rounds 1.. */
	uint8_t phase;     /* enum scan_phase */
	uint8_t known_run; /* known interfaces in a row met walking backward */
	uint32_t target;   /* its index in the target list */
};

struct scan {
	const struct scan_opts *o;
	struct event_base *base;
	struct engine *e;
	struct scan_targets t;
	/* the window: the targets being probed, one slot each (scan.h) */
	struct scan_tstate *ts;
	uint32_t nslots;
	struct scan_slotmap slots;  /* target index -> slot */
	struct scan_perm order;     /* the order targets enter the window */
	uint64_t entered;           /* targets taken into the window so far */
	uint64_t targets_hash;      /* of the target list (scan_ckpt.c), 0 = not yet */
	int ckpt_fd[2];             /* the checkpoint's two slots, FILE and FILE.b */
	bool ckpt_open;
	uint64_t ckpt_seq;          /* number of the newest checkpoint written */
	struct scan_stopset stop;   /* interfaces seen */
	struct scan_stopset links;  /* interface pairs written (-O links) */
	struct scan_stamp stamp;
	struct net_addr src;
	uint8_t payload[SCAN_PAYLOAD_LEN]; /* of the probe being sent */
	FILE *out;
	struct result_sink *sink;
	/* rounds: each sends a slot its distance probe, or its next TTLs */
	uint32_t round;
	struct scan_perm perm;
	uint64_t pos;               /* next position in the round's permutation */
	uint64_t reserved;          /* positions the checkpoint counts as sent */
	bool waiting;               /* between rounds */
	bool finished;
	uint64_t start_mono;
	struct timespec start_real;
	struct eng_timer *round_timer, *tick_timer;
	/* counters */
	uint64_t sent, refused, send_errors, replies, matched, done_targets;
	uint64_t last_sent, last_replies, last_tick;
	int status;
};

/* scan.c: the per-target state and the stop set for s->t (printed when out
   of memory: -1), and their release with the targets' */
int scan_state_init(struct scan *s);
void scan_state_free(struct scan *s);

/* scan_round.c */
void scan_round_start(struct scan *s);
bool scan_next(void *ctx, uint64_t now, struct net_probe *np);
void scan_round_timer(void *arg);
/* The domain of a round's permutation: (slot, direction). */
uint64_t scan_round_domain(const struct scan *s);
/* The slot of target index i, or NULL when it is not in the window. */
struct scan_tstate *scan_slot_of(struct scan *s, long i);
/* Advance target state as if position i of the current round were sent;
   fills *f (ttl 0 = nothing to send there). */
void scan_take_position(struct scan *s, uint64_t i, struct scan_fields *f);

/* scan_reply.c */
void scan_reply(void *ctx, const struct net_reply *r, const uint8_t *buf, size_t len,
		uint64_t rx_mono, bool kernel);

/* scan_out.c */
int scan_out_open(struct scan *s, long resume_off);
int scan_out_target(struct scan *s, struct scan_tstate *t);
void scan_out_close(struct scan *s);
void scan_progress(struct scan *s, uint64_t now, bool final);

/* scan_ckpt.c: scan_ckpt_open opens both slots of --resume (before root
   is given up; the others open them when needed), scan_ckpt_close closes them */
int scan_ckpt_open(struct scan *s);
void scan_ckpt_close(struct scan *s);
int scan_ckpt_write(struct scan *s);
int scan_ckpt_read(struct scan *s, long *out_off);
/* Restore the checkpoint of --resume if there is one and spend the positions
   it reserved: 1 resumed, 0 nothing to resume, -1 bad (printed). *out_off
   gets the output's length at the checkpoint (-1 when not resumed). */
int scan_ckpt_resume(struct scan *s, long *out_off);

#endif
