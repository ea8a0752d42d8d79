/*
 * pacer: the one packets-per-second budget of an engine, a token bucket
 * refilled continuously from the monotonic clock, handed out in turns so
 * that a paced engine wakes up as seldom as the rate allows without bursts:
 *
 *  - the engine wakes for a turn once a millisecond's worth of tokens is
 *    there (ten probes at 10,000/s; eight from 501 to 1,000/s, four
 *    from 100 to 500/s, two below 100/s, so that a slow engine does not wake for every
 *    probe): the probes of a turn leave with one wake-up and one sendmmsg;
 *  - a turn takes the tokens that came since the last one: a turn's worth
 *    when the loop is on time, more when it woke late (a loaded machine:
 *    wake-ups several milliseconds late are common on a shared 2-core
 *    host), up to the bucket's 20 milliseconds (at least two turns' and
 *    ten probes' worth), so the rate holds; after a turn of n probes the next one
 *    waits at least n probe gaps / 2 (no stretch of 20 ms holds more than
 *    twice its share plus the bucket);
 *  - tokens saved up while no probe was waiting are dropped to a turn's
 *    worth: probes that become ready after a quiet time do not burst. The
 *    tokens a late turn left after it sent every waiting probe are not
 *    such savings: they came while probes waited, and the probes queued
 *    right after (by replies and timers the same late wake-up runs) may
 *    use them (on a starved host these were lost uncounted: 6 % of the
 *    budget at 10,000/s, load 27 on 2 cores).
 *
 * pps 0 = no limit (every turn takes all it asks for).
 */
#ifndef VANTAGE_ENGINE_PACER_H
#define VANTAGE_ENGINE_PACER_H

#include <stdbool.h>
#include <stdint.h>

struct pacer {
	uint32_t pps;        /* 0 = unlimited */
	uint32_t turn_max;   /* tokens a turn takes at most */
	uint64_t last_ns;    /* monotonic time of the last refill */
	uint64_t tokens_milli; /* tokens x 1e3 (sub-token precision) */
	uint64_t cap_milli;  /* bucket depth x 1e3 */
	uint64_t next_ns;    /* no turn sends before this (monotonic) */
	bool behind;         /* the last turn left probes waiting */
	uint64_t owed_milli; /* tokens x 1e3 left by the last turn when it sent
				every waiting probe: earned while they waited */
	uint64_t lost_milli; /* tokens x 1e3 the full bucket dropped while probes
				waited: the loop woke too late to use them;
				counted from the first turn that sent (the
				rate is measured from the first probe) */
	bool sent_any;       /* a turn has taken a token */
	uint64_t drained_ns; /* when the last turn sent every waiting probe */
	uint64_t sent_ns;    /* when the last probe left (0 = none yet) */
};

/* Set up a pacer for pps starting at now_ns (bucket starts with one token). */
void pacer_init(struct pacer *p, uint32_t pps, uint64_t now_ns);

/*
 * Probes are ready again after none were (the engine's queue went from
 * empty to not), seen at now_ns, ready since since_ns (<= now_ns: when the
 * owner's timer that queued them was due, if the loop ran it late): the
 * tokens saved up before since_ns are dropped to a turn's worth (and what is
 * owed), and from since_ns on the pacer is behind, so the tokens that come
 * while these probes wait for a late turn are theirs, or counted lost when
 * the bucket overflows, never dropped as savings. (Dropped from now_ns, a
 * starved loop lost up to the bucket's worth uncounted at each late timer:
 * 2-5 % of the budget at 10,000/s beside a CPU hog.)
 */
void pacer_ready(struct pacer *p, uint64_t now_ns, uint64_t since_ns);

/*
 * A probe left at now_ns. The first one starts the budget's clock (what came
 * while the first turn was built and sent is no gap between probes); the
 * last one tells pacer_lost how late the last turn's probes left.
 */
void pacer_sent(struct pacer *p, uint64_t now_ns);

/* How many probes may go now, in one turn (refills first); at most `want`. */
uint32_t pacer_take(struct pacer *p, uint64_t now_ns, uint32_t want);

/*
 * Nanoseconds from now_ns until the next turn worth waking up for: when
 * min(want, a turn's worth) tokens are there and the spacing since the last
 * turn has passed (0 = now).
 */
uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns, uint32_t want);

/*
 * Probes' worth of budget lost to late wake-ups so far: what the full bucket
 * dropped while probes waited, and, while no probe waits, what the last turn
 * left over after it sent every waiting probe (owed: earned while they
 * waited for a late turn). The owed part is no loss while more probes come
 * (they use it), but at the end of a run it is: a last turn that wakes late
 * finds its probes' tokens and those of its lateness, and no later turn
 * sends them (measured: the last turns late by up to the bucket's 20 ms
 * made a starved run 2.5-4 % slower than sent + counted lost at 10,000/s,
 * and up to 7 % at 100/s, where the bucket holds 100 ms). So is, while no
 * probe waits, the budget that came between the last turn and when its
 * last probe left (a turn preempted between its sendmmsg calls: 26 ms
 * measured beside a CPU hog).
 */
uint64_t pacer_lost(const struct pacer *p);

#endif
