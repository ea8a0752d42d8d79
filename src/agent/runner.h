/*
 * runner: how the agent hands measurement definitions to a measuring
 * engine. The shipped agent plugs in the engine's msm_runner (src/msm); tests
 * plug in a runner of their own. The agent owns the event loop; the runner
 * runs on it and calls back once per finished result (a RIPE Atlas result
 * object as JSON text the callee owns).
 */
#ifndef VANTAGE_AGENT_RUNNER_H
#define VANTAGE_AGENT_RUNNER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct agent_config;
struct ptrie;

/*
 * A finished result: one JSON object of len bytes (and a NUL), malloc'd, the
 * callee's. It is spooled and uploaded as it is (spool.h, spool_is_object),
 * so a runner must give what msm_runner_cb promises (src/msm/msm_runner.h):
 * one object, valid UTF-8, no key twice at any depth, no NUL in a string,
 * with "msm_id" at its top level; json_dumps of a json_t object
 * keeps that promise too (a runner of tests, tests/platform/fake_runner.c).
 */
typedef void (*agent_result_fn)(char *result, size_t len, uint64_t msm_id, void *arg);

struct agent_runner_ops {
	const char *name;
	/* Create the runner on base; NULL with err on failure. */
	void *(*create)(struct event_base *base, const struct agent_config *cfg,
			char *err, size_t errlen);
	/* Start one run of def; 0, or -1 with err (nothing started). */
	int (*submit)(void *r, const json_t *def, agent_result_fn cb, void *arg,
		      char *err, size_t errlen);
	/* Runs submitted and not finished. */
	size_t (*pending)(void *r);
	void (*destroy)(void *r);
	/*
	 * Enforce the platform no-probe list t (borrowed until the next call;
	 * NULL: none) on every probe from now on. Optional (NULL in runners
	 * that send nothing).
	 */
	void (*set_noprobe)(void *r, const struct ptrie *t);
	/*
	 * As submit, and the run's probes leave at most at pps besides the
	 * runner's own budget: every run submitted with the same pps shares
	 * that budget (a team member's rate). Optional: NULL in runners that
	 * send nothing (submit is used, the rate is not theirs to hold).
	 */
	int (*submit_paced)(void *r, const json_t *def, uint32_t pps, agent_result_fn cb,
			    void *arg, char *err, size_t errlen);
};

#endif
