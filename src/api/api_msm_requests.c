/*
 * api_msm_requests: RIPE Atlas's participation requests of a measurement.
 * The probe sources a measurement is created with are stored in the same
 * transaction as the measurement itself, each later add or remove after it
 * is applied, and GET /measurements/{id}/participation-requests/ lists them
 * oldest first, as RIPE does: {id, self, created_at, action, type, value,
 * requested, tags_include, tags_exclude}. A store without them
 * (ops->msm_requests NULL) creates measurements as before and lists none.
 */
#include "api/api_int.h"
#include "api/api_msm_requests.h"
#include "store/store_msm_requests.h"

#include <stdio.h>
#include <stdlib.h>

/* The tags of source s as JSON {"include": [...], "exclude": [...]} text (malloc'd) or NULL. */
static char *tags_text(const struct api_source *s)
{
	if (!s->include && !s->exclude)
		return NULL;
	json_t *t = json_pack("{s:O, s:O}", "include", s->include ? s->include : json_array(),
			      "exclude", s->exclude ? s->exclude : json_array());
	char *text = t ? json_dumps(t, JSON_COMPACT) : NULL;
	json_decref(t);
	return text;
}

/* Record the sources of req as requests of msm (action from each source); 0 or -1 with err. */
static int record(struct api *a, int64_t msm, const struct api_create *req, int64_t now,
		  char *err, size_t errlen)
{
	struct store_msm_request r[API_MAX_SOURCES];
	char *tags[API_MAX_SOURCES] = { 0 };
	int oom = 0;
	for (size_t i = 0; i < req->nsrc; i++) {
		const struct api_source *s = &req->src[i];
		tags[i] = tags_text(s);
		oom |= (s->include || s->exclude) && !tags[i];
		r[i] = (struct store_msm_request){ msm, s->remove ? "remove" : "add", s->type, s->value,
						   s->requested, tags[i], now };
	}
	int rc = oom ? -1 : a->store->ops->msm_requests->add(a->store, r, req->nsrc, err, errlen);
	if (oom)
		snprintf(err, errlen, "out of memory");
	for (size_t i = 0; i < req->nsrc; i++)
		free(tags[i]);
	return rc;
}

/* See api_msm_requests.h. */
int api_requests_create(struct api *a, struct store_api_msm *am, size_t n,
			const struct api_create *req, int64_t now, char *err, size_t errlen)
{
	struct store *st = a->store;
	int rc = st->ops->api->msm_create(st, am, n, err, errlen);
	for (size_t i = 0; rc == 0 && st->ops->msm_requests && i < n; i++)
		rc = record(a, am[i].msm->id, req, now, err, errlen);
	return rc;
}

/* See api_msm_requests.h. */
void api_requests_changed(struct api_call *c, const struct api_create *req)
{
	char err[256];
	if (c->api->store->ops->msm_requests &&
	    record(c->api, c->route.id, req, api_now(), err, sizeof err) < 0)
		fprintf(stderr, "vantage-controller: measurement %lld: the participation request"
			" was applied but not recorded: %s\n", (long long)c->route.id, err);
}

/* The API object of a stored request row; new reference. */
static json_t *request_json(const struct api *a, const json_t *row)
{
	char self[256];
	json_int_t id = json_integer_value(json_object_get(row, "id"));
	snprintf(self, sizeof self, "%s/api/v2/measurements/%" JSON_INTEGER_FORMAT
		 "/participation-requests/%" JSON_INTEGER_FORMAT "/", a->base_url,
		 json_integer_value(json_object_get(row, "msm_id")), id);
	const char *text = json_string_value(json_object_get(row, "tags"));
	json_t *tags = text ? json_loads(text, 0, NULL) : NULL;
	json_t *inc = json_object_get(tags, "include"), *exc = json_object_get(tags, "exclude");
	json_t *o = json_pack("{s:I, s:s, s:I, s:O, s:O, s:O, s:O, s:O, s:O}", "id", id,
			      "self", self, "created_at", json_integer_value(json_object_get(row,
			      "created")), "action", json_object_get(row, "action"),
			      "type", json_object_get(row, "type"), "value", json_object_get(row, "value"),
			      "requested", json_object_get(row, "requested"),
			      "tags_include", inc ? inc : json_null(),
			      "tags_exclude", exc ? exc : json_null());
	json_decref(tags);
	return o ? o : json_object();
}

/* See api_int.h: GET /measurements/{id}/participation-requests/. */
void api_msm_requests_list(struct api_call *c)
{
	json_t *row, *rows = NULL, *out = json_array(), *r;
	int64_t count = 0;
	char err[256];
	size_t i;
	if (!api_msm_visible(c, &row)) {
		json_decref(out);
		return;
	}
	json_decref(row);
	const struct store_msm_requests_ops *ops = c->api->store->ops->msm_requests;
	if (ops && ops->page(c->api->store, c->route.id, (c->q.page - 1) * c->q.page_size,
			     (int)c->q.page_size, &rows, &count, err, sizeof err) < 0) {
		json_decref(out);
		return api_error(c, 500, "%s", err);
	}
	json_array_foreach(rows, i, r)
		json_array_append_new(out, request_json(c->api, r));
	json_decref(rows);
	api_reply_json(c, 200, api_page(c, out, count));
}
