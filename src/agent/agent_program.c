/*
 * agent_program: the vantage-agent command line (options, config file,
 * signals, event loop) around the agent core, with the runner as a
 * parameter so the shipped program and test builds share it.
 */
#include "agent/agent.h"
#include "agent/agent_int.h"
#include "agent/enrol.h"
#include "agent/firewall.h"

#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "privsep/privsep.h"
#include "privsep/sandbox.h"
#include "proto/identity.h"
#include "proto/tls_err.h"
#include "util/ldtrim.h"
#include "util/sigloop.h"

/* Where the packaged agent's configuration lives (its systemd unit reads it). */
#define AGENT_CONFIG_DEFAULT "/etc/vantage/agent.conf"

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage-agent --config FILE [--fingerprint]\n"
		"       vantage-agent --config FILE --firewall nft|text\n"
		"       vantage-agent --enrol CONTROLLER:PORT FINGERPRINT [--config FILE]\n"
		"                     [--role probe|anchor] [--user NAME] [--no-check-host]\n"
		"  --config FILE    the agent's configuration (see src/agent/config.h;\n"
		"                   default with --enrol: " AGENT_CONFIG_DEFAULT ")\n"
		"  --fingerprint    create the key if needed, print its fingerprint, exit\n"
		"  --firewall nft|text  print the traffic the configuration implies, as an\n"
		"                   nftables ruleset or as a plain list, exit\n"
		"  --enrol          first start on a fresh host: check the host for its role,\n"
		"                   write the configuration and the key, print the fingerprint\n");
}

/* The command line, parsed. */
struct agent_args {
	const char *config;
	int fp_only;
	int enrol;
	int firewall;                /* print the firewall rules in fw_format */
	enum firewall_format fw_format;
	struct enrol_opts eo;
};

/* Parse argv into *a; returns -1 (usage printed), 1 for --help, else 0. */
static int parse_args(int argc, char **argv, struct agent_args *a)
{
	static const struct option longopts[] = {
		{ "config", 1, NULL, 'c' }, { "fingerprint", 0, NULL, 'f' },
		{ "enrol", 0, NULL, 'e' }, { "role", 1, NULL, 'r' }, { "user", 1, NULL, 'u' },
		{ "no-check-host", 0, NULL, 'n' }, { "firewall", 1, NULL, 'w' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	memset(a, 0, sizeof *a);
	a->eo = (struct enrol_opts){ .role = "probe", .check_host = 1 };
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->config = optarg; break;
		case 'f': a->fp_only = 1; break;
		case 'e': a->enrol = 1; break;
		case 'r': a->eo.role = optarg; break;
		case 'u': a->eo.user = optarg; break;
		case 'n': a->eo.check_host = 0; break;
		case 'w':
			if (firewall_format_parse(optarg, &a->fw_format) < 0) {
				fprintf(stderr, "vantage-agent: --firewall: '%s' is neither nft nor text\n",
					optarg);
				return -1;
			}
			a->firewall = 1;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	int want = a->enrol ? 2 : 0;
	if ((!a->config && !a->enrol) || argc - optind != want || a->enrol + a->fp_only + a->firewall > 1) {
		usage(stderr);
		return -1;
	}
	if (a->enrol) {
		a->eo.controller = argv[optind];
		a->eo.fingerprint = argv[optind + 1];
		a->eo.config_path = a->config ? a->config : AGENT_CONFIG_DEFAULT;
	}
	return 0;
}

/* Print the key's fingerprint (creating the key if needed); returns an exit status. */
static int print_fingerprint(const struct agent_config *cfg)
{
	struct identity id;
	int created;
	char err[512];
	if (identity_load(&id, cfg->key_path, NULL, "vantage-agent", &created, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		return 1;
	}
	printf("%s\n", id.fp);
	identity_free(&id);
	return 0;
}

/* Print the firewall rules of cfg (read from path); returns an exit status. */
static int print_firewall(const struct agent_config *cfg, const char *path,
			  enum firewall_format fmt)
{
	char err[512];
	struct resolv_servers dns;
	if (firewall_dns_load(cfg, &dns, err, sizeof err) < 0 ||
	    firewall_write(cfg, &dns, path, fmt, stdout, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s: %s\n", path, err);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * Everything that needs root is open (key, spool, raw sockets, the tap):
 * become the configured user with CAP_NET_RAW only (the engine opens raw
 * sockets of other protocols as measurements ask), give it the spool, and
 * load the seccomp filter. 0, or -1 with err.
 */
static int drop_privileges(struct agent *a, const struct agent_config *cfg, char *err,
			   size_t errlen)
{
	struct privsep_opts po = { .user = cfg->user, .keep_net_raw = true,
				   .own_dir = cfg->spool_dir };
	struct privsep_state st;
	char who[160];
	if (privsep_drop(&po, &st, err, errlen) < 0 ||
	    sandbox_install(SANDBOX_AGENT, err, errlen) < 0)
		return -1;
	privsep_describe(&st, who, sizeof who);
	agent_log(a, "%s, seccomp filter on", who);
	return 0;
}

/* Run the agent until a signal; returns an exit status. */
static int run(const struct agent_config *cfg, const struct agent_runner_ops *runner)
{
	/* every library is linked by now: the loader's tables need not stay resident */
	ldtrim_linker_tables();
	struct event_base *base = event_base_new();
	char err[512];
	struct agent *a = base ? agent_new(base, cfg, runner, err, sizeof err) : NULL;
	if (!a) {
		fprintf(stderr, "vantage-agent: %s\n", base ? err : "cannot create event loop");
		if (base)
			event_base_free(base);
		return 1;
	}
	/* the host check runs before the drop (it reads what root may read); the
	   telemetry thread starts after it: capabilities are per thread */
	agent_host_check(a);
	if (drop_privileges(a, cfg, err, sizeof err) < 0 ||
	    agent_start_telemetry(a, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		agent_free(a);
		event_base_free(base);
		return 1;
	}
	ldtrim_linker_tables();   /* again: start-up's lazy bindings read some back */
	int rc = sigloop_run(base);
	agent_free(a);
	event_base_free(base);
	return rc < 0 ? 1 : 0;
}

/* See agent.h. */
int agent_program(int argc, char **argv, const struct agent_runner_ops *runner)
{
	struct agent_args args;
	/* OpenSSL's crypto error strings are loaded only if one is printed (0.3 MB) */
	if (tls_err_lazy() < 0) {
		fprintf(stderr, "vantage-agent: OpenSSL cannot initialise\n");
		return 1;
	}
	int rc = parse_args(argc, argv, &args);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (args.enrol)
		return agent_enrol(&args.eo);
	static struct agent_config cfg;
	char err[512];
	if (config_load(&cfg, args.config, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		return 2;
	}
	if (args.fp_only)
		return print_fingerprint(&cfg);
	if (args.firewall)
		return print_firewall(&cfg, args.config, args.fw_format);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return run(&cfg, runner);
}
