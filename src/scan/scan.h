/*
 * scan: `vantage scan`, the stateless Internet-scale traceroute mapper.
 * It learns each target's distance with one probe at a high TTL (as
 * FlashRoute does), then probes backward from there, one TTL per target
 * per round, stopping at interfaces already seen (Doubletree's global stop
 * set), and forward until the destination, an unreachable or a gap. Every
 * round sends its probes in a keyed random order over (target, TTL); the
 * probes carry their own identity and send time (stamp.h), so nothing is
 * kept per probe in flight; what is kept per target is its few TTL
 * counters and the hops found (its result), and only for the targets of
 * its window (--window, probed at once; the next enter as they finish). Each finished target is
 * written as one traceroute (the records `vantage trace` writes) or as
 * interface pairs.
 */
#ifndef VANTAGE_SCAN_SCAN_H
#define VANTAGE_SCAN_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "format/result_sink.h"
#include "policy/aup.h"
#include "scan/stamp.h"

/* Targets probed at once by default: their state and hops are what the
   scanner holds, so its memory stays the same from 1 to 11 million targets. */
#define SCAN_WINDOW_DEFAULT 1000000u

enum scan_output { SCAN_OUT_JSON = 0, SCAN_OUT_WARTS = 1, SCAN_OUT_LINKS = 2 };

struct scan_opts {
	const char *prog;          /* for messages: "vantage scan" */
	const char *prefixes;      /* prefix file; NULL or "-" = stdin */
	enum scan_method method;
	uint32_t pps;              /* hard ceiling; 0 = unlimited */
	uint64_t seed;
	uint8_t max_ttl;           /* 1..SCAN_TTL_MAX */
	uint8_t split_ttl;         /* where to start when the distance is unknown */
	uint8_t gap_limit;         /* silent forward TTLs in a row that end it */
	uint8_t stop_run;          /* known interfaces in a row that end backward probing */
	int af;                    /* 4 or 6 */
	enum scan_output out_fmt;
	const char *out;           /* output file; NULL = stdout */
	const char *resume;        /* checkpoint file; NULL = none */
	uint32_t wait_ms;          /* between rounds: replies' time to come */
	uint32_t checkpoint_ms;    /* how often the checkpoint is written */
	const char *source;        /* source address, NULL = the kernel's */
	const char *user;          /* started as root: run as this user (NULL: vantage/nobody) */
	struct aup *aup;           /* site policy checked per probe; NULL = none */
	bool stats;                /* print the totals at the end */
	bool progress;             /* progress line on stderr every second */
	uint32_t window;           /* targets probed at once (their state is held) */
	uint64_t stop_after;       /* testing: exit(3) abruptly after this many probes */
};

/* Defaults: icmp-paris, 10000 pps, seed 1, max TTL 32, split 16, gap 3, IPv4,
   JSON to stdout, 1 s between rounds, checkpoint every second. */
void scan_opts_defaults(struct scan_opts *o);

/* Run the scan; returns the exit status (0 done, 1 partly, 2 not at all). */
int scan_run(const struct scan_opts *o);

#endif
