/*
 * prefix_table: a prefix-to-AS table as the controller loads it (`vantage
 * prefixes load FILE`): every entry of a RouteViews/CAIDA text file
 * (scan/pfx2as.h) and what a team cycle over it would probe: the distinct
 * /24s its IPv4 prefixes cover (shorter prefixes expand into their /24s,
 * longer ones count for their covering /24) and its IPv6 targets (::1 and
 * one random address of every prefix of /48 or shorter; longer ones are
 * counted and skipped). Pure: text in, table out; the first bad line fails
 * the whole parse ("line N: reason") and leaves the table empty, so nothing
 * is ever half-loaded.
 */
#ifndef VANTAGE_TEAM_PREFIX_TABLE_H
#define VANTAGE_TEAM_PREFIX_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "scan/pfx2as.h"

/* Entries a table may hold (a full RouteViews table is about 1.1 million). */
#define PREFIX_TABLE_MAX (8u * 1024 * 1024)

struct prefix_table {
	struct pfx2as_entry *e;   /* in file order */
	size_t n, cap;
	uint64_t v4_prefixes, v6_prefixes;
	uint64_t slash24s;        /* distinct /24s the IPv4 prefixes cover */
	uint64_t v6_targets;      /* distinct IPv6 targets (2 per prefix <= /48) */
	uint64_t v6_too_long;     /* IPv6 prefixes longer than /48, not probed */
};

/*
 * Parse text[0..len) into t (initialised by the call). Returns the number
 * of entries, or -1 with "line N: reason" (or "out of memory", "more than
 * N prefixes") in err; on error t holds nothing.
 */
long prefix_table_parse(struct prefix_table *t, const char *text, size_t len,
			char *err, size_t errlen);

/* Free what t holds. */
void prefix_table_free(struct prefix_table *t);

#endif
