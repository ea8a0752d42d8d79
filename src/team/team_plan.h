/*
 * team_plan: the draw of one team cycle, derived from a key and never
 * stored target by target. A cycle's seed (from the team's secret and the
 * cycle number) picks the address probed in each /24 (scan/targets.h) and
 * a keyed permutation (scan/perm.h) of the cycle's n targets; position p of
 * the cycle is target perm(p). The positions are split into one contiguous
 * range per member, in proportion to the members' rates, so each member's
 * share is a random sample in random order, and each share is cut into
 * chunks of at most `chunk` positions. A chunk is then just (first
 * position, count): the controller stores chunk ranges, derives a chunk's
 * targets when it hands it out, and neither it nor the agent ever holds a
 * whole cycle. The next cycle's seed draws other addresses, another order
 * and another split.
 */
#ifndef VANTAGE_TEAM_TEAM_PLAN_H
#define VANTAGE_TEAM_TEAM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "scan/perm.h"

/* Chunk sizes allowed (targets a chunk). */
#define TEAM_CHUNK_MIN 1
#define TEAM_CHUNK_MAX 20000     /* 20,000 IPv6 targets still fit one frame */

/* A member's range of cycle positions. */
struct team_share {
	uint64_t first, count;
};

/* A chunk: positions [first, first + count) of the cycle, of one member's share. */
struct team_chunk {
	uint64_t first;
	uint32_t count;
	uint32_t member;          /* index into the members the share was split over */
};

struct team_plan {
	uint64_t n;               /* targets of the cycle */
	uint64_t seed;            /* the cycle's seed */
	uint32_t chunk;           /* most targets in a chunk */
	struct scan_perm perm;    /* position -> target index */
};

/* The seed of cycle number `cycle` of a team whose secret is `secret`. */
uint64_t team_cycle_seed(uint64_t secret, uint32_t cycle);

/* The plan of a cycle over n targets (n >= 1) with chunks of at most chunk targets. */
void team_plan_init(struct team_plan *p, uint64_t n, uint64_t seed, uint32_t chunk);

/* The target index (0..n-1, into the sorted target set) at cycle position pos. */
uint64_t team_plan_target(const struct team_plan *p, uint64_t pos);

/*
 * Split n positions over k members (k >= 1) in proportion to their rates
 * (largest remainder, so the shares sum to n exactly; ties go to the lower
 * index; a member of rate 0 gets nothing). Shares are contiguous and in
 * member order. Returns 0, or -1 when every rate is 0.
 */
int team_split(uint64_t n, const uint32_t *rates, size_t k, struct team_share *out);

/* The number of chunks a share is cut into. */
uint64_t team_share_chunks(const struct team_share *s, uint32_t chunk);

/* Chunk j (j < team_share_chunks) of member m's share s. */
struct team_chunk team_share_chunk(const struct team_share *s, uint32_t m, uint32_t chunk,
				   uint64_t j);

#endif
