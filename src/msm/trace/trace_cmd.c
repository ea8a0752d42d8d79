/*
 * trace_cmd: `vantage trace`: its options as data (msm_cli_type parses
 * them into a trace_spec), its help, and the checks and port default that
 * need every option; msm_cli runs it.
 */
#include "msm/trace/trace_cmd.h"

#include <stddef.h>
#include <stdio.h>

#include "msm/msm_cli.h"
#include "msm/msm_cli_type.h"
#include "msm/trace/trace.h"

/* Print the help. */
static void help(FILE *f)
{
	fprintf(f, "usage: vantage trace [OPTIONS] [TARGET...]\n"
		   "  --method M        udp, udp-paris (default), icmp, icmp-paris, tcp-ack, tcp-syn\n"
		   "  --first-ttl N     first TTL (1-255, default 1)\n"
		   "  --max-ttl N       largest TTL (1-255, default 32)\n"
		   "  --attempts N      probes per TTL (1-16, default 3)\n"
		   "  --wait MS         wait per probe (1-60000, default 1000)\n"
		   "  --gap-limit N     silent TTLs in a row before stopping (1-255, default 5)\n"
		   "  --size N          probe packet size in bytes (0-65000, default 48)\n"
		   "  --port N          destination (base) port (1-65535, default 33435 / 80 for tcp)\n");
	msm_cli_help_common(f);
}

/* What the trace options fill. */
struct trace_args {
	struct trace_spec s;
	long long port;  /* --port, 0 when not given */
};

/* In --help order. */
static const struct msm_cli_num nums[] = {
	MSM_CLI_NUM("first-ttl", 1, 255, struct trace_args, s.first_ttl),
	MSM_CLI_NUM("max-ttl", 1, 255, struct trace_args, s.max_ttl),
	MSM_CLI_NUM("attempts", 1, 16, struct trace_args, s.attempts),
	MSM_CLI_NUM("wait", 1, 60000, struct trace_args, s.wait_ms),
	MSM_CLI_NUM("gap-limit", 1, 255, struct trace_args, s.gap_limit),
	MSM_CLI_NUM("size", 0, 65000, struct trace_args, s.size),
	MSM_CLI_NUM("port", 1, 65535, struct trace_args, port),
};

/* TTLs in order; the destination port: --port, else 80 tcp / 33435. */
static int complete(void *args)
{
	struct trace_args *a = args;
	if (a->s.first_ttl > a->s.max_ttl) {
		fprintf(stderr, "vantage trace: --first-ttl %u is above --max-ttl %u\n",
			a->s.first_ttl, a->s.max_ttl);
		return 2;
	}
	bool tcp = a->s.method == TRACE_METHOD_TCP_ACK || a->s.method == TRACE_METHOD_TCP_SYN;
	a->s.dport = (uint16_t)(a->port ? a->port : tcp ? 80 : 33435);
	return -1;
}

static const struct msm_cli_type trace_cli = {
	.prog = "vantage trace", .type = &trace_type, .help = help,
	.method_name = trace_method_name, .n_methods = TRACE_METHOD_TCP_SYN + 1,
	.method_list = "udp, udp-paris, icmp, icmp-paris, tcp-ack or tcp-syn",
	.method_off = offsetof(struct trace_args, s.method),
	.nums = nums, .n_nums = sizeof nums / sizeof nums[0], .send_path = false,
	.spec_off = offsetof(struct trace_args, s), .complete = complete,
};

/* vantage trace. */
int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { .port = 0 };
	trace_spec_default(&a.s);
	return msm_cli_type_main(&trace_cli, &a, argc, argv);
}
