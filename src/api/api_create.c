/*
 * api_create: field-by-field checks of a create request (see api_create.h):
 * known fields only, bounded strings and numbers, the target's family and
 * range, and the runner definition checked by the type's own parser.
 */
#include "api/api_create.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_deffields.h"
#include "api/api_time.h"
#include "msm/msm_type.h"

/* The runner options each type takes (ping 1, traceroute 2), copied as given
   into the runner definition; their values are checked by the type's own
   parser (msm/ping/ping_atlas.c, msm/trace/trace_atlas.c), the one the agents
   run, so the API accepts exactly the definitions the agents do. */
static const struct { const char *name; int types; } run_opts[] = {
	{ "packets", 3 }, { "size", 3 }, { "port", 3 }, { "timeout", 3 }, { "protocol", 3 },
	{ "packet_interval", 1 }, { "ttl", 1 }, { "paris", 2 }, { "first_hop", 2 },
	{ "max_hops", 2 }, { "gap_limit", 2 }, { "tcp_flags", 2 },
};
static const char *const def_fields[] = {
	"type", "af", "target", "description", "is_oneoff", "interval", "spread",
};

/* True if name is one of the n strings of list. */
static int listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Read integer field name of o in [lo, hi] into *out (absent: unchanged). */
static int int_field(const json_t *o, const char *where, const char *name, long long lo,
		     long long hi, int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, name);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(err, errlen, "%s%s: must be an integer from %lld to %lld", where, name, lo, hi);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* Read boolean field name of o into *out (absent: unchanged). */
static int bool_field(const json_t *o, const char *where, const char *name, int *out,
		      char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, name);
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(err, errlen, "%s%s: must be true or false", where, name);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* Copy string field name of o (at most cap-1 bytes) into out; absent leaves out. */
static int str_field(const json_t *o, const char *where, const char *name, char *out,
		     size_t cap, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, name);
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= cap ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(err, errlen, "%s%s: must be a string of at most %zu bytes", where, name,
			 cap - 1);
		return -1;
	}
	snprintf(out, cap, "%s", json_string_value(v));
	return 0;
}

/* See api_create.h. */
int api_hostname_valid(const char *text)
{
	size_t n = strlen(text), label = 0;
	int letters = 0;          /* in the last label: an all-digit one reads as an address */
	if (n > 0 && text[n - 1] == '.')
		n--;              /* the root's dot */
	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '.') {
			if (label == 0 || text[i - 1] == '-')
				return 0;
			label = 0;
			letters = 0;
		} else if (isalnum(ch) || ch == '_' || (ch == '-' && label > 0)) {
			letters |= !isdigit(ch);
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0 && text[n - 1] != '-' && letters;
}

/*
 * The target as given: an address literal is checked now; a host name is
 * kept for the caller to resolve, with a placeholder of family af (a
 * documentation address, never stored) for the type's syntax check.
 */
static int check_target(struct api_def *d, const struct api_limits *lim, const char *where,
			char *err, size_t errlen)
{
	struct api_cidr a;
	if (api_addr_parse(d->name, &a) < 0) {
		if (!api_hostname_valid(d->name)) {
			snprintf(err, errlen, "%starget: '%.64s' is neither an IP address nor a host"
				 " name", where, d->name);
			return -1;
		}
		d->resolve = 1;
		snprintf(d->target, sizeof d->target, "%s", d->af == 4 ? "192.0.2.1" : "2001:db8::1");
		return 0;
	}
	snprintf(d->target, sizeof d->target, "%.63s", d->name);
	if (a.family != d->af) {
		snprintf(err, errlen, "%starget: '%s' is not an IPv%d address", where, d->target, d->af);
		return -1;
	}
	char why[400];
	if (targets_allowed_text(lim->targets, d->target, why, sizeof why) &&
	    !(lim->noprobe && noprobe_list_blocks(lim->noprobe, d->target, why, sizeof why)))
		return 0;
	snprintf(err, errlen, "%starget: %s", where, why);
	return -1;
}

