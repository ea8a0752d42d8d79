/*
 * api_probe: probes and anchors as RIPE Atlas probe objects (address,
 * prefix, ASN and country per family, status with its "since", first and
 * last connection, total uptime, tags), and the /probes/ and /anchors/
 * endpoints. A probe's address defaults to the address of its last session
 * and its prefix to that address's /24 (IPv4) or /48 (IPv6). Besides the
 * tags given at registration every probe carries RIPE's automatic system-*
 * tags derived from what the platform knows of it (system_tags below).
 * /anchors/ answers RIPE's anchor objects (api_anchor.h).
 */
#include "api/api_int.h"
#include "api/api_anchor.h"
#include "api/api_cidr.h"
#include "api/api_geometry.h"
#include "controller/uptime.h"
#include "controller/dnsname.h"
#include "controller/names_probe.h"
#include "store/store_admission.h"
#include "api/api_fields.h"
#include "api/api_probe_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Append the system tag slug (with its RIPE name) to tags. */
static void system_tag(json_t *tags, const char *slug, const char *name)
{
	json_array_append_new(tags, json_pack("{s:s,s:s}", "name", name, "slug", slug));
}

/*
 * RIPE's automatic tags from what the platform knows: an address of a
 * family makes the probe capable of it, and connected with it, working;
 * the anchor role gives system-anchor. The tags read from the probe's own
 * check-host report are added by api_probe_report_tags. Nothing is said of
 * what is not known.
 */
static void system_tags(json_t *o)
{
	json_t *tags = json_object_get(o, "tags");
	int conn = json_integer_value(json_object_get(json_object_get(o, "status"), "id")) == 1;
	int v4 = json_is_string(json_object_get(o, "address_v4"));
	int v6 = json_is_string(json_object_get(o, "address_v6"));
	if (v4)
		system_tag(tags, "system-ipv4-capable", "IPv4 Capable");
	if (v4 && conn)
		system_tag(tags, "system-ipv4-works", "IPv4 Works");
	if (v6)
		system_tag(tags, "system-ipv6-capable", "IPv6 Capable");
	if (v6 && conn)
		system_tag(tags, "system-ipv6-works", "IPv6 Works");
	if (json_is_true(json_object_get(o, "is_anchor")))
		system_tag(tags, "system-anchor", "Anchor");
}

/* The time t as RIPE writes a status's "since" (ISO 8601, UTC); null if none. */
static json_t *iso_since(int64_t t)
{
	char iso[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(iso);
}

/* The status object: Never Connected (0), Connected (1), Disconnected (2) or
   Abandoned (3), as src/controller/uptime.h derives them. Connected is the
   controller's own knowledge, or without a hook (several front-ends, or the
   API program) the store's: an open session at any front-end. */
static json_t *status_json(const struct api *a, const json_t *row)
{
	int64_t id = json_integer_value(json_object_get(row, "id"));
	int conn = a && a->hooks.connected ? a->hooks.connected(a->hooks.arg, id) :
		   json_integer_value(json_object_get(row, "connected_now")) != 0;
	const json_t *since = json_object_get(row, "status_since");
	struct store_uptime_facts f = {
		.first_connected = json_integer_value(json_object_get(row, "first_connected")),
		.last_connected = json_integer_value(json_object_get(row, "last_connected")),
		.last_disconnected = conn ? 0 : json_integer_value(since),
		.connected = conn,
	};
	struct uptime u;
	uptime_of(&f, api_now(), a ? a->opts.abandon_after : 0, &u);
	int64_t when = u.state == UPTIME_NEVER || u.state == UPTIME_CONNECTED ?
		       json_integer_value(since) : u.status_since;
	return json_pack("{s:i,s:s,s:o}", "id", (int)u.state, "name", uptime_state_name(u.state),
			 "since", iso_since(when));
}

/* The probe's name in the DNS as "fqdn" (as RIPE's anchor objects call it):
   null without a zone, or when the convention needs what is not known of it. */
static void set_fqdn(json_t *o, const char *zone, const char *conv)
{
	char name[DNSNAME_MAX], err[256];
	int ok = zone && names_probe_fqdn(o, zone, conv, name, sizeof name, err, sizeof err) == 0;
	json_object_set_new(o, "fqdn", ok ? json_string(name) : json_null());
}

/* vantage's own field: the admission decision {state, reason} (null: none recorded). */
static json_t *admission_json(const struct api *a, const json_t *row)
{
	struct store_admission d;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!a || !a->store->ops->admission ||
	    a->store->ops->admission->get(a->store, id, &d, err, sizeof err) <= 0)
		return json_null();
	return json_pack("{s:s,s:s}", "state", d.state, "reason", d.reason);
}

