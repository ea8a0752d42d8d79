/*
 * cmd_measure: `vantage measure ping|traceroute`, a one-off measurement
 * through the controller's REST API: it creates the measurement, shows a
 * progress line while the probes answer, then prints the results (one RIPE
 * Atlas JSON result per line).
 */
#include "api/cmd_api.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api_client.h"
#include "util/numparse.h"

struct measure {
	json_t *def, *src;
	const char *api, *key, *ca;
	long long wait;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vantage measure ping|traceroute --target ADDR [--af 4|6]\n"
		"         [--probes N | --probe-ids ID,ID...] [--packets N] [--size N]\n"
		"         [--protocol ICMP|UDP|TCP] [--paris N] [--max-hops N] [--description TEXT]\n"
		"         [--wait SECONDS] [--api ADDR:PORT] [--key KEY] [--ca CERTFILE]\n"
		"  --api, --key and --ca default to $VANTAGE_API, $VANTAGE_API_KEY, $VANTAGE_API_CA\n");
}

/* Set integer field name of o from arg within [lo, hi]; 0 or -1 with a message. */
static int set_num(json_t *o, const char *name, const char *opt, const char *arg, long long lo,
		   long long hi)
{
	long long v;
	char err[256];
	if (!parse_option_num(opt, arg, lo, hi, &v, err, sizeof err)) {
		fprintf(stderr, "vantage measure: %s\n", err);
		return -1;
	}
	json_object_set_new(o, name, json_integer(v));
	return 0;
}

/* Apply one option to m; 0 or -1. */
static int option(struct measure *m, int ch, const char *arg)
{
	switch (ch) {
	case 't': json_object_set_new(m->def, "target", json_string(arg)); return 0;
	case 'f': return set_num(m->def, "af", "--af", arg, 4, 6);
	case 'n': return set_num(m->def, "packets", "--packets", arg, 1, 16);
	case 's': return set_num(m->def, "size", "--size", arg, 0, 2048);
	case 'x': return set_num(m->def, "paris", "--paris", arg, 0, 64);
	case 'm': return set_num(m->def, "max_hops", "--max-hops", arg, 1, 255);
	case 'P': json_object_set_new(m->def, "protocol", json_string(arg)); return 0;
	case 'd': json_object_set_new(m->def, "description", json_string(arg)); return 0;
	case 'c':
		json_object_set_new(m->src, "type", json_string("area"));
		json_object_set_new(m->src, "value", json_string("WW"));
		return set_num(m->src, "requested", "--probes", arg, 1, 10000);
	case 'i': {
		size_t n = 1;
		for (const char *p = arg; *p; p++)
			n += *p == ',';
		json_object_set_new(m->src, "type", json_string("probes"));
		json_object_set_new(m->src, "value", json_string(arg));
		json_object_set_new(m->src, "requested", json_integer((json_int_t)n));
		return 0;
	}
	case 'w': {
		char err[256];
		if (parse_option_num("--wait", arg, 0, 86400, &m->wait, err, sizeof err))
			return 0;
		fprintf(stderr, "vantage measure: %s\n", err);
		return -1;
	}
	case 'a': m->api = arg; return 0;
	case 'k': m->key = arg; return 0;
	case 'C': m->ca = arg; return 0;
	default: usage(stderr); return -1;
	}
}