/* Check d->run with its type's own parser; 0, or -1 with err naming the field. */
static int type_check(const struct api_def *d, const char *where, char *err, size_t errlen)
{
	const struct msm_type *t = msm_type_find(d->type);
	void *spec = t ? calloc(1, t->spec_size) : NULL;
	char why[192] = "out of memory";
	int af, rc = spec && t->spec_from_atlas(d->run, spec, &af, why, sizeof why) == 0 ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "%s%s", where, t ? why : "type: no such measurement type");
	free(spec);
	return rc;
}

/*
 * resolve_on_probe with a host name: each agent resolves it at every run
 * (src/agent/resolve_def.h), so the runner definition carries the name and
 * the flag; nothing is resolved here. As RIPE shows such a measurement:
 * target the name, no target_ip, no resolved_ips. The agents' site policy
 * and the platform no-probe list apply to what they resolve.
 */
static int on_probe(struct api_def *d, char *err, size_t errlen)
{
	if (json_object_set_new(d->run, "target", json_string(d->name)) < 0 ||
	    json_object_set_new(d->run, "resolve_on_probe", json_true()) < 0 ||
	    json_object_set_new(d->extra, "target", json_string(d->name)) < 0 ||
	    json_object_set_new(d->extra, "target_ip", json_null()) < 0 ||
	    json_object_set_new(d->extra, "resolved_ips", json_array()) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(d->target, sizeof d->target, "%.63s", d->name);
	d->resolve = 0;
	return 0;
}

/* Build d->run from the definition and check it with the type's own parser. */
static int build_run(struct api_def *d, const json_t *def, const char *where,
		     char *err, size_t errlen)
{
	int type = strcmp(d->type, "ping") == 0 ? 1 : 2;
	d->run = json_pack("{s:s,s:i,s:s}", "type", d->type, "af", d->af, "target", d->target);
	int rc = d->run ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < NELEM(run_opts); i++) {
		json_t *v = json_object_get(def, run_opts[i].name);
		if (!v)
			continue;
		if (!(run_opts[i].types & type)) {
			snprintf(err, errlen, "%s%s: not an option of %s", where, run_opts[i].name,
				 d->type);
			rc = -1;
		} else {
			rc = json_object_set(d->run, run_opts[i].name, v);
		}
	}
	if (rc == 0)
		rc = api_deffields_parse(def, d->type, d->run, &d->extra, &d->is_public, where, err,
					 errlen);
	if (rc == 0)
		rc = type_check(d, where, err, errlen);
	if (rc == 0 && d->resolve && json_is_true(json_object_get(def, "resolve_on_probe")))
		rc = on_probe(d, err, errlen);
	if (rc < 0) {
		json_decref(d->run);
		json_decref(d->extra);
		d->run = d->extra = NULL;
	}
	return rc;
}

/* True if name is a runner option. */
static int run_field(const char *name)
{
	for (size_t i = 0; i < NELEM(run_opts); i++)
		if (strcmp(name, run_opts[i].name) == 0)
			return 1;
	return 0;
}

/* Check that every key of o is in one of the lists (or a field of type). */
static int known_fields(const json_t *o, const char *type, const char *where, char *err,
			size_t errlen)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (!listed(k, def_fields, NELEM(def_fields)) && !run_field(k) &&
		    !api_deffield_known(k, type)) {
			snprintf(err, errlen, "%s%.64s: unknown field for a %s definition", where, k,
				 type);
			return -1;
		}
	}
	return 0;
}

/* Parse the schedule of d: one-off, or interval and spread. */
static int parse_schedule(struct api_def *d, const json_t *def, int top_oneoff,
			  const struct api_limits *lim, const char *where, char *err, size_t errlen)
{
	d->is_oneoff = top_oneoff;
	if (bool_field(def, where, "is_oneoff", &d->is_oneoff, err, errlen) < 0)
		return -1;
	d->interval = strcmp(d->type, "ping") == 0 ? 240 : 900;
	if (int_field(def, where, "interval", lim->min_interval, 86400LL * 365, &d->interval,
		      err, errlen) < 0 ||
	    int_field(def, where, "spread", 0, d->interval, &d->spread, err, errlen) < 0)
		return -1;
	if (d->is_oneoff)
		d->interval = d->spread = 0;
	return 0;
}

