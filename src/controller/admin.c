/*
 * admin: the controller's local admin socket (a Unix socket, mode 0600) for
 * the vantage CLI until the REST API exists. A client sends one JSON request
 * on one line, {"cmd": "agents.add", ...}, and gets one JSON line back,
 * {"ok": true, "data": ...} or {"ok": false, "error": "..."}; then the
 * connection closes. Requests are hostile input like any other: bounded in
 * size and validated field by field.
 */
#include "controller/controller_int.h"

#include "api/api_attrs.h"
#include "policy/targets.h"
#include "controller/admission.h"
#include "store/store_account.h"
#include "store/store_admission.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_MAX_REQUEST (256 * 1024)

typedef json_t *(*admin_fn)(struct controller *c, const json_t *req, char *err, size_t errlen);

/* The string field name of req, or NULL with err. */
static const char *want_str(const json_t *req, const char *name, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(req, name));
	if (!s)
		snprintf(err, errlen, "'%s' is missing or not a string", name);
	return s;
}

/* Copy the optional string field name (default dflt) into out, bounded. */
static int opt_str(const json_t *req, const char *name, const char *dflt, char *out, size_t len,
		   char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (v && (!json_is_string(v) || json_string_length(v) >= len)) {
		snprintf(err, errlen, "'%s' must be a string of at most %zu bytes", name, len - 1);
		return -1;
	}
	snprintf(out, len, "%s", v ? json_string_value(v) : dflt);
	return 0;
}

/* Fill a from the request's org, role, tags and approve, for key fp; 0 or -1 with err. */
static int agent_from_req(const json_t *req, const char *fp, struct store_agent *a,
			  char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->approved = json_is_true(json_object_get(req, "approve"));
	if (!fp || !identity_fp_valid(fp)) {
		snprintf(err, errlen, "fingerprint '%.80s' is not 64 lower-case hex digits",
			 fp ? fp : "");
		return -1;
	}
	snprintf(a->fp, sizeof a->fp, "%s", fp);
	if (opt_str(req, "org", "", a->org, sizeof a->org, err, errlen) < 0 ||
	    opt_str(req, "role", "probe", a->role, sizeof a->role, err, errlen) < 0 ||
	    opt_str(req, "tags", "", a->tags, sizeof a->tags, err, errlen) < 0)
		return -1;
	if (strcmp(a->role, "probe") != 0 && strcmp(a->role, "anchor") != 0) {
		snprintf(err, errlen, "role '%s' is neither probe nor anchor", a->role);
		return -1;
	}
	return 0;
}

/* Keep the check-host report of req ("host_report": an object) for the agent; 0 or -1. */
static int host_report_store(struct controller *c, int64_t id, const json_t *req,
			     char *err, size_t errlen)
{
	const json_t *r = json_object_get(req, "host_report");
	if (!r)
		return 0;
	if (!json_is_object(r) || !c->store->ops->admission) {
		snprintf(err, errlen, "'host_report' must be the JSON object of check-host --json");
		return -1;
	}
	char *text = json_dumps(r, JSON_COMPACT);
	int rc = text ? c->store->ops->admission->report_put(c->store, id, text, err, errlen) : -1;
	free(text);
	return rc;
}

/* The address admission decides an agent on when no connection says better,
   into addr: the one last decided on, else the one registered (IPv4 first),
   else ""; returns addr. */
static const char *registered_address(struct controller *c, int64_t id, char *addr, size_t len)
{
	struct store_admission d;
	char err[256];
	addr[0] = 0;
	if (c->store->ops->admission && c->store->ops->admission->get(c->store, id, &d, err,
								      sizeof err) > 0 && d.address[0])
		snprintf(addr, len, "%s", d.address);
	else if (c->store->ops->agent_address(c->store, id, 4, addr, len, err, sizeof err) <= 0 &&
		 c->store->ops->agent_address(c->store, id, 6, addr, len, err, sizeof err) <= 0)
		addr[0] = 0;
	return addr;
}

