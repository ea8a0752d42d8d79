/*
 * api_probe_history: a vantage point's history for the dashboard's probe
 * page: its timing reports (time, the flags they raised by name, the report
 * itself) and its sessions (connected, disconnected, why). The peer address
 * of a session is left out: the probe object already says what is public
 * of its address. ?start= limits both to what is newer (default: all kept).
 */
#include "api/api_int.h"

#include <jansson.h>

#include "host/timing_flags.h"

/* 404 unless the probe exists; 0 when it does. */
static int need_probe(struct api_call *c)
{
	struct store_page p = { .ids = &c->route.id, .nids = 1, .limit = 1 };
	json_t *rows;
	int64_t count;
	char err[256];
	if (c->api->store->ops->api->probe_page(c->api->store, &p, api_now(), &rows, &count, err,
						sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	size_t n = json_array_size(rows);
	json_decref(rows);
	if (n == 0)
		api_error(c, 404, "No probe %lld", (long long)c->route.id);
	return n ? 0 : -1;
}

/* Reply {count, results: rows} (rows stolen). */
static void reply_rows(struct api_call *c, json_t *rows)
{
	api_reply_json(c, 200, json_pack("{s:I,s:o}", "count", (json_int_t)json_array_size(rows),
					 "results", rows));
}

/* One stored timing row {time, flags (bits), report (text)} in API form. */
static json_t *timing_row(const json_t *row)
{
	json_error_t jerr;
	const char *text = json_string_value(json_object_get(row, "report"));
	json_t *report = text ? json_loads(text, 0, &jerr) : NULL;
	unsigned flags = (unsigned)json_integer_value(json_object_get(row, "flags"));
	return json_pack("{s:O,s:o,s:o}", "time", json_object_get(row, "time"),
			 "flags", timing_flags_json(flags), "report", report ? report : json_null());
}

/* See api_int.h. */
void api_probe_timing(struct api_call *c)
{
	json_t *rows, *out = json_array();
	char err[256];
	if (need_probe(c) < 0)
		return json_decref(out);
	if (c->api->store->ops->timing_list(c->api->store, c->route.id, c->q.start, &rows, err,
					    sizeof err) < 0) {
		json_decref(out);
		return api_error(c, 500, "%s", err);
	}
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_array_append_new(out, timing_row(r));
	json_decref(rows);
	reply_rows(c, out);
}

/* See api_int.h. */
void api_probe_connections(struct api_call *c)
{
	json_t *rows, *out = json_array();
	char err[256];
	if (need_probe(c) < 0)
		return json_decref(out);
	if (c->api->store->ops->session_list(c->api->store, c->route.id, &rows, err,
					     sizeof err) < 0) {
		json_decref(out);
		return api_error(c, 500, "%s", err);
	}
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *t = json_object_get(r, "connected");
		if (json_integer_value(t) < c->q.start && json_is_integer(json_object_get(r, "disconnected")) &&
		    json_integer_value(json_object_get(r, "disconnected")) < c->q.start)
			continue;
		json_array_append_new(out, json_pack("{s:O,s:O,s:O}", "connected", t,
			"disconnected", json_object_get(r, "disconnected"),
			"reason", json_object_get(r, "reason")));
	}
	json_decref(rows);
	reply_rows(c, out);
}
