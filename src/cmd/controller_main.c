/*
 * vantage-controller: the central server. Reads its configuration (defaults,
 * then `--config FILE`, then flags: src/controller/ctl_config.h), prints it
 * with --print-config, else runs the controller (src/controller) on an event
 * loop until SIGINT or SIGTERM and shuts down cleanly (pending results
 * committed, sessions recorded closed).
 *
 * Built a second time with VANTAGE_API_PROGRAM as vantage-api: the same
 * configuration (file and flags), but it serves only the REST API (`api`)
 * over the shared PostgreSQL `store` (src/api/api_program.h), no agents.
 */
#include <event2/event.h>
#include <event2/thread.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_program.h"
#include "controller/controller.h"
#include "controller/ctl_config.h"
#include "controller/platform_policy.h"
#include "privsep/privsep.h"
#include "util/sigloop.h"

#ifdef VANTAGE_API_PROGRAM
#define PROG "vantage-api"
#else
#define PROG "vantage-controller"
#endif

#define FLAG_SET 1000  /* getopt value of table entry i: FLAG_SET + i */
#define FLAG_NO 2000   /* --no-KEY of a yes|no entry i: FLAG_NO + i */
#define NFLAGS (2 * CTL_NOPTIONS + 4)

/* The flag of a file key into out[64]: "flush_ms" -> "flush-ms". */
static void flag_name(const char *key, char *out)
{
	snprintf(out, 64, "%s", key);
	for (char *p = out; *p; p++)
		*p = *p == '_' ? '-' : *p;
}

static void usage(FILE *out)
{
	size_t n;
	const struct ctl_option *o = ctl_options(&n);
	fprintf(out, "usage: " PROG " [--config FILE] [--print-config] [options]\n"
		"  --config FILE    `key value` lines, keys the flags' names with '_' for '-'; flags override it\n"
		"  --print-config   print the configuration in force and where each value came from\n");
	for (size_t i = 0; i < n; i++) {
		char flag[64];
		flag_name(o[i].key, flag);
		if (o[i].kind == CTL_BOOL)
			fprintf(out, "  --%s, --no-%s (default %s)\n      %s\n", flag, flag, o[i].def,
				o[i].help);
		else
			fprintf(out, "  --%s %s%s%s%s\n      %s\n", flag, o[i].arg,
				o[i].def[0] ? " (default " : "", o[i].def, o[i].def[0] ? ")" : "", o[i].help);
	}
}

/* Exit with "PROG: what: why". */
static void die(const char *what, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\n", what, why);
	exit(2);
}

/* The long options of the table (names into names[]), then config, print-config, help. */
static void make_longopts(struct option *lo, char names[][64])
{
	size_t n, k = 0;
	const struct ctl_option *o = ctl_options(&n);
	for (size_t i = 0; i < n; i++) {
		flag_name(o[i].key, names[k]);
		lo[k] = (struct option){ names[k], o[i].kind != CTL_BOOL, NULL, FLAG_SET + (int)i };
		k++;
		if (o[i].kind == CTL_BOOL) {
			memcpy(names[k], "no-", 3);
			memcpy(names[k] + 3, names[k - 1], 61);
			names[k][63] = 0;
			lo[k] = (struct option){ names[k], 0, NULL, FLAG_NO + (int)i };
			k++;
		}
	}
	lo[k++] = (struct option){ "config", 1, NULL, 'c' };
	lo[k++] = (struct option){ "print-config", 0, NULL, 'P' };
	lo[k++] = (struct option){ "help", 0, NULL, 'h' };
	lo[k] = (struct option){ NULL, 0, NULL, 0 };
}

/* Load the --config file, if argv names one, before any flag applies. */
static void load_file(int argc, char **argv, struct ctl_config *cfg)
{
	for (int i = 1; i < argc; i++) {
		const char *path = NULL;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		char err[1024];
		if (path && ctl_config_load(cfg, path, err, sizeof err) < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			exit(2);
		}
	}
}

