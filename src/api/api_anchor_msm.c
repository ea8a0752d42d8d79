/*
 * api_anchor_msm: GET /api/v2/anchor-measurements/ and
 * /api/v2/anchor-measurements/{id}/, the anchoring mesh's measurements
 * (store_mesh.h) as RIPE Atlas lists them: {id, is_mesh, measurement (the
 * measurement's URL), target (the measured anchor's URL), type}, paged as
 * the other listings. Only measurements that run are listed: an anchor
 * that leaves the mesh leaves this list with them. Anonymous, as on RIPE.
 */
#include "api/api_int.h"

#include "store/store_mesh.h"

#include <stdio.h>

/* RIPE's anchor-measurement object from a mark row {id, msm_id, target, type}. */
static json_t *object_of(const struct api *a, const json_t *row)
{
	char msm[200], target[200];
	snprintf(msm, sizeof msm, "%s/api/v2/measurements/%" JSON_INTEGER_FORMAT "/", a->base_url,
		 json_integer_value(json_object_get(row, "msm_id")));
	snprintf(target, sizeof target, "%s/api/v2/anchors/%" JSON_INTEGER_FORMAT "/", a->base_url,
		 json_integer_value(json_object_get(row, "target")));
	return json_pack("{s:O, s:b, s:s, s:s, s:O}", "id", json_object_get(row, "id"),
			 "is_mesh", 1, "measurement", msm, "target", target,
			 "type", json_object_get(row, "type"));
}

/* One page of objects (id 0: all) and the count; NULL after replying. */
static json_t *objects(struct api_call *c, int64_t id, int64_t offset, int limit, int64_t *count)
{
	char err[256];
	json_t *rows = NULL;
	struct store *st = c->api->store;
	if (!st->ops->mesh) {
		api_error(c, 404, "This platform's store keeps no anchoring mesh");
		return NULL;
	}
	if (st->ops->mesh->page(st, id, offset, limit, &rows, count, err, sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *o = object_of(c->api, json_array_get(rows, i));
		if (!o || json_array_set_new(rows, i, o) < 0) {
			json_decref(rows);
			api_error(c, 500, "out of memory");
			return NULL;
		}
	}
	return rows;
}

/* See api_int.h. */
void api_anchor_msm_list(struct api_call *c)
{
	int64_t count;
	json_t *rows = objects(c, 0, (c->q.page - 1) * c->q.page_size, (int)c->q.page_size, &count);
	if (rows)
		api_reply_json(c, 200, api_page(c, rows, count));
}

/* See api_int.h. */
void api_anchor_msm_one(struct api_call *c)
{
	int64_t count;
	json_t *rows = objects(c, c->route.id, 0, 1, &count);
	if (!rows)
		return;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return api_error(c, 404, "No anchor measurement %lld", (long long)c->route.id);
	}
	api_reply_json(c, 200, json_incref(json_array_get(rows, 0)));
	json_decref(rows);
}