/* Run admission on agent id at address; its state and reason onto out; 0 or -1. */
static int admit(struct controller *c, int64_t id, const char *address, json_t *out,
		 char *err, size_t errlen)
{
	struct store_admission d;
	if (admission_run(c, id, address, time(NULL), &d, err, errlen) < 0)
		return -1;
	json_object_set_new(out, "state", json_string(d.state));
	json_object_set_new(out, "reason", json_string(d.reason));
	return 0;
}

/* Register every fingerprint of fps (their ids into ids), inside the caller's transaction:
   in one store call when the store has one (a round trip per agent costs more than it). */
static int register_each(struct controller *c, const json_t *req, const json_t *fps,
			 int64_t account, int64_t *ids, char *err, size_t errlen)
{
	struct store *st = c->store;
	size_t i, n = json_array_size(fps);
	json_t *v;
	struct store_agent *a = calloc(n ? n : 1, sizeof *a);
	int rc = a ? 0 : -1;
	if (!a)
		snprintf(err, errlen, "out of memory for %zu agents", n);
	json_array_foreach(fps, i, v) {
		if (rc == 0 && agent_from_req(req, json_string_value(v), &a[i], err, errlen) < 0)
			rc = -1;
		if (rc == 0)
			a[i].approved = 0;   /* admission decides */
	}
	if (rc == 0)
		rc = store_agents_unique(a, n, err, errlen);
	if (rc == 0 && st->ops->agent_add_many)
		rc = st->ops->agent_add_many(st, a, n, account, err, errlen);
	for (i = 0; rc == 0 && !st->ops->agent_add_many && i < n; i++)
		if (st->ops->agent_add(st, &a[i], err, errlen) < 0 ||
		    (account && st->ops->account->own_agent(st, a[i].id, account, err, errlen) < 0))
			rc = -1;
	for (i = 0; rc == 0 && i < n; i++)
		ids[i] = a[i].id;
	free(a);
	return rc;
}

/* {ids, admission: [{state, reason}] (empty objects when not approved)} of a batch. */
static json_t *added_many(const int64_t *ids, const struct store_admission *d, size_t n)
{
	json_t *idl = json_array(), *states = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(idl, json_integer(ids[i]));
		json_array_append_new(states, d ? json_pack("{s:s, s:s}", "state", d[i].state,
							    "reason", d[i].reason) : json_object());
	}
	return json_pack("{s:o, s:o}", "ids", idl, "admission", states);
}

/*
 * Register every fingerprint of the array fps and, with approve, run admission
 * on each, all in one transaction under one admission lock: a thousand agents
 * are one commit, not a thousand and one (on PostgreSQL each commit waits for
 * its WAL flush), and admission's counts stay exact, as the lock serializes
 * deciders across front-ends. → {ids, admission}.
 */
static json_t *agents_add_many(struct controller *c, const json_t *req, const json_t *fps,
			       char *err, size_t errlen)
{
	struct store *st = c->store;
	size_t n = json_array_size(fps);
	int approve = json_is_true(json_object_get(req, "approve"));
	int64_t account, *ids = calloc(n ? n : 1, sizeof *ids);
	struct store_admission *d = approve ? calloc(n ? n : 1, sizeof *d) : NULL;
	json_t *out = NULL;
	if (!ids || (approve && !d)) {
		snprintf(err, errlen, "out of memory for %zu agents", n);
		goto done;
	}
	if (account_for_new_agent(c, req, &account, err, errlen) < 0)
		goto done;
	ingest_flush(c);   /* a group commit of results still open is a transaction */
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		goto done;
	if (register_each(c, req, fps, account, ids, err, errlen) < 0 ||
	    (approve && admission_decide_many(c, ids, n, "", time(NULL), d, err, errlen) < 0) ||
	    st->ops->txn(st, "commit", err, errlen) < 0) {
		st->ops->txn(st, "rollback", NULL, 0);
		goto done;
	}
	ctl_log(c, "%zu agents registered", n);
	for (size_t i = 0; approve && i < n; i++)
		ctl_log(c, "agent %lld: admission %s: %s", (long long)ids[i], d[i].state, d[i].reason);
	out = added_many(ids, d, n);
	if (approve)
		mesh_sync(c);
done:
	free(ids);
	free(d);
	return out;
}

