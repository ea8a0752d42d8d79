/*
 * api_msm_status: GET /measurements/{id}/status-check/, RIPE Atlas's
 * status check of a ping measurement (the rules: api_status.c). It reads
 * the latest results of every probe (lookback of them each) in bounded
 * store pages, at most API_MAX_IDS probes and API_STATUS_LOOKBACK_MAX
 * results a probe, so one check is a bounded piece of the loop's work.
 */
#include "api/api_int.h"
#include "api/api_status.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Results read per store page (probes examined). */
#define CHECK_BATCH 100

/* What the store's rows are collected into. */
struct check_read {
	json_t *by_probe;   /* {"ID": [result, ...]} newest first */
	size_t probes;
};

/* store_row_fn: file the row's result under its probe. */
static int collect_result(void *arg, json_t *row)
{
	struct check_read *r = arg;
	char id[24];
	snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(row, "agent")));
	json_t *list = json_object_get(r->by_probe, id);
	if (!list) {
		list = json_array();
		json_object_set_new(r->by_probe, id, list);
		r->probes++;
	}
	const char *text = json_string_value(json_object_get(row, "body"));
	json_t *body = text ? json_loads(text, 0, NULL) : NULL;
	if (body)
		json_array_append_new(list, body);
	return 0;
}

/* Read the latest results of c's measurement into r; 0 or -1 with err. */
static int read_latest(struct api_call *c, struct check_read *r, char *err, size_t errlen)
{
	struct store_result_filter f = { .msm_id = c->route.id, .limit = CHECK_BATCH,
					 .versions = c->q.check.lookback };
	const struct store_api_ops *ops = c->api->store->ops->api;
	while (!f.done && r->probes < API_MAX_IDS)
		if (ops->results_latest(c->api->store, &f, collect_result, r, err, errlen) < 0)
			return -1;
	return 0;
}

/* Is the measurement row's definition a ping? */
static int is_ping(const json_t *row)
{
	const char *text = json_string_value(json_object_get(row, "def"));
	json_t *def = text ? json_loads(text, 0, NULL) : NULL;
	const char *type = json_string_value(json_object_get(def, "type"));
	int ping = type && strcmp(type, "ping") == 0;
	json_decref(def);
	return ping;
}

/* See api_int.h. */
void api_msm_status_check(struct api_call *c)
{
	json_t *row;
	char err[256];
	if (!api_msm_visible(c, &row))
		return;
	int ping = is_ping(row);
	json_decref(row);
	if (!ping)
		return api_error(c, 400, "Status checks are only available for ping measurements");
	struct check_read r = { .by_probe = json_object() };
	if (!r.by_probe || read_latest(c, &r, err, sizeof err) < 0) {
		json_decref(r.by_probe);
		return api_error(c, 500, "%s", r.by_probe ? err : "out of memory");
	}
	json_t *answer = api_status_check(r.by_probe, &c->q.check);
	json_decref(r.by_probe);
	if (!answer)
		return api_error(c, 500, "out of memory");
	api_reply_json(c, 200, answer);
}
