/*
 * atlas_json: results as RIPE Atlas result objects (the public result format
 * that ripe.atlas.sagan and other RIPE Atlas parsers read), one JSON object
 * per result. The encoders stream the JSON text straight into a buffer
 * (atlas_*_line, what the command line writes and the agent spools and
 * uploads as it is: a few hundred nanoseconds a result); atlas_*_json parse
 * that text into jansson values for those that need objects, so both paths
 * give the same object by construction.
 *
 * Shapes (see RIPE Atlas "result format"):
 *  ping:       fw, lts, type "ping", msm_name, af, dst_addr, dst_name,
 *              src_addr, from, proto, size, ttl, timestamp, endtime, step,
 *              msm_id, prb_id, group_id, sent, rcvd, dup, min, avg, max (ms,
 *              -1 if none), result[] of {rtt[,ttl][,src_addr][,dup][,late]}
 *              or {x:"*"}
 *  traceroute: fw, lts, type "traceroute", msm_name, af, dst_addr, dst_name,
 *              src_addr, from, proto, size, paris_id, timestamp, endtime,
 *              msm_id, prb_id, group_id, step, result[] of {hop, result[] of
 *              {from, rtt, size, ttl[, ittl][, err][, flags][, icmpext]
 *              [, dup][, late]} or {x:"*"}}
 * Beside RIPE's fields, vantage adds "ts_source" (kernel, mixed, fallback:
 * where the RTTs were timed) and, for traces, "stop_reason".
 * RTTs are milliseconds with nanosecond resolution.
 */
#ifndef VANTAGE_FORMAT_ATLAS_JSON_H
#define VANTAGE_FORMAT_ATLAS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format/jstream.h"
#include "format/wbuf.h"
#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

/*
 * The "fw" value we write: the RIPE Atlas probe firmware whose result shapes
 * we follow (parsers such as sagan pick the parsing rules by it).
 */
#define ATLAS_FW 5080

/* What a result object says beyond the result itself. Zero = unknown. */
struct atlas_meta {
	uint64_t msm_id;   /* measurement id */
	uint32_t prb_id;   /* vantage point id */
	uint64_t group_id; /* group of measurements; 0 = same as msm_id */
	uint32_t step;     /* interval of a periodic measurement, s; 0 = one-off */
	int64_t lts;       /* seconds since the clock was last synchronised;
			      RIPE writes -1 when unknown */
};

/*
 * Append the RIPE Atlas object of a finished ping to out as one line of JSON
 * text (no newline). Returns 0, or -1 when out of memory.
 */
int atlas_ping_line(struct wbuf *out, const struct ping_result *r,
		    const struct atlas_meta *m);

/* The same for a finished trace. */
int atlas_trace_line(struct wbuf *out, const struct trace_result *r,
		     const struct atlas_meta *m);

/* The ping's object as jansson values; NULL when out of memory. */
json_t *atlas_ping_json(const struct ping_result *r, const struct atlas_meta *m);

/* The trace's object as jansson values; NULL when out of memory. */
json_t *atlas_trace_json(const struct trace_result *r, const struct atlas_meta *m);

/*
 * Print obj on one line followed by a newline. Returns 0, or -1 with a
 * reason in err.
 */
int atlas_json_write_line(FILE *f, const json_t *obj, char *err, size_t errlen);

/* Write the fields ping and traceroute objects share (for the encoders). */
void atlas_common_fields(struct jstream *j, const char *type, uint8_t af,
			 const struct msm_addr *dst, const struct msm_addr *src,
			 const char *dst_name, const struct timespec *start,
			 const struct timespec *end, const struct atlas_meta *m);

/* Write key with the text of address a of family af as its value. */
void atlas_addr_field(struct jstream *j, const char *key, uint8_t af,
		      const struct msm_addr *a);

/* Parse the JSON text in b (from atlas_*_line); NULL on failure. */
json_t *atlas_parse(const struct wbuf *b);

/* "kernel", "mixed" or "fallback": where RTTs were timed (vantage field). */
const char *atlas_ts_source_name(uint8_t ts);

/*
 * The RIPE "err" of a reply with this ICMP type/code: NULL if it is no error
 * (not an unreachable, or port unreachable from the destination itself), a
 * letter ("N", "H", "A", "P", "S", "p"), or "" when RIPE writes the code as a
 * number.
 */
const char *atlas_unreach_err(uint8_t af, uint8_t type, uint8_t code, bool from_dst);

#endif