/* agents.add {fp | fps: [...], org, role, tags, approve} → {id} or {ids}. */
static json_t *agents_add(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const json_t *fps = json_object_get(req, "fps");
	if (json_is_array(fps))
		return agents_add_many(c, req, fps, err, errlen);
	struct store_agent a;
	struct store *st = c->store;
	int64_t account;
	if (agent_from_req(req, want_str(req, "fp", err, errlen), &a, err, errlen) < 0 ||
	    api_attrs_check(req, err, errlen) < 0 ||
	    account_for_new_agent(c, req, &account, err, errlen) < 0)
		return NULL;
	ingest_flush(c);   /* a group commit of results still open is a transaction */
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return NULL;
	int approve = a.approved;
	char addr[64];
	a.approved = 0;   /* admission decides (admit) */
	if (st->ops->agent_add(st, &a, err, errlen) < 0 ||
	    api_attrs_store(st, a.id, req, err, errlen) < 0 ||
	    (account && st->ops->account->own_agent(st, a.id, account, err, errlen) < 0) ||
	    host_report_store(c, a.id, req, err, errlen) < 0 ||
	    st->ops->txn(st, "commit", err, errlen) < 0) {
		st->ops->txn(st, "rollback", NULL, 0);
		return NULL;
	}
	ctl_log(c, "agent %lld registered (key %s, %s, %s)", (long long)a.id, a.fp, a.org, a.role);
	json_t *out = json_pack("{s:I}", "id", (json_int_t)a.id);
	if (approve && admit(c, a.id, registered_address(c, a.id, addr, sizeof addr), out, err, errlen) < 0) {
		json_decref(out);
		return NULL;
	}
	if (approve)
		mesh_sync(c);
	return out;
}

/* agents.approve {key} / agents.remove {key}: by id or fingerprint. */
static json_t *agents_change(struct controller *c, const json_t *req, int remove,
			     char *err, size_t errlen)
{
	const char *key = want_str(req, "key", err, errlen);
	if (!key)
		return NULL;
	/* The key is a fingerprint or an id, never both: a fingerprint that
	 * starts with digits must not name the agent of that number too. */
	struct store_agent a = { 0 };
	int found = identity_fp_valid(key) ?
		c->store->ops->agent_by_fp(c->store, key, &a, err, errlen) : 0;
	if (found < 0)
		return NULL;
	char *end;
	long long num = strtoll(key, &end, 10);
	int64_t id = found ? a.id : (*key && !*end ? num : -1);   /* as the store reads it */
	json_t *out = json_object();
	char addr[64];
	int rc = remove ? c->store->ops->agent_remove(c->store, key, err, errlen) :
		c->store->ops->agent_approve(c->store, key, 0, err, errlen);   /* the key exists? */
	if (rc < 0 || (!remove && admit(c, id, registered_address(c, id, addr, sizeof addr), out, err, errlen) < 0)) {
		json_decref(out);
		return NULL;
	}
	ctl_log(c, "agent %s %s", key, remove ? "removed" :
		json_string_value(json_object_get(out, "state")));
	struct session *s;
	TAILQ_FOREACH(s, &c->sessions, link)
		if (remove && s->admitted && s->agent.id == id)
			conn_close(s->conn, "agent removed by the operator", "removed by the operator");
	mesh_sync(c);   /* an anchor joins or leaves the mesh, a probe may */
	return out;
}

static json_t *agents_approve(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	return agents_change(c, req, 0, err, errlen);
}

static json_t *agents_remove(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	return agents_change(c, req, 1, err, errlen);
}

/* agents.list → [agents]. */
static json_t *agents_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *l = NULL, *row;
	size_t i;
	if (c->store->ops->agent_list(c->store, &l, err, errlen) < 0)
		return NULL;
	json_array_foreach(l, i, row) {
		account_label(c, row);
		admission_label(c, row);
	}
	uptime_label_list(c, l);
	return l;
}

/* Read a non-negative integer field (0 when absent) into *out. */
static int opt_int(const json_t *req, const char *name, int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		snprintf(err, errlen, "'%s' must be a non-negative integer", name);
		return -1;
	}
	*out = v ? json_integer_value(v) : 0;
	return 0;
}

