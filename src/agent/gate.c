/*
 * gate: the agent's site policy from its config (see gate.h).
 */
#include "agent/gate.h"

#include <stdio.h>
#include <string.h>

#include "msm/msm_policy.h"
#include "policy/methods.h"

#define GATE_PREFIX_NODES 65536

/* See gate.h. */
int gate_aup_build(struct aup *a, const struct agent_config *cfg, char *err, size_t errlen)
{
	char pps[16], why[256] = "", methods[512];
	if (aup_init(a, GATE_PREFIX_NODES, err, errlen) < 0)
		return -1;
	snprintf(pps, sizeof pps, "%d", cfg->pps);
	int rc = 0;
	if (cfg->methods[0] && policy_methods_expand(cfg->methods, methods, sizeof methods) < 0) {
		snprintf(why, sizeof why, "methods: too many names");
		rc = -1;
	}
	if (!rc && cfg->methods[0] && aup_set_methods(a, methods, why, sizeof why) < 0)
		rc = -1;
	if (!rc && cfg->pps && aup_set_pps(a, pps, why, sizeof why) < 0)
		rc = -1;
	for (int i = 0; !rc && i < cfg->n_allow; i++)
		rc = aup_allow_prefix(a, cfg->allow[i], why, sizeof why);
	for (int i = 0; !rc && i < cfg->n_forbid; i++)
		rc = aup_forbid_prefix(a, cfg->forbid[i], why, sizeof why);
	if (!rc && cfg->noprobe[0] && aup_load_noprobe(a, cfg->noprobe, why, sizeof why) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "site policy: %s", why);
		aup_free(a);
	}
	return rc < 0 ? -1 : 0;
}

/* See gate.h. */
int gate_init(struct gate *g, const struct agent_config *cfg, char *err, size_t errlen)
{
	memset(g, 0, sizeof *g);
	return gate_aup_build(&g->aup, cfg, err, errlen);
}

/* See gate.h. */
void gate_free(struct gate *g)
{
	aup_free(&g->aup);
	memset(g, 0, sizeof *g);
}

/* See gate.h. */
int gate_check(const struct gate *g, const json_t *def, char *reason, size_t len)
{
	return msm_policy_check(&g->aup, def, reason, len);
}
