/*
 * requirements: compiled-in role defaults and the parser of the requirements
 * file (see requirements.h). Keys are looked up in one table that says where
 * each value goes and how it is bounded, so the parser is one loop.
 */
#include "host/requirements.h"
#include "util/numparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fill *r with the defaults of role (mirrored in etc/vantage/host-*.conf). */
void requirements_default(enum host_role role, struct host_requirements *r)
{
	memset(r, 0, sizeof *r);
	r->role = role;
	snprintf(r->storage_path, sizeof r->storage_path, "/");
	r->raw_socket = REQ_REQUIRED;
	r->kernel_timestamps = REQ_REQUIRED;
	r->bare_metal = REQ_IGNORED;
	r->clock_read_ns_warn = 1000;
	r->ts_step_us_fail = 1000;
	r->clock_step_us_fail = 1000;
	r->maxerror_ms_warn = 100;
	if (role == ROLE_ANCHOR) {
		/* modelled on RIPE Atlas anchor VMs: 2 CPUs, 2 GB, 50 GB, 1 NIC */
		r->cpus = 2;
		r->ram_mb = 2048;
		r->storage_gb = 50;
		r->nics = 1;
		r->ipv4 = REQ_REQUIRED;
		r->ipv6 = REQ_REQUIRED;
		r->hw_timestamps = REQ_PREFERRED;
		r->clock_sync = REQ_REQUIRED;
		r->ts_step_us_warn = 10;
		r->timer_p99_us_warn = 200;
		r->timer_p99_us_fail = 2000;
		r->steal_pct_warn = 1;
		r->steal_pct_fail = 5;
	} else {
		r->cpus = 1;
		r->ram_mb = 512;
		r->storage_gb = 1;
		r->nics = 1;
		r->ipv4 = REQ_REQUIRED;
		r->ipv6 = REQ_PREFERRED;
		r->hw_timestamps = REQ_IGNORED;
		r->clock_sync = REQ_PREFERRED;
		r->ts_step_us_warn = 100;
		r->timer_p99_us_warn = 1000;
		r->timer_p99_us_fail = 10000;
		r->steal_pct_warn = 5;
		r->steal_pct_fail = 20;
	}
}

/* Parse "probe"/"anchor". */
int role_parse(const char *text, enum host_role *out)
{
	if (strcmp(text, "probe") == 0)
		*out = ROLE_PROBE;
	else if (strcmp(text, "anchor") == 0)
		*out = ROLE_ANCHOR;
	else
		return -1;
	return 0;
}

/* Name of a role. */
const char *role_name(enum host_role role)
{
	return role == ROLE_ANCHOR ? "anchor" : "probe";
}

/* Name of a requirement level. */
const char *req_level_name(enum req_level level)
{
	static const char *names[] = { "ignored", "preferred", "required" };
	return level <= REQ_REQUIRED ? names[level] : "?";
}

enum key_kind { KEY_NUM, KEY_LEVEL, KEY_PATH };

/* One key of the file: its name, kind, bounds and where it is stored. */
struct req_key {
	const char *name;
	enum key_kind kind;
	long long min, max;
	size_t offset;
};

#define NUM(k, lo, hi) { #k, KEY_NUM, lo, hi, offsetof(struct host_requirements, k) }
#define LEVEL(k) { #k, KEY_LEVEL, 0, 0, offsetof(struct host_requirements, k) }

static const struct req_key keys[] = {
	NUM(cpus, 0, 4096), NUM(ram_mb, 0, 1LL << 30), NUM(storage_gb, 0, 1LL << 30),
	NUM(nics, 0, 1024),
	{ "storage_path", KEY_PATH, 0, 0, offsetof(struct host_requirements, storage_path) },
	LEVEL(ipv4), LEVEL(ipv6), LEVEL(raw_socket), LEVEL(kernel_timestamps),
	LEVEL(hw_timestamps), LEVEL(clock_sync), LEVEL(bare_metal),
	NUM(clock_read_ns_warn, 0, 1000000000),
	NUM(ts_step_us_warn, 0, 1000000000), NUM(ts_step_us_fail, 0, 1000000000),
	NUM(timer_p99_us_warn, 0, 1000000000), NUM(timer_p99_us_fail, 0, 1000000000),
	NUM(steal_pct_warn, 0, 100), NUM(steal_pct_fail, 0, 100),
	NUM(clock_step_us_fail, 0, 1000000000), NUM(maxerror_ms_warn, 0, 100000000),
};

