/*
 * api_msm_create: POST /measurements/ (a RIPE Atlas create request: each
 * definition becomes one measurement on the probes its sources select, all
 * stored in one transaction of their own, committed before the answer and
 * before they are sent to the connected participants), and
 * POST /measurements/{id}/participation-requests/ (add probes, or take
 * participants out). Nothing is stored unless the whole request is valid.
 */
#include "api/api_int.h"
#include "api/api_msm_requests.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_caps.h"
#include "api/api_select.h"

/* The request body into a new NUL-terminated buffer *body of *len; 0, or -1 after replying. */
static int read_body(struct api_call *c, char **body, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
	*len = evbuffer_get_length(in);
	if (*len > API_MAX_BODY) {
		api_error(c, 413, "Request body of %zu bytes is over the limit of %d bytes",
			  *len, API_MAX_BODY);
		return -1;
	}
	*body = malloc(*len + 1);
	if (!*body) {
		api_error(c, 500, "out of memory");
		return -1;
	}
	evbuffer_copyout(in, *body, *len);
	(*body)[*len] = 0;
	return 0;
}

/* True if measurement msm is public (its participants are then anyone's to reuse). */
static int msm_public(struct api_call *c, int64_t msm)
{
	json_t *row = NULL;
	char err[256];
	int pub = c->api->store->ops->api->msm_get(c->api->store, msm, &row, err, sizeof err) == 1 &&
		  json_integer_value(json_object_get(row, "is_public")) != 0;
	json_decref(row);
	return pub;
}

/*
 * api_msm_probes_fn over the store: the participants of measurement msm,
 * which must be public or one of the calling key's own (the participants
 * of another key's private one are its business: refused as if it did not
 * exist).
 */
static int msm_probes(void *arg, int64_t msm, json_t **ids, char *err, size_t errlen)
{
	struct api_call *c = arg;
	int64_t owner = msm_public(c, msm) ? 0 : c->key.id;
	int rc = c->api->store->ops->api->msm_probes(c->api->store, msm, owner, ids, err, errlen);
	if (rc == 0) {
		json_decref(*ids);
		*ids = NULL;
		snprintf(err, errlen, "value: measurement %lld is not a public measurement or one"
			 " of this key's, with probes", (long long)msm);
	}
	return rc > 0 ? 0 : -1;
}

/* Keep only the probes of arr whose id is in the array ids (of JSON integers). */
static void keep_only(json_t *arr, const json_t *ids)
{
	for (size_t i = json_array_size(arr); i-- > 0;) {
		const json_t *id = json_object_get(json_array_get(arr, i), "id");
		size_t k;
		const json_t *v;
		int in = 0;
		json_array_foreach(ids, k, v)
			in |= json_equal(v, id);
		if (!in)
			json_array_remove(arr, i);
	}
}

/* Choose the probes of the request's sources (among only, if given); 0, or -1 after replying. */
static int choose(struct api_call *c, const struct api_create *req, const json_t *only,
		  int64_t **ids, size_t *n)
{
	char err[512];
	json_t *probes = api_probes_all(c->api, err, sizeof err);
	if (probes && only)
		keep_only(probes, only);
	if (!probes) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	int rc = api_select(probes, req, msm_probes, c, ids, n, err, sizeof err);
	json_decref(probes);
	if (rc < 0)
		api_error(c, 400, "%s", err);
	return rc;
}

/*
 * Check the caps of req on n probes and store it, in one transaction that
 * holds the key and its account locked from before the caps are counted
 * (store_api.h's create_lock), so API programs creating at once for one
 * key or account never pass a cap together; 0, or -1 after replying.
 */
