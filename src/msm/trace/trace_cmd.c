/*
 * trace_cmd: `vantage trace`: options into a trace_spec, then msm_cli runs it.
 */
#include "msm/trace/trace_cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "msm/msm_cli.h"
#include "msm/trace/trace.h"
#include "util/numparse.h"

enum { OPT_METHOD = 2000, OPT_FIRST, OPT_MAX, OPT_ATTEMPTS, OPT_WAIT, OPT_GAP,
       OPT_SIZE, OPT_PORT };

static const struct option longopts[] = {
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "first-ttl", required_argument, NULL, OPT_FIRST },
	{ "max-ttl", required_argument, NULL, OPT_MAX },
	{ "attempts", required_argument, NULL, OPT_ATTEMPTS },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "gap-limit", required_argument, NULL, OPT_GAP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "pps", required_argument, NULL, MSM_OPT_PPS },
	{ "help", no_argument, NULL, MSM_OPT_HELP },
	{ "stats", no_argument, NULL, MSM_OPT_STATS },
	{ NULL, 0, NULL, 0 },
};

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

/* A bounded numeric option: its name, range and where it goes. */
struct num_opt {
	int code;
	const char *name;
	long long min, max;
};

static const struct num_opt nums[] = {
	{ OPT_FIRST, "--first-ttl", 1, 255 },   { OPT_MAX, "--max-ttl", 1, 255 },
	{ OPT_ATTEMPTS, "--attempts", 1, 16 },  { OPT_WAIT, "--wait", 1, 60000 },
	{ OPT_GAP, "--gap-limit", 1, 255 },     { OPT_SIZE, "--size", 0, 65000 },
	{ OPT_PORT, "--port", 1, 65535 },
};

/* Store a parsed number in the spec field of option c. */
static void store(struct trace_spec *s, int c, long long v, long long *port)
{
	switch (c) {
	case OPT_FIRST: s->first_ttl = (uint8_t)v; break;
	case OPT_MAX: s->max_ttl = (uint8_t)v; break;
	case OPT_ATTEMPTS: s->attempts = (uint8_t)v; break;
	case OPT_WAIT: s->wait_ms = (uint32_t)v; break;
	case OPT_GAP: s->gap_limit = (uint8_t)v; break;
	case OPT_SIZE: s->size = (uint16_t)v; break;
	default: *port = v; break;
	}
}

/* What the trace options fill. */
struct trace_args {
	struct trace_spec s;
	long long port;
};

/* One trace option into the spec; 0, or -1 with err. */
static int trace_opt(int c, const char *arg, void *ctx, char *err, size_t errlen)
{
	struct trace_args *a = ctx;
	struct trace_spec *s = &a->s;
	long long *port = &a->port;
	if (c == OPT_METHOD) {
		int m = msm_cli_name_index(trace_method_name, TRACE_METHOD_TCP_SYN + 1, arg);
		if (m < 0) {
			snprintf(err, errlen, "--method: '%s' is not udp, udp-paris, icmp, "
				 "icmp-paris, tcp-ack or tcp-syn", arg);
			return -1;
		}
		s->method = (uint8_t)m;
		return 0;
	}
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		long long v;
		if (nums[i].code != c)
			continue;
		if (!parse_option_num(nums[i].name, arg, nums[i].min, nums[i].max, &v, err, errlen))
			return -1;
		store(s, c, v, port);
		return 0;
	}
	snprintf(err, errlen, "unknown option (try --help)");
	return -1;
}

/* vantage trace. */
int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { .port = 0 };
	struct msm_cli_opts o;
	trace_spec_default(&a.s);
	msm_cli_defaults(&o);
	int rc = msm_cli_parse("vantage trace", argc, argv, longopts, trace_opt, &a, help, &o);
	if (rc >= 0)
		return rc;
	if (a.s.first_ttl > a.s.max_ttl) {
		fprintf(stderr, "vantage trace: --first-ttl %u is above --max-ttl %u\n",
			a.s.first_ttl, a.s.max_ttl);
		return 2;
	}
	bool tcp = a.s.method == TRACE_METHOD_TCP_ACK || a.s.method == TRACE_METHOD_TCP_SYN;
	a.s.dport = (uint16_t)(a.port ? a.port : tcp ? 80 : 33435);
	return msm_cli_run("vantage trace", &trace_type, &a.s, &o, argv + optind, argc - optind);
}
