/*
 * gate: the agent's site policy, built from its config (methods, pps,
 * allow/forbid prefixes, no-probe file) into an AUP (src/policy/aup.h).
 * Before a measurement definition is accepted the whole definition is checked
 * (src/msm/msm_policy.h); a refused measurement is reported to the
 * controller with the reason. The engine checks every packet again against
 * an AUP built the same way (agent/runner_msm.c).
 */
#ifndef VANTAGE_AGENT_GATE_H
#define VANTAGE_AGENT_GATE_H

#include <jansson.h>
#include <stddef.h>

#include "agent/config.h"
#include "policy/aup.h"

struct gate {
	struct aup aup;
};

/*
 * Fill a (not initialised) from the config: the configured measurement types
 * become packet methods (src/policy/methods.h). 0, or -1 with err naming the
 * setting ("site policy: forbid: ...") and nothing to free.
 */
int gate_aup_build(struct aup *a, const struct agent_config *cfg, char *err, size_t errlen);

/* Build the gate from the config (loads the no-probe file). 0 or -1 with err. */
int gate_init(struct gate *g, const struct agent_config *cfg, char *err, size_t errlen);

void gate_free(struct gate *g);

/* Returns 0 if the definition may run, or -1 with the reason in reason. */
int gate_check(const struct gate *g, const json_t *def, char *reason, size_t len);

#endif
