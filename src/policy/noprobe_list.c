/*
 * noprobe_list: the controller's copy of the platform no-probe list and the
 * check of one target against it (see noprobe_list.h).
 */
#include "policy/noprobe_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse one listing row into e; 0, or -1 with err. */
static int entry_from_row(struct noprobe_entry *e, const json_t *row, size_t i, char *err,
			  size_t errlen)
{
	const char *p = json_string_value(json_object_get(row, "prefix"));
	const char *r = json_string_value(json_object_get(row, "reason"));
	char why[128];
	if (!p || !r) {
		snprintf(err, errlen, "no-probe row %zu: 'prefix' and 'reason' must be strings", i);
		return -1;
	}
	if (!net_prefix_parse(p, &e->prefix, why, sizeof why)) {
		snprintf(err, errlen, "no-probe row %zu: %s", i, why);
		return -1;
	}
	snprintf(e->reason, sizeof e->reason, "%s", r);
	return 0;
}

/* See noprobe_list.h. */
int noprobe_list_set(struct noprobe_list *l, const json_t *rows, int64_t version,
		     char *err, size_t errlen)
{
	size_t n = json_array_size(rows);
	if (!json_is_array(rows) || n > NOPROBE_LIST_MAX) {
		snprintf(err, errlen, "no-probe list: not an array of at most %d rows",
			 NOPROBE_LIST_MAX);
		return -1;
	}
	struct noprobe_entry *e = calloc(n ? n : 1, sizeof *e);
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (entry_from_row(&e[i], json_array_get(rows, i), i, err, errlen) < 0) {
			free(e);
			return -1;
		}
	}
	free(l->e);
	l->e = e;
	l->n = n;
	l->version = version;
	return 0;
}

/* See noprobe_list.h. */
bool noprobe_list_blocks(const struct noprobe_list *l, const char *target, char *why,
			 size_t whylen)
{
	struct net_addr a;
	char err[96], pb[64];
	const struct noprobe_entry *best = NULL;
	if (!net_addr_parse(target, &a, err, sizeof err))
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (net_prefix_contains(&l->e[i].prefix, &a) &&
		    (!best || l->e[i].prefix.len > best->prefix.len))
			best = &l->e[i];
	if (!best)
		return false;
	snprintf(why, whylen, "%.64s is on the platform's no-probe list (%s: %s)", target,
		 net_prefix_str(&best->prefix, pb, sizeof pb), best->reason);
	return true;
}

/* See noprobe_list.h. */
void noprobe_list_free(struct noprobe_list *l)
{
	free(l->e);
	memset(l, 0, sizeof *l);
}