/* Parse definition number i. */
static int parse_def(struct api_def *d, const json_t *def, size_t i, int top_oneoff,
		     const struct api_limits *lim, char *err, size_t errlen)
{
	char where[40];
	snprintf(where, sizeof where, "definitions[%zu].", i);
	int64_t af = 4;
	if (!json_is_object(def)) {
		snprintf(err, errlen, "definitions[%zu]: must be an object", i);
		return -1;
	}
	if (str_field(def, where, "type", d->type, sizeof d->type, err, errlen) < 0)
		return -1;
	if (strcmp(d->type, "ping") != 0 && strcmp(d->type, "traceroute") != 0) {
		snprintf(err, errlen, "%stype: '%s' is not a measurement type of this platform"
			 " (ping, traceroute)", where, d->type);
		return -1;
	}
	if (known_fields(def, d->type, where, err, errlen) < 0 ||
	    str_field(def, where, "target", d->name, sizeof d->name, err, errlen) < 0 ||
	    str_field(def, where, "description", d->description, sizeof d->description,
		      err, errlen) < 0 ||
	    int_field(def, where, "af", 4, 6, &af, err, errlen) < 0)
		return -1;
	if (af == 5 || !d->name[0]) {
		snprintf(err, errlen, af == 5 ? "%saf: must be 4 or 6" : "%starget: missing", where);
		return -1;
	}
	d->af = (int)af;
	if (check_target(d, lim, where, err, errlen) < 0 ||
	    parse_schedule(d, def, top_oneoff, lim, where, err, errlen) < 0)
		return -1;
	return build_run(d, def, where, err, errlen);
}

/* Parse the string array tags.name of a source into *out (NULL if absent). */
static int tag_list(const json_t *tags, const char *name, const char *where, json_t **out,
		    char *err, size_t errlen)
{
	const json_t *l = json_object_get(tags, name);
	size_t i;
	const json_t *v;
	*out = NULL;
	if (!l)
		return 0;
	if (!json_is_array(l) || json_array_size(l) > 32) {
		snprintf(err, errlen, "%stags.%s: must be a list of at most 32 tags", where, name);
		return -1;
	}
	json_array_foreach(l, i, v)
		if (!json_is_string(v) || json_string_length(v) > 64) {
			snprintf(err, errlen, "%stags.%s: tags are strings of at most 64 bytes",
				 where, name);
			return -1;
		}
	*out = json_incref((json_t *)l);
	return 0;
}

/* A field of source o (or of its tags) that RIPE's probes object does not
   have: refused by name, never ignored. 0, or -1 with err. */
static int source_fields(const json_t *o, int change, const char *where, char *err,
			 size_t errlen)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
		if (strcmp(k, "type") != 0 && strcmp(k, "value") != 0 && strcmp(k, "requested") != 0 &&
		    strcmp(k, "tags") != 0 && !(change && strcmp(k, "action") == 0)) {
			snprintf(err, errlen, "%s%.64s: unknown field", where, k);
			return -1;
		}
	const json_t *tags = json_object_get(o, "tags");
	if (json_is_object(tags))
		json_object_foreach((json_t *)tags, k, v)
			if (strcmp(k, "include") != 0 && strcmp(k, "exclude") != 0) {
				snprintf(err, errlen, "%stags.%.64s: unknown field", where, k);
				return -1;
			}
	return 0;
}

