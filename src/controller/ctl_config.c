/*
 * ctl_config: the controller's option table and the parsing of its file and
 * values (see ctl_config.h). Defaults, file lines and flags all go through
 * ctl_config_set, so a value is checked the same way wherever it comes from.
 */
#include "controller/ctl_config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "api/api_create.h"
#include "util/kvfile.h"
#include "controller/dnsname.h"
#include "util/numparse.h"

#define F(field) offsetof(struct ctl_config, field), sizeof(((struct ctl_config *)0)->field)

static const struct ctl_option table[CTL_NOPTIONS] = {
	{ "dir", CTL_STR, F(dir), 0, 0, "/var/lib/vantage-controller", "DIR",
	  "state directory: controller.db, controller.key, controller.crt, admin.sock, api.crt" },
	{ "db", CTL_STR, F(db), 0, 0, "", "PATH", "SQLite database (DIR/controller.db)" },
	{ "key", CTL_STR, F(key), 0, 0, "", "PATH",
	  "Ed25519 key, created on first start (DIR/controller.key; certificate PATH.crt)" },
	{ "admin", CTL_STR, F(admin), 0, 0, "", "PATH", "admin socket of the CLI (DIR/admin.sock)" },
	{ "listen", CTL_STR, F(listen), 0, 0, "127.0.0.1", "ADDR",
	  "address agents connect to; 0.0.0.0 or :: for all" },
	{ "port", CTL_INT, F(port), 1, 65535, "4443", "N", "port agents connect to" },
	{ "api", CTL_STR, F(api), 0, 0, "", "ADDR:PORT",
	  "serve the REST API there ([V6]:PORT; 0.0.0.0:PORT for all), certificate DIR/api.crt" },
	{ "api_name", CTL_STR, F(api_name), 0, 0, "", "NAME",
	  "the API's host name (or address) in its certificate and links (the address)" },
	{ "heartbeat", CTL_INT, F(heartbeat), 1, 3600, "10", "SECONDS",
	  "between heartbeats; a session silent for three is closed" },
	{ "batch", CTL_INT, F(batch), 1, 100000, "2000", "N", "results per commit at most" },
	{ "flush_ms", CTL_INT, F(flush_ms), 0, 10000, "5", "MS", "longest wait before a commit" },
	{ "reach_check", CTL_BOOL, F(reach_check), 0, 1, "yes", NULL,
	  "have another agent probe a newly admitted agent's address" },
	{ "quiet", CTL_BOOL, F(quiet), 0, 1, "no", NULL, "log only problems" },
	{ "resolv_conf", CTL_STR, F(resolv_conf), 0, 0, "/etc/resolv.conf", "PATH",
	  "name servers for host-name targets (none: the hosts file only)" },
	{ "hosts", CTL_STR, F(hosts), 0, 0, "/etc/hosts", "PATH",
	  "hosts file for host-name targets (none: no hosts file)" },
	{ "targets", CTL_TARGETS, F(targets), 0, 0, "", "allow|refuse PREFIX",
	  "open or close a target range (repeats; most specific prefix wins)" },
	{ "preauth_max", CTL_INT, F(preauth_max), 1, 1000000, "256", "N",
	  "connections not yet admitted, at most at once" },
	{ "preauth_per_addr", CTL_INT, F(preauth_per_addr), 1, 1000000, "8", "N",
	  "connections not yet admitted from one address, at most" },
	{ "handshake_timeout", CTL_INT, F(handshake_timeout), 1, 600, "10", "SECONDS",
	  "from accept to an accepted HELLO" },
	{ "key_max_running", CTL_INT, F(key_max_running), 1, 1000000, "100", "N",
	  "measurements one API key may run at once" },
	{ "key_max_probes", CTL_INT, F(key_max_probes), 1, 1000000, "1000", "N",
	  "probes in one measurement of an API key" },
	{ "quota_results_per_sec", CTL_INT, F(quota_results_per_sec), 1, 1000000, "100", "N",
	  "results one agent may send a second (bursts of twice that; over it reading slows)" },
	{ "quota_mb_per_day", CTL_INT, F(quota_mb_per_day), 1, 1073741824, "1024", "N",
	  "MiB one agent may send a UTC day" },
	{ "hello_per_min", CTL_INT, F(hello_per_min), 1, 100000, "10", "N",
	  "HELLOs one agent may send a minute" },
	{ "timing_max_bytes", CTL_INT, F(timing_max_bytes), 256, 1048576, "16384", "N",
	  "size of one timing report, at most" },
	{ "timing_max_per_day", CTL_INT, F(timing_max_per_day), 1, 1000000, "1440", "N",
	  "timing reports of one agent stored a day" },
	{ "disk_floor_mb", CTL_INT, F(disk_floor_mb), 0, 1073741824, "0", "N",
	  "refuse new data below N MiB free (0: 5% of the disk, at most 256 MiB)" },
	{ "user", CTL_STR, F(user), 0, 0, "", "NAME",
	  "started as root, give DIR to NAME and run as NAME (it never needs root)" },
	{ "allow_root", CTL_BOOL, F(allow_root), 0, 1, "no", NULL,
	  "run as root all the same (refused otherwise)" },
	{ "store", CTL_STR, F(store), 0, 0, "", "URL",
	  "PostgreSQL store (postgresql://USER@HOST/DB?...) instead of SQLite at db" },
	{ "abandon_after", CTL_INT, F(abandon_after), 1, 3650 * 86400, "2592000", "SECONDS",
	  "a disconnected agent counts as abandoned after this long (30 days)" },
	{ "stream_buffer_kb", CTL_INT, F(stream_buffer_kb), 4, 1048576, "1024", "KIB",
	  "unsent KiB one live-stream client may have; past it the client is cut off" },
	{ "policy", CTL_STR, F(policy), 0, 0, "", "PATH",
	  "the platform's rules: admission, credits, limits (DIR/policy.conf if it exists)" },
	{ "dns_zone", CTL_STR, F(dns_zone), 0, 0, "", "DOMAIN",
	  "name vantage points in this zone (the API's fqdn; `vantage agents names`)" },
	{ "dns_names", CTL_STR, F(dns_names), 0, 0, DNSNAME_DEFAULT, "CONVENTION",
	  "their names: a template of {id} {role} {country} {asn} {org}, the zone appended" },
	{ "ingest", CTL_STR, F(ingest), 0, 0, "", "nats://H:P,...",
	  "publish results to NATS JetStream (vantage-writer stores them) instead of the store;"
	  " the live stream goes through this NATS too (vantage-api: serve /stream/ from it)" },
	{ "ingest_in_flight", CTL_INT, F(ingest_in_flight), 2, 1000000, "2048", "N",
	  "results published to JetStream and not yet acked, at most (past it reading from agents"
	  " pauses until half are acked)" },
	{ "frontend", CTL_STR, F(frontend), 0, 0, "", "NAME",
	  "this front-end's name among several on one PostgreSQL store (HOST/LISTEN:PORT)" },
	{ "frontend_sync_ms", CTL_INT, F(frontend_sync_ms), 100, 60000, "1000", "MS",
	  "on a shared store, how often measurements created or stopped elsewhere are looked for" },
};

