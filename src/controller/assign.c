/*
 * assign: which agents a measurement runs on (chosen explicitly by id or key
 * fingerprint, or by role, tag and count), and sending definitions to them:
 * at creation to those connected, and to each agent when it (re)connects.
 */
#include "controller/controller_int.h"

#include "store/store_frontend.h"

#include <stdlib.h>
#include <string.h>

/* Send the measurement in row (a store row) on session s. */
static void send_row(struct session *s, json_t *row)
{
	json_error_t jerr;
	const char *text = json_string_value(json_object_get(row, "def"));
	json_t *def = text ? json_loads(text, 0, &jerr) : NULL;
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!def) {
		ctl_log(s->ctl, "measurement %lld: stored definition is not JSON", (long long)id);
		return;
	}
	const char *target = json_string_value(json_object_get(def, "target"));
	char why[400];
	if (target && noprobe_list_blocks(&s->ctl->noprobe, target, why, sizeof why)) {
		ctl_log(s->ctl, "agent %lld: measurement %lld not sent: %s", (long long)s->agent.id,
			(long long)id, why);
		json_decref(def);
		return;
	}
	json_object_set_new(def, "msm_id", json_integer(id));
	struct msg m = {
		.type = MSG_MSM, .msm_id = id, .body = def,
		.start = json_integer_value(json_object_get(row, "start")),
		.stop = json_integer_value(json_object_get(row, "stop")),
		.interval = json_integer_value(json_object_get(row, "interval")),
		.spread = json_integer_value(json_object_get(row, "spread")),
	};
	char err[256];
	if (conn_send(s->conn, &m, err, sizeof err) < 0)
		ctl_log(s->ctl, "agent %lld: measurement %lld: %s", (long long)s->agent.id,
			(long long)id, err);
	json_decref(def);
}

/* What assign_send_all sends on: the session, and the ids sent so far. */
struct send_all {
	struct session *s;
	json_t *ids;
};

/* store_row_fn adapter for send_row. */
static int send_row_cb(void *arg, json_t *row)
{
	struct send_all *sa = arg;
	send_row(sa->s, row);
	json_array_append(sa->ids, json_object_get(row, "id"));
	return 0;
}

/* See controller_int.h. The set at the end makes the agent drop what was
 * stopped while it was away (its saved schedule would keep it for good). */
void assign_send_all(struct controller *c, struct session *s)
{
	char err[256];
	struct send_all sa = { s, json_array() };
	if (c->store->ops->msm_for_agent(c->store, s->agent.id, send_row_cb, &sa, err,
					 sizeof err) < 0) {
		ctl_log(c, "agent %lld: %s", (long long)s->agent.id, err);
		json_decref(sa.ids);
		return;   /* no set: the agent keeps what it has rather than drop all */
	}
	json_t *body = json_pack("{s:o}", "msm_ids", sa.ids);
	struct msg m = { .type = MSG_MSM_SET, .body = body };
	if (!body || conn_send(s->conn, &m, err, sizeof err) < 0)
		ctl_log(c, "agent %lld: measurement set: %s", (long long)s->agent.id,
			body ? err : "out of memory");
	json_decref(body);
}

/* What assign_send_one sends on: the session, and whether the row was there. */
struct send_one {
	struct session *s;
	int found;
};

/* store_row_fn adapter for send_row, for assign_send_one. */
static int send_one_cb(void *arg, json_t *row)
{
	struct send_one *so = arg;
	send_row(so->s, row);
	so->found = 1;
	return 0;
}

/* See controller_int.h. A stop of what the agent does not run is ignored there. */
int assign_send_one(struct controller *c, struct session *s, int64_t msm_id)
{
	char err[256];
	struct send_one so = { s, 0 };
	if (c->store->ops->frontend->msm_of_agent(c->store, s->agent.id, msm_id, send_one_cb, &so,
						  err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: measurement %lld: %s", (long long)s->agent.id,
			(long long)msm_id, err);
		return -1;
	}
	if (so.found)
		return 0;
	struct msg m = { .type = MSG_MSM_STOP, .msm_id = msm_id };
	if (conn_send(s->conn, &m, err, sizeof err) < 0)
		ctl_log(c, "agent %lld: stop of measurement %lld: %s", (long long)s->agent.id,
			(long long)msm_id, err);
	return 0;
}

/* True if agent (a store row) is named by one entry of the array names. */
static int named(const json_t *names, const json_t *agent)
{
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v) {
		if (json_is_integer(v) &&
		    json_integer_value(v) == json_integer_value(json_object_get(agent, "id")))
			return 1;
		if (json_is_string(v) && json_equal(v, json_object_get(agent, "fp")))
			return 1;
	}
	return 0;
}

/* True if the comma-separated tags contain tag. */
static int has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	for (const char *p = tags; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, tag, n) == 0 && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

/* True if agent matches the request's explicit list, role and tag. */
static int matches(const json_t *req, const json_t *agent)
{
	const json_t *names = json_object_get(req, "agents");
	const char *role = json_string_value(json_object_get(req, "role"));
	const char *tag = json_string_value(json_object_get(req, "tag"));
	if (!json_integer_value(json_object_get(agent, "approved")))
		return 0;
	if (names && !named(names, agent))
		return 0;
	if (role && !json_equal(json_object_get(req, "role"), json_object_get(agent, "role")))
		return 0;
	if (tag && !has_tag(json_string_value(json_object_get(agent, "tags")), tag))
		return 0;
	return 1;
}

/* See controller_int.h. Connected agents are chosen before others when counting. */
int assign_select(struct controller *c, const json_t *req, int64_t **out, size_t *n,
		  char *err, size_t errlen)
{
	json_t *list;
	if (c->store->ops->agent_list(c->store, &list, err, errlen) < 0)
		return -1;
	json_int_t count = json_integer_value(json_object_get(req, "count"));
	*out = calloc(json_array_size(list) + 1, sizeof **out);
	*n = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *a;
		json_array_foreach(list, i, a) {
			int conn = json_integer_value(json_object_get(a, "connected")) != 0;
			if (conn != (pass == 0) || !matches(req, a) || (count > 0 && (json_int_t)*n >= count))
				continue;
			(*out)[(*n)++] = json_integer_value(json_object_get(a, "id"));
		}
	}
	json_decref(list);
	if (*n == 0) {
		snprintf(err, errlen, "no approved agent matches the selection");
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* See controller_int.h. */
void assign_push(struct controller *c, const struct store_msm *m, const int64_t *ids, size_t n)
{
	json_t *row = json_pack("{s:I,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)m->id, "def", m->def,
				"start", (json_int_t)m->start, "stop", (json_int_t)m->stop,
				"interval", (json_int_t)m->interval, "spread", (json_int_t)m->spread);
	for (size_t i = 0; i < n && row; i++) {
		struct session *s = session_of_agent(c, ids[i]);
		if (s)
			send_row(s, row);
	}
	json_decref(row);
}

/* See controller_int.h. Agents that do not run it ignore the stop. */
void assign_stop(struct controller *c, int64_t id)
{
	struct msg m = { .type = MSG_MSM_STOP, .msm_id = id };
	struct session *s;
	char err[128];
	TAILQ_FOREACH(s, &c->sessions, link)
		if (s->admitted)
			conn_send(s->conn, &m, err, sizeof err);
}
