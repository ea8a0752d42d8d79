/*
 * platform_policy: the rules of a hosted platform, from the controller's
 * policy file (`policy PATH` in controller.conf; DIR/policy.conf when it
 * exists): who may host how many vantage points where (admission), and who
 * may measure how much (credits and limits). The file has the `key value`
 * lines of the controller's own configuration (util/kvfile.h); a key not in
 * the file keeps its default; `vantage policy show` prints what is in
 * force and where each value came from. Adding a rule is one table line
 * (platform_policy.c) and one field here.
 *
 * Admission (issue 15):
 *   probes_per_address N         software probes of one host account from one IP address (2)
 *   probes_per_account_prefix N  ... of one host account from one routed prefix (4)
 *   probes_per_prefix_v4 N       ... from one routed IPv4 prefix, whoever hosts them (32)
 *   probes_per_prefix_v6 N       ... from one routed IPv6 prefix, whoever hosts them (64)
 *   anchors_per_account_year N   new anchors one host account may add a year (5)
 *   anchor_check yes|no          an anchor must pass check-host's anchor requirements (yes)
 *   location_check yes|no        an address outside the account's own prefixes and ASes
 *                                waits for a recorded permission (yes)
 * Credits and limits:
 *   credits_per_minute N         earned by an account per connected minute of a probe (15)
 *   anchor_credit_factor N       an anchor earns N times that (10)
 *   max_running N                measurements of one account running at once (100)
 *   max_probes N                 probes in one measurement (1000)
 *   max_results_per_day N        results one account's measurements may store a UTC day (100000)
 *   max_credits_per_day N        credits one account may spend a UTC day (1000000)
 * The anchoring mesh (mesh_ctl.c):
 *   anchor_mesh yes|no           the controller keeps the anchors measuring each other (yes)
 *   mesh_probes N                software probes in each mesh measurement besides the anchors (10)
 *   mesh_ping_interval N         seconds between a mesh ping's rounds (240)
 *   mesh_trace_interval N        seconds between a mesh traceroute's rounds (900)
 * Parsing is pure and bounded (fuzzed through fuzz_platform_policy).
 */
#ifndef VANTAGE_CONTROLLER_PLATFORM_POLICY_H
#define VANTAGE_CONTROLLER_PLATFORM_POLICY_H

#include <stddef.h>

#include <jansson.h>

#define POLICY_NKEYS 17
#define POLICY_ORIGIN_MAX 1100

struct platform_policy {
	/* admission */
	long long probes_per_address;
	long long probes_per_account_prefix;
	long long probes_per_prefix_v4;
	long long probes_per_prefix_v6;
	long long anchors_per_account_year;
	long long anchor_check;
	long long location_check;
	/* credits and limits */
	long long credits_per_minute;
	long long anchor_credit_factor;
	long long max_running;
	long long max_probes;
	long long max_results_per_day;
	long long max_credits_per_day;
	/* the anchoring mesh */
	long long anchor_mesh;
	long long mesh_probes;
	long long mesh_ping_interval;
	long long mesh_trace_interval;
	char origin[POLICY_NKEYS][POLICY_ORIGIN_MAX]; /* per key: "default" or "FILE:LINE" */
};

/* Fill p with the defaults. */
void platform_policy_defaults(struct platform_policy *p);

/*
 * Apply the `key value` lines of text (len bytes) of the file named name on
 * top of what p holds. Returns 0, or -1 with "name:line: reason" in err
 * (p may then hold some of the file's settings). Pure.
 */
int platform_policy_parse(struct platform_policy *p, const char *text, size_t len,
			  const char *name, char *err, size_t errlen);

/* Read the file at path (at most 1 MiB) and apply it as platform_policy_parse. */
int platform_policy_load(struct platform_policy *p, const char *path, char *err, size_t errlen);

/* What is in force: [{key, value, origin, help}, ...] in table order; NULL when out of memory. */
json_t *platform_policy_json(const struct platform_policy *p);

#endif
