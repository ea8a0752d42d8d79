/*
 * cli_names: `vantage agents names --zone DOMAIN [--convention C] [--ttl N]`
 * prints every vantage point's forward (A, AAAA) and reverse (PTR) records
 * as zone-file lines with absolute names, ready to include in the zone and
 * in the reverse zones that hold the addresses. The controller names them
 * (names_ctl.c) the way its API shows them as "fqdn". A collision (one name
 * or one address for two vantage points) or a name that cannot be made is
 * printed on stderr and makes the exit status 1, with no records printed:
 * a zone with them would answer wrongly.
 */
#include "controller/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

/* The options of the command. */
struct names_opts {
	const char *admin;
	int json;
	long long ttl;
};

static void names_usage(void)
{
	fprintf(stderr, "usage: vantage agents names [--zone DOMAIN] [--convention TEMPLATE]"
		" [--ttl SECONDS] [--json] [--admin PATH]\n"
		"  TEMPLATE of {id} {role} {country} {asn} {org}, the zone appended"
		" (default: the controller's dns_names, else p{id}.{role})\n");
}

/* Print one record line: "owner. TTL IN TYPE data". */
static void line(const char *owner, long long ttl, const char *type, const char *data, int dot)
{
	printf("%s. %lld IN %s %s%s\n", owner, ttl, type, data, dot ? "." : "");
}

/* Print the zone-file lines of the answer. */
static void show_records(const json_t *data, long long ttl)
{
	const json_t *recs = json_object_get(data, "records"), *r;
	size_t i;
	printf("; vantage agents names: %zu vantage points in %s by %s\n", json_array_size(recs),
	       json_string_value(json_object_get(data, "zone")),
	       json_string_value(json_object_get(data, "convention")));
	printf("; forward records (zone %s)\n", json_string_value(json_object_get(data, "zone")));
	json_array_foreach(recs, i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *v4 = json_string_value(json_object_get(r, "address_v4"));
		const char *v6 = json_string_value(json_object_get(r, "address_v6"));
		if (v4)
			line(name, ttl, "A", v4, 0);
		if (v6)
			line(name, ttl, "AAAA", v6, 0);
	}
	printf("; reverse records (in-addr.arpa and ip6.arpa zones)\n");
	json_array_foreach(recs, i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		for (const char *const *k = (const char *const[]){ "ptr_v4", "ptr_v6", NULL }; *k; k++)
			if (json_is_string(json_object_get(r, *k)))
				line(json_string_value(json_object_get(r, *k)), ttl, "PTR", name, 1);
	}
}

/* Parse the options into o and req; optind, or -1 after a message. */
static int names_args(int argc, char **argv, struct names_opts *o, json_t *req)
{
	static const struct option opts[] = {
		{ "zone", 1, NULL, 'z' }, { "convention", 1, NULL, 'c' }, { "ttl", 1, NULL, 't' },
		{ "json", 0, NULL, 'J' }, { "admin", 1, NULL, 'A' }, { NULL, 0, NULL, 0 },
	};
	char err[128];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'z' || ch == 'c')
			json_object_set_new(req, ch == 'z' ? "zone" : "convention", json_string(optarg));
		else if (ch == 'J')
			o->json = 1;
		else if (ch == 'A')
			o->admin = optarg;
		else if (ch == 't' && !parse_option_num("--ttl", optarg, 0, 2147483647, &o->ttl, err,
							sizeof err)) {
			fprintf(stderr, "vantage agents names: %s\n", err);
			return -1;
		} else if (ch != 't')
			return -1;
	}
	return optind;
}

/* See cli.h. */
int cli_agents_names(int argc, char **argv)
{
	struct names_opts o = { .ttl = 3600 };
	json_t *req = json_pack("{s:s}", "cmd", "agents.names"), *data = NULL;
	if (names_args(argc, argv, &o, req) != argc) {
		json_decref(req);
		names_usage();
		return 2;
	}
	char err[512];
	int rc = cli_request(cli_admin_path(o.admin), req, &data, err, sizeof err);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "vantage agents names: %s\n", err);
		return 1;
	}
	const json_t *problems = json_object_get(data, "problems"), *p;
	size_t i;
	json_array_foreach(problems, i, p)
		fprintf(stderr, "vantage agents names: %s\n", json_string_value(p));
	if (o.json) {
		char *t = json_dumps(data, JSON_INDENT(2));
		if (t)
			puts(t);
		free(t);
	} else if (json_array_size(problems) == 0) {
		show_records(data, o.ttl);
	}
	rc = json_array_size(problems) ? 1 : 0;
	json_decref(data);
	return rc;
}