/* See ctl_config.h. */
const struct ctl_option *ctl_options(size_t *n)
{
	*n = CTL_NOPTIONS;
	return table;
}

/* See ctl_config.h. */
int ctl_option_find(const char *key)
{
	for (size_t i = 0; i < CTL_NOPTIONS; i++)
		if (strcmp(table[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* True if text is an IPv4 or IPv6 address literal. */
static int is_address(const char *text)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

/* Check a string value where its option needs more than a length. */
static int check_str(const struct ctl_option *o, const char *v, char *why, size_t wl)
{
	if (strlen(v) >= o->size) {
		snprintf(why, wl, "value longer than %zu bytes", o->size - 1);
		return -1;
	}
	if (strcmp(o->key, "listen") == 0 && !is_address(v)) {
		snprintf(why, wl, "'%.64s' is not an IP address", v);
		return -1;
	}
	if (strcmp(o->key, "api_name") == 0 && v[0] && !is_address(v) && !api_hostname_valid(v)) {
		snprintf(why, wl, "'%.64s' is neither a host name nor an address", v);
		return -1;
	}
	if (strcmp(o->key, "dns_zone") == 0 && v[0] && dnsname_check_zone(v, why, wl) < 0)
		return -1;
	if (strcmp(o->key, "dns_names") == 0 && dnsname_check_convention(v, why, wl) < 0)
		return -1;
	if (strcmp(o->key, "dir") == 0 && !v[0]) {
		snprintf(why, wl, "empty directory");
		return -1;
	}
	return 0;
}

/* See ctl_config.h. */
int ctl_config_set(struct ctl_config *cfg, size_t i, const char *value, const char *origin,
		   char *why, size_t whylen)
{
	const struct ctl_option *o = &table[i];
	char *field = (char *)cfg + o->off;
	long long n;
	switch (o->kind) {
	case CTL_STR:
		if (check_str(o, value, why, whylen) < 0)
			return -1;
		snprintf(field, o->size, "%s", value);
		break;
	case CTL_INT: {
		char reason[128];
		if (!parse_bounded(value, o->lo, o->hi, &n, reason, sizeof reason)) {
			snprintf(why, whylen, "'%.40s': %s", value, reason);
			return -1;
		}
		*(int *)field = (int)n;
		break;
	}
	case CTL_BOOL:
		if (!parse_yes_no(value, (int *)field, why, whylen))
			return -1;
		break;
	case CTL_TARGETS:
		if (targets_add(&cfg->targets, value, origin, why, whylen) < 0)
			return -1;
		break;
	}
	snprintf(cfg->origin[i], sizeof cfg->origin[i], "%s", origin);
	return 0;
}

/* See ctl_config.h. */
void ctl_config_defaults(struct ctl_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	targets_init(&cfg->targets);
	for (size_t i = 0; i < CTL_NOPTIONS; i++) {
		char why[128];
		if (table[i].kind != CTL_TARGETS)
			ctl_config_set(cfg, i, table[i].def, "default", why, sizeof why);
		snprintf(cfg->origin[i], sizeof cfg->origin[i], "default");
	}
}

/* What kvfile hands each line to: the config and the file's name. */
struct file_ctx {
	struct ctl_config *cfg;
	const char *name;
};

/* kvfile_fn: one line of the file. */
static int apply_line(void *arg, const char *key, const char *value, int lineno, char *why,
		      size_t wl)
{
	struct file_ctx *f = arg;
	int i = ctl_option_find(key);
	if (i < 0) {
		snprintf(why, wl, "unknown setting '%.64s'", key);
		return -1;
	}
	char origin[CTL_ORIGIN_MAX], reason[200];
	snprintf(origin, sizeof origin, "file %.1000s:%d", f->name, lineno);
	if (ctl_config_set(f->cfg, (size_t)i, value, origin, reason, sizeof reason) == 0)
		return 0;
	snprintf(why, wl, "%s: %s", key, reason);
	return -1;
}

/* See ctl_config.h. */
int ctl_config_parse(struct ctl_config *cfg, const char *text, size_t len, const char *name,
		     char *err, size_t errlen)
{
	struct file_ctx f = { cfg, name };
	return kvfile_parse(text, len, name, apply_line, &f, err, errlen);
}

/* See ctl_config.h. */
int ctl_config_load(struct ctl_config *cfg, const char *path, char *err, size_t errlen)
{
	struct file_ctx f = { cfg, path };
	return kvfile_load(path, apply_line, &f, err, errlen);
}

/* dst = dir/name if dst is empty. */
static void derive(char *dst, size_t len, const char *dir, const char *name)
{
	if (!dst[0])
		snprintf(dst, len, "%s/%s", dir, name);
}

/* See ctl_config.h. */
void ctl_config_resolve(struct ctl_config *cfg)
{
	derive(cfg->db, sizeof cfg->db, cfg->dir, "controller.db");
	derive(cfg->admin, sizeof cfg->admin, cfg->dir, "admin.sock");
	if (!cfg->key[0])
		snprintf(cfg->key, sizeof cfg->key, "%.*s/controller.key",
			 (int)(sizeof cfg->key - 32), cfg->dir);
}

/* The value of a non-list option as text into buf. */
static const char *value_text(const struct ctl_config *cfg, const struct ctl_option *o,
			      char *buf, size_t len)
{
	const char *field = (const char *)cfg + o->off;
	if (o->kind == CTL_INT)
		snprintf(buf, len, "%d", *(const int *)field);
	else if (o->kind == CTL_BOOL)
		snprintf(buf, len, "%s", *(const int *)field ? "yes" : "no");
	else
		snprintf(buf, len, "%s", field[0] ? field : "\"\"");
	return buf;
}

/* The target policy: the default refusals, then the operator's rules. */
static void print_targets(const struct target_policy *tp, FILE *out)
{
	size_t n;
	const struct special_range *s = special_ranges(&n);
	fprintf(out, "# target policy: most specific prefix wins; at equal length an operator's"
		" rule beats a default one, refuse beats allow; all else (public unicast) allowed\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "targets refuse %-26s # default: %s (%s, %s)\n", s[i].prefix, s[i].name,
			s[i].registry, s[i].ref);
	for (size_t i = 0; i < tp->nrules; i++) {
		char p[64];
		fprintf(out, "targets %s %-*s # %s\n", tp->rules[i].allow ? "allow " : "refuse",
			26, net_prefix_str(&tp->rules[i].prefix, p, sizeof p), tp->rules[i].origin);
	}
}

/* See ctl_config.h. */
void ctl_config_print(const struct ctl_config *cfg, FILE *out)
{
	fprintf(out, "# vantage-controller: the configuration in force (key value  # origin)\n");
	for (size_t i = 0; i < CTL_NOPTIONS; i++) {
		const struct ctl_option *o = &table[i];
		char buf[CTL_PATH_MAX + 64];
		if (o->kind == CTL_TARGETS)
			continue;
		fprintf(out, "%-11s %-34s # %s\n", o->key, value_text(cfg, o, buf, sizeof buf),
			cfg->origin[i]);
	}
	print_targets(&cfg->targets, out);
}
