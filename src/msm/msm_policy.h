/*
 * msm_policy: may this site run this measurement definition? The definition
 * (RIPE Atlas JSON: "type", "target", and the type's options) is read with
 * its type's own parser, which says the packet method its probes use; the
 * method and the target then go through the site's AUP (aup.h), the same
 * check the engine makes again before every packet. The agent calls this
 * before it accepts a definition and reports the reason when it refuses.
 */
#ifndef VANTAGE_MSM_MSM_POLICY_H
#define VANTAGE_MSM_MSM_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "policy/aup.h"

/*
 * Returns 0 when a allows def, or -1 with the reason in reason: the
 * definition is malformed ("packets: ..."), names no measurement type, its
 * type or packet method is not allowed ("method 'traceroute' not allowed by
 * site policy (it sends udp-paris)"), or its target is not an address or is
 * denied ("198.18.9.7 is in a forbidden range (198.18.9.0/24)").
 */
int msm_policy_check(const struct aup *a, const json_t *def, char *reason, size_t len);

#endif
