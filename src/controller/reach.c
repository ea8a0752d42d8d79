/*
 * reach: the remote half of check-host. When an agent is admitted and has
 * never been checked, the controller asks another connected agent (an anchor
 * if one is connected) to ping it, traceroute to it, and send it TCP and UDP
 * probes: four one-off measurements at the agent's registered address, else
 * the address its connection came from, and only if the platform's target
 * policy allows it (reach_addr.h). The measurements are stored with the agent (agent_reach);
 * their results, read when asked (`vantage agents show ID`), say whether it
 * is reachable, which probes were filtered, and how many hops away it is.
 * An agent admitted while no other agent is connected waits for the next one.
 */
#include "controller/controller_int.h"

#include "controller/reach_addr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The four measurements: kind name and RIPE Atlas-shaped definition pieces. */
static const struct {
	const char *name, *type, *protocol;
} kinds[STORE_REACH_KINDS] = {
	[STORE_REACH_PING] = { "icmp", "ping", "ICMP" },
	[STORE_REACH_TRACE] = { "traceroute", "traceroute", "ICMP" },
	[STORE_REACH_TCP] = { "tcp", "ping", "TCP" },
	[STORE_REACH_UDP] = { "udp", "ping", "UDP" },
};

/* The connected agent to probe target from: an anchor if any; NULL if none. */
static struct session *choose_prober(struct controller *c, const struct session *target)
{
	struct session *s, *any = NULL;
	TAILQ_FOREACH(s, &c->sessions, link) {
		if (s == target || !s->admitted || s->agent.id == target->agent.id)
			continue;
		if (strcmp(s->agent.role, "anchor") == 0)
			return s;
		if (!any)
			any = s;
	}
	return any;
}

/*
 * The address to probe for s into r->address (registered, else peer); its
 * family, or 0 with the reason in why.
 */
static int target_address(struct controller *c, const struct session *s, struct store_reach *r,
			  char *why, size_t wl)
{
	char err[200];
	int found = c->store->ops->agent_address(c->store, s->agent.id, 4, r->address,
						 sizeof r->address, err, sizeof err);
	if (found <= 0)
		found = c->store->ops->agent_address(c->store, s->agent.id, 6, r->address,
						     sizeof r->address, err, sizeof err);
	if (found <= 0 && reach_peer_host(s->peer, r->address, sizeof r->address) < 0)
		r->address[0] = 0;
	if (!r->address[0]) {
		snprintf(why, wl, "no address is known");
		return 0;
	}
	return reach_addr_allowed(c->opts.targets, r->address, why, wl);
}

/* Create kind k towards r->address on the prober and send it; 0 or -1 (logged). */
static int create_one(struct controller *c, struct store_reach *r, int k, int af)
{
	char err[256];
	json_t *def = json_pack("{s:s, s:s, s:i, s:s, s:i}", "type", kinds[k].type,
				"target", r->address, "af", af, "protocol", kinds[k].protocol,
				k == STORE_REACH_TRACE ? "max_hops" : "packets",
				k == STORE_REACH_TRACE ? 16 : 3);
	char *text = def ? json_dumps(def, JSON_COMPACT) : NULL;
	json_decref(def);
	struct store_msm m = { .def = text };
	int rc = text ? c->store->ops->msm_create(c->store, &m, &r->prober, 1, err, sizeof err) : -1;
	if (rc == 0) {
		assign_push(c, &m, &r->prober, 1);
		r->msm[k] = m.id;
	} else {
		ctl_log(c, "agent %lld: reach check: %s", (long long)r->agent_id,
			text ? err : "out of memory");
	}
	free(text);
	return rc;
}

/* Check target if it was never checked and a prober is connected. */
static void reach_try(struct controller *c, struct session *target)
{
	char err[256];
	struct store_reach r;
	int had = c->store->ops->reach_get(c->store, target->agent.id, &r, err, sizeof err);
	target->reach_wait = 0;
	if (had != 0)
		return;
	memset(&r, 0, sizeof r);
	r.agent_id = target->agent.id;
	r.created = time(NULL);
	char why[400];
	int af = target_address(c, target, &r, why, sizeof why);
	struct session *prober = af ? choose_prober(c, target) : NULL;
	if (af && !prober) {
		target->reach_wait = 1;
		return;
	}
	if (!af) {
		if (!c->opts.quiet)
			ctl_log(c, "agent %lld: reach check skipped: %s", (long long)r.agent_id, why);
		return;
	}
	r.prober = prober->agent.id;
	ingest_flush(c);          /* the check is created outside the group commit */
	for (int k = 0; k < STORE_REACH_KINDS; k++)
		if (create_one(c, &r, k, af) < 0)
			return;
	if (c->store->ops->reach_put(c->store, &r, err, sizeof err) < 0)
		ctl_log(c, "agent %lld: %s", (long long)r.agent_id, err);
	else
		ctl_log(c, "agent %lld: reach check of %s from agent %lld started",
			(long long)r.agent_id, r.address, (long long)r.prober);
}