/* Parse a level word; returns 0 or -1. */
static int level_parse(const char *text, enum req_level *out)
{
	for (int l = REQ_IGNORED; l <= REQ_REQUIRED; l++)
		if (strcmp(text, req_level_name((enum req_level)l)) == 0) {
			*out = (enum req_level)l;
			return 0;
		}
	return -1;
}

/* Store value into the field of r that key k names; 0 or -1 with err. */
static int set_key(const struct req_key *k, const char *value,
		   struct host_requirements *r, char *err, size_t errlen)
{
	char *field = (char *)r + k->offset;
	if (k->kind == KEY_NUM)
		return parse_option_num(k->name, value, k->min, k->max,
					(long long *)(void *)field, err, errlen) ? 0 : -1;
	if (k->kind == KEY_LEVEL) {
		if (level_parse(value, (enum req_level *)(void *)field) == 0)
			return 0;
		snprintf(err, errlen, "%s: '%s' is not required, preferred or ignored",
			 k->name, value);
		return -1;
	}
	if (value[0] != '/' || strlen(value) >= sizeof r->storage_path) {
		snprintf(err, errlen, "%s: '%s' is not an absolute path (under %zu bytes)",
			 k->name, value, sizeof r->storage_path);
		return -1;
	}
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

/*
 * Split one line (NUL-terminated, comment already cut) into key and value at
 * the first run of blanks, trimming both; returns 0, 1 for a blank line, or
 * -1 when there is a key without a value.
 */
static int split_line(char *line, char **key, char **value)
{
	char *s = line + strspn(line, " \t\r");
	size_t n = strlen(s);
	while (n > 0 && strchr(" \t\r", s[n - 1]))
		s[--n] = '\0';
	if (n == 0)
		return 1;
	size_t klen = strcspn(s, " \t");
	*key = s;
	if (s[klen] == '\0')
		return -1;
	s[klen] = '\0';
	*value = s + klen + 1 + strspn(s + klen + 1, " \t");
	return 0;
}

/* Apply one non-blank line; lineno counts setting lines for the role rule. */
static int apply_line(char *line, int first, enum host_role role,
		      struct host_requirements *r, char *err, size_t errlen)
{
	char *key, *value;
	int rc = split_line(line, &key, &value);
	if (rc == 1)
		return 1;
	if (rc < 0) {
		snprintf(err, errlen, "'%.64s' has no value", key);
		return -1;
	}
	if (strcmp(key, "role") == 0) {
		if (!first) {
			snprintf(err, errlen, "role must be the first setting");
			return -1;
		}
		if (role_parse(value, &role) < 0) {
			snprintf(err, errlen, "role: '%.64s' is not probe or anchor", value);
			return -1;
		}
		requirements_default(role, r);
		return 0;
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(key, keys[i].name) == 0)
			return set_key(&keys[i], value, r, err, errlen);
	snprintf(err, errlen, "unknown key '%.64s'", key);
	return -1;
}

/* Parse requirements text on top of the role defaults; see header. */
int requirements_parse(const char *text, size_t len, const char *name,
		       enum host_role role, struct host_requirements *r,
		       char *err, size_t errlen)
{
	char line[512], why[400];
	size_t pos = 0;
	int lineno = 0, first = 1;
	requirements_default(role, r);
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		size_t n = end - pos;
		if (n >= sizeof line) {
			snprintf(err, errlen, "%s:%d: line longer than %zu bytes", name,
				 lineno, sizeof line - 1);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", name, lineno);
			return -1;
		}
		line[strcspn(line, "#")] = '\0';
		int rc = apply_line(line, first, role, r, why, sizeof why);
		if (rc < 0) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			return -1;
		}
		if (rc == 0)
			first = 0;
	}
	return 0;
}

/* Read a whole (small) file and parse it. */
int requirements_load(const char *path, enum host_role role,
		      struct host_requirements *r, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return -1;
	}
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);
	int toolong = n == sizeof buf;
	fclose(f);
	if (toolong) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, sizeof buf - 1);
		return -1;
	}
	return requirements_parse(buf, n, path, role, r, err, errlen);
}
