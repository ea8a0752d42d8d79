/*
 * pfx2as: the reader of RouteViews/CAIDA prefix-to-AS files, one routed
 * prefix a line as "prefix<TAB>length<TAB>ASN" (e.g. "1.0.0.0\t24\t13335").
 * The ASN field may hold a multi-origin set ("7018_209") or an AS set
 * ("4434,4435"); the first AS is taken. Blank lines and lines starting with
 * '#' are skipped. Pure: text in, entries out, every read bounded by the
 * given length; a bad line stops the walk with "line N: reason". Used by
 * `vantage scan` and by team probing.
 */
#ifndef VANTAGE_SCAN_PFX2AS_H
#define VANTAGE_SCAN_PFX2AS_H

#include <stddef.h>
#include <stdint.h>

#include "policy/prefix.h"

/* Longest line accepted (a longer one is an error). */
#define PFX2AS_LINE_MAX 256

/* One routed prefix and its origin AS. */
struct pfx2as_entry {
	struct net_prefix prefix; /* bits after the length are zero */
	uint32_t asn;             /* first origin AS */
};

/*
 * Parse one line (text[0..len), no newline). Returns 1 with *out filled, 0
 * for a blank or comment line, or -1 with a reason in err ("expected
 * prefix<TAB>length<TAB>ASN", "length 33 out of range for IPv4", "host bits
 * set after /15", "bad ASN 'x'").
 */
int pfx2as_parse_line(const char *text, size_t len, struct pfx2as_entry *out,
		      char *err, size_t errlen);

/* Called for each entry; a non-zero return stops the walk and is returned. */
typedef int (*pfx2as_fn)(const struct pfx2as_entry *e, void *ctx);

/*
 * Walk text[0..len) line by line ("\n" or "\r\n"), calling fn for each
 * entry. Returns 0, fn's non-zero return, or -1 with "line N: reason" in
 * err for the first bad line.
 */
int pfx2as_parse(const char *text, size_t len, pfx2as_fn fn, void *ctx,
		 char *err, size_t errlen);

#endif
