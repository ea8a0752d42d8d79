/*
 * config: the agent's configuration file. One setting per line as
 * `key value`; `#` starts a comment; allow, forbid repeat. Keys:
 *   controller ADDR:PORT [HEX]  a controller (IPv6 as [ADDR]:PORT), optionally with
 *                               the SHA-256 of its Ed25519 key (pinned); repeats,
 *                               up to CONFIG_MAX_CONTROLLERS front-ends tried in
 *                               turn when the connection is lost (config_ctl.c)
 *   controller_fingerprint HEX  the pinned key of the controller listed last, or,
 *                               before any, of every controller listed without one
 *   key PATH                    this agent's key (created on first start)
 *   spool DIR                   the result spool; spool_max_mb N its size limit
 *   role probe|anchor
 *   methods ping,traceroute     measurement types the site allows (default all)
 *   pps N                       the site's packets-per-second ceiling
 *   allow PREFIX / forbid PREFIX destination ranges (forbid wins)
 *   noprobe PATH                the site's no-probe list file
 *   resolv_conf PATH, hosts PATH how the agent resolves targets it is asked to
 *                               resolve itself (resolve_on_probe); defaults
 *                               /etc/resolv.conf and /etc/hosts, "none": not used
 *   resolve_on_probe yes|no     whether the site lets the agent resolve targets
 *                               itself (yes); no: such a measurement gets a
 *                               refusal result, no lookup leaves the host, and
 *                               --firewall opens no name server
 *   admin_from PREFIX           the operator's networks, SSH allowed from them
 *                               (repeats; only for --firewall, agent/firewall.h)
 *   ssh_port N                  the host's SSH port (22; only for --firewall)
 *   user NAME                   started as root, run as NAME (default vantage,
 *                               else nobody; src/privsep/privsep.h)
 *   heartbeat SECONDS, backoff_max SECONDS
 *   timing_interval SECONDS     timing telemetry period (300; 0: never sample)
 *   timing_steal_pct N, timing_coarse_ns N, timing_max_error_ms N
 *                               the site's limits of poor timing (host/timing_flags.h)
 * A bad file is refused with "file:line: reason".
 */
#ifndef VANTAGE_AGENT_CONFIG_H
#define VANTAGE_AGENT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "host/timing_flags.h"

#define CONFIG_MAX_PREFIXES 64
#define CONFIG_PATH_MAX 1024
#define CONFIG_MAX_CONTROLLERS 8

/* One controller (front-end) the agent may dial, with its pinned key. */
struct config_controller {
	char addr[64];
	int port;
	char fp[65];
};

struct agent_config {
	/* The first controller listed (the firewall and logs name it). */
	char controller_addr[64];
	int controller_port;
	char controller_fp[65];
	/* Every controller listed, in order: the agent dials them in turn. */
	struct config_controller controllers[CONFIG_MAX_CONTROLLERS];
	int n_controllers;
	char default_fp[65];         /* controller_fingerprint given before any controller */
	char key_path[CONFIG_PATH_MAX];
	char spool_dir[CONFIG_PATH_MAX];
	uint64_t spool_max;          /* bytes */
	char role[16];
	char methods[256];           /* empty: every method */
	int pps;                     /* 0: no ceiling */
	char allow[CONFIG_MAX_PREFIXES][64];
	int n_allow;
	char forbid[CONFIG_MAX_PREFIXES][64];
	int n_forbid;
	char noprobe[CONFIG_PATH_MAX];
	char resolv_conf[CONFIG_PATH_MAX];  /* "": /etc/resolv.conf */
	char hosts[CONFIG_PATH_MAX];        /* "": /etc/hosts */
	int resolve_on_probe;               /* 1: the site allows it (default) */
	char admin_from[CONFIG_MAX_PREFIXES][64];
	int n_admin_from;
	int ssh_port;
	char user[64];               /* "": the default user */
	int heartbeat;
	int backoff_max;
	int timing_interval;          /* seconds; 0: no timing telemetry */
	struct timing_limits timing;  /* what counts as poor timing */
};

/* Fill cfg with defaults. */
void config_defaults(struct agent_config *cfg);

/*
 * Parse the text (len bytes) of the file named name into cfg (defaults
 * first). Returns 0, or -1 with "name:line: reason" in err. Pure.
 */
int config_parse(struct agent_config *cfg, const char *text, size_t len, const char *name,
		 char *err, size_t errlen);

/* config_ctl.c: one `controller ADDR:PORT [HEX]` line; 0 or -1 with a reason. */
int config_controller_add(struct agent_config *c, const char *value, char *why, size_t wl);

/* config_ctl.c: one `controller_fingerprint HEX` line; 0 or -1 with a reason. */
int config_controller_fp(struct agent_config *c, const char *value, char *why, size_t wl);

/*
 * config_ctl.c: after the whole file, give each controller without a key
 * the one named before any controller, check each has one and copy the
 * first into controller_addr/port/fp. 0 or -1 with "name: reason" in err.
 */
int config_controllers_finish(struct agent_config *c, const char *name, char *err,
			      size_t errlen);

/* Read and parse the file at path (at most 1 MiB). 0 or -1 as config_parse. */
int config_load(struct agent_config *cfg, const char *path, char *err, size_t errlen);

#endif