/* The agent's location, coarsened to about 1 km (api_geometry.h); null when none. */
static json_t *geometry_json(const struct api *a, const json_t *row)
{
	double lat, lon;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!a || !a->store->ops->admission ||
	    a->store->ops->admission->location(a->store, id, &lat, &lon, err, sizeof err) <= 0)
		return json_null();
	return api_geometry_point(lat, lon);
}

/* See api_int.h. */
json_t *api_probe_json(const struct api *a, const json_t *row)
{
	char peer[64];
	int v6 = 0;
	int have_peer = peer_addr(json_string_value(json_object_get(row, "peer")), peer,
				  sizeof peer, &v6) == 0;
	json_t *st = status_json(a, row);
	json_t *o = json_pack("{s:O,s:b,s:b,s:O,s:O,s:O,s:o,s:O,s:O,s:O,s:O,s:O,s:o,s:s,s:o,s:O}",
		"id", json_object_get(row, "id"),
		"is_anchor", strcmp(json_string_value(json_object_get(row, "role")) ?: "", "anchor") == 0,
		"is_public", 1,
		"asn_v4", json_object_get(row, "asn_v4"), "asn_v6", json_object_get(row, "asn_v6"),
		"country_code", json_object_get(row, "country_code"),
		"status", st, "status_since", json_object_get(row, "status_since"),
		"first_connected", json_object_get(row, "first_connected"),
		"last_connected", json_object_get(row, "last_connected"),
		"total_uptime", json_object_get(row, "total_uptime"),
		"description", json_object_get(row, "org"),
		"tags", tags_json(json_string_value(json_object_get(row, "tags"))),
		"type", "Probe", "geometry", geometry_json(a, row),
		"fingerprint", json_object_get(row, "fp"));
	if (o) {
		set_family(o, row, 4, have_peer ? peer : NULL, v6);
		set_family(o, row, 6, have_peer ? peer : NULL, v6);
		json_object_set_new(o, "firmware_version", json_null());
		json_object_set_new(o, "admission", admission_json(a, row));
		system_tags(o);
		if (a)
			api_probe_report_tags(a, o);
		if (a)
			set_fqdn(o, a->opts.dns_zone, a->opts.dns_names);
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

/*
 * The page of c's listing from every probe, filtered in memory (the
 * filters the store does not apply: api_probe_filter.h); NULL after replying.
 */
static json_t *filtered_page(struct api_call *c, int64_t *count)
{
	char err[256];
	struct store_page p = { .anchors_only = anchors(c), .limit = PROBES_MAX,
				.ids = c->q.ids.present ? c->q.ids.v : NULL, .nids = c->q.ids.n };
	json_t *all = probe_rows(c->api, &p, count, err, sizeof err);
	if (!all) {
		api_error(c, 500, "%s", err);
		return NULL;
	}
	if (api_probe_filter(all, &c->q, err, sizeof err) < 0) {
		json_decref(all);
		api_error(c, 400, "%s", err);
		return NULL;
	}
	*count = (int64_t)json_array_size(all);
	json_t *page = json_array();
	size_t from = (size_t)((c->q.page - 1) * c->q.page_size);
	for (size_t i = from; i < json_array_size(all) && i < from + (size_t)c->q.page_size; i++)
		json_array_append(page, json_array_get(all, i));
	json_decref(all);
	return page;
}

/* See api_int.h: GET /probes/ and /anchors/. */
void api_probes_list(struct api_call *c)
{
	char err[256];
	int64_t count;
	json_t *rows;
	struct store_page p = {
		.anchors_only = anchors(c), .offset = (c->q.page - 1) * c->q.page_size,
		.limit = (int)c->q.page_size, .ids = c->q.ids.present ? c->q.ids.v : NULL,
		.nids = c->q.ids.n,
	};
	if (api_probe_filter_needed(&c->q)) {
		if (!(rows = filtered_page(c, &count)))
			return;
	} else if (!(rows = probe_rows(c->api, &p, &count, err, sizeof err))) {
		return api_error(c, 500, "%s", err);
	}
	int anchor_objects = c->route.kind == ROUTE_ANCHOR_LIST;
	if (anchor_objects && api_anchors_of(rows) < 0) {
		json_decref(rows);
		return api_error(c, 500, "out of memory");
	}
	if (api_fields_apply_all(rows, c->q.fields, anchor_objects ? "an anchor" : "a probe", err,
				 sizeof err) < 0) {
		json_decref(rows);
		return api_error(c, 400, "%s", err);
	}
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
	if (c->route.kind == ROUTE_ANCHOR_ONE) {
		json_t *a = api_anchor_json(one);
		json_decref(one);
		if (!(one = a))
			return api_error(c, 500, "out of memory");
	}
	if (api_fields_apply(one, c->q.fields, "the object", err, sizeof err) < 0) {
		json_decref(one);
		return api_error(c, 400, "%s", err);
	}
	api_reply_json(c, 200, one);
}
