/*
 * methods: measurement types to packet methods (see methods.h).
 */
#include "policy/methods.h"

#include <stdio.h>
#include <string.h>

static const char *const ping_methods[] = { "icmp-echo", "udp", "tcp-syn", "tcp-ack", NULL };
static const char *const trace_methods[] = { "udp", "udp-paris", "icmp", "icmp-paris",
					     "tcp-ack", "tcp-syn", NULL };

static const struct {
	const char *type;
	const char *const *methods;
} types[] = {
	{ "ping", ping_methods },
	{ "traceroute", trace_methods },
	{ "trace", trace_methods },
};

/* See methods.h. */
const char *const *policy_type_methods(const char *type)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i].type) == 0)
			return types[i].methods;
	return NULL;
}

/* True when the comma-separated list holds name (n bytes). */
static int has_name(const char *list, const char *name, size_t n)
{
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		size_t l = strcspn(p, ",");
		if (l == n && strncmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* Append name (n bytes) to out unless it is there; 0, or -1 when out is full. */
static int add_name(char *out, size_t len, const char *name, size_t n)
{
	if (has_name(out, name, n))
		return 0;
	size_t used = strlen(out);
	int w = snprintf(out + used, len - used, "%s%.*s", used ? "," : "", (int)n, name);
	return w < 0 || (size_t)w >= len - used ? -1 : 0;
}

/* See methods.h. */
int policy_methods_expand(const char *list, char *out, size_t len)
{
	if (len == 0)
		return -1;
	out[0] = 0;
	for (const char *p = list + strspn(list, ", "); *p; p += strspn(p, ", ")) {
		size_t n = strcspn(p, ", ");
		char type[32];
		snprintf(type, sizeof type, "%.*s", (int)(n < sizeof type ? n : sizeof type - 1), p);
		const char *const *m = n < sizeof type ? policy_type_methods(type) : NULL;
		for (size_t i = 0; m && m[i]; i++)
			if (add_name(out, len, m[i], strlen(m[i])) < 0)
				return -1;
		if (!m && add_name(out, len, p, n) < 0)
			return -1;
		p += n;
	}
	return 0;
}
