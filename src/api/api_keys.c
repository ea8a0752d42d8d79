/*
 * api_keys: RIPE Atlas's key management endpoints. GET /keys/ lists the
 * keys of the calling key's account, POST /keys/ makes one (its text is
 * shown this once; listings show only its first eight characters, as RIPE
 * masks them), GET, PUT, PATCH and DELETE /keys/{key}/ read, change and
 * delete one ({key}: the key text or the id the listing shows), and
 * GET /keys/permissions/ lists the permission names (api_perm.h). Every
 * one but the last needs manage_keys; a key never grants more than the key
 * that makes or changes it holds, as on RIPE. The store keeps label,
 * state, validity and grants (store_key_grants.h).
 */
#include "api/api_int.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_key.h"
#include "api/api_key_body.h"
#include "api/api_perm.h"
#include "store/store_account.h"
#include "store/store_key_grants.h"

#define BODY_MAX 4096

/* A time as RIPE writes it (ISO-8601 UTC), or null for 0. */
static json_t *iso(int64_t t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;
	if (!t || !gmtime_r(&tt, &tm))
		return json_null();
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(s);
}

/* The stored state of key id into *g; a key without a row holds everything. 0 or -1. */
static int key_state(struct api_call *c, int64_t id, struct store_key_grants *g, char *err,
		     size_t errlen)
{
	struct store *st = c->api->store;
	int rc = st->ops->key_grants ? st->ops->key_grants->get(st, id, g, err, errlen) : 0;
	if (rc == 0) {
		*g = (struct store_key_grants){ .enabled = 1 };
		api_key_grants_set(g, API_PERM_ALL, NULL);
	}
	return rc < 0 ? -1 : 0;
}

/* RIPE's grants array of g: for all objects, then for one measurement each. */
static json_t *grants_json(const struct store_key_grants *g)
{
	struct api_grants_one one;
	api_key_grants_one(g, &one);
	return api_perm_grants_json(api_key_grants_mask(g), &one);
}

/* RIPE's key object; uuid the full text when given (just made), else masked. */
static json_t *key_json(struct api_call *c, const json_t *row, const struct store_key_grants *g,
			const char *uuid)
{
	char url[512], masked[48];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	int64_t now = api_now();
	snprintf(url, sizeof url, "%s/api/v2/keys/%lld/", c->api->base_url, (long long)id);
	snprintf(masked, sizeof masked, "%.8s-****-****-****-************",
		 g->prefix[0] ? g->prefix : "********");
	int active = g->enabled && (!g->valid_from || g->valid_from <= now) &&
		     (!g->valid_to || now < g->valid_to);
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:o}", "id", (json_int_t)id,
			 "uuid", uuid ? uuid : masked, "url", url, "label", g->label,
			 "created_at", iso(json_integer_value(json_object_get(row, "created"))),
			 "valid_from", iso(g->valid_from), "valid_to", iso(g->valid_to),
			 "enabled", g->enabled, "is_active", active,
			 "grants", grants_json(g));
}

/* The calling key's account id, or 0 after replying. */
static int64_t caller_account(struct api_call *c)
{
	struct store *st = c->api->store;
	struct store_account a;
	char err[256];
	if (!st->ops->account || !st->ops->key_grants) {
		api_error(c, 501, "This platform's store keeps no key grants: manage keys with"
			  " `vantage keys` on the controller's host");
		return 0;
	}
	int found = st->ops->account->of_key(st, c->key.id, &a, err, sizeof err);
	if (found < 0)
		api_error(c, 500, "%s", err);
	else if (found == 0)
		api_error(c, 403, "This key belongs to no account, so it has no keys to manage");
	return found == 1 ? a.id : 0;
}

