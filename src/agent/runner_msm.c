/*
 * runner_msm: the shipped agent's runner, the engine's msm_runner
 * (src/msm/msm_runner.h) with the site's policy (src/policy/aup.h) built
 * from the agent's config by agent/gate.c, so every probe is checked where
 * it is sent.
 */
#include "agent/runner_msm.h"

#include <stdio.h>
#include <stdlib.h>

#include "agent/config.h"
#include "agent/gate.h"
#include "msm/msm_runner.h"
#include "policy/aup.h"

struct runner_msm {
	struct aup aup;
	struct msm_runner *r;
};

/* Create the AUP and the engine's runner on base. */
static void *create(struct event_base *base, const struct agent_config *cfg, char *err,
		    size_t errlen)
{
	struct runner_msm *rm = calloc(1, sizeof *rm);
	if (!rm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (gate_aup_build(&rm->aup, cfg, err, errlen) < 0) {
		free(rm);
		return NULL;
	}
	struct msm_runner_opts o = { .pps = (uint32_t)cfg->pps, .aup = &rm->aup };
	if (!(rm->r = msm_runner_new(base, &o, err, errlen))) {
		aup_free(&rm->aup);
		free(rm);
		return NULL;
	}
	return rm;
}

/* Hand one definition to the engine. */
static int submit(void *r, const json_t *def, agent_result_fn cb, void *arg, char *err,
		  size_t errlen)
{
	return msm_runner_submit(((struct runner_msm *)r)->r, def, cb, arg, err, errlen);
}

/* Hand one definition to the engine, its probes in the rate class of pps. */
static int submit_paced(void *r, const json_t *def, uint32_t pps, agent_result_fn cb, void *arg,
			char *err, size_t errlen)
{
	return msm_runner_submit_paced(((struct runner_msm *)r)->r, def, pps, cb, arg, err,
				       errlen);
}

/* Runs in progress. */
static size_t pending(void *r)
{
	return msm_runner_pending(((struct runner_msm *)r)->r);
}

/* Stop everything and free. */
static void destroy(void *r)
{
	struct runner_msm *rm = r;
	msm_runner_free(rm->r);
	aup_free(&rm->aup);
	free(rm);
}

/* Point the engine's AUP at the platform no-probe list. */
static void set_noprobe(void *r, const struct ptrie *t)
{
	((struct runner_msm *)r)->aup.platform_noprobe = t;
}

static const struct agent_runner_ops ops = { "engine", create, submit, pending, destroy,
					     set_noprobe, submit_paced };

/* See runner_msm.h. */
const struct agent_runner_ops *runner_msm_ops(void)
{
	return &ops;
}
