/*
 * runner_msm: the shipped agent's runner, the engine's msm_runner
 * (src/msm/msm_runner.h) with the site's policy (src/policy/aup.h) built
 * from the agent's config, so every probe is checked where it is sent.
 */
#include "agent/runner_msm.h"

#include <stdio.h>
#include <stdlib.h>

#include "agent/config.h"
#include "msm/msm_runner.h"
#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"
#include "policy/aup.h"

#include <string.h>

#define AUP_PREFIX_NODES 65536

struct runner_msm {
	struct aup aup;
	struct msm_runner *r;
};

/* Append name to the comma-separated list out unless it is there already. */
static void add_name(char *out, size_t len, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = out; (p = strstr(p, name)); p += n)
		if ((p == out || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return;
	size_t used = strlen(out);
	snprintf(out + used, len - used, "%s%s", used ? "," : "", name);
}

/*
 * The engine names the method of each packet ("icmp-echo", "udp-paris", ...);
 * the config names measurement types. Each allowed type allows its packet
 * methods; any other name in the list is taken as a packet method itself.
 */
static void packet_methods(const char *types, char *out, size_t len)
{
	char copy[sizeof ((struct agent_config *)0)->methods], *save = NULL;
	snprintf(copy, sizeof copy, "%s", types);
	out[0] = 0;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int ping = strcmp(t, "ping") == 0;
		int trace = strcmp(t, "traceroute") == 0 || strcmp(t, "trace") == 0;
		for (unsigned i = 0; ping && strcmp(ping_method_name(i), "?") != 0; i++)
			add_name(out, len, ping_method_name(i));
		for (unsigned i = 0; trace && strcmp(trace_method_name(i), "?") != 0; i++)
			add_name(out, len, trace_method_name(i));
		if (!ping && !trace)
			add_name(out, len, t);
	}
}

/* Fill the AUP from the config; 0 or -1 with err naming the setting. */
static int build_aup(struct aup *a, const struct agent_config *cfg, char *err, size_t errlen)
{
	char pps[16], why[256], methods[512];
	if (aup_init(a, AUP_PREFIX_NODES, err, errlen) < 0)
		return -1;
	snprintf(pps, sizeof pps, "%d", cfg->pps);
	int rc = 0;
	packet_methods(cfg->methods, methods, sizeof methods);
	if (cfg->methods[0] && aup_set_methods(a, methods, why, sizeof why) < 0)
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

/* Create the AUP and the engine's runner on base. */
static void *create(struct event_base *base, const struct agent_config *cfg, char *err,
		    size_t errlen)
{
	struct runner_msm *rm = calloc(1, sizeof *rm);
	if (!rm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (build_aup(&rm->aup, cfg, err, errlen) < 0) {
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

static const struct agent_runner_ops ops = { "engine", create, submit, pending, destroy };

/* See runner_msm.h. */
const struct agent_runner_ops *runner_msm_ops(void)
{
	return &ops;
}
