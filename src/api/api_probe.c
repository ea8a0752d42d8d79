/*
 * api_probe: probes and anchors as RIPE Atlas probe objects (address,
 * prefix, ASN and country per family, status with its "since", first and
 * last connection, total uptime, tags), and the /probes/ and /anchors/
 * endpoints. A probe's address defaults to the address of its last session
 * and its prefix to that address's /24 (IPv4) or /48 (IPv6).
 */
#include "api/api_int.h"
#include "api/api_cidr.h"
#include "controller/uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBES_MAX 100000

/* The address part of a session peer "a.b.c.d:port" or "[v6]:port" into out. */
static int peer_addr(const char *peer, char *out, size_t len, int *v6)
{
	const char *colon = peer ? strrchr(peer, ':') : NULL;
	if (!colon)
		return -1;
	size_t n = (size_t)(colon - peer);
	*v6 = peer[0] == '[';
	if (*v6 && n >= 2) {
		peer++;
		n -= 2;
	}
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, peer, n);
	out[n] = 0;
	return 0;
}

/* Fill the address and prefix of one family from the row, or from the peer. */
static void set_family(json_t *o, const json_t *row, int fam, const char *peer, int peer_v6)
{
	const char *af = fam == 6 ? "address_v6" : "address_v4";
	const char *pf = fam == 6 ? "prefix_v6" : "prefix_v4";
	const char *addr = json_string_value(json_object_get(row, af));
	if (!addr && peer && peer_v6 == (fam == 6))
		addr = peer;
	json_object_set_new(o, af, addr ? json_string(addr) : json_null());
	const char *prefix = json_string_value(json_object_get(row, pf));
	char buf[80] = "";
	if (!prefix && addr) {
		prefix = api_cidr_cover(addr, buf, sizeof buf) == 0 ? buf : NULL;
	}
	json_object_set_new(o, pf, prefix ? json_string(prefix) : json_null());
}

/* Tags "a,b" as [{"name": "a", "slug": "a"}, ...]. */
static json_t *tags_json(const char *tags)
{
	json_t *arr = json_array();
	for (const char *p = tags; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 0) {
			json_t *s = json_stringn(p, n);
			json_array_append_new(arr, json_pack("{s:O,s:O}", "name", s, "slug", s));
			json_decref(s);
		}
		p += n + (comma ? 1 : 0);
	}
	return arr;
}

/* The status object: Never Connected (0), Connected (1), Disconnected (2) or
   Abandoned (3), as src/controller/uptime.h derives them. */
static json_t *status_json(const struct api *a, const json_t *row)
{
	int64_t id = json_integer_value(json_object_get(row, "id"));
	int conn = a->hooks.connected ? a->hooks.connected(a->hooks.arg, id) : 0;
	const json_t *since = json_object_get(row, "status_since");
	struct store_uptime_facts f = {
		.first_connected = json_integer_value(json_object_get(row, "first_connected")),
		.last_connected = json_integer_value(json_object_get(row, "last_connected")),
		.last_disconnected = conn ? 0 : json_integer_value(since),
		.connected = conn,
	};
	struct uptime u;
	uptime_of(&f, api_now(), a->opts.abandon_after, &u);
	return json_pack("{s:i,s:s,s:o}", "id", (int)u.state, "name", uptime_state_name(u.state),
			 "since", u.state == UPTIME_NEVER || u.state == UPTIME_CONNECTED ?
			 (since ? json_incref((json_t *)since) : json_null()) :
			 json_integer(u.status_since));
}

/* See api_int.h. */
json_t *api_probe_json(const struct api *a, const json_t *row)
{
	char peer[64];
	int v6 = 0;
	int have_peer = peer_addr(json_string_value(json_object_get(row, "peer")), peer,
				  sizeof peer, &v6) == 0;
	json_t *st = status_json(a, row);
	json_t *o = json_pack("{s:O,s:b,s:b,s:O,s:O,s:O,s:o,s:O,s:O,s:O,s:O,s:O,s:o,s:s,s:n,s:O}",
		"id", json_object_get(row, "id"),
		"is_anchor", strcmp(json_string_value(json_object_get(row, "role")) ?: "", "anchor") == 0,
		"is_public", 1,
		"asn_v4", json_object_get(row, "asn_v4"), "asn_v6", json_object_get(row, "asn_v6"),
		"country_code", json_object_get(row, "country_code"),
		"status", st, "status_since", json_object_get(st, "since"),
		"first_connected", json_object_get(row, "first_connected"),
		"last_connected", json_object_get(row, "last_connected"),
		"total_uptime", json_object_get(row, "total_uptime"),
		"description", json_object_get(row, "org"),
		"tags", tags_json(json_string_value(json_object_get(row, "tags"))),
		"type", "Probe", "geometry", "fingerprint", json_object_get(row, "fp"));
	if (o) {
		set_family(o, row, 4, have_peer ? peer : NULL, v6);
		set_family(o, row, 6, have_peer ? peer : NULL, v6);
	}
	return o;
}

/* Rows of one page (filters from c, or all when c is NULL) in API form. */
static json_t *probe_rows(struct api *a, const struct store_page *p, int64_t *count,
			  char *err, size_t errlen)
{
	json_t *rows;
	if (a->store->ops->api->probe_page(a->store, p, api_now(), &rows, count, err, errlen) < 0)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		json_array_append_new(out, api_probe_json(a, r));
	json_decref(rows);
	return out;
}

/* See api_int.h. */
json_t *api_probes_all(struct api *a, char *err, size_t errlen)
{
	struct store_page p = { .limit = PROBES_MAX };
	int64_t count;
	return probe_rows(a, &p, &count, err, errlen);
}

/* True for the anchor routes. */
static int anchors(const struct api_call *c)
{
	return c->route.kind == ROUTE_ANCHOR_LIST || c->route.kind == ROUTE_ANCHOR_ONE ||
	       c->q.is_anchor == 1;
}

/* See api_int.h: GET /probes/ and /anchors/. */
void api_probes_list(struct api_call *c)
{
	char err[256];
	int64_t count;
	struct store_page p = {
		.anchors_only = anchors(c), .offset = (c->q.page - 1) * c->q.page_size,
		.limit = (int)c->q.page_size, .ids = c->q.ids.present ? c->q.ids.v : NULL,
		.nids = c->q.ids.n,
	};
	json_t *rows = probe_rows(c->api, &p, &count, err, sizeof err);
	if (!rows)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, api_page(c, rows, count));
}

/* See api_int.h: GET /probes/{id}/ and /anchors/{id}/. */
void api_probes_one(struct api_call *c)
{
	char err[256];
	int64_t count;
	struct store_page p = { .anchors_only = anchors(c), .ids = &c->route.id, .nids = 1,
				.limit = 1 };
	json_t *rows = probe_rows(c->api, &p, &count, err, sizeof err);
	if (!rows)
		return api_error(c, 500, "%s", err);
	json_t *one = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!one)
		return api_error(c, 404, "No %s %lld", anchors(c) ? "anchor" : "probe",
				 (long long)c->route.id);
	api_reply_json(c, 200, one);
}
