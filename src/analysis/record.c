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

/* Drop the records outside [since, until). */
size_t rec_set_keep_between(struct rec_set *s, int64_t since, int64_t until)
{
	size_t kept = 0, dropped = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].timestamp >= since && s->v[i].timestamp < until) {
			s->v[kept++] = s->v[i];
		} else {
			free(s->v[i].path);
			dropped++;
		}
	}
	s->n = kept;
	return dropped;
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
