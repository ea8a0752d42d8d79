/*
 * stopset: see stopset.h. Linear probing on a 64-bit mix of the address
 * (the set only ever grows, so no tombstones are needed).
 */
#include "scan/stopset.h"

#include <stdlib.h>
#include <string.h>

/* A well-spread 64-bit hash of 16 bytes (not keyed: the set is local). */
static uint64_t hash16(const uint8_t a[16])
{
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 32);
}

/* The slot holding a, or the empty slot where it would go. */
static size_t find(const struct scan_stopset *s, const uint8_t a[16])
{
	size_t i = (size_t)hash16(a) & (s->cap - 1);
	while (s->used[i] && memcmp(s->slot[i], a, 16) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Allocate cap empty slots. */
static int alloc_slots(struct scan_stopset *s, size_t cap)
{
	s->slot = malloc(cap * 16);
	s->used = calloc(cap, 1);
	if (s->slot == NULL || s->used == NULL) {
		free(s->slot);
		free(s->used);
		return -1;
	}
	s->cap = cap;
	return 0;
}

int scan_stopset_init(struct scan_stopset *s)
{
	memset(s, 0, sizeof *s);
	return alloc_slots(s, 1024);
}

/* Double the table. */
static int grow(struct scan_stopset *s)
{
	struct scan_stopset old = *s;
	if (alloc_slots(s, old.cap * 2) != 0) {
		*s = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.used[i]) {
			size_t j = find(s, old.slot[i]);
			memcpy(s->slot[j], old.slot[i], 16);
			s->used[j] = 1;
		}
	free(old.slot);
	free(old.used);
	return 0;
}

int scan_stopset_add(struct scan_stopset *s, const uint8_t a[16])
{
	if ((s->n + 1) * 8 > s->cap * 5 && grow(s) != 0)
		return -1;
	size_t i = find(s, a);
	if (s->used[i])
		return 0;
	memcpy(s->slot[i], a, 16);
	s->used[i] = 1;
	s->n++;
	return 1;
}

bool scan_stopset_has(const struct scan_stopset *s, const uint8_t a[16])
{
	return s->used[find(s, a)] != 0;
}

void scan_stopset_free(struct scan_stopset *s)
{
	free(s->slot);
	free(s->used);
	memset(s, 0, sizeof *s);
}
