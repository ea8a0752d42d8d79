/*
 * api_msm: measurements as RIPE Atlas measurement objects (definition
 * fields, the fields stored to be echoed, schedule, status, participant
 * count, result URL), and the endpoints that list, read and stop them.
 * Public measurements are read by anyone, with or without a key, as on
 * RIPE Atlas; a private one only by the key that created it (anyone else
 * gets "not found"), and only that key stops it.
 */
#include "api/api_int.h"
#include "api/api_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream/js_live.h"
#include "store/store_credit.h"
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

/*
 * A measurement the credits ledger stopped (its account ran dry or over a
 * daily limit) says why in its status: {"id": 4, "name": "Stopped",
 * "when": ..., "reason": "..."} (store_credit.h).
 */
static void stop_reason(const struct api *a, json_t *status, int64_t id, int64_t stopped)
{
	char why[256], err[256];
	if (stopped && a->store->ops->credit &&
	    a->store->ops->credit->stop_reason(a->store, id, why, sizeof why, err, sizeof err) == 1)
		json_object_set_new(status, "reason", json_string(why));
}

/* An integer, or null when zero. */
static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

/* Overlay the fields stored to be echoed (the target as given, tags, ...) on o. */
static void echo_extra(json_t *o, const json_t *row)
{
	json_error_t jerr;
	const char *text = json_string_value(json_object_get(row, "extra"));
	json_t *extra = text ? json_loads(text, 0, &jerr) : NULL;
	if (json_is_object(extra))
		json_object_update(o, extra);
	json_decref(extra);
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
	json_object_set_new(o, "resolved_ips", json_pack("[O]", json_object_get(o, "target")));
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "group_id", json_integer(id));
	json_object_set_new(o, "resolve_on_probe", json_false());
	json_object_set_new(o, "tags", json_array());
	echo_extra(o, row);
	json_object_set(o, "description", json_object_get(row, "description"));
	json_object_set_new(o, "is_oneoff", json_boolean(ival(row, "is_oneoff")));
	json_object_set_new(o, "is_public", json_boolean(ival(row, "is_public")));
	json_object_set_new(o, "target_asn", json_null());
	json_object_set_new(o, "interval", int_or_null(ival(row, "interval")));
	json_object_set_new(o, "spread", int_or_null(ival(row, "spread")));
	json_object_set_new(o, "creation_time", json_integer(ival(row, "created")));
	json_object_set_new(o, "start_time", json_integer(ival(row, "start")));
	json_object_set_new(o, "stop_time", int_or_null(stopped ? stopped : stop));
	json_object_set_new(o, "status", status_json(row, api_now()));
	stop_reason(a, json_object_get(o, "status"), ival(row, "id"), stopped);
	json_object_set(o, "participant_count", json_object_get(row, "participants"));
	json_object_set(o, "probes_scheduled", json_object_get(row, "participants"));
	json_object_set(o, "probes_requested", json_object_get(row, "requested"));
	json_object_set_new(o, "is_all_scheduled",
			    json_boolean(ival(row, "participants") >= ival(row, "requested")));
	json_object_set_new(o, "result", json_string(url));
	return o;
}

/* See api_int.h. */
int api_msm_visible(struct api_call *c, json_t **row)
{
	char err[256];
	int rc = c->api->store->ops->api->msm_get(c->api->store, c->route.id, row, err, sizeof err);
	if (rc < 0) {
		api_error(c, 500, "%s", err);
		return 0;
	}
	if (rc == 1 && (ival(*row, "is_public") ||
			(api_viewer(c) != 0 && ival(*row, "key_id") == api_viewer(c))))
		return 1;
	if (rc == 1)
		json_decref(*row);
	api_error(c, 404, "No measurement %lld%s", (long long)c->route.id,
		  c->key.id ? " of this key, and none public" : " is public");
	return 0;
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
	/* its own, or one the key holds a grant for (the route's permission is
	   checked before: api_server.c) */
	if (rc == 1 && (ival(*row, "key_id") == c->key.id || api_perm_one_names(&c->one, c->route.id)))
		return 1;
	if (rc == 1)
		json_decref(*row);
	api_error(c, 404, "No measurement %lld of this key", (long long)c->route.id);
	return 0;
}

/*
 * optional_fields: "probes" adds the participants as [{"id": N}, ...] (the
 * one optional field served); any other name is an error.
 */
static int optional_fields(struct api_call *c, json_t *o, char *err, size_t errlen)
{
	const char *f = c->q.optional_fields;
	if (!f[0])
		return 0;
	if (strcmp(f, "probes") != 0) {
		snprintf(err, errlen, "optional_fields: '%.60s': only 'probes' is served", f);
		return -1;
	}
	json_t *ids = NULL, *arr = json_array();
	int rc = c->api->store->ops->api->msm_probes(c->api->store, ival(o, "id"), 0, &ids, err,
						     errlen);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
		json_array_append_new(arr, json_pack("{s:O}", "id", v));
	json_decref(ids);
	json_object_set_new(o, "probes", arr);
	return rc < 0 ? -1 : 0;
}