/* Parse source i: type, value, requested, tags (and action when change). */
static int parse_source(struct api_source *s, const json_t *o, size_t i, int change,
			char *err, size_t errlen)
{
	static const char *const types[] = { "probes", "asn", "prefix", "country", "countries",
					     "area", "msm", "radius" };
	char where[32], action[16] = "add";
	snprintf(where, sizeof where, "probes[%zu].", i);
	const json_t *v = json_object_get(o, "value"), *tags = json_object_get(o, "tags");
	if (!json_is_object(o) || str_field(o, where, "type", s->type, sizeof s->type, err, errlen) < 0 ||
	    (change && str_field(o, where, "action", action, sizeof action, err, errlen) < 0) ||
	    int_field(o, where, "requested", 1, API_MAX_REQUESTED, &s->requested, err, errlen) < 0)
		return json_is_object(o) ? -1 : (snprintf(err, errlen, "probes[%zu]: must be an object", i), -1);
	/* RIPE documents "region" (UN sub-regions, eu27, RIR service regions); the
	   platform has no country-to-region table to honour it */
	if (strcmp(s->type, "region") == 0) {
		snprintf(err, errlen, "%stype: 'region' is not served on this platform; select by"
			 " countries (a comma-separated list of country codes) or by area", where);
		return -1;
	}
	if (source_fields(o, change, where, err, errlen) < 0)
		return -1;
	if (!listed(s->type, types, NELEM(types))) {
		snprintf(err, errlen, "%stype: '%s' is not one of probes, asn, prefix, country,"
			 " countries, area, msm, radius", where, s->type);
		return -1;
	}
	if (strcmp(action, "add") != 0 && strcmp(action, "remove") != 0) {
		snprintf(err, errlen, "%saction: must be add or remove", where);
		return -1;
	}
	s->remove = strcmp(action, "remove") == 0;
	if (json_is_integer(v))
		snprintf(s->value, sizeof s->value, "%lld", (long long)json_integer_value(v));
	else if (str_field(o, where, "value", s->value, sizeof s->value, err, errlen) < 0)
		return -1;
	if (!s->value[0] || s->requested == 0) {
		snprintf(err, errlen, "%s%s: missing", where, s->value[0] ? "requested" : "value");
		return -1;
	}
	if (tags && !json_is_object(tags)) {
		snprintf(err, errlen, "%stags: must be an object {include, exclude}", where);
		return -1;
	}
	if (tag_list(tags, "include", where, &s->include, err, errlen) < 0 ||
	    tag_list(tags, "exclude", where, &s->exclude, err, errlen) < 0)
		return -1;
	return 0;
}