/* Parse argv into m; 0, or an exit status. */
static int parse(struct measure *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", 1, NULL, 't' }, { "af", 1, NULL, 'f' }, { "packets", 1, NULL, 'n' },
		{ "size", 1, NULL, 's' }, { "paris", 1, NULL, 'x' }, { "max-hops", 1, NULL, 'm' },
		{ "protocol", 1, NULL, 'P' }, { "description", 1, NULL, 'd' },
		{ "probes", 1, NULL, 'c' }, { "probe-ids", 1, NULL, 'i' }, { "wait", 1, NULL, 'w' },
		{ "api", 1, NULL, 'a' }, { "key", 1, NULL, 'k' }, { "ca", 1, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (option(m, ch, optarg) < 0)
			return 2;
	if (optind != argc - 1 || (strcmp(argv[optind], "ping") != 0 &&
				   strcmp(argv[optind], "traceroute") != 0)) {
		usage(stderr);
		return 2;
	}
	json_object_set_new(m->def, "type", json_string(argv[optind]));
	if (!json_object_get(m->def, "target")) {
		fprintf(stderr, "vantage measure: --target is missing\n");
		return 2;
	}
	return 0;
}

/* Call the API; on a transport failure or an error status print why and return -1. */
static int call(const struct api_client *c, const char *method, const char *path,
		const char *body, int want, struct api_http_resp *r)
{
	char err[512];
	if (api_client_call(c, method, path, body, r, err, sizeof err) < 0) {
		fprintf(stderr, "vantage: %s\n", err);
		return -1;
	}
	if (r->status != want) {
		api_client_error_text(r, err, sizeof err);
		fprintf(stderr, "vantage: %s %s: %s\n", method, path, err);
		free(r->body);
		return -1;
	}
	return 0;
}

/* The integer field name of the JSON body of path, or -1. */
static long long get_field(const struct api_client *c, const char *path, const char *name)
{
	struct api_http_resp r;
	if (call(c, "GET", path, NULL, 200, &r) < 0)
		return -1;
	json_error_t jerr;
	json_t *o = json_loads(r.body, 0, &jerr);
	long long v = name ? json_integer_value(json_object_get(o, name)) :
		(long long)json_array_size(o);
	json_decref(o);
	free(r.body);
	return v;
}

/*
 * Show progress until every participant answered or wait seconds passed; 0 if
 * all did. On a terminal the line is rewritten each second; otherwise (a log)
 * only the final state is written, once.
 */
static int await(const struct api_client *c, long long id, long long wait)
{
	char meta[96], latest[96];
	snprintf(meta, sizeof meta, "/api/v2/measurements/%lld/", id);
	snprintf(latest, sizeof latest, "/api/v2/measurements/%lld/latest/", id);
	int tty = isatty(STDERR_FILENO);
	time_t t0 = time(NULL);
	for (;;) {
		long long parts = get_field(c, meta, "participant_count");
		long long got = get_field(c, latest, NULL);
		long long t = (long long)(time(NULL) - t0);
		if (parts < 0 || got < 0)
			return -1;
		int end = got >= parts || t >= wait;
		if (tty || end)
			fprintf(stderr, "%smeasurement %lld: %lld of %lld probes answered (%llds)%s",
				tty ? "\r" : "", id, got, parts, t, end ? "\n" : "");
		if (end)
			return got >= parts ? 0 : 1;
		sleep(1);
	}
}

/* Create the measurement; its id or -1. */
static long long create(const struct api_client *c, struct measure *m)
{
	if (!json_object_get(m->src, "type")) {
		json_object_set_new(m->src, "type", json_string("area"));
		json_object_set_new(m->src, "value", json_string("WW"));
		json_object_set_new(m->src, "requested", json_integer(1));
	}
	if (!json_object_get(m->def, "description"))
		json_object_set_new(m->def, "description", json_string("vantage measure"));
	json_t *req = json_pack("{s:[O],s:[O],s:b}", "definitions", m->def, "probes", m->src,
				"is_oneoff", 1);
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	struct api_http_resp r;
	int rc = body ? call(c, "POST", "/api/v2/measurements/", body, 201, &r) : -1;
	free(body);
	if (rc < 0)
		return -1;
	json_error_t jerr;
	json_t *o = json_loads(r.body, 0, &jerr);
	long long id = json_integer_value(json_array_get(json_object_get(o, "measurements"), 0));
	json_decref(o);
	free(r.body);
	return id > 0 ? id : -1;
}

/* See cmd_api.h. */
int cmd_measure(int argc, char **argv)
{
	struct measure m = { json_object(), json_object(), NULL, NULL, NULL, 60 };
	struct api_client c;
	char err[256];
	int rc = parse(&m, argc, argv);
	if (rc == 0 && api_client_init(&c, m.api, m.key, m.ca, err, sizeof err) < 0) {
		fprintf(stderr, "vantage measure: %s\n", err);
		rc = 2;
	}
	long long id = rc == 0 ? create(&c, &m) : -1;
	if (id > 0) {
		rc = await(&c, id, m.wait) < 0 ? 1 : 0;
		char path[96];
		snprintf(path, sizeof path, "/api/v2/measurements/%lld/results/?format=txt", id);
		struct api_http_resp r;
		if (rc == 0 && call(&c, "GET", path, NULL, 200, &r) == 0) {
			fwrite(r.body, 1, r.len, stdout);
			free(r.body);
		} else {
			rc = 1;
		}
	} else if (rc == 0) {
		rc = 1;
	}
	json_decref(m.def);
	json_decref(m.src);
	return rc;
}
