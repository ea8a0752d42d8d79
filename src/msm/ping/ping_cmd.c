/*
 * ping_cmd: `vantage ping`: options into a ping_spec, then msm_cli runs it.
 */
#include "msm/ping/ping_cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "msm/msm_cli.h"
#include "msm/ping/ping.h"
#include "util/numparse.h"

enum { OPT_METHOD = 2000, OPT_COUNT, OPT_INTERVAL, OPT_SIZE, OPT_TTL, OPT_TIMEOUT, OPT_PORT };

static const struct option longopts[] = {
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "pps", required_argument, NULL, MSM_OPT_PPS },
	{ "help", no_argument, NULL, MSM_OPT_HELP },
	{ "stats", no_argument, NULL, MSM_OPT_STATS },
	{ NULL, 0, NULL, 0 },
};

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
		   "  --port N          destination port for udp/tcp (1-65535, default 33434 / 80)\n");
	msm_cli_help_common(f);
}

/* The method named m, or -1. */
static int method_by_name(const char *m)
{
	for (unsigned i = 0; i <= PING_METHOD_TCP_ACK; i++)
		if (strcmp(ping_method_name(i), m) == 0)
			return (int)i;
	return -1;
}

/* One ping option into the spec; 0, or -1 with err. */
static int ping_opt(int c, const char *arg, struct ping_spec *s, long long *port,
		    char *err, size_t errlen)
{
	long long v;
	int m;
	switch (c) {
	case OPT_METHOD:
		if ((m = method_by_name(arg)) < 0) {
			snprintf(err, errlen, "--method: '%s' is not icmp-echo, udp, tcp-syn or tcp-ack", arg);
			return -1;
		}
		s->method = (uint8_t)m;
		return 0;
	case OPT_COUNT:
		if (!parse_option_num("--count", arg, 1, 65535, &v, err, errlen))
			return -1;
		s->count = (uint16_t)v;
		return 0;
	case OPT_INTERVAL:
		if (!parse_option_num("--interval", arg, 1, 3600000, &v, err, errlen))
			return -1;
		s->interval_ms = (uint32_t)v;
		return 0;
	case OPT_SIZE:
		if (!parse_option_num("--size", arg, 0, 65000, &v, err, errlen))
			return -1;
		s->size = (uint16_t)v;
		return 0;
	case OPT_TTL:
		if (!parse_option_num("--ttl", arg, 1, 255, &v, err, errlen))
			return -1;
		s->ttl = (uint8_t)v;
		return 0;
	case OPT_TIMEOUT:
		if (!parse_option_num("--timeout", arg, 1, 600000, &v, err, errlen))
			return -1;
		s->timeout_ms = (uint32_t)v;
		return 0;
	case OPT_PORT:
		return parse_option_num("--port", arg, 1, 65535, port, err, errlen) ? 0 : -1;
	default:
		snprintf(err, errlen, "unknown option (try --help)");
		return -1;
	}
}

/* vantage ping. */
int cmd_ping(int argc, char **argv)
{
	struct ping_spec s;
	struct msm_cli_opts o;
	char err[256];
	long long port = 0;
	int c;
	ping_spec_default(&s);
	msm_cli_defaults(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "46f:O:o:h", longopts, NULL)) != -1) {
		if (c == MSM_OPT_HELP || c == 'h') {
			help(stdout);
			return 0;
		}
		if (c == '?') {
			help(stderr);
			return 2;
		}
		int rc = msm_cli_common(c, optarg, &o, err, sizeof err);
		if (rc == 0)
			rc = ping_opt(c, optarg, &s, &port, err, sizeof err) == 0 ? 1 : -1;
		if (rc < 0) {
			fprintf(stderr, "vantage ping: %s\n", err);
			return 2;
		}
	}
	if (s.method != PING_METHOD_ICMP_ECHO)
		s.dport = (uint16_t)(port ? port : s.method == PING_METHOD_UDP ? 33434 : 80);
	return msm_cli_run("vantage ping", &ping_type, &s, &o, argv + optind, argc - optind);
}
