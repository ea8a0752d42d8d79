/*
 * team_ctl: the admin socket's team.create, team.list, team.status and
 * team.stop. A create is checked whole before anything is stored: a unique
 * name, a trace method, a rate, a cycle length, a prefix version that
 * exists (or "latest" with one loaded), and at least one approved agent
 * among the named tags and ids. Cycles start on the controller's tick
 * (team_cycle.c), not here.
 */
#include "controller/controller_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "policy/methods.h"
#include "store/store_prefixes.h"
#include "store/store_team.h"
#include "team/team_plan.h"
#include "team/team_status.h"

/* Defaults of the optional fields of team.create. */
#define TEAM_DEFAULT_CHUNK 2000
#define TEAM_DEFAULT_GONE 600

/* An integer field in [min, max] (dflt when absent, if dflt >= 0); 0 or -1 with err. */
static int req_int(const json_t *req, const char *name, int64_t min, int64_t max, int64_t dflt,
		   int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (!v && dflt >= 0) {
		*out = dflt;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "'%s' must be an integer from %lld to %lld", name,
			 (long long)min, (long long)max);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* A string field that fits len; 0 or -1 with err. */
static int req_str(const json_t *req, const char *name, char *out, size_t len, char *err,
		   size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(err, errlen, "'%s' must be a non-empty string of at most %zu bytes",
			 name, len - 1);
		return -1;
	}
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

/* Is m one of the traceroute packet methods? */
static int trace_method(const char *m)
{
	const char *const *all = policy_type_methods("traceroute");
	for (; all && *all; all++)
		if (strcmp(*all, m) == 0)
			return 1;
	return 0;
}

/* The request's prefix version ("latest" is 0) into *v, checked to exist; 0 or -1. */
static int req_version(struct controller *c, const json_t *req, int64_t *v, char *err,
		       size_t errlen)
{
	const json_t *p = json_object_get(req, "prefixes");
	int64_t latest;
	if (c->store->ops->prefixes->latest(c->store, &latest, err, errlen) < 0)
		return -1;
	if (json_is_string(p) && strcmp(json_string_value(p), "latest") == 0) {
		*v = 0;
		if (latest > 0)
			return 0;
		snprintf(err, errlen, "no prefix table is loaded (vantage prefixes load FILE)");
		return -1;
	}
	if (!json_is_integer(p) || json_integer_value(p) < 1) {
		snprintf(err, errlen, "'prefixes' must be a version number or \"latest\"");
		return -1;
	}
	*v = json_integer_value(p);
	int rc = c->store->ops->prefixes->exists(c->store, *v, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "prefix table version %lld does not exist", (long long)*v);
	return rc == 1 ? 0 : -1;
}

/* Fill t from a team.create request; 0 or -1 with err. */
static int team_from_req(struct controller *c, const json_t *req, struct store_team *t,
			 char *err, size_t errlen)
{
	int64_t pps, cycle, family, chunk, gone;
	memset(t, 0, sizeof *t);
	if (req_str(req, "name", t->name, sizeof t->name, err, errlen) < 0 ||
	    req_str(req, "agents", t->agents, sizeof t->agents, err, errlen) < 0 ||
	    req_str(req, "method", t->method, sizeof t->method, err, errlen) < 0 ||
	    req_int(req, "pps", 1, 1000000, -1, &pps, err, errlen) < 0 ||
	    req_int(req, "cycle", 10, 366 * 86400, -1, &cycle, err, errlen) < 0 ||
	    req_int(req, "family", 4, 6, 4, &family, err, errlen) < 0 ||
	    req_int(req, "chunk", TEAM_CHUNK_MIN, TEAM_CHUNK_MAX, TEAM_DEFAULT_CHUNK, &chunk,
		    err, errlen) < 0 ||
	    req_int(req, "gone", 1, 30 * 86400, TEAM_DEFAULT_GONE, &gone, err, errlen) < 0 ||
	    req_version(c, req, &t->prefixes, err, errlen) < 0)
		return -1;
	if (family == 5 || !trace_method(t->method)) {
		snprintf(err, errlen, family == 5 ? "'family' must be 4 or 6" :
			 "method '%s' is not a traceroute method", t->method);
		return -1;
	}
	t->pps = (uint32_t)pps;
	t->cycle_secs = cycle;
	t->family = (int)family;
	t->chunk = (uint32_t)chunk;
	t->gone_secs = gone;
	if (getrandom(&t->secret, sizeof t->secret, 0) != (ssize_t)sizeof t->secret) {
		snprintf(err, errlen, "no random secret for the team");
		return -1;
	}
	t->created = time(NULL);
	return 0;
}

/*
 * Store the team with the measurement its results are stored under: a
 * traceroute row assigned to the members, stopped at once so it is never
 * sent as a measurement of its own (ingest takes results of a measurement
 * an agent was ever given). One transaction; 0 or -1 with err.
 */
static int store_team(struct controller *c, struct store_team *t,
		      const struct team_member_rate *m, size_t k, char *err, size_t errlen)
{
	struct store *st = c->store;
	int64_t *ids = calloc(k, sizeof *ids);
	json_t *def = json_pack("{s:s,s:i,s:s,s:s}", "type", "traceroute", "af", t->family,
				"description", "team probing", "team", t->name);
	char *text = def ? json_dumps(def, JSON_COMPACT) : NULL;
	struct store_msm msm = { .def = text, .start = t->created };
	int rc = -1;
	for (size_t i = 0; ids && i < k; i++)
		ids[i] = m[i].agent_id;
	if (!ids || !text)
		snprintf(err, errlen, "out of memory");
	else if (st->ops->txn(st, "begin", err, errlen) == 0) {
		rc = st->ops->msm_create(st, &msm, ids, k, err, errlen) < 0 ||
		     st->ops->msm_stop(st, msm.id, t->created, err, errlen) < 0 ||
		     (t->msm_id = msm.id, st->ops->team->create(st, t, err, errlen)) < 0 ? -1 : 0;
		rc = st->ops->txn(st, rc == 0 ? "commit" : "rollback", rc == 0 ? err : NULL,
				  rc == 0 ? errlen : 0) < 0 ? -1 : rc;
	}
	free(ids);
	free(text);
	json_decref(def);
	return rc;
}

/* team.create {name, agents, prefixes, method, pps, cycle, family, chunk, gone} → {id}. */
json_t *team_create(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_team t;
	struct team_member_rate *m = NULL;
	size_t k = 0;
	if (team_from_req(c, req, &t, err, errlen) < 0 ||
	    team_members_resolve(c, &t, &m, &k, err, errlen) < 0)
		return NULL;
	int rc = store_team(c, &t, m, k, err, errlen);
	free(m);
	if (rc < 0)
		return NULL;
	ctl_log(c, "team %s created: %zu members now, %s at %u pps, cycles of %lld s"
		" (results under measurement %lld)", t.name, k, t.method, t.pps,
		(long long)t.cycle_secs, (long long)t.msm_id);
	team_tick(c);
	return json_pack("{s:I,s:I}", "id", (json_int_t)t.id, "msm_id", (json_int_t)t.msm_id);
}

/* team.list → the teams. */
json_t *team_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *rows = NULL;
	return c->store->ops->team->list(c->store, &rows, err, errlen) < 0 ? NULL : rows;
}

/* The team the request names ("name"); 1, or 0/-1 with err. */
static int req_team(struct controller *c, const json_t *req, struct store_team *t, char *err,
		    size_t errlen)
{
	char name[STORE_TEAM_NAME_MAX];
	if (req_str(req, "name", name, sizeof name, err, errlen) < 0)
		return -1;
	int rc = c->store->ops->team->get(c->store, name, 0, t, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "no team is named '%s'", name);
	return rc;
}

/* team.stop {name} → {id}: no chunk is handed out any more. */
json_t *team_stop(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_team t;
	if (req_team(c, req, &t, err, errlen) != 1)
		return NULL;
	int rc = c->store->ops->team->stop(c->store, t.id, time(NULL), err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "team '%s' is stopped already", t.name);
	if (rc != 1)
		return NULL;
	ctl_log(c, "team %s stopped", t.name);
	return json_pack("{s:I}", "id", (json_int_t)t.id);
}

/* team.status {name} → {team, cycle: {...}, total, members, estimated_end}. */
json_t *team_status(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_team t;
	if (req_team(c, req, &t, err, errlen) != 1)
		return NULL;
	return team_status_json(c->store, &t, time(NULL), err, errlen);
}
