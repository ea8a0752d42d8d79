/*
 * api_msm: measurements as RIPE Atlas measurement objects (definition
 * fields, schedule, status, participant count, result URL), and the
 * endpoints that list, read and stop them. A key sees only the
 * measurements it created: anything else is "not found".
 */
#include "api/api_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

/* Integer field of a row. */
static int64_t ival(const json_t *row, const char *name)
{
	return json_integer_value(json_object_get(row, name));
}

/* The RIPE status {id, name, when} of a measurement row at now. */
static json_t *status_json(const json_t *row, int64_t now)
{
	int64_t stopped = ival(row, "stopped"), parts = ival(row, "participants");
	int oneoff = ival(row, "is_oneoff") != 0;
	int id;
	const char *name;
	if (stopped || (oneoff && parts > 0 && ival(row, "reported") >= parts)) {
		id = 4, name = "Stopped";
	} else if (ival(row, "start") > now) {
		id = 1, name = "Scheduled";
	} else if (parts == 0) {
		id = 6, name = "No suitable probes";
	} else {
		id = 2, name = "Ongoing";
	}
	json_t *when = stopped ? json_integer(stopped) : json_null();
	return json_pack("{s:i,s:s,s:o}", "id", id, "name", name, "when", when);
}

/* An integer, or null when zero. */
static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

/* The API form of a measurement row. */
static json_t *msm_json(const struct api *a, const json_t *row)
{
	json_error_t jerr;
	const char *text = json_string_value(json_object_get(row, "def"));
	json_t *o = text ? json_loads(text, 0, &jerr) : NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	int64_t id = ival(row, "id"), stop = ival(row, "stop"), stopped = ival(row, "stopped");
	char url[256];
	snprintf(url, sizeof url, "%s/api/v2/measurements/%lld/results/", a->base_url, (long long)id);
	json_object_set(o, "target_ip", json_object_get(o, "target"));
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "group_id", json_integer(id));
	json_object_set(o, "description", json_object_get(row, "description"));
	json_object_set_new(o, "is_oneoff", json_boolean(ival(row, "is_oneoff")));
	json_object_set_new(o, "is_public", json_false());
	json_object_set_new(o, "resolve_on_probe", json_false());
	json_object_set_new(o, "target_asn", json_null());
	json_object_set_new(o, "interval", int_or_null(ival(row, "interval")));
	json_object_set_new(o, "spread", int_or_null(ival(row, "spread")));
	json_object_set_new(o, "creation_time", json_integer(ival(row, "created")));
	json_object_set_new(o, "start_time", json_integer(ival(row, "start")));
	json_object_set_new(o, "stop_time", int_or_null(stopped ? stopped : stop));
	json_object_set_new(o, "status", status_json(row, api_now()));
	json_object_set(o, "participant_count", json_object_get(row, "participants"));
	json_object_set(o, "probes_scheduled", json_object_get(row, "participants"));
	json_object_set(o, "probes_requested", json_object_get(row, "requested"));
	json_object_set_new(o, "result", json_string(url));
	return o;
}

/* See api_int.h. */
int api_msm_owned(struct api_call *c, json_t **row)
{
	char err[256];
	int rc = c->api->store->ops->api->msm_get(c->api->store, c->route.id, row, err, sizeof err);
	if (rc < 0) {
		api_error(c, 500, "%s", err);
		return 0;
	}
	if (rc == 1 && ival(*row, "key_id") == c->key.id)
		return 1;
	if (rc == 1)
		json_decref(*row);
	api_error(c, 404, "No measurement %lld of this key", (long long)c->route.id);
	return 0;
}

/* See api_int.h. */
void api_msm_announce(struct api *a, int64_t id)
{
	json_t *row = NULL;
	char err[256];
	if (!stream_hub_wants(a->hub, STREAM_METADATA, id) ||
	    a->store->ops->api->msm_get(a->store, id, &row, err, sizeof err) != 1)
		return;
	json_t *o = msm_json(a, row);
	char *text = json_dumps(o, JSON_COMPACT);
	if (text) {
		struct stream_event ev = { .kind = STREAM_METADATA, .msm = id,
					   .owner_key = ival(row, "key_id"),
					   .type = json_string_value(json_object_get(o, "type")),
					   .payload = text, .len = strlen(text) };
		stream_publish(a->hub, &ev);
	}
	free(text);
	json_decref(o);
	json_decref(row);
}

/* See api_int.h: GET /measurements/{id}/. */
void api_msm_one(struct api_call *c)
{
	json_t *row;
	if (!api_msm_owned(c, &row))
		return;
	api_reply_json(c, 200, msm_json(c->api, row));
	json_decref(row);
}

/* See api_int.h: GET /measurements/. */
void api_msm_list(struct api_call *c)
{
	char err[256];
	int64_t count;
	json_t *rows;
	struct store_page p = {
		.key_id = c->key.id, .type = c->q.type[0] ? c->q.type : NULL,
		.status = c->q.status == 4 ? "stopped" : c->q.status == 2 ? "running" : NULL,
		.ids = c->q.ids.present ? c->q.ids.v : NULL, .nids = c->q.ids.n,
		.offset = (c->q.page - 1) * c->q.page_size, .limit = (int)c->q.page_size,
	};
	if (c->api->store->ops->api->msm_page(c->api->store, &p, &rows, &count, err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_array_append_new(out, msm_json(c->api, r));
	json_decref(rows);
	api_reply_json(c, 200, api_page(c, out, count));
}

/* See api_int.h: DELETE /measurements/{id}. */
void api_msm_stop(struct api_call *c)
{
	json_t *row;
	char err[256];
	if (!api_msm_owned(c, &row))
		return;
	int64_t stopped = ival(row, "stopped");
	json_decref(row);
	if (stopped)
		return api_error(c, 400, "Measurement %lld is already stopped", (long long)c->route.id);
	api_commit_pending(c->api);
	if (c->api->store->ops->msm_stop(c->api->store, c->route.id, api_now(), err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	if (c->api->hooks.stopped)
		c->api->hooks.stopped(c->api->hooks.arg, c->route.id);
	api_msm_announce(c->api, c->route.id);
	evhttp_send_reply(c->req, 204, "No Content", NULL);
}
