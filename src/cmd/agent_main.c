/*
 * vantage-agent: the daemon on a hosted vantage point. The whole program is
 * agent_program() (src/agent) with the probing engine as its runner.
 */
#include "agent/agent.h"
#include "agent/runner_msm.h"

int main(int argc, char **argv)
{
	return agent_program(argc, argv, runner_msm_ops());
}
