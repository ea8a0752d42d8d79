/*
 * ctl_config: vantage-controller's configuration. One table of options
 * (ctl_config.c) gives each its key in the file, its flag (--key, '_' as
 * '-'), its type, bounds, default and help, so adding an option is one
 * table line and one field. Values come from the defaults, then the file
 * (`--config FILE`: `key value` lines, '#' comments, like the agent's), then
 * the flags; each remembers where it came from (default, file:line, flag),
 * and `--print-config` shows them. Keys:
 *   dir DIR, db PATH, key PATH, admin PATH   state directory and the files in it
 *   listen ADDR, port N                      where agents connect (any address)
 *   api ADDR:PORT                            the REST API (any address; none by default)
 *   api_name NAME                            its name in the certificate and links
 *   heartbeat S, batch N, flush_ms MS        sessions and group commit
 *   reach_check yes|no, quiet yes|no
 *   user NAME, allow_root yes|no  started as root: become NAME, or stay root
 *                               (refused without one of them; src/privsep)
 *   resolv_conf PATH, hosts PATH             how host-name targets resolve ("none": not at all)
 *   targets allow|refuse PREFIX              the target policy (policy/targets.h), repeats
 *   stream_buffer_kb KIB                     unsent bytes one live-stream client may have
 *   policy PATH                              the platform's rules (platform_policy.h)
 *   dns_zone DOMAIN                          the zone vantage points are named in (none)
 *   dns_names CONVENTION                     how they are named in it (p{id}.{role})
 * A bad file or flag is refused with "file:line: reason" or "--flag: reason".
 * Parsing is pure (fuzzed); loading reads at most 1 MiB.
 */
#ifndef VANTAGE_CONTROLLER_CTL_CONFIG_H
#define VANTAGE_CONTROLLER_CTL_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "policy/targets.h"

#define CTL_PATH_MAX 3000
#define CTL_ORIGIN_MAX 1100
#define CTL_NOPTIONS 39

struct ctl_config {
	char dir[CTL_PATH_MAX];
	char db[CTL_PATH_MAX + 32];     /* empty: DIR/controller.db */
	char key[CTL_PATH_MAX];         /* empty: DIR/controller.key */
	char admin[CTL_PATH_MAX + 32];  /* empty: DIR/admin.sock */
	char listen[64];
	int port;
	char api[80];                   /* empty: no API */
	char api_name[254];             /* empty: the API's address */
	int heartbeat;
	int batch;
	int flush_ms;
	int reach_check;
	int quiet;
	char resolv_conf[CTL_PATH_MAX];
	char hosts[CTL_PATH_MAX];
	struct target_policy targets;
	/* limits, quotas and caps (controller.h, controller_opts) */
	int preauth_max;
	int preauth_per_addr;
	int handshake_timeout;
	int key_max_running;
	int key_max_probes;
	int quota_results_per_sec;
	int quota_mb_per_day;
	int hello_per_min;
	int timing_max_bytes;
	int timing_max_per_day;
	int disk_floor_mb;
	char user[64];                  /* started as root, run as this user */
	int allow_root;                 /* or stay root (refused otherwise) */
	char store[CTL_PATH_MAX];       /* PostgreSQL connection string; empty: SQLite at db */
	int abandon_after;              /* seconds disconnected before an agent is abandoned */
	int stream_buffer_kb;           /* unsent bytes one stream client may have (KiB) */
	char policy[CTL_PATH_MAX + 32]; /* the platform policy file (platform_policy.h);
					   empty: DIR/policy.conf if it exists */
	char dns_zone[254];             /* empty: probes have no names (controller/dnsname.h) */
	char dns_names[254];            /* naming convention in that zone */
	char ingest[CTL_PATH_MAX];      /* NATS JetStream URLs results go through; empty: the store */
	int ingest_in_flight;           /* results published to JetStream and not yet acked, at most */
	char frontend[64];              /* this front-end's name on a shared store ("": host/listen:port) */
	int frontend_sync_ms;           /* how often other front-ends' changes are looked for */
	char origin[CTL_NOPTIONS][CTL_ORIGIN_MAX]; /* per table entry: "default", "file F:L", "flag --x" */
};

/* How a setting is typed. */
enum ctl_kind { CTL_STR, CTL_INT, CTL_BOOL, CTL_TARGETS };

struct ctl_option {
	const char *key;      /* in the file; the flag is --key with '_' as '-' */
	enum ctl_kind kind;
	size_t off, size;     /* the field in struct ctl_config */
	long long lo, hi;     /* CTL_INT bounds */
	const char *def;      /* default, as a file would say it ("" = empty) */
	const char *arg;      /* what the flag takes, for usage */
	const char *help;
};

/* The option table and its length (CTL_NOPTIONS). */
const struct ctl_option *ctl_options(size_t *n);

/* Fill cfg with the defaults (origin "default"). */
void ctl_config_defaults(struct ctl_config *cfg);

/*
 * Apply one setting of option index i with value text, labelled origin.
 * Returns 0 or -1 with a reason (not naming the origin) in why.
 */
int ctl_config_set(struct ctl_config *cfg, size_t i, const char *value, const char *origin,
		   char *why, size_t whylen);

/* The index of key in the table, or -1. */
int ctl_option_find(const char *key);

/*
 * Apply the `key value` lines of text (len bytes) of the file named name on
 * top of what cfg holds. Returns 0, or -1 with "name:line: reason" in err
 * (cfg may then hold some of the file's settings). Pure.
 */
int ctl_config_parse(struct ctl_config *cfg, const char *text, size_t len, const char *name,
		     char *err, size_t errlen);

/* Read the file at path (at most 1 MiB) and apply it as ctl_config_parse. */
int ctl_config_load(struct ctl_config *cfg, const char *path, char *err, size_t errlen);

/* Fill the empty paths (db, key, admin) from dir. */
void ctl_config_resolve(struct ctl_config *cfg);

/* Print every setting in force as `key value  # origin`, the default target refusals too. */
void ctl_config_print(const struct ctl_config *cfg, FILE *out);

#endif
