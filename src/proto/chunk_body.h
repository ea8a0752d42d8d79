/*
 * chunk_body: the body of a CHUNK message (msg.h), read by the agent:
 *   {"team": I, "name": S, "cycle": I, "chunk": I, "repeat": B,
 *    "pps": I, "def": {...}, "targets": ["addr", ...]}
 * team, cycle, chunk: non-negative integers; def: an object; targets: an
 * array of at most CHUNK_TARGETS_MAX strings; repeat: optional (false).
 * pps is the member's rate, the smaller of the team's --pps and the site's
 * ceiling the agent reported (0: no rate of its own). It came with the
 * frame version 1 protocol after the first CHUNKs: a CHUNK without it
 * (an older controller) runs at the site's ceiling, as CHUNKs did; an
 * older agent ignores it and does the same. A pps that is not an integer
 * in 0..CHUNK_PPS_MAX is an error.
 */
#ifndef VANTAGE_PROTO_CHUNK_BODY_H
#define VANTAGE_PROTO_CHUNK_BODY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CHUNK_TARGETS_MAX 100000
#define CHUNK_PPS_MAX 10000000

struct chunk_body {
	int64_t team, cycle, chunk;
	int repeat;
	uint32_t pps;             /* 0 = none (the site's ceiling alone) */
	const json_t *def;        /* borrowed from the body */
	const json_t *targets;    /* borrowed from the body */
};

/* Read body into out; 0, or -1 with a one-line reason in err. */
int chunk_body_parse(const json_t *body, struct chunk_body *out, char *err, size_t errlen);

#endif
