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
	{ "send-path", required_argument, NULL, MSM_OPT_SEND_PATH },
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
		   "  --port N          destination port for udp/tcp (1-65535, default 33434 / 80)\n"
		   "  --send-path P     auto (default: whole frames on a packet socket once 64\n"
		   "                    probes are queued), raw (raw IP sockets) or packet\n");
	msm_cli_help_common(f);
}

/* What the ping options fill. */
struct ping_args {
	struct ping_spec s;
	long long port;
};

/* One ping option into the spec; 0, or -1 with err. */
static int ping_opt(int c, const char *arg, void *ctx, char *err, size_t errlen)
{
	struct ping_args *a = ctx;
	struct ping_spec *s = &a->s;
	long long *port = &a->port;
	long long v;
	int m;
	switch (c) {
	case OPT_METHOD:
		if ((m = msm_cli_name_index(ping_method_name, PING_METHOD_TCP_ACK + 1, arg)) < 0) {
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
	struct ping_args a = { .port = 0 };
	struct msm_cli_opts o;
	ping_spec_default(&a.s);
	msm_cli_defaults(&o);
	int rc = msm_cli_parse("vantage ping", argc, argv, longopts, ping_opt, &a, help, &o);
	if (rc >= 0)
		return rc;
	if (a.s.method != PING_METHOD_ICMP_ECHO)
		a.s.dport = (uint16_t)(a.port ? a.port : a.s.method == PING_METHOD_UDP ? 33434 : 80);
	return msm_cli_run("vantage ping", &ping_type, &a.s, &o, argv + optind, argc - optind);
}
