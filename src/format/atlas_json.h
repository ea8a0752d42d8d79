/*
 * atlas_json: results as RIPE Atlas result objects (the public result format
 * that ripe.atlas.sagan and other RIPE Atlas parsers read), one JSON object
 * per result. The builders return a jansson object (the agent sends these to
 * the controller); atlas_json_write_line prints one as a single line.
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

/* Build the RIPE Atlas object of a finished ping; NULL when out of memory. */
json_t *atlas_ping_json(const struct ping_result *r, const struct atlas_meta *m);

/* Build the RIPE Atlas object of a finished trace; NULL when out of memory. */
json_t *atlas_trace_json(const struct trace_result *r, const struct atlas_meta *m);

/*
 * Print obj on one line followed by a newline. Returns 0, or -1 with a
 * reason in err.
 */
int atlas_json_write_line(FILE *f, const json_t *obj, char *err, size_t errlen);

/* Fill the fields ping and traceroute objects share (used by the builders). */
int atlas_common_fields(json_t *o, const char *type, uint8_t af,
			const struct msm_addr *dst, const struct msm_addr *src,
			const char *dst_name, const struct timespec *start,
			const struct timespec *end, const struct atlas_meta *m);

/* "kernel", "mixed" or "fallback": where RTTs were timed (vantage field). */
const char *atlas_ts_source_name(uint8_t ts);

/*
 * Attach arr as o's "result" and return o; if rc is non-zero or that fails,
 * free both and return NULL. Either may be NULL.
 */
json_t *atlas_finish(json_t *o, json_t *arr, int rc);

/* Set key of o to a new value, taking ownership; -1 if v is NULL or on error. */
int atlas_set(json_t *o, const char *key, json_t *v);

/*
 * The RIPE "err" of a reply with this ICMP type/code: NULL if it is no error
 * (not an unreachable, or port unreachable from the destination itself), a
 * letter ("N", "H", "A", "P", "S", "p"), or "" when RIPE writes the code as a
 * number.
 */
const char *atlas_unreach_err(uint8_t af, uint8_t type, uint8_t code, bool from_dst);

#endif