/* Apply the flags on top of cfg; returns 1 if --print-config was given. */
static int parse_flags(int argc, char **argv, struct ctl_config *cfg)
{
	struct option lo[NFLAGS];
	char names[NFLAGS][64];
	int ch, print = 0;
	make_longopts(lo, names);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char why[256], origin[96];
		int i = ch >= FLAG_NO ? ch - FLAG_NO : ch - FLAG_SET;
		if (ch == 'c')
			continue;
		if (ch == 'P') {
			print = 1;
			continue;
		}
		if (ch == 'h') {
			usage(stdout);
			exit(0);
		}
		if (ch < FLAG_SET || i >= CTL_NOPTIONS) {
			usage(stderr);
			exit(2);
		}
		snprintf(origin, sizeof origin, "flag");
		for (size_t k = 0; lo[k].name; k++)
			if (lo[k].val == ch)
				snprintf(origin, sizeof origin, "flag --%s", lo[k].name);
		const char *value = ch >= FLAG_NO ? "no" : optarg ? optarg : "yes";
		if (ctl_config_set(cfg, (size_t)i, value, origin, why, sizeof why) < 0)
			die(origin + strlen("flag "), why);
	}
	if (optind != argc)
		die("unexpected argument", argv[optind]);
	return print;
}

/* Raise the open-file limit to its ceiling: one descriptor per agent. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * The controller never needs root: started as root it becomes `user` (and
 * gives it DIR), runs as root only with allow_root, and refuses otherwise.
 * Exits on failure.
 */
static void leave_root(const struct ctl_config *cfg)
{
	struct privsep_opts po = { .user = cfg->user, .own_dir = cfg->dir };
	struct privsep_state st;
	char err[512], who[160];
	if (cfg->user[0] && cfg->allow_root)
		die("--user and --allow-root", "they contradict each other");
	if (geteuid() != 0 || (!cfg->user[0] && cfg->allow_root))
		return;
	if (!cfg->user[0])
		die("refusing to run as root, which it never needs",
		    "give --user NAME (user NAME) to run as NAME, or --allow-root");
	if (privsep_drop(&po, &st, err, sizeof err) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		exit(1);
	}
	privsep_describe(&st, who, sizeof who);
	printf(PROG ": %s\n", who);
}

/* What serve() runs: started on base from opts (NULL with err), freed at the end. */
typedef void *(*start_fn)(struct event_base *base, const void *opts, char *err, size_t errlen);
typedef void (*free_fn)(void *program);

/* Prepare the process for cfg, start the program on a new event loop and
   run it until a signal; the exit status. */
static int serve(const struct ctl_config *cfg, start_fn start, free_fn stop, const void *opts)
{
	mkdir(cfg->dir, 0700);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	setvbuf(stdout, NULL, _IOLBF, 0);
	leave_root(cfg);
	if (cfg->ingest[0])
		evthread_use_pthreads();   /* libnats's threads touch the loop (ingest_nats.c) */
	struct event_base *base = event_base_new();
	char err[512];
	void *program = base ? start(base, opts, err, sizeof err) : NULL;
	if (!program) {
		fprintf(stderr, PROG ": %s\n", base ? err : "cannot create event loop");
		if (base)
			event_base_free(base);
		return 1;
	}
	int rc = sigloop_run(base);
	stop(program);
	event_base_free(base);
	return rc < 0 ? 1 : 0;
}

#ifndef VANTAGE_API_PROGRAM
static void *start_controller(struct event_base *base, const void *opts, char *err, size_t errlen)
{
	return controller_new(base, opts, err, errlen);
}

static void free_controller(void *c)
{
	controller_free(c);
}

/*
 * The platform's rules into p: the defaults, then the policy file (the one
 * named, which must be there, or DIR/policy.conf when it exists). Exits on
 * a bad file.
 */
static void load_policy(const struct ctl_config *cfg, struct platform_policy *p)
{
	char path[CTL_PATH_MAX + 32], err[1400];
	platform_policy_defaults(p);
	if (cfg->policy[0])
		snprintf(path, sizeof path, "%s", cfg->policy);
	else if (snprintf(path, sizeof path, "%s/policy.conf", cfg->dir) < 0 || access(path, F_OK) != 0)
		return;
	if (platform_policy_load(p, path, err, sizeof err) < 0)
		die("policy", err);
}

