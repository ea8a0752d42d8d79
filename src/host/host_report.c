/*
 * host_report: checks the shape of an agent's check-host report and reads
 * the facts the platform uses from it (see host_report.h). Every field read
 * is type-checked; strings the dashboard shows are bounded like the
 * check_line fields they came from.
 */
#include "host/host_report.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* True if v is a string of at most max bytes without a NUL inside. */
static bool short_string(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) <= max &&
	       strlen(json_string_value(v)) == json_string_length(v);
}

/* One line of "checks": {name, status, value, need}; 0 or -1 with err. */
static int check_line(const json_t *l, size_t i, char *err, size_t errlen)
{
	const char *st = json_string_value(json_object_get(l, "status"));
	if (!json_is_object(l) || !short_string(json_object_get(l, "name"), 23) ||
	    !short_string(json_object_get(l, "value"), 199) ||
	    !short_string(json_object_get(l, "need"), 63)) {
		snprintf(err, errlen, "checks[%zu]: not an object of short strings name, value"
			 " and need", i);
		return -1;
	}
	if (!st || (strcmp(st, "pass") && strcmp(st, "warn") && strcmp(st, "fail"))) {
		snprintf(err, errlen, "checks[%zu]: status is not pass, warn or fail", i);
		return -1;
	}
	return 0;
}

/* "checks": an array of at most HOST_REPORT_MAX_CHECKS lines. */
static int check_lines(const json_t *checks, char *err, size_t errlen)
{
	size_t i;
	const json_t *l;
	if (!json_is_array(checks) || json_array_size(checks) > HOST_REPORT_MAX_CHECKS) {
		snprintf(err, errlen, "'checks' is not an array of at most %d lines",
			 HOST_REPORT_MAX_CHECKS);
		return -1;
	}
	json_array_foreach(checks, i, l)
		if (check_line(l, i, err, errlen) < 0)
			return -1;
	return 0;
}

/* A non-negative integer of at most max from obj's key into *v; 0 or -1. */
static int small_count(const json_t *obj, const char *key, int max, int *v)
{
	const json_t *n = json_object_get(obj, key);
	if (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > max)
		return -1;
	*v = (int)json_integer_value(n);
	return 0;
}

/* "summary": {pass, warn, fail}. */
static int summary(const json_t *s, struct host_report_facts *out, char *err, size_t errlen)
{
	if (small_count(s, "pass", HOST_REPORT_MAX_CHECKS, &out->npass) < 0 ||
	    small_count(s, "warn", HOST_REPORT_MAX_CHECKS, &out->nwarn) < 0 ||
	    small_count(s, "fail", HOST_REPORT_MAX_CHECKS, &out->nfail) < 0) {
		snprintf(err, errlen, "'summary' is not {pass, warn, fail} counts of at most %d",
			 HOST_REPORT_MAX_CHECKS);
		return -1;
	}
	return 0;
}

/* Note what kind of address text is (RFC 1918, ULA) in out; -1 if it is none. */
static int classify_address(const char *text, struct host_report_facts *out)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, text, b) == 1) {
		if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		    (b[0] == 192 && b[1] == 168))
			out->ipv4_rfc1918 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, text, b) == 1) {
		if ((b[0] & 0xfe) == 0xfc)
			out->ipv6_ula = true;
		return 0;
	}
	return -1;
}

/* "host": {virt: {virtualised}, addresses: [{address}, ...]}. */
static int host_facts(const json_t *h, struct host_report_facts *out, char *err, size_t errlen)
{
	const json_t *virt = json_object_get(json_object_get(h, "virt"), "virtualised");
	const json_t *addrs = json_object_get(h, "addresses");
	size_t i;
	const json_t *a;
	if (!json_is_boolean(virt)) {
		snprintf(err, errlen, "'host.virt.virtualised' is not true or false");
		return -1;
	}
	out->virtualised = json_is_true(virt);
	if (!json_is_array(addrs) || json_array_size(addrs) > HOST_REPORT_MAX_ADDRS) {
		snprintf(err, errlen, "'host.addresses' is not an array of at most %d addresses",
			 HOST_REPORT_MAX_ADDRS);
		return -1;
	}
	json_array_foreach(addrs, i, a) {
		const json_t *t = json_object_get(a, "address");
		if (!short_string(t, 63) || classify_address(json_string_value(t), out) < 0) {
			snprintf(err, errlen, "host.addresses[%zu]: 'address' is not an IP address", i);
			return -1;
		}
	}
	return 0;
}

/* See host_report.h. */
int host_report_check(const json_t *report, struct host_report_facts *out,
		      char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(report)) {
		snprintf(err, errlen, "the report is not a JSON object");
		return -1;
	}
	size_t bytes = json_dumpb(report, NULL, 0, JSON_COMPACT);
	if (bytes == 0 || bytes > HOST_REPORT_MAX_BYTES) {
		snprintf(err, errlen, "the report has %zu bytes, more than %d", bytes,
			 HOST_REPORT_MAX_BYTES);
		return -1;
	}
	const char *role = json_string_value(json_object_get(report, "role"));
	if (!role || (strcmp(role, "probe") && strcmp(role, "anchor"))) {
		snprintf(err, errlen, "'role' is not probe or anchor");
		return -1;
	}
	snprintf(out->role, sizeof out->role, "%s", role);
	const json_t *timing = json_object_get(report, "timing");
	if (timing && !json_is_object(timing) && !json_is_null(timing)) {
		snprintf(err, errlen, "'timing' is neither an object nor null");
		return -1;
	}
	return summary(json_object_get(report, "summary"), out, err, errlen) < 0 ||
	       check_lines(json_object_get(report, "checks"), err, errlen) < 0 ||
	       host_facts(json_object_get(report, "host"), out, err, errlen) < 0 ? -1 : 0;
}
