/*
 * msm_json: bounded field readers for measurement definitions.
 */
#include "msm/msm_json.h"

#include <stdio.h>

#include "util/numparse.h"

/* Read a bounded integer field. */
int msm_json_int(const json_t *obj, const char *key, long long min, long long max,
		 long long *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);
	char text[32], why[96];
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(text, sizeof text, "%s", json_string_value(v));
	else {
		snprintf(err, errlen, "%s: not an integer", key);
		return -1;
	}
	if (!parse_bounded(text, min, max, out, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

/* Read a string field. */
int msm_json_str(const json_t *obj, const char *key, const char **out,
		 char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s: not a string", key);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Read "af". */
int msm_json_af(const json_t *obj, int *af, char *err, size_t errlen)
{
	long long v = 4;
	if (msm_json_int(obj, "af", 4, 6, &v, err, errlen) != 0)
		return -1;
	if (v != 4 && v != 6) {
		snprintf(err, errlen, "af: must be 4 or 6");
		return -1;
	}
	*af = (int)v;
	return 0;
}