/* Run the controller of cfg until a signal; the exit status. */
static int run(const struct ctl_config *cfg)
{
	static struct platform_policy policy;  /* copied by the controller; large for the stack */
	load_policy(cfg, &policy);
	char cert[CTL_PATH_MAX + 32];
	size_t dl = strlen(cfg->dir);
	if (strncmp(cfg->key, cfg->dir, dl) == 0 && strcmp(cfg->key + dl, "/controller.key") == 0)
		snprintf(cert, sizeof cert, "%.*s/controller.crt", CTL_PATH_MAX, cfg->dir);
	else
		snprintf(cert, sizeof cert, "%s.crt", cfg->key);
	struct controller_opts o = {
		.listen_addr = cfg->listen, .port = cfg->port, .admin_path = cfg->admin,
		.db_path = cfg->db, .store = cfg->store[0] ? cfg->store : NULL, .key_path = cfg->key, .cert_path = cert,
		.heartbeat = cfg->heartbeat, .batch_max = cfg->batch, .flush_ms = cfg->flush_ms,
		.quiet = cfg->quiet, .no_reach = !cfg->reach_check,
		.api_listen = cfg->api[0] ? cfg->api : NULL,
		.api_name = cfg->api_name[0] ? cfg->api_name : NULL, .targets = &cfg->targets,
		.resolv_conf = cfg->resolv_conf, .hosts = cfg->hosts,
		.preauth_max = cfg->preauth_max,
		.preauth_per_addr = cfg->preauth_per_addr,
		.handshake_timeout = cfg->handshake_timeout,
		.key_max_running = cfg->key_max_running,
		.key_max_probes = cfg->key_max_probes,
		.stream_buffer_kb = cfg->stream_buffer_kb,
		.dns_zone = cfg->dns_zone[0] ? cfg->dns_zone : NULL, .dns_names = cfg->dns_names,
		.quota_results_per_sec = cfg->quota_results_per_sec,
		.quota_mb_per_day = cfg->quota_mb_per_day,
		.hello_per_min = cfg->hello_per_min,
		.timing_max_bytes = cfg->timing_max_bytes,
		.timing_max_per_day = cfg->timing_max_per_day,
		.disk_floor_mb = cfg->disk_floor_mb,
		.abandon_after = cfg->abandon_after,
		.policy = &policy,
		.ingest = cfg->ingest[0] ? cfg->ingest : NULL,
		.ingest_in_flight = cfg->ingest_in_flight,
		.frontend = cfg->frontend,
		.frontend_sync_ms = cfg->frontend_sync_ms,
	};
	return serve(cfg, start_controller, free_controller, &o);
}

#else
static void *start_api(struct event_base *base, const void *opts, char *err, size_t errlen)
{
	return api_program_new(base, opts, err, errlen);
}

static void free_api(void *p)
{
	api_program_free(p);
}

/* vantage-api: serve the API of cfg over its shared store until a signal. */
static int run_api(const struct ctl_config *cfg)
{
	if (!cfg->api[0])
		die("api", "vantage-api needs the address to serve the API on (api ADDR:PORT)");
	struct api_program_opts o = {
		.store = cfg->store, .dir = cfg->dir, .listen = cfg->api,
		.name = cfg->api_name[0] ? cfg->api_name : NULL, .targets = &cfg->targets,
		.resolv_conf = cfg->resolv_conf, .hosts = cfg->hosts,
		.key_max_running = cfg->key_max_running, .key_max_probes = cfg->key_max_probes,
		.abandon_after = cfg->abandon_after, .stream_buffer_kb = cfg->stream_buffer_kb,
		.live_nats = cfg->ingest[0] ? cfg->ingest : NULL,
	};
	return serve(cfg, start_api, free_api, &o);
}
#endif

int main(int argc, char **argv)
{
	struct ctl_config *cfg = malloc(sizeof *cfg);
	if (!cfg)
		die("configuration", "out of memory");
	ctl_config_defaults(cfg);
	load_file(argc, argv, cfg);
	int print = parse_flags(argc, argv, cfg);
	ctl_config_resolve(cfg);
	int rc = 0;
	if (print)
		ctl_config_print(cfg, stdout);
	else
#ifdef VANTAGE_API_PROGRAM
		rc = run_api(cfg);
#else
		rc = run(cfg);
#endif
	free(cfg);
	return rc;
}
