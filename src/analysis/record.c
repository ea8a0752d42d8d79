/*
 * record: the growable array of measurement records (see record.h).
 */
#include "analysis/record.h"
#include "util/grow.h"

#include <stdlib.h>

/* Append r to s, growing the array geometrically. */
int rec_set_add(struct rec_set *s, struct rec *r)
{
	if (grow_for_one((void **)&s->v, &s->cap, s->n, sizeof *s->v, 256) < 0)
		return -1;
	s->v[s->n++] = *r;
	r->path = NULL;
	return 0;
}

/* Free the set and every path it owns. */
void rec_set_free(struct rec_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
