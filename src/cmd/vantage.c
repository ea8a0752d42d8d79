/*
 * vantage: the command line for people. A thin dispatcher: the first argument
 * names a subcommand in the table below, which gets the remaining arguments.
 */
#include "api/cmd_api.h"
#include "cmd/commands.h"
#include "controller/cli.h"
#include "format/cmd_convert.h"
#include "host/cmd_check_host.h"
#include "analysis/cmd_compare.h"
#include "lab/cmd_lab.h"
#include "msm/ping/ping_cmd.h"
#include "msm/trace/trace_cmd.h"
#include "scan/cmd_scan.h"
#include "store/cmd_archive.h"

#include <stdio.h>
#include <string.h>

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("vantage %s\n", VANTAGE_VERSION);
	return 0;
}

static const struct command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "ping", cmd_ping, "ping targets: icmp-echo, udp, tcp-syn, tcp-ack (kernel timestamps)" },
	{ "trace", cmd_trace, "traceroute to targets: udp, udp-paris, icmp, icmp-paris, tcp-ack, tcp-syn" },
	{ "scan", cmd_scan, "map every routed /24 (or IPv6 prefix) statelessly: icmp-paris, udp-paris, tcp-ack" },
	{ "compare", cmd_compare, "do two vantage points measure alike? (RIPE Atlas results)" },
	{ "agents", cmd_agents, "register, approve, list and remove agents (controller)" },
	{ "noprobe", cmd_noprobe, "the platform no-probe list: add, remove, list (controller)" },
	{ "prefixes", cmd_prefixes, "load and list versioned prefix-to-AS tables (controller)" },
	{ "team", cmd_team, "team probing of every routed /24: create, list, status, stop (controller)" },
	{ "measurement", cmd_measurement, "create, list and stop measurements (controller)" },
	{ "results", cmd_results_api, "a measurement's results through the REST API; 'export' via the admin socket" },
	{ "measure", cmd_measure, "run a ping or traceroute on the platform's probes through the REST API" },
	{ "keys", cmd_keys, "create, list and revoke API keys of the REST API (controller)" },
	{ "report", cmd_report, "churn of the platform's vantage points: joined, left, returned, uptime (controller)" },
	{ "policy", cmd_policy, "the platform's rules in force: admission, credits, limits (controller)" },
	{ "credits", cmd_credits, "an account's credits, its ledger, transfers between accounts (controller)" },
	{ "accounts", cmd_accounts, "add, list, show and disable accounts: who owns keys and agents (controller)" },
	{ "permissions", cmd_permissions, "grant and list location permissions of accounts (controller)" },
	{ "check-host", cmd_check_host, "can this host be a vantage point? (pass/warn/fail per requirement)" },
	{ "convert", cmd_convert, "convert RIPE Atlas JSON results to warts or text (or JSON)" },
	{ "lab", cmd_lab, "the lab Internet of network namespaces: up, down, status, exec, truth, link" },
	{ "archive", cmd_archive, "write a PostgreSQL store's old days to one compressed file each, then drop them" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'vantage COMMAND --help' tells more about each.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vantage: unknown command '%s' (try 'vantage --help')\n", argv[1]);
	return 2;
}
