/*
 * spacing: per-destination minimum gap between probes, in an open-addressing
 * table of fixed size. A slot whose last send is older than the gap counts as
 * free, so nothing is ever deleted and the table never grows. Lookups scan a
 * bounded window of slots from the destination's hash.
 */
#include "policy/spacing.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW 16
#define SLOTS_MAX (1u << 24)

struct spacing_slot {
	struct net_addr dst;
	uint64_t last_ns;
	bool used;
};

struct spacing {
	struct spacing_slot *slots;
	size_t mask;
	uint64_t gap_ns;
};

/* Create a table; NULL on bad arguments or allocation failure. */
struct spacing *spacing_new(size_t slots, uint64_t gap_ns)
{
	if (slots == 0 || slots > SLOTS_MAX || gap_ns == 0)
		return NULL;
	size_t n = WINDOW;
	while (n < slots)
		n <<= 1;
	struct spacing *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->slots = calloc(n, sizeof *s->slots);
	if (s->slots == NULL) {
		free(s);
		return NULL;
	}
	s->mask = n - 1;
	s->gap_ns = gap_ns;
	return s;
}

/* Free the table. */
void spacing_free(struct spacing *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s);
}

/* FNV-1a over the address's family and bytes. */
static uint64_t hash_addr(const struct net_addr *a)
{
	uint64_t h = 1469598103934665603ull ^ a->family;
	for (size_t i = 0; i < sizeof a->a; i++)
		h = (h ^ a->a[i]) * 1099511628211ull;
	return h;
}

/* True when slot x is stale (free for reuse) at now_ns. */
static bool stale(const struct spacing *s, const struct spacing_slot *x, uint64_t now_ns)
{
	return !x->used || now_ns - x->last_ns >= s->gap_ns;
}

/* See spacing.h. */
bool spacing_try(struct spacing *s, const struct net_addr *dst, uint64_t now_ns,
                 uint64_t *wait_ns)
{
	size_t base = (size_t)hash_addr(dst);
	struct spacing_slot *free_slot = NULL;
	uint64_t soonest = s->gap_ns;
	for (size_t i = 0; i < WINDOW; i++) {
		struct spacing_slot *x = &s->slots[(base + i) & s->mask];
		if (x->used && net_addr_equal(&x->dst, dst)) {
			if (!stale(s, x, now_ns)) {
				if (wait_ns)
					*wait_ns = s->gap_ns - (now_ns - x->last_ns);
				return false;
			}
			free_slot = x;
			break;
		}
		if (free_slot == NULL && stale(s, x, now_ns))
			free_slot = x;
		else if (x->used && !stale(s, x, now_ns) && s->gap_ns - (now_ns - x->last_ns) < soonest)
			soonest = s->gap_ns - (now_ns - x->last_ns);
	}
	if (free_slot == NULL) {
		if (wait_ns)
			*wait_ns = soonest; /* table window full: wait for a slot to age */
		return false;
	}
	free_slot->dst = *dst;
	free_slot->last_ns = now_ns;
	free_slot->used = true;
	return true;
}
