/*
 * ping: the ping measurement type. Its options (ping_spec), its state
 * machine over the engine (ping_do.c), its option parsing from a RIPE Atlas
 * definition (ping_atlas.c) and from the command line (ping_cmd.c).
 */
#ifndef VANTAGE_MSM_PING_PING_H
#define VANTAGE_MSM_PING_PING_H

#include <stdint.h>

#include "msm/msm_type.h"
#include "msm/ping/ping_result.h"

/* What a ping does; ping_spec_default fills the defaults. */
struct ping_spec {
	uint8_t method;       /* enum ping_method */
	uint8_t ttl;          /* 1..255, default 64 */
	uint16_t count;       /* probes, 1..65535, default 3 */
	uint16_t size;        /* payload bytes after the transport header,
				 default 48 (>= 6 on the wire: run key) */
	uint16_t dport;       /* udp/tcp destination port, default 33434 / 80 */
	uint32_t interval_ms; /* between probes, default 1000 */
	uint32_t timeout_ms;  /* wait per probe, default 1000 */
};

/* The defaults (icmp-echo, 3 probes of 48 bytes, 1 s apart, TTL 64). */
void ping_spec_default(struct ping_spec *s);

extern const struct msm_type ping_type;

/* Start a ping (see msm_type.start). */
void *ping_start(struct engine *e, const void *spec, const struct msm_target *t,
		 msm_done_fn done, void *arg, char *err, size_t errlen);

/* Stop a running ping without a result. */
void ping_abort(void *task);

/* The IP protocol a ping method sends. */
int ping_proto(const void *spec, int family);

/* Fill a spec from a RIPE Atlas ping definition ("packets", "size", ...). */
int ping_spec_from_atlas(const json_t *def, void *spec, int *af, char *err, size_t errlen);

#endif