/* The live (not deleted) keys of the account, rows of key_list; NULL after replying. */
static json_t *account_keys(struct api_call *c, int64_t account)
{
	struct store *st = c->api->store;
	json_t *all = NULL, *agents = NULL, *mine = NULL, *out = json_array();
	char err[256];
	if (st->ops->api->key_list(st, &all, err, sizeof err) < 0 ||
	    st->ops->account->members(st, account, &agents, &mine, err, sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		json_decref(all);
		json_decref(agents);
		json_decref(out);
		return NULL;
	}
	size_t i, k;
	json_t *r, *m;
	json_array_foreach(all, i, r)
		json_array_foreach(mine, k, m)
			if (json_equal(json_object_get(r, "id"), json_object_get(m, "id")) &&
			    !json_integer_value(json_object_get(r, "revoked")))
				json_array_append(out, r);
	json_decref(all);
	json_decref(agents);
	json_decref(mine);
	return out;
}

/* The row of the key the path names ({id} or the key text) among the account's; NULL after replying. */
static json_t *named_key(struct api_call *c, int64_t account)
{
	const char *t = c->route.tag;
	int64_t want = 0;
	if (strspn(t, "0123456789") == strlen(t) && strlen(t) < 16) {
		want = strtoll(t, NULL, 10);
	} else {
		char hash[API_KEY_HASH_LEN], err[256];
		struct store_key k;
		api_key_hash(t, hash);
		int rc = c->api->store->ops->api->key_find(c->api->store, hash, &k, err, sizeof err);
		if (rc < 0)
			return api_error(c, 500, "%s", err), NULL;
		want = rc == 1 ? k.id : 0;
	}
	json_t *keys = account_keys(c, account), *found = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(keys, i, r)
		if (json_integer_value(json_object_get(r, "id")) == want)
			found = json_incref(r);
	json_decref(keys);
	if (keys && !found)
		api_error(c, 404, "No key %.72s of this account", t);
	return found;
}

/* The request body into buf (NUL-terminated); its length, or -1 after replying. */
static long body_of(struct api_call *c, char *buf, size_t cap)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
	size_t n = evbuffer_get_length(in);
	if (n >= cap) {
		api_error(c, 400, "the body is a key object of at most %zu bytes", cap - 1);
		return -1;
	}
	evbuffer_copyout(in, buf, n);
	buf[n] = 0;
	return (long)n;
}

/*
 * A grant on measurement msm of perm: the calling key holds perm on it (for
 * all, or by a grant for that one), and the measurement is the caller's own
 * or one it was granted. 0, or -1 after replying.
 */
static int one_within_caller(struct api_call *c, int perm, int64_t msm)
{
	json_t *row = NULL;
	char err[256];
	if (!api_perm_holds(c->perms, &c->one, perm, msm)) {
		api_error(c, 403, "grants: this key does not hold '%s' on measurement %lld itself,"
			  " so it cannot grant it", api_perm_name(perm), (long long)msm);
		return -1;
	}
	int rc = c->api->store->ops->api->msm_get(c->api->store, msm, &row, err, sizeof err);
	int own = rc == 1 && (json_integer_value(json_object_get(row, "key_id")) == c->key.id ||
			      api_perm_one_names(&c->one, msm));
	json_decref(rc == 1 ? row : NULL);
	if (rc < 0)
		api_error(c, 500, "%s", err);
	else if (!own)
		api_error(c, 403, "grants: measurement %lld is not one of this key's",
			  (long long)msm);
	return own ? 0 : -1;
}

/* Refuse grants the calling key does not hold itself; 0, or -1 after replying. */
static int within_caller(struct api_call *c, unsigned granted, const struct store_key_grants *g)
{
	unsigned more = api_perm_closure(granted) & ~c->perms;
	struct api_grants_one one;
	for (int i = 0; api_perm_name(i); i++)
		if (more & (1u << i)) {
			api_error(c, 403, "grants: this key does not hold '%s' itself, so it cannot"
				  " grant it", api_perm_name(i));
			return -1;
		}
	api_key_grants_one(g, &one);
	for (size_t i = 0; i < one.n; i++)
		if (one_within_caller(c, one.g[i].perm, one.g[i].msm) < 0)
			return -1;
	return 0;
}

/* GET /keys/. */
static void keys_list(struct api_call *c, int64_t account)
{
	json_t *rows = account_keys(c, account), *out = json_array();
	char err[256];
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		struct store_key_grants g;
		if (key_state(c, json_integer_value(json_object_get(r, "id")), &g, err,
			      sizeof err) < 0) {
			json_decref(rows);
			json_decref(out);
			return api_error(c, 500, "%s", err);
		}
		json_array_append_new(out, key_json(c, r, &g, NULL));
	}
	if (!rows) {
		json_decref(out);
		return;
	}
	json_decref(rows);
	api_reply_json(c, 200, json_pack("{s:I,s:n,s:n,s:o}", "count",
					 (json_int_t)json_array_size(out), "next", "previous",
					 "results", out));
}

