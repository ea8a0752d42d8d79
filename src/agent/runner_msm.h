/*
 * runner_msm: the runner of the shipped vantage-agent: the probing engine's
 * msm_runner under the site's AUP (see runner.h for the interface).
 */
#ifndef VANTAGE_AGENT_RUNNER_MSM_H
#define VANTAGE_AGENT_RUNNER_MSM_H

#include "agent/runner.h"

/* The operations table of the engine-backed runner. */
const struct agent_runner_ops *runner_msm_ops(void);

#endif
