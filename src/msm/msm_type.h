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
struct result_sink;
struct atlas_meta;

/* Who to measure, as the caller resolved it. */
struct msm_target {
	struct net_addr dst;  /* the destination */
	struct net_addr src;  /* our source address towards it */
	const char *name;     /* the target as given (copied by the type) */
	uint16_t id;          /* caller-chosen id, unique among the caller's
				 running measurements to the same dst (ICMP id,
				 source port) */
	uint32_t user_id;     /* carried into the result */
};

/*
 * Copy a target's family and addresses into a result's af/dst/src and
 * return a copy of its name (its owned dst_name); NULL when out of memory.
 */
char *msm_target_label(const struct msm_target *t, uint8_t *af, struct msm_addr *dst,
		       struct msm_addr *src);

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
	/* the RIPE Atlas result object of a finished result (new reference) */
	json_t *(*to_atlas)(const void *result, const struct atlas_meta *m);
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
