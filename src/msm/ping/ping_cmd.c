/*
 * ping_cmd: `vantage ping`: its options as data (msm_cli_type parses them
 * into a ping_spec), its help, and the port default that depends on the
 * method; msm_cli runs it.
 */
#include "msm/ping/ping_cmd.h"

#include <stddef.h>
#include <stdio.h>

#include "msm/msm_cli.h"
#include "msm/msm_cli_type.h"
#include "msm/ping/ping.h"

/* Print the help. */
static void help(FILE *f)
{
	fprintf(f, "usage: vantage ping [OPTIONS] [TARGET...]\n"
		   "  --method M        icmp-echo (default), udp, tcp-syn, tcp-ack\n"
		   "  --count N         probes per target (1-65535, default 3)\n"
		   "  --interval MS     between probes to a target (1-3600000, default 1000)\n"
		   "  --size N          payload bytes (0-65000, default 48)\n"
		   "  --ttl N           TTL / hop limit (1-255, default 64)\n"
		   "  --timeout MS      wait per probe (1-600000, default 1000)\n"
		   "  --port N          destination port for udp/tcp (1-65535, default 33434 / 80)\n"
		   "  --send-path P     auto (default: whole frames on a packet socket once 64\n"
		   "                    probes are queued), raw (raw IP sockets) or packet\n");
	msm_cli_help_common(f);
}

/* What the ping options fill. */
struct ping_args {
	struct ping_spec s;
	long long port;  /* --port, 0 when not given */
};

static const struct msm_cli_num nums[] = {
	MSM_CLI_NUM("count", 1, 65535, struct ping_args, s.count),
	MSM_CLI_NUM("interval", 1, 3600000, struct ping_args, s.interval_ms),
	MSM_CLI_NUM("size", 0, 65000, struct ping_args, s.size),
	MSM_CLI_NUM("ttl", 1, 255, struct ping_args, s.ttl),
	MSM_CLI_NUM("timeout", 1, 600000, struct ping_args, s.timeout_ms),
	MSM_CLI_NUM("port", 1, 65535, struct ping_args, port),
};

/* The destination port of udp/tcp pings: --port, else 33434 / 80. */
static int complete(void *args)
{
	struct ping_args *a = args;
	if (a->s.method != PING_METHOD_ICMP_ECHO)
		a->s.dport = (uint16_t)(a->port ? a->port : a->s.method == PING_METHOD_UDP ? 33434 : 80);
	return -1;
}

static const struct msm_cli_type ping_cli = {
	.prog = "vantage ping", .type = &ping_type, .help = help,
	.method_name = ping_method_name, .n_methods = PING_METHOD_TCP_ACK + 1,
	.method_list = "icmp-echo, udp, tcp-syn or tcp-ack",
	.method_off = offsetof(struct ping_args, s.method),
	.nums = nums, .n_nums = sizeof nums / sizeof nums[0], .send_path = true,
	.spec_off = offsetof(struct ping_args, s), .complete = complete,
};

/* vantage ping. */
int cmd_ping(int argc, char **argv)
{
	struct ping_args a = { .port = 0 };
	ping_spec_default(&a.s);
	return msm_cli_type_main(&ping_cli, &a, argc, argv);
}
