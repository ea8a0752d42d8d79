/*
 * slotmap: see slotmap.h. The hash spreads consecutive target indices
 * (a window holds runs of them) over the table.
 */
#include "scan/slotmap.h"

#include <stdlib.h>

static uint32_t cell_of(const struct scan_slotmap *m, uint32_t target)
{
	return (uint32_t)(((uint64_t)target * 0x9e3779b97f4a7c15ULL) >> 32) & m->mask;
}

int scan_slotmap_init(struct scan_slotmap *m, uint32_t slots)
{
	uint64_t cells = 16;
	while (cells < 2 * (uint64_t)slots)
		cells *= 2;
	m->mask = (uint32_t)(cells - 1);
	m->key = calloc(cells, sizeof *m->key);
	m->slot = calloc(cells, sizeof *m->slot);
	if (m->key == NULL || m->slot == NULL) {
		scan_slotmap_free(m);
		return -1;
	}
	return 0;
}

void scan_slotmap_put(struct scan_slotmap *m, uint32_t target, uint32_t slot)
{
	uint32_t c = cell_of(m, target);
	while (m->key[c] != 0)
		c = (c + 1) & m->mask;
	m->key[c] = target + 1;
	m->slot[c] = slot;
}

/* The cell holding target, or -1. */
static int64_t find(const struct scan_slotmap *m, uint32_t target)
{
	for (uint32_t c = cell_of(m, target); m->key[c] != 0; c = (c + 1) & m->mask)
		if (m->key[c] == target + 1)
			return c;
	return -1;
}

int64_t scan_slotmap_get(const struct scan_slotmap *m, uint32_t target)
{
	int64_t c = find(m, target);
	return c < 0 ? -1 : (int64_t)m->slot[c];
}

void scan_slotmap_del(struct scan_slotmap *m, uint32_t target)
{
	int64_t f = find(m, target);
	if (f < 0)
		return;
	uint32_t hole = (uint32_t)f;
	m->key[hole] = 0;
	/* backward shift: move up every later entry of the run that may fill the hole */
	for (uint32_t c = (hole + 1) & m->mask; m->key[c] != 0; c = (c + 1) & m->mask) {
		uint32_t home = cell_of(m, m->key[c] - 1);
		if (((c - home) & m->mask) >= ((c - hole) & m->mask)) {
			m->key[hole] = m->key[c];
			m->slot[hole] = m->slot[c];
			m->key[c] = 0;
			hole = c;
		}
	}
}

void scan_slotmap_free(struct scan_slotmap *m)
{
	free(m->key);
	free(m->slot);
	m->key = NULL;
	m->slot = NULL;
}
