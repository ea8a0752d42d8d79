/*
 * mesh_ctl: the anchoring mesh kept by the running controller (issue 15).
 * mesh_plan.h decides; this file gathers what it decides on (every
 * registered agent: role, whether it may take part, i.e. approved and not
 * abandoned, its addresses, AS and routed prefix; the mesh measurements
 * that run, with their participants) and carries the actions out: a new
 * measurement is created owned by no key (so its results are charged to
 * nobody), public, tagged and marked as the mesh's (store_mesh.h), and
 * sent to its connected participants; joiners get the definition, leavers
 * a stop; a measurement whose anchor left is stopped everywhere.
 *
 * It runs when the operator approves, registers approved or removes an
 * agent, at the next tick after a HELLO's admission decided (so a crowd of
 * agents connecting at once costs one pass per tick, not one each), and
 * once a minute (an anchor becomes abandoned with no event). The policy's anchor_mesh, mesh_probes and mesh_*_interval rule
 * it. On PostgreSQL every front-end keeps the mesh; the store refuses a
 * second running measurement of one anchor, family and type (pg_mesh.c), so
 * two front-ends planning at once create it once and the loser's next pass
 * finds it.
 */
#include "controller/controller_int.h"

#include "controller/mesh_plan.h"
#include "controller/uptime.h"
#include "store/store_api.h"
#include "store/store_mesh.h"
#include "store/store_uptime.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How often the mesh is looked at without an event (seconds). */
#define MESH_EVERY 60

/* Is text an address of family af (4 or 6)? */
static int is_af(const char *text, int af)
{
	unsigned char buf[16];
	return inet_pton(af == 6 ? AF_INET6 : AF_INET, text, buf) == 1;
}

/* Integer column name of row (0 when null). */
static int64_t column(const json_t *row, const char *name)
{
	return json_integer_value(json_object_get(row, name));
}

/* Is the agent of row (store_mesh.h's agents) abandoned as of now? */
static int abandoned(struct controller *c, const json_t *row, int64_t now)
{
	struct store_uptime_facts f = {
		.first_connected = column(row, "first_connected"),
		.last_connected = column(row, "last_connected"),
		.last_disconnected = column(row, "last_disconnected"),
		.connected = column(row, "open_sessions") > 0,
		.closed_seconds = column(row, "closed_seconds"),
	};
	struct uptime u;
	uptime_of(&f, now, c->opts.abandon_after, &u);
	return u.state == UPTIME_ABANDONED;
}

/* Fill one mesh_agent from a row of store_mesh.h's agents (an approved agent). */
static void agent_of(struct controller *c, const json_t *row, int64_t now, struct mesh_agent *a)
{
	static const char *const attr[2] = { "address_v4", "address_v6" };
	const char *role = json_string_value(json_object_get(row, "role"));
	const char *adm = json_string_value(json_object_get(row, "adm_address"));
	memset(a, 0, sizeof *a);
	a->id = column(row, "id");
	a->anchor = role && strcmp(role, "anchor") == 0;
	a->eligible = !abandoned(c, row, now);
	for (int f = 0; f < 2; f++) {
		const char *known = json_string_value(json_object_get(row, attr[f]));
		if (!known && adm && is_af(adm, f ? 6 : 4))
			known = adm;   /* the address it was admitted from */
		snprintf(a->addr[f], sizeof a->addr[f], "%s", known ? known : "");
	}
	if (adm) {
		const char *prefix = json_string_value(json_object_get(row, "adm_prefix"));
		a->asn = column(row, "adm_asn");
		snprintf(a->prefix, sizeof a->prefix, "%s", prefix ? prefix : "");
	}
}

/*
 * Every approved agent into *out (n of them), or none when no anchor is
 * approved (then there is no mesh); one store query for them all. 0 or -1.
 */
