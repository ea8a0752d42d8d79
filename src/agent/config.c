/*
 * config: parse the agent's `key value` configuration file (see config.h),
 * one table entry per key, every number through numparse, every error
 * naming the file and line.
 */
#include "agent/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/kvfile.h"
#include "util/numparse.h"

/* Copy value into a fixed buffer; returns -1 with a reason if it does not fit. */
static int set_str(char *dst, size_t len, const char *value, char *why, size_t whylen)
{
	if (strlen(value) >= len) {
		snprintf(why, whylen, "value longer than %zu bytes", len - 1);
		return -1;
	}
	strcpy(dst, value);
	return 0;
}

/* Parse a bounded number into *out (an int). */
/* "yes" or "no" into *out (1 or 0); -1 with a reason naming key otherwise. */
static int set_yes_no(int *out, const char *key, const char *v, char *why, size_t wl)
{
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		snprintf(why, wl, "%s '%s' is neither yes nor no", key, v);
		return -1;
	}
	*out = strcmp(v, "yes") == 0;
	return 0;
}

static int set_int(int *out, const char *v, long long lo, long long hi, char *why, size_t wl)
{
	long long n;
	if (!parse_bounded(v, lo, hi, &n, why, wl))
		return -1;
	*out = (int)n;
	return 0;
}

/* Append one more prefix (text, checked later) to list; 0 or -1 with a reason. */
static int add_prefix(char list[][64], int *cnt, const char *key, const char *v, char *why,
		      size_t wl)
{
	if (*cnt == CONFIG_MAX_PREFIXES) {
		snprintf(why, wl, "more than %d %s prefixes", CONFIG_MAX_PREFIXES, key);
		return -1;
	}
	if (set_str(list[*cnt], 64, v, why, wl) < 0)
		return -1;
	(*cnt)++;
	return 0;
}

/* Apply one timing_* setting (key without the prefix); 0 or -1 with a reason. */
static int apply_timing(struct agent_config *c, const char *key, const char *v, char *why,
			size_t wl)
{
	int n;
	if (strcmp(key, "interval") == 0)
		return set_int(&c->timing_interval, v, 0, 86400, why, wl);
	if (strcmp(key, "steal_pct") == 0) {
		if (set_int(&n, v, 0, 100, why, wl) < 0)
			return -1;
		c->timing.steal_pct = n;
		return 0;
	}
	if (strcmp(key, "coarse_ns") == 0) {
		if (set_int(&n, v, 0, 1000000000, why, wl) < 0)
			return -1;
		c->timing.coarse_ns = n;
		return 0;
	}
	if (strcmp(key, "max_error_ms") == 0) {
		if (set_int(&n, v, 0, 1000000, why, wl) < 0)
			return -1;
		c->timing.max_error_us = (long long)n * 1000;
		return 0;
	}
	snprintf(why, wl, "unknown setting 'timing_%s'", key);
	return -1;
}

