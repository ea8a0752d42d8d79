/*
 * atlas_read: the reverse of atlas_json: one RIPE Atlas result object (ours,
 * or a RIPE Atlas probe's of firmware 4610 and later) back into a ping or
 * trace result, so stored or downloaded results can be written as warts or
 * text. The input is hostile: every field is type-checked and bounded, and a
 * bad object gives an error naming the field, never a partial result.
 *
 * What RIPE's format does not carry is inferred and said so here: the ICMP
 * type of a trace reply (time exceeded from a router; port unreachable,
 * echo reply or TCP from the destination; unreachable from "err"), the
 * attempt number (position in the hop's list), probe times (not kept).
 */
#ifndef VANTAGE_FORMAT_ATLAS_READ_H
#define VANTAGE_FORMAT_ATLAS_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

/* What atlas_read produced. */
enum atlas_kind { ATLAS_NONE = 0, ATLAS_PING, ATLAS_TRACE };

struct atlas_any {
	enum atlas_kind kind;
	struct ping_result *ping;   /* when kind == ATLAS_PING; caller frees */
	struct trace_result *trace; /* when kind == ATLAS_TRACE; caller frees */
};

/*
 * Read one result object o into out. Returns 0, or -1 with a one-line reason
 * in err (out is then empty).
 */
int atlas_read(const json_t *o, struct atlas_any *out, char *err, size_t errlen);

/* Read a ping object (type "ping"). NULL with a reason in err on error. */
struct ping_result *atlas_read_ping(const json_t *o, char *err, size_t errlen);

/* Read a traceroute object. NULL with a reason in err on error. */
struct trace_result *atlas_read_trace(const json_t *o, char *err, size_t errlen);

/* Helpers shared by the two readers. */

/* Integer field key in [min, max] into *v; absent gives def. -1 with err. */
int atlas_get_int(const json_t *o, const char *key, long long min, long long max,
		  long long def, long long *v, char *err, size_t errlen);

/* A number (ms) field as nanoseconds; absent or negative gives 0. -1 on error. */
int atlas_get_ms(const json_t *o, const char *key, uint64_t *ns, char *err, size_t errlen);

/* The address family (from "af", else guessed from dst_addr): AF_INET/6, or 0. */
int atlas_get_af(const json_t *o);

/* Address field key of family af into *a; absent gives zero when optional. */
int atlas_get_addr(const json_t *o, const char *key, int af, bool optional,
		   struct msm_addr *a, char *err, size_t errlen);

/* enum msm_ts_source of vantage's "ts_source" (RIPE's own: user space). */
uint8_t atlas_get_ts_source(const json_t *o);

/*
 * *name = a copy of "dst_name", or the text of address a when that is absent
 * or empty. -1 with a reason in err when out of memory.
 */
int atlas_get_name(const json_t *o, int af, const struct msm_addr *a, char **name,
		   char *err, size_t errlen);

#endif
