/*
 * msm_type: how a measurement type plugs in. A type is a table of operations
 * (take options from a RIPE Atlas definition, start on the engine, abort,
 * encode a finished result, free it) plus one line in msm_registry.c. The
 * engine below knows no type; each type handles its replies and timeouts
 * through the engine's owner callbacks, and calls `done` exactly once with
 * its finished result (unless aborted).
 */
#ifndef VANTAGE_MSM_MSM_TYPE_H
#define VANTAGE_MSM_MSM_TYPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "msm/msm_result.h"
#include "net/addr.h"

struct engine;
struct eng_rate;
struct result_sink;
struct atlas_meta;
struct wbuf;

/* Who to measure, as the caller resolved it. */
struct msm_target {
	struct net_addr dst;  /* the destination */
	struct net_addr src;  /* our source address towards it */
	const char *name;     /* the target as given (copied by the type) */
	uint16_t id;          /* caller-chosen id, unique among the caller's
				 running measurements to the same dst (ICMP id,
				 source port) */
	uint32_t user_id;     /* carried into the result */
	struct eng_rate *rate; /* the rate class its probes share (engine.h),
				  NULL = the engine's budget only */
};

/*
 * Where a result type keeps what it takes from its target: its size and the
 * offsets of its fields af (uint8_t), dst and src (struct msm_addr),
 * dst_name (char *, owned) and user_id (uint32_t). MSM_RESULT_LAYOUT(T)
 * fills one for result type T and fails to compile if a field is missing or
 * of another size.
 */
struct msm_result_layout {
	size_t size, af, dst, src, dst_name, user_id;
};

#define MSM_FIELD_AT(T, f, bytes) \
	(offsetof(T, f) + 0 * sizeof(char[sizeof(((T *)0)->f) == (bytes) ? 1 : -1]))
#define MSM_RESULT_LAYOUT(T) { sizeof(T), MSM_FIELD_AT(T, af, 1), \
	MSM_FIELD_AT(T, dst, 16), MSM_FIELD_AT(T, src, 16), \
	MSM_FIELD_AT(T, dst_name, sizeof(char *)), MSM_FIELD_AT(T, user_id, 4) }

/*
 * A new zeroed result of layout l labelled from target t: its family,
 * addresses, a copy of its name and its user id. NULL when out of memory.
 */
void *msm_result_new(const struct msm_result_layout *l, const struct msm_target *t);

/* Called once with the finished result (owned by the callee). */
typedef void (*msm_done_fn)(void *result, void *arg);

struct msm_type {
	const char *name;     /* RIPE Atlas "type": "ping", "traceroute" */
	size_t spec_size;     /* bytes of the type's option struct */
	/* fill spec from a RIPE Atlas API definition; *af gets 4 or 6 */
	int (*spec_from_atlas)(const json_t *def, void *spec, int *af,
			       char *err, size_t errlen);
	/* start; returns the running task or NULL with err */
	void *(*start)(struct engine *e, const void *spec,
		       const struct msm_target *t, msm_done_fn done, void *arg,
		       char *err, size_t errlen);
	/* stop a running task without calling done */
	void (*abort)(void *task);
	/* append the RIPE Atlas result object of a finished result to out as
	   one line of JSON text (src/format/atlas_json.h): 0, or -1 when out of
	   memory */
	int (*atlas_line)(struct wbuf *out, const void *result, const struct atlas_meta *m);
	/* write a finished result to an output sink (src/format): 0 or -1 */
	int (*sink_write)(struct result_sink *s, const void *result,
			  char *err, size_t errlen);
	/* free a finished result */
	void (*result_free)(void *result);
	/* the IP protocol the spec's probes use (for engine_prepare) */
	int (*proto)(const void *spec, int family);
	/* the packet method the spec's probes use ("icmp-echo", "udp-paris", ...:
	   the names the site policy checks, src/policy/methods.h) */
	const char *(*method)(const void *spec);
};

/* The type whose name is `name`, or NULL. */
const struct msm_type *msm_type_find(const char *name);

#endif
