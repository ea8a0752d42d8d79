/*
 * api_fields: reduce an object to the fields a request names (see
 * api_fields.h): every name is checked first, then the others removed.
 */
#include "api/api_fields.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* See api_fields.h. */
int api_list_has(const char *list, const char *item, size_t n, int nocase)
{
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && (nocase ? strncasecmp(p, item, n) : strncmp(p, item, n)) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

/* See api_fields.h. */
int api_fields_apply(json_t *obj, const char *fields, const char *what, char *err,
		     size_t errlen)
{
	if (!fields || !fields[0] || !json_is_object(obj))
		return 0;
	char name[64];
	for (const char *p = fields; *p;) {
		size_t k = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)(k < 63 ? k : 63), p);
		if (k == 0 || k > 63 || !json_object_get(obj, name)) {
			snprintf(err, errlen, "fields: '%s' is not a field of %s", name, what);
			return -1;
		}
		p += k + (p[k] == ',');
	}
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(obj, tmp, key, v) {
		if (strcmp(key, "id") != 0 && !api_list_has(fields, key, strlen(key), 0))
			json_object_del(obj, key);
	}
	return 0;
}

/* See api_fields.h. */
int api_fields_apply_all(json_t *arr, const char *fields, const char *what, char *err,
			 size_t errlen)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
		if (api_fields_apply(o, fields, what, err, errlen) < 0)
			return -1;
	return 0;
}
