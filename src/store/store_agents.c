/*
 * store_agents: what both engines ask of a batch of agents to register
 * before they store any of it (the controller's agents.add with a list of
 * fingerprints): no fingerprint twice. PostgreSQL's one INSERT ... ON
 * CONFLICT would otherwise fail with its own words ("cannot affect row a
 * second time"), and SQLite's adds one by one would blame the batch's own
 * first row ("already registered").
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* qsort's order of pointers to agents: by fingerprint, then by place in the batch. */
static int by_fp(const void *x, const void *y)
{
	const struct store_agent *a = *(const struct store_agent *const *)x;
	const struct store_agent *b = *(const struct store_agent *const *)y;
	int c = strcmp(a->fp, b->fp);
	return c ? c : (a > b) - (a < b);
}

/* See store.h. */
int store_agents_unique(const struct store_agent *a, size_t n, char *err, size_t errlen)
{
	const struct store_agent **p = malloc((n ? n : 1) * sizeof *p);
	if (!p) {
		snprintf(err, errlen, "store: agents add: out of memory for %zu agents", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		p[i] = &a[i];
	qsort(p, n, sizeof *p, by_fp);
	int rc = 0;
	for (size_t i = 1; rc == 0 && i < n; i++)
		if (strcmp(p[i - 1]->fp, p[i]->fp) == 0) {
			snprintf(err, errlen, "agent %s is twice in the batch (places %zu and %zu);"
				 " nothing was registered", p[i]->fp, (size_t)(p[i - 1] - a),
				 (size_t)(p[i] - a));
			rc = -1;
		}
	free(p);
	return rc;
}