/* See controller_int.h. */
void reach_admitted(struct controller *c, struct session *s)
{
	if (c->opts.no_reach)
		return;
	reach_try(c, s);
	struct session *o;
	TAILQ_FOREACH(o, &c->sessions, link)
		if (o != s && o->admitted && o->reach_wait)
			reach_try(c, o);
}

/* What the results of one of the check's measurements say. */
struct kind_outcome {
	int64_t prober;
	int results;              /* the prober's results seen */
	long long sent, rcvd;     /* ping: packets */
	int hops, reached;        /* traceroute: hops, whether the target answered */
	const char *target;
};

/* Take one stored result row of a check measurement into the outcome. */
static int outcome_row(void *arg, json_t *row)
{
	struct kind_outcome *o = arg;
	if (json_integer_value(json_object_get(row, "agent")) != o->prober)
		return 0;
	json_t *b = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	if (!b)
		return 0;
	o->results++;
	o->sent += json_integer_value(json_object_get(b, "sent"));
	o->rcvd += json_integer_value(json_object_get(b, "rcvd"));
	const json_t *hops = json_object_get(b, "result");
	if (json_is_array(hops) && !json_object_get(b, "sent")) {
		size_t i, j;
		json_t *h, *rep;
		o->hops = (int)json_array_size(hops);
		json_array_foreach(hops, i, h)
			json_array_foreach(json_object_get(h, "result"), j, rep) {
				const char *from = json_string_value(json_object_get(rep, "from"));
				if (from && strcmp(from, o->target) == 0)
					o->reached = 1;
			}
	}
	json_decref(b);
	return 0;
}

/* The state of one probe kind as JSON: {state, ...figures}. */
static json_t *kind_json(int k, const struct kind_outcome *o)
{
	const char *state = !o->results ? "pending" :
		k == STORE_REACH_TRACE ? (o->reached ? "reached" : "not reached") :
		o->rcvd > 0 ? "answered" : "no answer";
	if (k == STORE_REACH_TRACE)
		return json_pack("{s:s, s:i}", "state", state, "hops", o->hops);
	return json_pack("{s:s, s:I, s:I}", "state", state, "sent", (json_int_t)o->sent,
			 "rcvd", (json_int_t)o->rcvd);
}

/* See controller_int.h. */
json_t *reach_outcome(struct controller *c, int64_t agent_id, char *err, size_t errlen)
{
	struct store_reach r;
	int had = c->store->ops->reach_get(c->store, agent_id, &r, err, errlen);
	if (had <= 0)
		return had < 0 ? NULL : json_null();
	json_t *out = json_pack("{s:I, s:s, s:I}", "prober", (json_int_t)r.prober,
				"address", r.address, "created", (json_int_t)r.created);
	json_t *filtered = json_array();
	int answered = 0, pending = 0;
	ingest_flush(c);
	for (int k = 0; k < STORE_REACH_KINDS; k++) {
		struct kind_outcome o = { .prober = r.prober, .target = r.address };
		if (r.msm[k] && c->store->ops->results_each(c->store, r.msm[k], outcome_row, &o,
							    err, errlen) < 0) {
			json_decref(out);
			json_decref(filtered);
			return NULL;
		}
		json_object_set_new(out, kinds[k].name, kind_json(k, &o));
		pending += !o.results;
		if (k == STORE_REACH_TRACE)
			json_object_set_new(out, "hops", json_integer(o.hops));
		else if (o.rcvd > 0)
			answered++;
		else if (o.results)
			json_array_append_new(filtered, json_string(kinds[k].name));
	}
	json_object_set_new(out, "reachable", pending && !answered ? json_null()
			    : json_boolean(answered > 0));
	json_object_set_new(out, "filtered", filtered);
	json_object_set_new(out, "complete", json_boolean(!pending));
	return out;
}
