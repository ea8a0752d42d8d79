/*
 * cmd_results_api: `vantage results ID`, a measurement's results read
 * through the controller's REST API (one RIPE Atlas JSON result per line,
 * or the JSON array with --format json), filtered by time and probes. Other
 * forms (`vantage results export ...`, the admin socket's export) are
 * passed on to the controller CLI's cmd_results.
 */
#include "api/cmd_api.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_client.h"
#include "controller/cli.h"
#include "util/numparse.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vantage results ID [--start UNIX] [--stop UNIX] [--probe-ids ID,ID...]\n"
		"         [--format txt|json] [--api ADDR:PORT] [--key KEY] [--ca CERTFILE]\n"
		"       vantage results export ...   (through the admin socket)\n");
}

/* Append "&name=value" to the path after checking value as a number. */
static int add_num(char *path, size_t len, const char *name, const char *arg)
{
	long long v;
	char err[256], opt[32];
	snprintf(opt, sizeof opt, "--%s", name);
	if (!parse_option_num(opt, arg, 0, 1LL << 40, &v, err, sizeof err)) {
		fprintf(stderr, "vantage results: %s\n", err);
		return -1;
	}
	snprintf(path + strlen(path), len - strlen(path), "&%s=%lld", name, v);
	return 0;
}

/* Append the other options to path and the client settings; 0 or an exit status. */
static int options(int argc, char **argv, char *path, size_t len, const char **api,
		   const char **key, const char **ca)
{
	static const struct option opts[] = {
		{ "start", 1, NULL, 's' }, { "stop", 1, NULL, 'e' }, { "probe-ids", 1, NULL, 'p' },
		{ "format", 1, NULL, 'f' }, { "api", 1, NULL, 'a' }, { "key", 1, NULL, 'k' },
		{ "ca", 1, NULL, 'C' }, { NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((ch == 's' && add_num(path, len, "start", optarg) < 0) ||
		    (ch == 'e' && add_num(path, len, "stop", optarg) < 0))
			return 2;
		if (ch == 'p' && strspn(optarg, "0123456789,") == strlen(optarg))
			snprintf(path + strlen(path), len - strlen(path), "&probe_ids=%.3000s", optarg);
		else if (ch == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "txt") == 0))
			snprintf(path + strlen(path), len - strlen(path), "&format=%s", optarg);
		else if (ch == 'a' || ch == 'k' || ch == 'C')
			*(ch == 'a' ? api : ch == 'k' ? key : ca) = optarg;
		else if (ch != 's' && ch != 'e')
			return usage(stderr), 2;
	}
	return optind == argc ? 0 : (usage(stderr), 2);
}

/* See cmd_api.h. */
int cmd_results_api(int argc, char **argv)
{
	long long id;
	char err[512], path[4096];
	if (argc < 2 || !parse_bounded(argv[1], 1, 1LL << 53, &id, err, sizeof err))
		return argc >= 2 && argv[1][0] != '-' ? cmd_results(argc, argv) : (usage(stderr), 2);
	const char *api = NULL, *key = NULL, *ca = NULL;
	snprintf(path, sizeof path, "/api/v2/measurements/%lld/results/?format=txt", id);
	int rc = options(argc, argv, path, sizeof path, &api, &key, &ca);
	struct api_client c;
	struct api_http_resp r;
	if (rc == 0 && (api_client_init(&c, api, key, ca, err, sizeof err) < 0 ||
			api_client_call(&c, "GET", path, NULL, &r, err, sizeof err) < 0)) {
		fprintf(stderr, "vantage results: %s\n", err);
		return 1;
	}
	if (rc != 0)
		return rc;
	if (r.status != 200) {
		api_client_error_text(&r, err, sizeof err);
		fprintf(stderr, "vantage results: measurement %lld: %s\n", id, err);
		rc = 1;
	} else {
		fwrite(r.body, 1, r.len, stdout);
	}
	free(r.body);
	return rc;
}
