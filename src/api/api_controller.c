/*
 * api_controller: the glue between the API's hooks (api.h) and the
 * controller's internals: sending definitions to participants and stops to
 * agents (assign.c, and to the participants taken out of a measurement), whether an agent is connected (session.c), and
 * committing pending results before they are read (ingest.c).
 */
#include "api/api_controller.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "controller/controller_int.h"
#include "util/anyaddr.h"

/* Hook: send a new measurement to its connected participants. */
static void pushed(void *arg, const struct store_msm *m, const int64_t *ids, size_t n)
{
	assign_push(arg, m, ids, n);
}

/* Hook: tell the agents to stop a measurement. */
static void stopped(void *arg, int64_t id)
{
	assign_stop(arg, id);
}

/* Hook: tell the connected agents among ids to stop measurement id. */
static void withdrawn(void *arg, int64_t id, const int64_t *ids, size_t n)
{
	struct msg m = { .type = MSG_MSM_STOP, .msm_id = id };
	char err[128];
	for (size_t i = 0; i < n; i++) {
		struct session *s = session_of_agent(arg, ids[i]);
		if (s && conn_send(s->conn, &m, err, sizeof err) < 0)
			ctl_log(arg, "agent %lld: measurement %lld: %s", (long long)ids[i],
				(long long)id, err);
	}
}

/* Hook: is the agent connected now? */
static int connected(void *arg, int64_t agent_id)
{
	return session_of_agent(arg, agent_id) != NULL;
}

/* Hook: commit what is pending. */
static void flush(void *arg)
{
	ingest_flush(arg);
}

/* See api_controller.h. */
int api_controller_start(struct controller *c, char *err, size_t errlen)
{
	char addr[64], dir[4096];
	int port;
	if (!c->opts.api_listen)
		return 0;
	if (api_parse_listen(c->opts.api_listen, addr, sizeof addr, &port, err, errlen) < 0)
		return -1;
	char given[sizeof addr];
	snprintf(given, sizeof given, "%s", addr);
	if (anyaddr_listen(given, addr, sizeof addr) == 1)
		ctl_log(c, "this host has no IPv6: the API listens on 0.0.0.0 instead of [%s]", given);
	/* the API's own key and certificate, next to the identity's and apart from
	   it: a leaked HTTPS key never exposes the identity agents pin */
	snprintf(dir, sizeof dir, "%s", c->opts.cert_path);
	struct api_opts o = { .addr = addr, .port = port,
			      .timeout = 10, .min_interval = 10, .default_rate = 600,
			      .targets = c->opts.targets, .noprobe = &c->noprobe,
			      .resolv_conf = c->opts.resolv_conf,
			      .hosts = c->opts.hosts, .name = c->opts.api_name,
			      .key_max_running = c->opts.key_max_running > 0 ?
					c->opts.key_max_running : 100,
			      .key_max_probes = c->opts.key_max_probes > 0 ?
					c->opts.key_max_probes : 1000,
			      .abandon_after = c->opts.abandon_after,
			      .dns_zone = c->opts.dns_zone, .dns_names = c->opts.dns_names,
			      .credit_limits = { c->policy.max_running, c->policy.max_probes,
						 c->policy.max_results_per_day,
						 c->policy.max_credits_per_day },
			      .stream_max_pending = (size_t)(c->opts.stream_buffer_kb > 0 ?
					c->opts.stream_buffer_kb : 1024) * 1024 };
	struct api_hooks h = { c, pushed, stopped, withdrawn, connected, flush };
	if (c->store->ops->frontend)
		h.connected = NULL;   /* an agent may be connected at another front-end: ask the store */
	c->api = api_new_in(c->base, c->store, &o, dirname(dir), &h, "vantage-controller", err,
			    errlen);
	return c->api ? 0 : -1;
}