/* The definition's target, if the target policy allows it; 0 or -1 with err. */
static int target_allowed(const struct controller *c, const json_t *def, char *err, size_t errlen)
{
	const char *target = json_string_value(json_object_get(def, "target"));
	char why[400];
	if (!target) {
		snprintf(err, errlen, "'def' has no 'target' string");
		return -1;
	}
	if (!targets_allowed_text(c->opts.targets, target, why, sizeof why) ||
	    noprobe_list_blocks(&c->noprobe, target, why, sizeof why)) {
		snprintf(err, errlen, "target: %s", why);
		return -1;
	}
	return 0;
}

/* msm.create {def, agents|role|tag|count, start, stop, interval, spread} → {id, agents}. */
static json_t *msm_create(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const json_t *def = json_object_get(req, "def");
	if (!json_is_object(def) || !json_is_string(json_object_get(def, "type"))) {
		snprintf(err, errlen, "'def' must be a measurement object with a 'type'");
		return NULL;
	}
	struct store_msm m = { 0 };
	if (target_allowed(c, def, err, errlen) < 0 ||
	    opt_int(req, "start", &m.start, err, errlen) < 0 ||
	    opt_int(req, "stop", &m.stop, err, errlen) < 0 ||
	    opt_int(req, "interval", &m.interval, err, errlen) < 0 ||
	    opt_int(req, "spread", &m.spread, err, errlen) < 0)
		return NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	if (assign_select(c, req, &ids, &n, err, errlen) < 0)
		return NULL;
	char *text = json_dumps(def, JSON_COMPACT);
	m.def = text;
	json_t *out = NULL;
	if (c->store->ops->msm_create(c->store, &m, ids, n, err, errlen) == 0) {
		assign_push(c, &m, ids, n);
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(ids[i]));
		out = json_pack("{s:I,s:o}", "id", (json_int_t)m.id, "agents", arr);
		ctl_log(c, "measurement %lld (%s) created on %zu agents", (long long)m.id,
			json_string_value(json_object_get(def, "type")), n);
	}
	free(text);
	free(ids);
	return out;
}

/* msm.list → [measurements]. */
static json_t *msm_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *l = NULL;
	return c->store->ops->msm_list(c->store, &l, err, errlen) < 0 ? NULL : l;
}

/* msm.stop {id}. */
static json_t *msm_stop(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id;
	if (opt_int(req, "id", &id, err, errlen) < 0)
		return NULL;
	if (c->store->ops->msm_stop(c->store, id, time(NULL), err, errlen) < 0)
		return NULL;
	assign_stop(c, id);
	return json_object();
}

/* What results.export keeps: all, or one agent's, from a time on. */
struct export_filter {
	json_t *arr;
	int64_t agent;      /* 0: every agent */
	int64_t since;      /* results with timestamp >= since */
};

/* Append the parsed body of a result row, with its agent and sequence, to the array. */
static int export_row(void *arg, json_t *row)
{
	struct export_filter *f = arg;
	json_error_t jerr;
	if (f->agent && json_integer_value(json_object_get(row, "agent")) != f->agent)
		return 0;
	json_t *body = json_loads(json_string_value(json_object_get(row, "body")), 0, &jerr);
	if (!body)
		return 0;
	if (f->since && json_integer_value(json_object_get(body, "timestamp")) < f->since) {
		json_decref(body);
		return 0;
	}
	json_object_set(body, "vantage_agent", json_object_get(row, "agent"));
	json_object_set(body, "vantage_seq", json_object_get(row, "seq"));
	json_array_append_new(f->arr, body);
	return 0;
}

/* results.export {msm_id, agent, since} → [RIPE Atlas result objects]. */
static json_t *results_export(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id;
	struct export_filter f = { 0 };
	if (opt_int(req, "msm_id", &id, err, errlen) < 0 ||
	    opt_int(req, "agent", &f.agent, err, errlen) < 0 ||
	    opt_int(req, "since", &f.since, err, errlen) < 0)
		return NULL;
	ingest_flush(c);
	f.arr = json_array();
	if (c->store->ops->results_each(c->store, id, export_row, &f, err, errlen) < 0) {
		json_decref(f.arr);
		return NULL;
	}
	return f.arr;
}

