/*
 * store_prefixes: versioned prefix-to-AS tables in the store (`vantage
 * prefixes load`). Each load is a new version holding every entry of its
 * file, written in one transaction, so a version is whole or absent; a team
 * cycle reads the version current at its start, and later loads never
 * change it.
 */
#ifndef VANTAGE_STORE_STORE_PREFIXES_H
#define VANTAGE_STORE_STORE_PREFIXES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "team/prefix_table.h"

struct store;

/* Called with each entry of a version; non-zero stops the walk. */
typedef int (*store_prefix_fn)(void *arg, const struct pfx2as_entry *e);

struct store_prefix_ops {
	/*
	 * Store table t as a new version (source: where it came from, now: Unix
	 * seconds), all or nothing. Returns 0 and the version in *version, or -1.
	 */
	int (*load)(struct store *st, const struct prefix_table *t, const char *source,
		    int64_t now, int64_t *version, char *err, size_t errlen);
	/* Rows {version, source, loaded, prefixes, v4_prefixes, v6_prefixes, slash24s,
	   v6_targets}, newest first. */
	int (*versions)(struct store *st, json_t **out, char *err, size_t errlen);
	/* The newest version into *version (0 when none was loaded); 0 or -1. */
	int (*latest)(struct store *st, int64_t *version, char *err, size_t errlen);
	/* Does the version exist? 1, 0, or -1. */
	int (*exists)(struct store *st, int64_t version, char *err, size_t errlen);
	/* Every entry of the version, in file order; fn's non-zero return stops it. */
	int (*each)(struct store *st, int64_t version, store_prefix_fn fn, void *arg,
		    char *err, size_t errlen);
};

#endif
