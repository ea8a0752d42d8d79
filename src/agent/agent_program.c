/*
 * agent_program: the vantage-agent command line (options, config file,
 * signals, event loop) around the agent core, with the runner as a
 * parameter so the shipped program and test builds share it.
 */
#include "agent/agent.h"
#include "agent/agent_int.h"

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
#include "util/sigloop.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage-agent --config FILE [--fingerprint]\n"
		"  --config FILE    the agent's configuration (see src/agent/config.h)\n"
		"  --fingerprint    create the key if needed, print its fingerprint, exit\n");
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
	struct event_base *base = event_base_new();
	char err[512];
	struct agent *a = base ? agent_new(base, cfg, runner, err, sizeof err) : NULL;
	if (!a) {
		fprintf(stderr, "vantage-agent: %s\n", base ? err : "cannot create event loop");
		if (base)
			event_base_free(base);
		return 1;
	}
	/* the telemetry thread starts after the drop: capabilities are per thread */
	if (drop_privileges(a, cfg, err, sizeof err) < 0 ||
	    agent_start_telemetry(a, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		agent_free(a);
		event_base_free(base);
		return 1;
	}
	int rc = sigloop_run(base);
	agent_free(a);
	event_base_free(base);
	return rc < 0 ? 1 : 0;
}

/* See agent.h. */
int agent_program(int argc, char **argv, const struct agent_runner_ops *runner)
{
	static const struct option longopts[] = {
		{ "config", 1, NULL, 'c' }, { "fingerprint", 0, NULL, 'f' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int fp_only = 0, ch;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'f': fp_only = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	static struct agent_config cfg;
	char err[512];
	if (config_load(&cfg, path, err, sizeof err) < 0) {
		fprintf(stderr, "vantage-agent: %s\n", err);
		return 2;
	}
	if (fp_only)
		return print_fingerprint(&cfg);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return run(&cfg, runner);
}