/* Parse the sources array into c->src. */
static int parse_sources(struct api_create *c, const json_t *arr, int change, char *err, size_t errlen)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > API_MAX_SOURCES) {
		snprintf(err, errlen, "probes: must be a list of 1 to %d sources", API_MAX_SOURCES);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		c->nsrc = i + 1;
		if (parse_source(&c->src[i], json_array_get(arr, i), i, change, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Read time field name of o (Unix seconds or ISO-8601) into *out (absent: unchanged). */
static int time_field(const json_t *o, const char *name, int64_t *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, name);
	if (!v || api_time_json(v, out) == 0)
		return 0;
	snprintf(err, errlen, "%s: must be Unix seconds or an ISO-8601 UTC time"
		 " (2026-12-02T10:00:00Z)", name);
	return -1;
}

/* Parse the top-level schedule fields. */
static int parse_top(struct api_create *c, const json_t *o, int *oneoff, char *err, size_t errlen)
{
	static const char *const top[] = { "definitions", "probes", "start_time", "stop_time",
					   "is_oneoff", "bill_to" };
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (!listed(k, top, NELEM(top))) {
			snprintf(err, errlen, "%.64s: unknown field", k);
			return -1;
		}
	}
	if (time_field(o, "start_time", &c->start, err, errlen) < 0 ||
	    time_field(o, "stop_time", &c->stop, err, errlen) < 0 ||
	    bool_field(o, "", "is_oneoff", oneoff, err, errlen) < 0)
		return -1;
	if (c->stop && c->stop <= c->start) {
		snprintf(err, errlen, "stop_time: must be after start_time");
		return -1;
	}
	return 0;
}

/* Load body as a JSON value; NULL with err. */
static json_t *load(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	if (len > API_MAX_BODY) {
		snprintf(err, errlen, "request body larger than %d bytes", API_MAX_BODY);
		return NULL;
	}
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		snprintf(err, errlen, "body is not JSON: %s at line %d column %d", jerr.text,
			 jerr.line, jerr.column);
	return o;
}

/* See api_create.h. */
int api_create_parse(const char *body, size_t len, const struct api_limits *lim,
		     struct api_create *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	json_t *o = load(body, len, err, errlen);
	int oneoff = 0, rc = -1;
	const json_t *defs = json_object_get(o, "definitions");
	if (o && !json_is_object(o))
		snprintf(err, errlen, "body must be a JSON object");
	else if (o && (!json_is_array(defs) || json_array_size(defs) == 0 ||
		       json_array_size(defs) > API_MAX_DEFS))
		snprintf(err, errlen, "definitions: must be a list of 1 to %d definitions", API_MAX_DEFS);
	else if (o && parse_top(c, o, &oneoff, err, errlen) == 0 &&
		 parse_sources(c, json_object_get(o, "probes"), 0, err, errlen) == 0) {
		rc = 0;
		for (size_t i = 0; rc == 0 && i < json_array_size(defs); i++) {
			c->ndefs = i + 1;
			rc = parse_def(&c->defs[i], json_array_get(defs, i), i, oneoff, lim, err, errlen);
		}
	}
	json_decref(o);
	if (rc < 0)
		api_create_free(c);
	return rc;
}

/* See api_create.h. */
int api_change_parse(const char *body, size_t len, struct api_create *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	json_t *o = load(body, len, err, errlen);
	int rc = o ? parse_sources(c, o, 1, err, errlen) : -1;
	json_decref(o);
	if (rc < 0)
		api_create_free(c);
	return rc;
}

/* See api_create.h. */
int api_def_resolved(struct api_create *c, size_t i, const char *addr,
		     const struct api_limits *lim, char *err, size_t errlen)
{
	struct api_def *d = &c->defs[i];
	char why[400];
	struct api_cidr a;
	if (api_addr_parse(addr, &a) < 0 || a.family != d->af || strlen(addr) >= sizeof d->target) {
		snprintf(err, errlen, "definitions[%zu].target: %s has no IPv%d address", i, d->name,
			 d->af);
		return -1;
	}
	if (!targets_allowed_text(lim->targets, addr, why, sizeof why) ||
	    (lim->noprobe && noprobe_list_blocks(lim->noprobe, addr, why, sizeof why))) {
		snprintf(err, errlen, "definitions[%zu].target: %s resolved: %s", i, d->name, why);
		return -1;
	}
	snprintf(d->target, sizeof d->target, "%s", addr);
	if (json_object_set_new(d->run, "target", json_string(addr)) < 0 ||
	    json_object_set_new(d->extra, "target", json_string(d->name)) < 0 ||
	    json_object_set_new(d->extra, "resolved_ips", json_pack("[s]", addr)) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->resolve = 0;
	return 0;
}

/* See api_create.h. */
int api_create_needs_lookup(const struct api_create *c)
{
	for (size_t i = 0; i < c->ndefs; i++)
		if (c->defs[i].resolve)
			return 1;
	return 0;
}

/* See api_create.h. */
void api_create_free(struct api_create *c)
{
	for (size_t i = 0; i < c->ndefs && i < API_MAX_DEFS; i++) {
		json_decref(c->defs[i].run);
		json_decref(c->defs[i].extra);
	}
	for (size_t i = 0; i < c->nsrc && i < API_MAX_SOURCES; i++) {
		json_decref(c->src[i].include);
		json_decref(c->src[i].exclude);
	}
	memset(c, 0, sizeof *c);
}
