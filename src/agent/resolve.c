/*
 * resolve: the agent's own resolver for definitions it resolves itself
 * (resolve_def.h, RIPE's resolve_on_probe). libevent's evdns, set up before
 * the privilege drop and the seccomp filter from the agent's resolv.conf and
 * hosts file (config keys resolv_conf and hosts; "none": not used), so a run
 * needs only UDP sockets, which the agent's filter allows. Each run looks the
 * name up again; the address found goes through the site's policy and the
 * platform no-probe list (the gate) before the runner gets it. A site that
 * sets `resolve_on_probe no` gets no resolver: each such run is answered
 * with a refusal result, as a forbidden address is.
 */
#include "agent/agent_int.h"
#include "agent/resolve_def.h"
#include "util/dns_base.h"
#include "util/wallclock.h"

#include <event2/dns.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One lookup in flight. */
struct resolve_run {
	struct agent *a;
	json_t *def;
	char name[RESOLVE_NAME_MAX];
	int af;
};

/* dns_base's warnings go to the agent's log. */
static void dns_warn(void *ctx, const char *what)
{
	agent_log(ctx, "%s", what);
}

/* See agent_int.h. */
int agent_dns_start(struct agent *a, char *err, size_t errlen)
{
	if (!a->cfg.resolve_on_probe)
		return 0;   /* the site resolves nothing: no resolver, no name server asked */
	a->dns = dns_base_open(a->base, a->cfg.resolv_conf, a->cfg.hosts, dns_warn, a, err, errlen);
	return a->dns ? 0 : -1;
}

/* See agent_int.h. */
void agent_dns_end(struct agent *a)
{
	a->dns_closing = 1;
	if (a->dns)
		evdns_base_free(a->dns, 1);   /* answers each lookup in flight: cancelled */
	a->dns = NULL;
}

/* Spool result r (an error result of run; a lost one is logged). */
static void report(struct resolve_run *run, json_t *r)
{
	uint64_t id = (uint64_t)json_integer_value(json_object_get(run->def, "msm_id"));
	if (r)
		agent_result_json(run->a, r, id);
	else
		agent_log(run->a, "measurement %llu: out of memory", (unsigned long long)id);
}

/* The first address of family af in res, as text into addr (empty if none). */
static void first_address(const struct evutil_addrinfo *res, int af, char *addr, size_t len)
{
	addr[0] = 0;
	for (; res && !addr[0]; res = res->ai_next) {
		if (res->ai_family != (af == 4 ? AF_INET : AF_INET6))
			continue;
		const void *raw = res->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr
			: (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
		evutil_inet_ntop(res->ai_family, raw, addr, len);
	}
}

/* Run the definition bound to addr: the gate first, then the runner. */
static void run_bound(struct resolve_run *run, const char *addr)
{
	struct agent *a = run->a;
	char why[300];
	uint64_t id = (uint64_t)json_integer_value(json_object_get(run->def, "msm_id"));
	json_t *bound = resolve_def_bind(run->def, run->name, addr);
	if (!bound) {
		report(run, NULL);
	} else if (gate_check(&a->gate, bound, why, sizeof why) < 0) {
		agent_log(a, "measurement %llu: %s resolved to %s: %s", (unsigned long long)id,
			  run->name, addr, why);
		report(run, resolve_def_error(run->def, run->name, addr, "policy", why,
					      wallclock_now()));
	} else if (a->rops->submit(a->runner, bound, agent_result, a, why, sizeof why) < 0) {
		agent_log(a, "measurement %llu: %s", (unsigned long long)id, why);
		report(run, resolve_def_error(run->def, run->name, addr, "policy", why,
					      wallclock_now()));
	}
	json_decref(bound);
}

/* evdns_getaddrinfo callback: the name answered (or not). */
static void answered(int result, struct evutil_addrinfo *res, void *arg)
{
	struct resolve_run *run = arg;
	char addr[64] = "";
	if (result == 0)
		first_address(res, run->af, addr, sizeof addr);
	if (res)
		evutil_freeaddrinfo(res);
	if (run->a->dns_closing) {
		;   /* shutting down: no result */
	} else if (addr[0]) {
		run_bound(run, addr);
	} else {
		const char *why = result == 0 ? "no address of the family asked for"
			: result == EVUTIL_EAI_CANCEL ? "not in the hosts file, and no name server"
			" is configured" : evutil_gai_strerror(result);
		report(run, resolve_def_error(run->def, run->name, NULL, "getaddrinfo", why,
					      wallclock_now()));
	}
	json_decref(run->def);
	free(run);
}

/* See agent_int.h. */
void agent_resolve_run(struct agent *a, const json_t *def)
{
	char err[200] = "no resolver";
	struct resolve_run *run = calloc(1, sizeof *run);
	if (!run || resolve_def_parse(def, run->name, &run->af, err, sizeof err) != 1 ||
	    (!a->dns && a->cfg.resolve_on_probe)) {
		agent_log(a, "a definition to resolve cannot run: %s", run ? err : "out of memory");
		free(run);
		return;
	}
	run->a = a;
	run->def = json_deep_copy(def);
	if (!a->cfg.resolve_on_probe) {
		/* the site's choice, answered as a forbidden address is: no lookup */
		agent_log(a, "measurement %llu: %s: refused, resolve_on_probe no",
			  (unsigned long long)json_integer_value(json_object_get(def, "msm_id")),
			  run->name);
		report(run, resolve_def_refused(run->def, run->name, wallclock_now()));
		json_decref(run->def);
		free(run);
		return;
	}
	struct evutil_addrinfo hints = { .ai_family = run->af == 4 ? AF_INET : AF_INET6,
					 .ai_socktype = SOCK_DGRAM };
	/* The callback may run at once (hosts file), freeing run. */
	int nservers = evdns_base_count_nameservers(a->dns);
	struct evdns_getaddrinfo_request *q = evdns_getaddrinfo(a->dns, run->name, NULL, &hints,
							       answered, run);
	/* Not answered from the hosts file and nobody to ask: it would wait forever. */
	if (q && nservers == 0)
		evdns_getaddrinfo_cancel(q);
}
