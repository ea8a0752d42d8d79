/*
 * requirements: what a host must offer to serve as a probe or an anchor, and
 * the small text file that states it. The format is one `key value` per
 * line; `#` starts a comment; blank lines are ignored. An optional first key
 * `role probe|anchor` starts from that role's compiled-in defaults (which are
 * equal to the files shipped in etc/vantage/); every later key overrides one
 * value. Errors name FILE:LINE and the problem. The parser is pure and fuzzed.
 */
#ifndef VANTAGE_HOST_REQUIREMENTS_H
#define VANTAGE_HOST_REQUIREMENTS_H

#include <stddef.h>

/* How much a yes/no capability matters: missing is a failure, a warning,
   or not checked at all. */
enum req_level { REQ_IGNORED = 0, REQ_PREFERRED = 1, REQ_REQUIRED = 2 };

enum host_role { ROLE_PROBE = 0, ROLE_ANCHOR = 1 };

struct host_requirements {
	enum host_role role;
	/* resources */
	long long cpus, ram_mb, storage_gb, nics;
	char storage_path[256];
	/* network, privileges and platform */
	enum req_level ipv4, ipv6, raw_socket, kernel_timestamps, hw_timestamps,
		clock_sync, bare_metal;
	/* measured timing quality: warn above *_warn, fail above *_fail */
	long long clock_read_ns_warn;
	long long ts_step_us_warn, ts_step_us_fail;
	long long timer_p99_us_warn, timer_p99_us_fail;
	long long steal_pct_warn, steal_pct_fail;
	long long clock_step_us_fail;
	long long maxerror_ms_warn;
};

/* Fill *r with the compiled-in defaults of role. */
void requirements_default(enum host_role role, struct host_requirements *r);

/*
 * Parse the requirements text (len bytes, need not be NUL-terminated) on top
 * of the defaults of `role`. name labels errors ("FILE:LINE: ..."). Returns 0
 * and fills *r, or -1 with the reason in err (*r is then unspecified).
 */
int requirements_parse(const char *text, size_t len, const char *name,
		       enum host_role role, struct host_requirements *r,
		       char *err, size_t errlen);

/* Read and parse the file at path (as requirements_parse). */
int requirements_load(const char *path, enum host_role role,
		      struct host_requirements *r, char *err, size_t errlen);

/* Parse "probe"/"anchor"; returns 0 or -1. */
int role_parse(const char *text, enum host_role *out);

/* "probe" or "anchor". */
const char *role_name(enum host_role role);

/* "required", "preferred" or "ignored". */
const char *req_level_name(enum req_level level);

#endif