static int gather_agents(struct controller *c, int64_t now, struct mesh_agent **out, size_t *n,
			 char *err, size_t errlen)
{
	json_t *rows, *row;
	size_t i;
	int anchors = 0;
	if (c->store->ops->mesh->agents(c->store, &rows, err, errlen) < 0)
		return -1;
	*n = 0;
	*out = calloc(json_array_size(rows) + 1, sizeof **out);
	if (!*out) {
		json_decref(rows);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_array_foreach(rows, i, row) {
		const char *role = json_string_value(json_object_get(row, "role"));
		anchors += role && strcmp(role, "anchor") == 0;
	}
	json_array_foreach(rows, i, row)
		if (anchors)
			agent_of(c, row, now, &(*out)[(*n)++]);
	json_decref(rows);
	return 0;
}

/* The running mesh measurements into *out; their participants into *ids (free both). */
static int gather_msms(struct controller *c, struct mesh_msm **out, size_t *n, int64_t ***ids,
		       char *err, size_t errlen)
{
	json_t *rows, *row;
	size_t i;
	if (c->store->ops->mesh->running(c->store, &rows, err, errlen) < 0)
		return -1;
	*n = json_array_size(rows);
	*out = calloc(*n + 1, sizeof **out);
	*ids = calloc(*n + 1, sizeof **ids);
	int rc = *out && *ids ? 0 : -1;
	json_array_foreach(rows, i, row) {
		if (rc < 0)
			break;
		struct mesh_msm *m = &(*out)[i];
		const char *addr = json_string_value(json_object_get(row, "address"));
		json_t *src = json_loads(json_string_value(json_object_get(row, "sources")), 0, NULL);
		m->id = json_integer_value(json_object_get(row, "id"));
		m->target = json_integer_value(json_object_get(row, "target"));
		m->af = (int)json_integer_value(json_object_get(row, "af"));
		const char *type = json_string_value(json_object_get(row, "type"));
		m->type = type && strcmp(type, "traceroute") == 0 ? MESH_TRACE : MESH_PING;
		snprintf(m->address, sizeof m->address, "%s", addr ? addr : "");
		(*ids)[i] = calloc(json_array_size(src) + 1, sizeof ***ids);
		if (!(*ids)[i])
			rc = -1;
		for (size_t k = 0; rc == 0 && k < json_array_size(src); k++)
			(*ids)[i][m->nsources++] = json_integer_value(json_array_get(src, k));
		m->sources = (*ids)[i];
		json_decref(src);
	}
	json_decref(rows);
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	return rc;
}

/* The definition of a new mesh measurement (JSON text to free) and its description. */
static char *definition(const struct mesh_action *a, char *desc, size_t dl)
{
	json_t *def = a->type == MESH_TRACE ?
		json_pack("{s:s, s:i, s:s, s:s, s:i}", "type", "traceroute", "af", a->af,
			  "target", a->address, "protocol", "ICMP", "paris", 16) :
		json_pack("{s:s, s:i, s:s, s:i}", "type", "ping", "af", a->af, "target", a->address,
			  "packets", 3);
	char *text = def ? json_dumps(def, JSON_COMPACT) : NULL;
	json_decref(def);
	snprintf(desc, dl, "Anchoring Mesh Measurement: %s IPv%d for anchor %lld",
		 a->type == MESH_TRACE ? "Traceroute" : "Ping", a->af, (long long)a->target);
	return text;
}

/* Create, mark and send a new mesh measurement; 0 or -1. */
static int do_create(struct controller *c, const struct mesh_action *a, int64_t now,
		     char *err, size_t errlen)
{
	struct store *st = c->store;
	char desc[160];
	char *def = definition(a, desc, sizeof desc);
	struct store_msm m = { .def = def, .start = now,
			       .interval = a->type == MESH_TRACE ? c->policy.mesh_trace_interval :
								   c->policy.mesh_ping_interval };
	struct store_api_msm am = { &m, a->agents, a->n, 0, desc, 0, (int64_t)a->n, now, 1,
				    "{\"tags\":[\"anchoring\",\"mesh\"]}" };
	int rc = def ? 0 : -1;
	if (rc == 0 && st->ops->txn(st, "begin", err, errlen) < 0)
		rc = -1;
	else if (rc == 0 && (st->ops->api->msm_create(st, &am, 1, err, errlen) < 0 ||
			     st->ops->mesh->mark(st, m.id, a->target, a->af, mesh_type_name(a->type),
						 now, err, errlen) < 0 ||
			     st->ops->txn(st, "commit", err, errlen) < 0)) {
		st->ops->txn(st, "rollback", NULL, 0);
		rc = -1;
	}
	if (rc == 0) {
		assign_push(c, &m, a->agents, a->n);
		ctl_log(c, "anchoring mesh: measurement %lld (%s IPv%d to anchor %lld) created on %zu agents",
			(long long)m.id, mesh_type_name(a->type), a->af, (long long)a->target, a->n);
	}
	free(def);
	return rc;
}

/* Add a's agents to its measurement and send it to them; 0 or -1. */
static int do_add(struct controller *c, const struct mesh_action *a, char *err, size_t errlen)
{
	struct store *st = c->store;
	json_t *row = NULL;
	if (st->ops->mesh->join(st, a->msm_id, a->agents, a->n, err, errlen) < 0 ||
	    st->ops->api->msm_get(st, a->msm_id, &row, err, errlen) <= 0)
		return -1;
	struct store_msm m = {
		.id = a->msm_id, .def = json_string_value(json_object_get(row, "def")),
		.start = json_integer_value(json_object_get(row, "start")),
		.stop = json_integer_value(json_object_get(row, "stop")),
		.interval = json_integer_value(json_object_get(row, "interval")),
		.spread = json_integer_value(json_object_get(row, "spread")),
	};
	assign_push(c, &m, a->agents, a->n);
	json_decref(row);
	ctl_log(c, "anchoring mesh: measurement %lld: %zu agents joined", (long long)a->msm_id, a->n);
	return 0;
}

/* Take a's agents out of its measurement and tell those connected; 0 or -1. */
static int do_remove(struct controller *c, const struct mesh_action *a, char *err, size_t errlen)
{
	struct msg stop = { .type = MSG_MSM_STOP, .msm_id = a->msm_id };
	char why[128];
	if (c->store->ops->mesh->leave(c->store, a->msm_id, a->agents, a->n, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		struct session *s = session_of_agent(c, a->agents[i]);
		if (s)
			conn_send(s->conn, &stop, why, sizeof why);
	}
	ctl_log(c, "anchoring mesh: measurement %lld: %zu agents left", (long long)a->msm_id, a->n);
	return 0;
}

/* Stop a's measurement everywhere; 0 or -1. */
static int do_stop(struct controller *c, const struct mesh_action *a, int64_t now,
		   char *err, size_t errlen)
{
	if (c->store->ops->msm_stop(c->store, a->msm_id, now, err, errlen) < 0)
		return -1;
	assign_stop(c, a->msm_id);
	ctl_log(c, "anchoring mesh: measurement %lld stopped: anchor %lld left the mesh",
		(long long)a->msm_id, (long long)a->target);
	return 0;
}

/* Carry out one action; 0 or -1. */
static int apply(struct controller *c, const struct mesh_action *a, int64_t now,
		 char *err, size_t errlen)
{
	switch (a->kind) {
	case MESH_CREATE:
		return do_create(c, a, now, err, errlen);
	case MESH_ADD:
		return do_add(c, a, err, errlen);
	case MESH_REMOVE:
		return do_remove(c, a, err, errlen);
	case MESH_STOP:
		return do_stop(c, a, now, err, errlen);
	}
	return -1;
}

/* Gather, plan and apply; 0 or -1 with err. */
static int sync_mesh(struct controller *c, int64_t now, char *err, size_t errlen)
{
	struct mesh_agent *agents = NULL;
	struct mesh_msm *msms = NULL;
	int64_t **ids = NULL;
	size_t na = 0, nm = 0;
	struct mesh_plan plan = { 0 };
	int64_t probes = c->policy.anchor_mesh ? c->policy.mesh_probes : 0;
	ingest_flush(c);          /* the mesh changes outside the group commit */
	/* no mesh (anchor_mesh no): no agent counts, so every mesh measurement stops */
	int rc = c->policy.anchor_mesh ? gather_agents(c, now, &agents, &na, err, errlen) : 0;
	if (rc == 0)
		rc = gather_msms(c, &msms, &nm, &ids, err, errlen);
	if (rc == 0 && mesh_plan_make(agents, na, msms, nm, probes, &plan) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < plan.n; i++)
		rc = apply(c, &plan.a[i], now, err, errlen);
	mesh_plan_free(&plan);
	for (size_t i = 0; ids && i < nm; i++)
		free(ids[i]);
	free(ids);
	free(msms);
	free(agents);
	return rc;
}

/* See controller_int.h. */
void mesh_sync(struct controller *c)
{
	char err[300];
	if (!c->store->ops->mesh || !c->store->ops->api)
		return;
	c->mesh_synced = ctl_now_mono();
	c->mesh_dirty = 0;
	if (sync_mesh(c, time(NULL), err, sizeof err) < 0)
		ctl_log(c, "anchoring mesh: %s", err);
}

/* See controller_int.h. */
void mesh_changed(struct controller *c)
{
	c->mesh_dirty = 1;
}

/* See controller_int.h. */
void mesh_tick(struct controller *c)
{
	if (c->mesh_dirty || ctl_now_mono() - c->mesh_synced >= MESH_EVERY)
		mesh_sync(c);
}
