/*
 * resolve_def: a measurement definition whose target the agent resolves
 * itself, each time it runs it (RIPE Atlas's resolve_on_probe): the
 * controller sends {"target": HOST NAME, "af": 4|6, "resolve_on_probe": true,
 * ...}; the agent looks the name up with its own resolver (resolve.c), then
 * runs a copy bound to the address it found, with "dst_name" set to the
 * name. A run that cannot start (no address, or the site's policy or the
 * no-probe list refuse the address) gives a result in RIPE's error shape
 * rather than nothing. Pure and bounded: the definition came off the wire.
 */
#ifndef VANTAGE_AGENT_RESOLVE_DEF_H
#define VANTAGE_AGENT_RESOLVE_DEF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RESOLVE_NAME_MAX 254     /* a host name of at most 253 characters, and its NUL */

/*
 * Read def: 1 if it asks the agent to resolve its target (then name holds
 * the host name and *af 4 or 6); 0 if not (resolve_on_probe absent or
 * false); -1 with err if it asks and the name, the family or the flag is
 * bad.
 */
int resolve_def_parse(const json_t *def, char name[RESOLVE_NAME_MAX], int *af, char *err,
		      size_t errlen);

/* A copy of def bound to addr: target addr, dst_name name, no resolve_on_probe.
   NULL when out of memory. */
json_t *resolve_def_bind(const json_t *def, const char *name, const char *addr);

/*
 * The result of a run of def that could not start, as RIPE's probes write
 * it: fw, type, msm_name, af, dst_name, msm_id, timestamp and
 * "error": {kind: why} (kind "getaddrinfo" for a failed lookup, as RIPE's
 * probes and Sagan read it; "policy" when the site refuses the address, then
 * dst_addr is set too). NULL when out of memory.
 */
json_t *resolve_def_error(const json_t *def, const char *name, const char *addr,
			  const char *kind, const char *why, int64_t now);

/* Why a site that sets `resolve_on_probe no` (agent/config.h) refuses def. */
#define RESOLVE_REFUSED_WHY "the site does not allow resolve_on_probe: this agent resolves " \
	"no target itself (agent.conf resolve_on_probe no)"

/*
 * The result of def on such a site: resolve_def_error's shape, kind
 * "policy", no dst_addr (no lookup was made). NULL when out of memory.
 */
json_t *resolve_def_refused(const json_t *def, const char *name, int64_t now);

#endif