/* agents.timing {agent, since} → [{time, flags, report}], the agent's timing history. */
static json_t *agents_timing(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id, since;
	if (opt_int(req, "agent", &id, err, errlen) < 0 ||
	    opt_int(req, "since", &since, err, errlen) < 0)
		return NULL;
	return timing_history(c, id, since, err, errlen);
}

/* stats → counters of this run and of the store. */
static json_t *stats(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	(void)err;
	(void)errlen;
	size_t sessions = 0, admitted = 0;
	struct session *s;
	TAILQ_FOREACH(s, &c->sessions, link) {
		sessions++;
		admitted += s->admitted;
	}
	ingest_flush(c);
	return json_pack("{s:I,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I}", "commits",
			 (json_int_t)c->commits,
			 "commit_seconds", c->commit_seconds, "stored", (json_int_t)c->stored,
			 "duplicates", (json_int_t)c->duplicates, "refused",
			 (json_int_t)c->refused_conns, "connections", (json_int_t)sessions,
			 "agents_connected", (json_int_t)admitted, "results_in_store",
			 (json_int_t)c->store->ops->results_count(c->store), "fingerprint", c->id.fp,
			 "results_refused", (json_int_t)c->results_refused, "results_refused_in_store",
			 (json_int_t)c->store->ops->results_refused(c->store, 0), "ingest_holds",
			 (json_int_t)c->ingest_holds, "publish_retries", (json_int_t)c->publish_retries,
			 "ingest_in_flight_peak", (json_int_t)c->ingest_in_flight_peak);
}

/* sessions {agent} → [sessions]. */
static json_t *sessions(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id;
	json_t *l = NULL;
	if (opt_int(req, "agent", &id, err, errlen) < 0 ||
	    c->store->ops->session_list(c->store, id, &l, err, errlen) < 0)
		return NULL;
	return l;
}

/* The row of agent id in the agents listing (a new reference), or NULL with err. */
static json_t *agent_row(struct controller *c, int64_t id, char *err, size_t errlen)
{
	json_t *list = NULL, *row = NULL, *a;
	size_t i;
	if (c->store->ops->agent_list(c->store, &list, err, errlen) < 0)
		return NULL;
	json_array_foreach(list, i, a)
		if (json_integer_value(json_object_get(a, "id")) == id)
			row = json_incref(a);
	json_decref(list);
	if (!row)
		snprintf(err, errlen, "no agent %lld", (long long)id);
	return row;
}

/* agents.show {agent} → the agent's row with its reach check and newest timing report. */
static json_t *agents_show(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id;
	if (opt_int(req, "agent", &id, err, errlen) < 0)
		return NULL;
	json_t *row = agent_row(c, id, err, errlen), *reach = NULL, *timing = NULL;
	if (!row || !(reach = reach_outcome(c, id, err, errlen)) ||
	    !(timing = timing_history(c, id, 0, err, errlen))) {
		json_decref(row);
		json_decref(reach);
		return NULL;
	}
	json_t *newest = json_array_get(timing, json_array_size(timing) - 1);
	json_object_set_new(row, "reach", reach);
	json_object_set(row, "timing", newest ? newest : json_null());
	json_decref(timing);
	noprobe_agent_state(c, row);
	account_label(c, row);
	uptime_label(c, row);
	admission_label(c, row);
	return row;
}

