/*
 * trace: the traceroute measurement type. Its options (trace_spec), its
 * state machine over the engine (trace_do.c), the stop rules
 * (trace_stop.c), and option parsing from a RIPE Atlas definition
 * (trace_atlas.c) and from the command line (trace_cmd.c).
 */
#ifndef VANTAGE_MSM_TRACE_TRACE_H
#define VANTAGE_MSM_TRACE_TRACE_H

#include <stdint.h>

#include "msm/msm_type.h"
#include "msm/trace/trace_result.h"

/* What a trace does; trace_spec_default fills the defaults. */
struct trace_spec {
	uint8_t method;     /* enum trace_method, default udp-paris */
	uint8_t first_ttl;  /* 1..255, default 1 */
	uint8_t max_ttl;    /* first_ttl..255, default 32 */
	uint8_t attempts;   /* probes per TTL, 1..16, default 3 */
	uint8_t gap_limit;  /* silent TTLs before giving up, 1..255, default 5 */
	uint16_t size;      /* IP packet size, default 48 (raised to the
			       smallest packet the method can send) */
	uint16_t dport;     /* destination (base) port, default 33435 udp,
			       80 tcp */
	uint16_t paris_id;  /* Paris flow id reported (1..64), default 1 */
	uint32_t wait_ms;   /* wait per probe, default 1000 */
};

/* The defaults. */
void trace_spec_default(struct trace_spec *s);

extern const struct msm_type trace_type;

/* Start a trace (see msm_type.start). */
void *trace_start(struct engine *e, const void *spec, const struct msm_target *t,
		  msm_done_fn done, void *arg, char *err, size_t errlen);

/* Stop a running trace without a result. */
void trace_abort(void *task);

/* The IP protocol a trace method sends. */
int trace_proto(const void *spec, int family);

/* Fill a spec from a RIPE Atlas traceroute definition. */
int trace_spec_from_atlas(const json_t *def, void *spec, int *af, char *err, size_t errlen);

/* True for the methods that keep one flow (udp-paris, icmp-paris, tcp-*). */
int trace_method_is_paris(unsigned method);

#endif