static int checked_create(struct api_call *c, struct store_api_msm *am, const struct api_create *req,
			  size_t n, int64_t now, char *err, size_t errlen)
{
	struct store *st = c->api->store;
	const struct store_api_ops *ops = st->ops->api;
	if (st->ops->txn(st, "begin", err, errlen) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	int rc = ops->create_lock ? ops->create_lock(st, c->key.id, err, errlen) : 0;
	if (rc < 0)
		api_error(c, 500, "%s", err);
	else if (api_caps_create(c, req->ndefs, n) < 0 || api_caps_credits(c, req, n) < 0)
		rc = -1;   /* replied */
	else if (api_requests_create(c->api, am, req->ndefs, req, now, err, errlen) < 0 ||
		 st->ops->txn(st, "commit", err, errlen) < 0) {
		api_error(c, 500, "%s", err);
		rc = -1;
	}
	if (rc < 0)
		st->ops->txn(st, "rollback", NULL, 0);
	return rc;
}

/* Check the caps, store the definitions of req on ids and send them; 0 or -1 after replying. */
static int store_and_push(struct api_call *c, const struct api_create *req, const int64_t *ids,
			  size_t n, json_t *created)
{
	struct store_msm m[API_MAX_DEFS];
	struct store_api_msm am[API_MAX_DEFS];
	char *defs[API_MAX_DEFS] = { 0 }, *extras[API_MAX_DEFS] = { 0 }, err[512];
	int64_t now = api_now(), rc = 0;
	int64_t requested = 0;
	for (size_t k = 0; k < req->nsrc; k++)
		requested += req->src[k].requested;
	for (size_t i = 0; i < req->ndefs; i++) {
		const struct api_def *d = &req->defs[i];
		defs[i] = json_dumps(d->run, JSON_COMPACT);
		extras[i] = d->extra ? json_dumps(d->extra, JSON_COMPACT) : NULL;
		m[i] = (struct store_msm){ .def = defs[i], .start = req->start ? req->start : now,
					   .stop = req->stop, .interval = d->interval,
					   .spread = d->spread };
		am[i] = (struct store_api_msm){ &m[i], ids, n, c->key.id, d->description, d->is_oneoff,
						requested, now, d->is_public, extras[i] };
		rc |= defs[i] == NULL || (d->extra && !extras[i]);
	}
	api_commit_pending(c->api);
	if (rc)
		api_error(c, 500, "out of memory");
	else
		rc = checked_create(c, am, req, n, now, err, sizeof err);
	for (size_t i = 0; i < req->ndefs; i++) {
		if (rc == 0) {
			json_array_append_new(created, json_integer(m[i].id));
			if (c->api->hooks.pushed)
				c->api->hooks.pushed(c->api->hooks.arg, &m[i], ids, n);
			api_msm_announce(c->api, m[i].id);
		}
		free(defs[i]);
		free(extras[i]);
	}
	return (int)rc;
}

/* See api_int.h. */
void api_msm_create_finish(struct api_call *c, const struct api_create *req)
{
	size_t n = 0;
	int64_t *ids = NULL;
	json_t *created = json_array();
	if (api_create_needs_lookup(req))   /* never store a placeholder target */
		api_error(c, 500, "a host name was not resolved");
	else if (choose(c, req, NULL, &ids, &n) == 0 && store_and_push(c, req, ids, n, created) == 0)
		api_reply_json(c, 201, json_pack("{s:O}", "measurements", created));
	json_decref(created);
	free(ids);
}

/* See api_int.h: POST /measurements/. */
void api_msm_create(struct api_call *c)
{
	char *body, err[512];
	size_t len;
	struct api_create *req = calloc(1, sizeof *req);
	if (!req)
		return api_error(c, 500, "out of memory");
	if (read_body(c, &body, &len) < 0) {
		free(req);
		return;
	}
	if (api_create_parse(body, len, &c->api->limits, req, err, sizeof err) < 0) {
		api_error(c, 400, "%s", err);
	} else if (api_create_needs_lookup(req)) {
		api_lookup_start(c, req);   /* takes req */
		req = NULL;
	} else {
		api_msm_create_finish(c, req);
		api_create_free(req);
	}
	free(body);
	free(req);
}

/* Add the chosen probes to the measurement row and send it to them; 0 or -1 after replying. */
static int add_probes(struct api_call *c, const json_t *row, const int64_t *ids, size_t n)
{
	char err[256];
	api_commit_pending(c->api);
	if (c->api->store->ops->api->msm_participants(c->api->store, c->route.id, ids, n, 0, err,
						      sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	struct store_msm m = {
		.id = c->route.id, .def = json_string_value(json_object_get(row, "def")),
		.start = json_integer_value(json_object_get(row, "start")),
		.stop = json_integer_value(json_object_get(row, "stop")),
		.interval = json_integer_value(json_object_get(row, "interval")),
		.spread = json_integer_value(json_object_get(row, "spread")),
	};
	if (c->api->hooks.pushed)
		c->api->hooks.pushed(c->api->hooks.arg, &m, ids, n);
	return 0;
}

/* How many sources of req ask to remove probes. */
static size_t removals(const struct api_create *req)
{
	size_t k = 0;
	for (size_t i = 0; i < req->nsrc; i++)
		k += req->src[i].remove != 0;
	return k;
}

/* Take the chosen participants out and tell them; 0 or -1 after replying. */
static int remove_probes(struct api_call *c, const int64_t *ids, size_t n)
{
	char err[256];
	api_commit_pending(c->api);
	if (c->api->store->ops->api->msm_participants(c->api->store, c->route.id, ids, n, 1, err,
						      sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	if (c->api->hooks.withdrawn)
		c->api->hooks.withdrawn(c->api->hooks.arg, c->route.id, ids, n);
	return 0;
}

/* How many participants the measurement row lists. */
static size_t participants(const json_t *row)
{
	const json_t *p = json_object_get(row, "participants");
	return json_is_array(p) ? json_array_size(p) : (size_t)json_integer_value(p);
}

/* Apply a checked participation request; 0 or -1 after replying. */
static int change(struct api_call *c, const json_t *row, const struct api_create *req)
{
	int64_t *ids = NULL;
	size_t n = 0, k = removals(req);
	json_t *parts = NULL;
	char err[256];
	int rc = -1;
	if (k != 0 && k != req->nsrc)
		api_error(c, 400, "add and remove probes in separate requests");
	else if (k && c->api->store->ops->api->msm_probes(c->api->store, c->route.id, c->key.id,
							       &parts, err, sizeof err) < 0)
		api_error(c, 500, "%s", err);
	else if (choose(c, req, parts, &ids, &n) == 0 &&
		 (k || api_caps_participants(c, participants(row), n) == 0))
		rc = k ? remove_probes(c, ids, n) : add_probes(c, row, ids, n);
	json_decref(parts);
	free(ids);
	return rc;
}

/* See api_int.h: POST /measurements/{id}/participation-requests/ (add only). */
void api_msm_participation(struct api_call *c)
{
	char *body = NULL, err[512];
	size_t len;
	json_t *row = NULL;
	struct api_create *req = calloc(1, sizeof *req);
	if (!req)
		return api_error(c, 500, "out of memory");
	if (!api_msm_owned(c, &row) || read_body(c, &body, &len) < 0) {
		/* replied */
	} else if (api_change_parse(body, len, req, err, sizeof err) < 0) {
		api_error(c, 400, "%s", err);
	} else {
		if (change(c, row, req) == 0) {
			api_requests_changed(c, req);
			api_reply_json(c, 201, json_pack("{s:[I]}", "request_ids",
							 (json_int_t)c->route.id));
		}
		api_create_free(req);
	}
	json_decref(row);
	free(body);
	free(req);
}
