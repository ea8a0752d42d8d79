/*
 * resolve_def: reading, binding and failing a definition the agent resolves
 * itself (see resolve_def.h).
 */
#include "agent/resolve_def.h"

#include <stdio.h>
#include <string.h>

#include "format/atlas_json.h"

/* True if text is a host name: dot-separated labels of 1 to 63 letters,
   digits and '-', neither starting nor ending with '-', with a letter
   somewhere (so an address is never taken for a name). */
static int host_name_ok(const char *text, size_t n)
{
	size_t label = 0;
	int letters = 0;
	if (n == 0 || n >= RESOLVE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (c == '.') {
			if (label == 0 || text[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!alpha && !(c >= '0' && c <= '9') && !(c == '-' && label > 0))
			return 0;
		letters |= alpha;
		if (++label > 63)
			return 0;
	}
	return label > 0 && text[n - 1] != '-' && letters;
}

/* See resolve_def.h. */
int resolve_def_parse(const json_t *def, char name[RESOLVE_NAME_MAX], int *af, char *err,
		      size_t errlen)
{
	const json_t *flag = json_object_get(def, "resolve_on_probe");
	const json_t *target = json_object_get(def, "target");
	const json_t *fam = json_object_get(def, "af");
	if (!flag || json_is_false(flag))
		return 0;
	if (!json_is_true(flag)) {
		snprintf(err, errlen, "resolve_on_probe: must be true or false");
		return -1;
	}
	if (!json_is_string(target) ||
	    !host_name_ok(json_string_value(target), json_string_length(target)) ||
	    strlen(json_string_value(target)) != json_string_length(target)) {
		snprintf(err, errlen, "target: resolve_on_probe needs a host name");
		return -1;
	}
	if (!json_is_integer(fam) || (json_integer_value(fam) != 4 && json_integer_value(fam) != 6)) {
		snprintf(err, errlen, "af: resolve_on_probe needs af 4 or 6");
		return -1;
	}
	memcpy(name, json_string_value(target), json_string_length(target) + 1);
	*af = (int)json_integer_value(fam);
	return 1;
}

/* See resolve_def.h. */
json_t *resolve_def_bind(const json_t *def, const char *name, const char *addr)
{
	json_t *d = json_deep_copy(def);
	if (!d || json_object_set_new(d, "target", json_string(addr)) < 0 ||
	    json_object_set_new(d, "dst_name", json_string(name)) < 0) {
		json_decref(d);
		return NULL;
	}
	json_object_del(d, "resolve_on_probe");
	return d;
}

/* See resolve_def.h. */
json_t *resolve_def_error(const json_t *def, const char *name, const char *addr,
			  const char *kind, const char *why, int64_t now)
{
	const char *type = json_string_value(json_object_get(def, "type"));
	int ping = type && strcmp(type, "ping") == 0;
	json_t *r = json_pack("{s:i, s:s, s:s, s:I, s:s, s:I, s:I, s:{s:s}}", "fw", ATLAS_FW,
			      "type", ping ? "ping" : "traceroute", "msm_name",
			      ping ? "Ping" : "Traceroute",
			      "af", json_integer_value(json_object_get(def, "af")), "dst_name", name,
			      "msm_id", json_integer_value(json_object_get(def, "msm_id")),
			      "timestamp", (json_int_t)now, "error", kind, why);
	if (r && addr && json_object_set_new(r, "dst_addr", json_string(addr)) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

/* See resolve_def.h. */
json_t *resolve_def_refused(const json_t *def, const char *name, int64_t now)
{
	return resolve_def_error(def, name, NULL, "policy", RESOLVE_REFUSED_WHY, now);
}
