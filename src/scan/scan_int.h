/*
 * scan_int: the scanner's state, shared by its files (scan.c: set-up and
 * the run; scan_round.c: rounds and what to send next; scan_reply.c:
 * replies; scan_out.c: results and progress; scan_ckpt.c: checkpoints).
 */
#ifndef VANTAGE_SCAN_SCAN_INT_H
#define VANTAGE_SCAN_SCAN_INT_H

#include <stdio.h>

#include "engine/engine.h"
#include "scan/perm.h"
#include "scan/scan.h"
#include "scan/stopset.h"
#include "scan/targets.h"

/* MPLS label stack entries (RFC 4950) kept per hop; deeper stacks are cut. */
#define SCAN_HOP_MPLS 4

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
	ST_EMITTED = 8,   /* written out */
	ST_STOPSET = 16,  /* backward probing met a known interface */
	ST_REFUSED = 32,  /* the site policy refused its probes */
};

/* What is kept per target (16 bytes + its hops). */
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
};

struct scan {
	const struct scan_opts *o;
	struct event_base *base;
	struct engine *e;
	struct scan_targets t;
	struct scan_tstate *ts;
	struct scan_stopset stop;   /* interfaces seen */
	struct scan_stopset links;  /* interface pairs written (-O links) */
	struct scan_stamp stamp;
	struct net_addr src;
	uint8_t payload[SCAN_PAYLOAD_LEN]; /* of the probe being sent */
	FILE *out;
	struct result_sink *sink;
	/* rounds: 0 learns distances, 1.. probe backward and forward */
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

/* scan_round.c */
void scan_round_start(struct scan *s);
bool scan_next(void *ctx, uint64_t now, struct net_probe *np);
void scan_round_timer(void *arg);
/* The domain of round r's permutation. */
uint64_t scan_round_domain(const struct scan *s, uint32_t round);
/* Advance target state as if position i of the current round were sent;
   fills *f (ttl 0 = nothing to send there). */
void scan_take_position(struct scan *s, uint64_t i, struct scan_fields *f);

/* scan_reply.c */
void scan_reply(void *ctx, const struct net_reply *r, const uint8_t *buf, size_t len,
		uint64_t rx_mono, bool kernel);

/* scan_out.c */
int scan_out_open(struct scan *s, long resume_off);
int scan_out_target(struct scan *s, size_t i);
void scan_out_close(struct scan *s);
void scan_progress(struct scan *s, uint64_t now, bool final);

/* scan_ckpt.c */
int scan_ckpt_write(struct scan *s);
int scan_ckpt_read(struct scan *s, long *out_off);
/* Restore the checkpoint of --resume if there is one and spend the positions
   it reserved: 1 resumed, 0 nothing to resume, -1 bad (printed). *out_off
   gets the output's length at the checkpoint (-1 when not resumed). */
int scan_ckpt_resume(struct scan *s, long *out_off);

#endif
