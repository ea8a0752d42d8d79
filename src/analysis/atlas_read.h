/*
 * atlas_read: read RIPE Atlas ping and traceroute results (the JSON objects
 * RIPE Atlas writes, one per line, or a JSON array of them as the API
 * returns) into records. Fields used: prb_id or "from", dst_addr (or
 * dst_name), timestamp, type, and for a ping result[] with "rtt" per packet
 * ("x":"*" for a lost one, entries with "dup" skipped) or, without result[],
 * avg/min/max with sent/rcvd; for a traceroute result[] of hops, each with
 * result[] of replies. Parsing is pure and bounded; inputs are fuzzed.
 */
#ifndef VANTAGE_ANALYSIS_ATLAS_READ_H
#define VANTAGE_ANALYSIS_ATLAS_READ_H

#include "analysis/record.h"

#include <stddef.h>

/*
 * Parse one result object from text (len bytes) into *out. Returns 0, 1 when
 * it is valid JSON but not a ping or traceroute (skipped), or -1 with the
 * reason in err. out->path is allocated for traceroutes (caller frees).
 */
int atlas_parse_line(const char *text, size_t len, struct rec *out,
		     char *err, size_t errlen);

/*
 * Parse a whole file's contents (JSON lines or one JSON array) and append
 * the records whose probe matches `probe` (NULL: all) to *set. Errors name
 * `name` and the line. Returns the number of records added, or -1.
 */
long atlas_parse_text(const char *text, size_t len, const char *name,
		      const char *probe, struct rec_set *set, char *err, size_t errlen);

/* Read the file at path and parse it as atlas_parse_text(). */
long atlas_read_file(const char *path, const char *probe, struct rec_set *set,
		     char *err, size_t errlen);

#endif