/* See api_int.h. */
void api_msm_announce(struct api *a, int64_t id)
{
	json_t *row = NULL;
	char err[256];
	if ((!a->bus && !stream_hub_wants(a->hub, STREAM_METADATA, id)) ||
	    a->store->ops->api->msm_get(a->store, id, &row, err, sizeof err) != 1)
		return;
	json_t *o = msm_json(a, row);
	char *text = json_dumps(o, JSON_COMPACT);
	if (text) {
		struct stream_event ev = { .kind = STREAM_METADATA, .msm = id,
					   .owner_key = ival(row, "key_id"),
					   .type = json_string_value(json_object_get(o, "type")),
					   .payload = text, .len = strlen(text) };
		if (a->bus)
			js_live_publish(a->bus, &ev);   /* reaches a->hub through NATS */
		else
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
	char err[256];
	if (!api_msm_visible(c, &row))
		return;
	json_t *o = msm_json(c->api, row);
	json_decref(row);
	if (optional_fields(c, o, err, sizeof err) < 0 ||
	    api_fields_apply(o, c->q.fields, "a measurement", err, sizeof err) < 0) {
		json_decref(o);
		return api_error(c, 400, "%s", err);
	}
	api_reply_json(c, 200, o);
}

/* A query text filter, or NULL when not given. */
static const char *opt(const char *text)
{
	return text[0] ? text : NULL;
}

/* "a,b" into the JSON array text ["a","b"] in buf; -1 if it does not fit. */
static int tag_array(const char *tags, char *buf, size_t len)
{
	json_t *a = json_array();
	for (const char *p = tags; *p;) {
		size_t k = strcspn(p, ",");
		if (k)
			json_array_append_new(a, json_stringn(p, k));
		p += k + (p[k] == ',');
	}
	int rc = json_dumpb(a, buf, len - 1, JSON_COMPACT);
	json_decref(a);
	if (rc <= 0 || (size_t)rc >= len - 1)
		return -1;
	buf[rc] = 0;
	return 0;
}

/* The store filter of a measurement listing from c's query; 0 or -1 with err. */
static int msm_filter(const struct api_call *c, struct store_page *p, char *tags, size_t len,
		      char *err, size_t errlen)
{
	static const char *const sorts[] = { "id", "-id", "start_time", "-start_time",
					     "stop_time", "-stop_time" };
	const struct api_query *q = &c->q;
	int sort_ok = !q->sort[0];
	for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
		sort_ok |= strcmp(q->sort, sorts[i]) == 0;
	if (!sort_ok) {
		snprintf(err, errlen, "sort: '%s' is not one of id, start_time, stop_time (- first:"
			 " descending)", q->sort);
		return -1;
	}
	if (q->tags[0] && tag_array(q->tags, tags, len) < 0) {
		snprintf(err, errlen, "tags: too many");
		return -1;
	}
	*p = (struct store_page){
		.key_id = c->route.kind == ROUTE_MSM_MY ? c->key.id : 0,
		.visible = c->route.kind != ROUTE_MSM_MY, .viewer = api_viewer(c),
		.type = opt(q->type), .status_mask = q->status_mask, .now = api_now(), .af = q->af,
		.ids = q->ids.present ? q->ids.v : NULL, .nids = q->ids.n,
		.target = opt(q->target), .target_contains = opt(q->target_contains),
		.description = opt(q->description),
		.description_contains = opt(q->description_contains), .search = opt(q->search),
		.tags = q->tags[0] ? tags : NULL,
		.is_public = q->is_public < 0 ? 0 : q->is_public ? 1 : 2,
		.start_gt = q->start_time.gt, .start_lt = q->start_time.lt,
		.stop_gt = q->stop_time.gt, .stop_lt = q->stop_time.lt,
		.id_gt = q->id.gt, .id_lt = q->id.lt, .current_probe = q->current_probe,
		.sort = opt(q->sort),
		.offset = (q->page - 1) * q->page_size, .limit = (int)q->page_size,
	};
	return 0;
}

/* See api_int.h: GET /measurements/ (public ones and the key's) and /measurements/my/. */
void api_msm_list(struct api_call *c)
{
	char err[256];
	int64_t count;
	json_t *rows;
	char tags[API_QUERY_TEXT + 64];
	struct store_page p;
	if (msm_filter(c, &p, tags, sizeof tags, err, sizeof err) < 0)
		return api_error(c, 400, "%s", err);
	if (c->api->store->ops->api->msm_page(c->api->store, &p, &rows, &count, err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_array_append_new(out, msm_json(c->api, r));
	json_decref(rows);
	if (api_fields_apply_all(out, c->q.fields, "a measurement", err, sizeof err) < 0) {
		json_decref(out);
		return api_error(c, 400, "%s", err);
	}
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
