/*
 * names_ctl: the admin socket's agents.names, behind `vantage agents names`.
 * Every vantage point gets its name by the naming convention (dnsname.h)
 * from its API probe object, so the name is the one the API shows as
 * "fqdn"; with it come the reverse names of its addresses. Collisions are
 * reported, not resolved: two vantage points with one name, or one address
 * claimed by two (its PTR would be ambiguous), or a name the convention
 * cannot make (a field not known of that probe).
 */
#include "controller/controller_int.h"

#include "api/api.h"
#include "controller/dnsname.h"
#include "controller/names_probe.h"
#include "store/store_api.h"

#include <stdio.h>
#include <time.h>

#define PAGE 500

/* Every probe object (api_probe_json) in id order; NULL with err. */
static json_t *all_probes(struct controller *c, char *err, size_t errlen)
{
	json_t *out = json_array(), *rows, *r;
	struct store_page p = { .limit = PAGE };
	int64_t count = 0;
	size_t i;
	do {
		if (c->store->ops->api->probe_page(c->store, &p, (int64_t)time(NULL), &rows, &count,
						   err, errlen) < 0) {
			json_decref(out);
			return NULL;
		}
		json_array_foreach(rows, i, r)
			json_array_append_new(out, api_probe_json(c->api, r));
		json_decref(rows);
		p.offset += PAGE;
	} while (p.offset < count);
	return out;
}

/* Note in seen (key → id) that id claims key; a problem in problems if another did. */
static void claim(json_t *seen, json_t *problems, const char *what, const char *key, json_int_t id)
{
	const json_t *other = json_object_get(seen, key);
	if (!other) {
		json_object_set_new(seen, key, json_integer(id));
		return;
	}
	char line[400];
	snprintf(line, sizeof line, "collision: %s %s is probe %lld's and probe %lld's", what, key,
		 (long long)json_integer_value(other), (long long)id);
	json_array_append_new(problems, json_string(line));
}

/* Add the address of family key ("address_v4") of probe o to rec, with its reverse name. */
static void add_address(json_t *rec, const json_t *o, const char *key, const char *ptrkey,
			json_t *seen, json_t *problems)
{
	const char *addr = json_string_value(json_object_get(o, key));
	char ptr[DNSNAME_PTR_MAX];
	if (!addr || dnsname_ptr(addr, ptr, sizeof ptr) < 0)
		return;
	json_object_set_new(rec, key, json_string(addr));
	json_object_set_new(rec, ptrkey, json_string(ptr));
	claim(seen, problems, "address", addr, json_integer_value(json_object_get(o, "id")));
}

/* The record of probe o: {id, name, address_v4, ptr_v4, address_v6, ptr_v6}, or NULL
   with a problem noted. */
static json_t *record(const json_t *o, const char *zone, const char *conv, json_t *names,
		      json_t *addrs, json_t *problems)
{
	char name[DNSNAME_MAX], why[320];
	json_int_t id = json_integer_value(json_object_get(o, "id"));
	if (names_probe_fqdn(o, zone, conv, name, sizeof name, why, sizeof why) < 0) {
		json_array_append_new(problems, json_string(why));
		return NULL;
	}
	json_t *rec = json_pack("{s:I,s:s}", "id", id, "name", name);
	claim(names, problems, "name", name, id);
	add_address(rec, o, "address_v4", "ptr_v4", addrs, problems);
	add_address(rec, o, "address_v6", "ptr_v6", addrs, problems);
	return rec;
}

/* The zone and convention of the request, else the controller's; 0 or -1 with err. */
static int naming(struct controller *c, const json_t *req, const char **zone, const char **conv,
		  char *err, size_t errlen)
{
	const json_t *z = json_object_get(req, "zone"), *n = json_object_get(req, "convention");
	*zone = json_is_string(z) ? json_string_value(z) : c->opts.dns_zone;
	*conv = json_is_string(n) ? json_string_value(n) :
		c->opts.dns_names ? c->opts.dns_names : DNSNAME_DEFAULT;
	if (!*zone || !**zone) {
		snprintf(err, errlen, "no zone: give one (--zone DOMAIN) or set dns_zone");
		return -1;
	}
	if (dnsname_check_zone(*zone, err, errlen) < 0 ||
	    dnsname_check_convention(*conv, err, errlen) < 0)
		return -1;
	return 0;
}

/* See controller_int.h. */
json_t *agents_names(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const char *zone, *conv;
	if (naming(c, req, &zone, &conv, err, errlen) < 0)
		return NULL;
	json_t *probes = all_probes(c, err, errlen), *o;
	if (!probes)
		return NULL;
	json_t *records = json_array(), *problems = json_array();
	json_t *names = json_object(), *addrs = json_object();
	size_t i;
	json_array_foreach(probes, i, o) {
		json_t *rec = record(o, zone, conv, names, addrs, problems);
		if (rec)
			json_array_append_new(records, rec);
	}
	json_decref(probes);
	json_decref(names);
	json_decref(addrs);
	return json_pack("{s:s,s:s,s:o,s:o}", "zone", zone, "convention", conv, "records", records,
			 "problems", problems);
}
