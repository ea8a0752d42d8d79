/*
 * atlas_read_common: typed, bounded access to the fields of a RIPE Atlas
 * result object, and the dispatch on its "type".
 */
#include "format/atlas_read.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int atlas_get_int(const json_t *o, const char *key, long long min, long long max,
		  long long def, long long *v, char *err, size_t errlen)
{
	const json_t *j = json_object_get(o, key);
	if (j == NULL || json_is_null(j)) {
		*v = def;
		return 0;
	}
	if (!json_is_integer(j) || json_integer_value(j) < min || json_integer_value(j) > max) {
		snprintf(err, errlen, "\"%s\" is not an integer in %lld..%lld", key, min, max);
		return -1;
	}
	*v = json_integer_value(j);
	return 0;
}

int atlas_get_ms(const json_t *o, const char *key, uint64_t *ns, char *err, size_t errlen)
{
	const json_t *j = json_object_get(o, key);
	*ns = 0;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_number(j)) {
		snprintf(err, errlen, "\"%s\" is not a number", key);
		return -1;
	}
	double ms = json_number_value(j);
	if (!isfinite(ms) || ms > 3.6e6) {
		snprintf(err, errlen, "\"%s\" is out of range", key);
		return -1;
	}
	if (ms > 0)
		*ns = (uint64_t)llround(ms * 1e6);
	return 0;
}

int atlas_get_af(const json_t *o)
{
	json_int_t af = json_integer_value(json_object_get(o, "af"));
	if (af == 4)
		return AF_INET;
	if (af == 6)
		return AF_INET6;
	const char *dst = json_string_value(json_object_get(o, "dst_addr"));
	if (dst == NULL)
		return 0;
	return strchr(dst, ':') ? AF_INET6 : AF_INET;
}

int atlas_get_addr(const json_t *o, const char *key, int af, bool optional,
		   struct msm_addr *a, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(o, key));
	memset(a, 0, sizeof *a);
	if (s == NULL && optional)
		return 0;
	if (s == NULL || inet_pton(af, s, a->b) != 1) {
		snprintf(err, errlen, "\"%s\" is not an IPv%d address", key, af == AF_INET6 ? 6 : 4);
		return -1;
	}
	return 0;
}

uint8_t atlas_get_ts_source(const json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "ts_source"));
	if (s && strcmp(s, "kernel") == 0)
		return MSM_TS_KERNEL;
	if (s && strcmp(s, "mixed") == 0)
		return MSM_TS_MIXED;
	return MSM_TS_FALLBACK;
}

int atlas_get_name(const json_t *o, int af, const struct msm_addr *a, char **name,
		   char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(o, "dst_name"));
	char buf[INET6_ADDRSTRLEN];
	if (s == NULL || s[0] == '\0')
		s = inet_ntop(af, a->b, buf, sizeof buf) ? buf : "";
	*name = strdup(s);
	if (*name == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int atlas_read(const json_t *o, struct atlas_any *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *type = json_string_value(json_object_get(o, "type"));
	if (!json_is_object(o) || type == NULL) {
		snprintf(err, errlen, "not a RIPE Atlas result (no \"type\")");
		return -1;
	}
	if (strcmp(type, "ping") == 0) {
		out->ping = atlas_read_ping(o, err, errlen);
		out->kind = out->ping ? ATLAS_PING : ATLAS_NONE;
	} else if (strcmp(type, "traceroute") == 0) {
		out->trace = atlas_read_trace(o, err, errlen);
		out->kind = out->trace ? ATLAS_TRACE : ATLAS_NONE;
	} else {
		snprintf(err, errlen, "result type \"%s\" is not ping or traceroute", type);
		return -1;
	}
	return out->kind == ATLAS_NONE ? -1 : 0;
}
