/*
 * agent: the vantage-agent daemon's core. It dials out to its controller
 * over TLS 1.3 (controller key pinned, its own Ed25519 key presented) on one
 * connection for everything, reconnects with jittered exponential backoff,
 * schedules the measurements it is given by itself (so periodic ones go on
 * while the controller is unreachable), writes every result to the durable
 * spool before it counts, uploads while measuring and forgets a result only
 * when the controller acks it. It listens on nothing.
 */
#ifndef VANTAGE_AGENT_AGENT_H
#define VANTAGE_AGENT_AGENT_H

#include <stddef.h>

#include "agent/config.h"
#include "agent/runner.h"

struct event_base;
struct agent;

/*
 * Create the agent on base from cfg with the given runner: loads or creates
 * the key (printing the fingerprint when created), opens the spool, starts
 * connecting. NULL with a one-line reason in err.
 */
struct agent *agent_new(struct event_base *base, const struct agent_config *cfg,
			const struct agent_runner_ops *runner, char *err, size_t errlen);

/* Close the connection and the spool, stop measuring, free. */
void agent_free(struct agent *a);

/*
 * Start the timing telemetry thread (unless timing_interval is 0). Call it
 * after dropping privileges, which apply per thread. 0, or -1 with err.
 */
int agent_start_telemetry(struct agent *a, char *err, size_t errlen);

/*
 * Run the vantage-agent program (options, config, signals, event loop) with
 * the given runner; returns the exit status. Shared by the shipped program
 * and test builds that use a different runner.
 */
int agent_program(int argc, char **argv, const struct agent_runner_ops *runner);

#endif