/* Apply one `key value` setting; returns 0 or -1 with a reason. */
static int apply(struct agent_config *c, const char *key, const char *v, char *why, size_t wl)
{
	int n;
	if (strcmp(key, "controller") == 0)
		return config_controller_add(c, v, why, wl);
	if (strcmp(key, "controller_fingerprint") == 0)
		return config_controller_fp(c, v, why, wl);
	if (strcmp(key, "key") == 0)
		return set_str(c->key_path, sizeof c->key_path, v, why, wl);
	if (strcmp(key, "spool") == 0)
		return set_str(c->spool_dir, sizeof c->spool_dir, v, why, wl);
	if (strcmp(key, "spool_max_mb") == 0) {
		if (set_int(&n, v, 1, 1 << 20, why, wl) < 0)
			return -1;
		c->spool_max = (uint64_t)n << 20;
		return 0;
	}
	if (strcmp(key, "spool_max_kb") == 0) {
		if (set_int(&n, v, 1, 1 << 30, why, wl) < 0)
			return -1;
		c->spool_max = (uint64_t)n << 10;
		return 0;
	}
	if (strcmp(key, "role") == 0) {
		if (strcmp(v, "probe") != 0 && strcmp(v, "anchor") != 0) {
			snprintf(why, wl, "role '%s' is neither probe nor anchor", v);
			return -1;
		}
		return set_str(c->role, sizeof c->role, v, why, wl);
	}
	if (strcmp(key, "methods") == 0)
		return set_str(c->methods, sizeof c->methods, v, why, wl);
	if (strcmp(key, "pps") == 0)
		return set_int(&c->pps, v, 1, 10000000, why, wl);
	if (strcmp(key, "allow") == 0)
		return add_prefix(c->allow, &c->n_allow, key, v, why, wl);
	if (strcmp(key, "forbid") == 0)
		return add_prefix(c->forbid, &c->n_forbid, key, v, why, wl);
	if (strcmp(key, "admin_from") == 0)
		return add_prefix(c->admin_from, &c->n_admin_from, key, v, why, wl);
	if (strcmp(key, "ssh_port") == 0)
		return set_int(&c->ssh_port, v, 1, 65535, why, wl);
	if (strcmp(key, "noprobe") == 0)
		return set_str(c->noprobe, sizeof c->noprobe, v, why, wl);
	if (strcmp(key, "resolv_conf") == 0)
		return set_str(c->resolv_conf, sizeof c->resolv_conf, v, why, wl);
	if (strcmp(key, "hosts") == 0)
		return set_str(c->hosts, sizeof c->hosts, v, why, wl);
	if (strcmp(key, "resolve_on_probe") == 0)
		return set_yes_no(&c->resolve_on_probe, key, v, why, wl);
	if (strcmp(key, "user") == 0)
		return set_str(c->user, sizeof c->user, v, why, wl);
	if (strcmp(key, "heartbeat") == 0)
		return set_int(&c->heartbeat, v, 1, 3600, why, wl);
	if (strcmp(key, "backoff_max") == 0)
		return set_int(&c->backoff_max, v, 1, 3600, why, wl);
	if (strncmp(key, "timing_", 7) == 0)
		return apply_timing(c, key + 7, v, why, wl);
	snprintf(why, wl, "unknown setting '%s'", key);
	return -1;
}

/* See config.h. */
void config_defaults(struct agent_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->role, "probe");
	strcpy(cfg->key_path, "/var/lib/vantage-agent/agent.key");
	strcpy(cfg->spool_dir, "/var/lib/vantage-agent/spool");
	cfg->spool_max = 64u << 20;
	cfg->heartbeat = 10;
	cfg->backoff_max = 60;
	cfg->ssh_port = 22;
	cfg->resolve_on_probe = 1;
	cfg->timing_interval = 300;
	timing_limits_default(&cfg->timing);
}

/* kvfile_fn adapter for apply. */
static int apply_line(void *arg, const char *key, const char *value, int lineno, char *why,
		      size_t wl)
{
	(void)lineno;
	return apply(arg, key, value, why, wl);
}

/* The settings without a default must be there. */
static int required(struct agent_config *cfg, const char *name, char *err, size_t errlen)
{
	return config_controllers_finish(cfg, name, err, errlen);
}

/* See config.h. */
int config_parse(struct agent_config *cfg, const char *text, size_t len, const char *name,
		 char *err, size_t errlen)
{
	config_defaults(cfg);
	if (kvfile_parse(text, len, name, apply_line, cfg, err, errlen) < 0)
		return -1;
	return required(cfg, name, err, errlen);
}

/* See config.h. */
int config_load(struct agent_config *cfg, const char *path, char *err, size_t errlen)
{
	config_defaults(cfg);
	if (kvfile_load(path, apply_line, cfg, err, errlen) < 0)
		return -1;
	return required(cfg, path, err, errlen);
}