static const struct { const char *name; admin_fn fn; } commands[] = {
	{ "agents.add", agents_add }, { "agents.approve", agents_approve },
	{ "agents.remove", agents_remove }, { "agents.list", agents_list },
	{ "msm.create", msm_create }, { "msm.list", msm_list }, { "msm.stop", msm_stop },
	{ "results.export", results_export }, { "stats", stats }, { "sessions", sessions },
	{ "agents.timing", agents_timing }, { "agents.show", agents_show },
	{ "noprobe.add", noprobe_add }, { "noprobe.remove", noprobe_remove },
	{ "noprobe.list", noprobe_show },
	{ "prefixes.load", prefixes_load }, { "prefixes.list", prefixes_list },
	{ "team.create", team_create }, { "team.list", team_list },
	{ "team.status", team_status }, { "team.stop", team_stop },
	{ "team.results", team_results_page },
	{ "accounts.add", accounts_add }, { "accounts.list", accounts_list },
	{ "accounts.show", accounts_show }, { "accounts.disable", accounts_disable },
	{ "report.churn", report_churn }, { "archive.write", archive_write },
	{ "policy.show", policy_show },
	{ "agents.names", agents_names },
	{ "credits.show", credits_show }, { "credits.ledger", credits_ledger },
	{ "credits.transfer", credits_transfer },
	{ "accounts.own", accounts_own }, { "permissions.grant", permissions_grant },
	{ "permissions.list", permissions_list }, { "agents.locate", agents_locate },
};

/* Run one request line; returns the response object. */
static json_t *handle(struct controller *c, const char *line, size_t len)
{
	char err[512] = "";
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr), *data = NULL;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	if (!json_is_object(req) || !cmd) {
		snprintf(err, sizeof err, "request is not a JSON object with a 'cmd'");
	} else {
		size_t i = 0;
		while (i < sizeof commands / sizeof commands[0] && strcmp(commands[i].name, cmd) != 0)
			i++;
		if (i == sizeof commands / sizeof commands[0])
			snprintf(err, sizeof err, "unknown command '%.64s'", cmd);
		else if (!store_has_teams(c->store) && strncmp(cmd, "team.", 5) == 0)
			snprintf(err, sizeof err, "'%s': this store keeps no teams", cmd);
		else if (!c->store->ops->prefixes && strncmp(cmd, "prefixes.", 9) == 0)
			snprintf(err, sizeof err, "'%s': this store keeps no prefix tables", cmd);
		else {
			ingest_flush(c);   /* commands run outside the group commit */
			data = commands[i].fn(c, req, err, sizeof err);
		}
	}
	json_decref(req);
	if (data)
		return json_pack("{s:b,s:o}", "ok", 1, "data", data);
	return json_pack("{s:b,s:s}", "ok", 0, "error", err);
}

/* The response left: close. */
static void admin_written(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_free(bev);
}

/* Error or end of file on an admin connection. */
static void admin_event(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

/* Send resp as one line and close once written. */
static void reply(struct bufferevent *bev, json_t *resp)
{
	char *text = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, admin_written, admin_event, NULL);
	if (!text || bufferevent_write(bev, text, strlen(text)) < 0 || bufferevent_write(bev, "\n", 1) < 0)
		bufferevent_free(bev);
	free(text);
}

/* Input on an admin connection: wait for one whole line. */
static void admin_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len;
	char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (!line) {
		if (evbuffer_get_length(in) > ADMIN_MAX_REQUEST)
			reply(bev, json_pack("{s:b,s:s}", "ok", 0, "error", "request too long"));
		return;
	}
	reply(bev, handle(arg, line, len));
	free(line);
}

/* A CLI connected to the admin socket. */
static void admin_accepted(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
			   int salen, void *arg)
{
	(void)l;
	(void)sa;
	(void)salen;
	struct controller *c = arg;
	struct bufferevent *bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, admin_read, NULL, admin_event, c);
	bufferevent_enable(bev, EV_READ);
}

/* See controller_int.h. */
int admin_start(struct controller *c, char *err, size_t errlen)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	if (strlen(c->opts.admin_path) >= sizeof un.sun_path) {
		snprintf(err, errlen, "--admin: '%s' is too long for a Unix socket path",
			 c->opts.admin_path);
		return -1;
	}
	strcpy(un.sun_path, c->opts.admin_path);
	unlink(c->opts.admin_path);
	mode_t old = umask(0077);
	c->admin = evconnlistener_new_bind(c->base, admin_accepted, c,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, (struct sockaddr *)&un, sizeof un);
	umask(old);
	if (!c->admin) {
		snprintf(err, errlen, "%s: cannot listen: %s", c->opts.admin_path, strerror(errno));
		return -1;
	}
	return 0;
}
