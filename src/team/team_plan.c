/*
 * team_plan: see team_plan.h. The split works in 128-bit arithmetic, so
 * 2^32 targets times a rate of 2^32 cannot overflow.
 */
#include "team/team_plan.h"

#include <string.h>

#include "scan/keyhash.h"

#define CYCLE_PURPOSE 0x7465616d /* "team" */

uint64_t team_cycle_seed(uint64_t secret, uint32_t cycle)
{
	struct keyhash_key k = keyhash_derive(secret, CYCLE_PURPOSE);
	return keyhash_u64(&k, cycle);
}

void team_plan_init(struct team_plan *p, uint64_t n, uint64_t seed, uint32_t chunk)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	p->seed = seed;
	p->chunk = chunk < TEAM_CHUNK_MIN ? TEAM_CHUNK_MIN :
		   chunk > TEAM_CHUNK_MAX ? TEAM_CHUNK_MAX : chunk;
	scan_perm_init(&p->perm, n ? n : 1, seed, 0);
}

uint64_t team_plan_target(const struct team_plan *p, uint64_t pos)
{
	return scan_perm_at(&p->perm, pos);
}

int team_split(uint64_t n, const uint32_t *rates, size_t k, struct team_share *out)
{
	unsigned __int128 total = 0;
	for (size_t i = 0; i < k; i++)
		total += rates[i];
	if (total == 0)
		return -1;
	uint64_t given = 0;
	for (size_t i = 0; i < k; i++) {
		out[i].count = (uint64_t)((unsigned __int128)n * rates[i] / total);
		given += out[i].count;
	}
	/* the positions left over go one each to the largest remainders */
	while (given < n) {
		size_t best = k;
		uint64_t best_rem = 0;
		for (size_t i = 0; i < k; i++) {
			uint64_t rem = (uint64_t)((unsigned __int128)n * rates[i] % total);
			if (rates[i] && (best == k || rem > best_rem) &&
			    out[i].count * total <= (unsigned __int128)n * rates[i]) {
				best = i;
				best_rem = rem;
			}
		}
		out[best].count++;
		given++;
	}
	uint64_t first = 0;
	for (size_t i = 0; i < k; i++) {
		out[i].first = first;
		first += out[i].count;
	}
	return 0;
}

uint64_t team_share_chunks(const struct team_share *s, uint32_t chunk)
{
	return chunk ? (s->count + chunk - 1) / chunk : 0;
}

struct team_chunk team_share_chunk(const struct team_share *s, uint32_t m, uint32_t chunk,
				   uint64_t j)
{
	uint64_t off = j * chunk;
	uint64_t left = s->count > off ? s->count - off : 0;
	struct team_chunk c = { .first = s->first + off,
				.count = (uint32_t)(left < chunk ? left : chunk), .member = m };
	return c;
}