/* Make the key: api_keys row, its account and its grants, in one transaction. */
static int key_make(struct api_call *c, int64_t account, const char *text,
		    const struct store_key_grants *g, int64_t *id, char *err, size_t errlen)
{
	struct store *st = c->api->store;
	char hash[API_KEY_HASH_LEN], ignore[64], owner[160];
	api_key_hash(text, hash);
	snprintf(owner, sizeof owner, "api:%.150s", g->label);
	api_commit_pending(c->api);   /* the store's batch of results: no transaction in one */
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return -1;
	if (st->ops->api->key_add(st, hash, owner, c->key.rate, api_now(), id, err, errlen) < 0 ||
	    st->ops->account->own_key(st, *id, account, err, errlen) < 0 ||
	    st->ops->key_grants->put(st, *id, g, err, errlen) < 0 ||
	    st->ops->txn(st, "commit", err, errlen) < 0) {
		st->ops->txn(st, "rollback", ignore, sizeof ignore);
		return -1;
	}
	return 0;
}

/* POST /keys/: 201 with the key text shown this once. */
static void keys_create(struct api_call *c, int64_t account)
{
	char body[BODY_MAX], err[256], text[API_KEY_LEN];
	struct store_key_grants g = { 0 };
	unsigned granted;
	int64_t id;
	long n = body_of(c, body, sizeof body);
	if (n < 0)
		return;
	if (api_key_body_parse(body, (size_t)n, 0, &g, &granted, err, sizeof err) < 0)
		return api_error(c, 400, "%s", err);
	if (within_caller(c, granted, &g) < 0)
		return;
	if (api_key_new(text) < 0)
		return api_error(c, 500, "no random bytes for a key");
	snprintf(g.prefix, sizeof g.prefix, "%.8s", text);
	if (key_make(c, account, text, &g, &id, err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	json_t *row = json_pack("{s:I,s:I}", "id", (json_int_t)id, "created", (json_int_t)api_now());
	api_reply_json(c, 201, key_json(c, row, &g, text));
	json_decref(row);
}

/* PUT / PATCH /keys/{key}/. */
static void keys_update(struct api_call *c, const json_t *row, int partial)
{
	char body[BODY_MAX], err[256];
	struct store_key_grants g;
	unsigned granted;
	int64_t id = json_integer_value(json_object_get(row, "id"));
	long n = body_of(c, body, sizeof body);
	if (n < 0 || key_state(c, id, &g, err, sizeof err) < 0)
		return n < 0 ? (void)0 : api_error(c, 500, "%s", err);
	if (api_key_body_parse(body, (size_t)n, partial, &g, &granted, err, sizeof err) < 0)
		return api_error(c, 400, "%s", err);
	if (within_caller(c, granted, &g) < 0)
		return;
	if (c->api->store->ops->key_grants->put(c->api->store, id, &g, err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, key_json(c, row, &g, NULL));
}

/* /keys/{key}/: GET, PUT, PATCH, DELETE. */
static void keys_one(struct api_call *c, int64_t account)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	char err[256];
	json_t *row = named_key(c, account);
	if (!row)
		return;
	int64_t id = json_integer_value(json_object_get(row, "id"));
	struct store_key_grants g;
	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) {
		if (key_state(c, id, &g, err, sizeof err) < 0)
			api_error(c, 500, "%s", err);
		else
			api_reply_json(c, 200, key_json(c, row, &g, NULL));
	} else if (m == EVHTTP_REQ_PUT || m == EVHTTP_REQ_PATCH) {
		keys_update(c, row, m == EVHTTP_REQ_PATCH);
	} else if (m == EVHTTP_REQ_DELETE) {
		if (c->api->store->ops->api->key_revoke(c->api->store, id, err, sizeof err) < 0)
			api_error(c, 500, "%s", err);
		else
			api_reply_json(c, 204, NULL);
	} else {
		api_error(c, 405, "Method not allowed on %s", c->path);
	}
	json_decref(row);
}

/* See api_int.h. */
void api_keys(struct api_call *c)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	if (c->route.kind == ROUTE_KEY_PERMISSIONS) {
		if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)
			return api_reply_json(c, 200, api_perm_list_json());
		return api_error(c, 405, "Method not allowed on %s", c->path);
	}
	int64_t account = caller_account(c);
	if (!account)
		return;
	if (c->route.kind == ROUTE_KEY_ONE)
		return keys_one(c, account);
	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)
		return keys_list(c, account);
	if (m == EVHTTP_REQ_POST)
		return keys_create(c, account);
	api_error(c, 405, "Method not allowed on %s", c->path);
}
