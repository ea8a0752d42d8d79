/*
 * platform_policy: the table of the platform's rules and the parsing of the
 * policy file (see platform_policy.h). Every value is a bounded integer or
 * yes/no; defaults and file lines go through one setter, so a value is
 * checked the same way wherever it comes from.
 */
#include "controller/platform_policy.h"

#include <stdio.h>
#include <string.h>

#include "util/kvfile.h"
#include "util/numparse.h"

#define F(field) offsetof(struct platform_policy, field)

/* One rule: its key in the file, where it lives, its bounds and default. */
struct policy_rule {
	const char *key;
	size_t off;
	int is_bool;
	long long lo, hi;
	const char *def;
	const char *help;
};

static const struct policy_rule rules[POLICY_NKEYS] = {
	{ "probes_per_address", F(probes_per_address), 0, 0, 1000000, "2",
	  "software probes of one host account from one IP address, at most" },
	{ "probes_per_account_prefix", F(probes_per_account_prefix), 0, 0, 1000000, "4",
	  "software probes of one host account from one routed prefix, at most" },
	{ "probes_per_prefix_v4", F(probes_per_prefix_v4), 0, 0, 1000000, "32",
	  "software probes from one routed IPv4 prefix, whoever hosts them, at most" },
	{ "probes_per_prefix_v6", F(probes_per_prefix_v6), 0, 0, 1000000, "64",
	  "software probes from one routed IPv6 prefix, whoever hosts them, at most" },
	{ "anchors_per_account_year", F(anchors_per_account_year), 0, 0, 1000000, "5",
	  "new anchors one host account may add in a year, at most" },
	{ "anchor_check", F(anchor_check), 1, 0, 1, "yes",
	  "an anchor must pass check-host's anchor requirements to be admitted" },
	{ "location_check", F(location_check), 1, 0, 1, "yes",
	  "an agent outside its account's own prefixes and ASes waits for a permission" },
	{ "credits_per_minute", F(credits_per_minute), 0, 0, 1000000, "15",
	  "credits a probe earns its account per connected minute" },
	{ "anchor_credit_factor", F(anchor_credit_factor), 0, 0, 1000, "10",
	  "an anchor earns this many times what a probe earns" },
	{ "max_running", F(max_running), 0, 0, 1000000, "100",
	  "measurements of one account running at once, at most" },
	{ "max_probes", F(max_probes), 0, 1, 1000000, "1000",
	  "probes in one measurement, at most" },
	{ "max_results_per_day", F(max_results_per_day), 0, 0, 1000000000000LL, "100000",
	  "results one account's measurements may store in a UTC day, at most" },
	{ "max_credits_per_day", F(max_credits_per_day), 0, 0, 1000000000000000LL, "1000000",
	  "credits one account may spend in a UTC day, at most" },
	{ "anchor_mesh", F(anchor_mesh), 1, 0, 1, "yes",
	  "the controller keeps every anchor measured by the others and by spread probes" },
	{ "mesh_probes", F(mesh_probes), 0, 0, 1000, "10",
	  "software probes in each anchoring mesh measurement besides the anchors" },
	{ "mesh_ping_interval", F(mesh_ping_interval), 0, 10, 86400, "240",
	  "seconds between the rounds of a mesh ping" },
	{ "mesh_trace_interval", F(mesh_trace_interval), 0, 10, 86400, "900",
	  "seconds between the rounds of a mesh traceroute" },
};

/* The index of key in the table, or -1. */
static int rule_find(const char *key)
{
	for (size_t i = 0; i < POLICY_NKEYS; i++)
		if (strcmp(rules[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* Set rule i of p from value text, labelled origin; 0 or -1 with a reason. */
static int rule_set(struct platform_policy *p, size_t i, const char *value, const char *origin,
		    char *why, size_t wl)
{
	const struct policy_rule *r = &rules[i];
	long long n;
	if (r->is_bool) {
		int yes;
		if (!parse_yes_no(value, &yes, why, wl))
			return -1;
		n = yes;
	} else {
		char reason[128];
		if (!parse_bounded(value, r->lo, r->hi, &n, reason, sizeof reason)) {
			snprintf(why, wl, "'%.40s': %.100s", value, reason);
			return -1;
		}
	}
	*(long long *)((char *)p + r->off) = n;
	snprintf(p->origin[i], sizeof p->origin[i], "%s", origin);
	return 0;
}

/* See platform_policy.h. */
void platform_policy_defaults(struct platform_policy *p)
{
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < POLICY_NKEYS; i++) {
		char why[200];
		rule_set(p, i, rules[i].def, "default", why, sizeof why);
	}
}

/* What kvfile hands each line to: the policy and the file's name. */
struct file_ctx {
	struct platform_policy *p;
	const char *name;
};

/* kvfile_fn: one line of the file. */
static int apply_line(void *arg, const char *key, const char *value, int lineno, char *why,
		      size_t wl)
{
	struct file_ctx *f = arg;
	int i = rule_find(key);
	char origin[POLICY_ORIGIN_MAX];
	if (i < 0) {
		snprintf(why, wl, "unknown rule '%.64s'", key);
		return -1;
	}
	snprintf(origin, sizeof origin, "%.1000s:%d", f->name, lineno);
	return rule_set(f->p, (size_t)i, value, origin, why, wl);
}

/* See platform_policy.h. */
int platform_policy_parse(struct platform_policy *p, const char *text, size_t len,
			  const char *name, char *err, size_t errlen)
{
	struct file_ctx f = { p, name };
	return kvfile_parse(text, len, name, apply_line, &f, err, errlen);
}

/* See platform_policy.h. */
int platform_policy_load(struct platform_policy *p, const char *path, char *err, size_t errlen)
{
	struct file_ctx f = { p, path };
	return kvfile_load(path, apply_line, &f, err, errlen);
}

/* See platform_policy.h. */
json_t *platform_policy_json(const struct platform_policy *p)
{
	json_t *out = json_array();
	for (size_t i = 0; out && i < POLICY_NKEYS; i++) {
		const struct policy_rule *r = &rules[i];
		long long v = *(const long long *)((const char *)p + r->off);
		json_t *value = r->is_bool ? json_boolean(v) : json_integer(v);
		if (json_array_append_new(out, json_pack("{s:s,s:o,s:s,s:s}", "key", r->key,
							 "value", value, "origin", p->origin[i],
							 "help", r->help)) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
