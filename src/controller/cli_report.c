/*
 * cli_report: `vantage report churn [--from T] [--to T] [--period S]
 * [--json] [--svg FILE]`, the churn report of a running controller through
 * its admin socket (cli.h): a table per period, the uptime distribution and
 * the hosts that churn most, as text, as JSON, and as an SVG picture.
 * Times are Unix seconds or UTC dates (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS).
 */
#include "controller/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "controller/churn_svg.h"
#include "util/numparse.h"

/* Options of one `vantage report churn`. */
struct report_cli {
	const char *admin;
	const char *svg;
	int json;
};

static void usage(void)
{
	fprintf(stderr, "usage: vantage report churn [--from T] [--to T] [--period SECONDS]"
		" [--json] [--svg FILE] [--admin PATH]\n"
		"  T: Unix seconds or a UTC date YYYY-MM-DD[THH:MM:SS]; default the last 30 days"
		" in periods of a day\n");
}

/* A time option into *out; 0, or -1 after a message naming it. */
static int parse_time(const char *opt, const char *arg, long long *out)
{
	char err[128];
	struct tm tm = { 0 };
	const char *end;
	if (parse_bounded(arg, 0, 1LL << 40, out, err, sizeof err))
		return 0;
	if (((end = strptime(arg, "%Y-%m-%dT%H:%M:%S", &tm)) && !*end) ||
	    (memset(&tm, 0, sizeof tm), (end = strptime(arg, "%Y-%m-%d", &tm)) && !*end)) {
		*out = (long long)timegm(&tm);
		return 0;
	}
	fprintf(stderr, "vantage report: %s: '%s' is neither Unix seconds nor a date"
		" YYYY-MM-DD[THH:MM:SS]\n", opt, arg);
	return -1;
}

/* A Unix time as UTC text. */
static const char *utc(const json_t *v, char *buf, size_t len)
{
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* "all (probes/anchors)" of one kind of a period row into buf. */
static const char *cell(const json_t *p, const char *kind, char *buf, size_t len)
{
	const json_t *k = json_object_get(p, kind);
	snprintf(buf, len, "%lld (%lld/%lld)", (long long)json_integer_value(json_object_get(k, "all")),
		 (long long)json_integer_value(json_object_get(k, "probe")),
		 (long long)json_integer_value(json_object_get(k, "anchor")));
	return buf;
}

/* One role's uptime line. */
static void print_uptime(const char *name, const json_t *u)
{
	const json_t *m = json_object_get(u, "median"), *v;
	size_t i;
	printf("uptime %-7s %4lld agents, median %s", name,
	       (long long)json_integer_value(json_object_get(u, "agents")), json_is_number(m) ? "" : "-");
	if (json_is_number(m))
		printf("%5.1f%%", 100 * json_number_value(m));
	printf("   histogram by 10%%:");
	json_array_foreach(json_object_get(u, "histogram"), i, v)
		printf(" %lld", (long long)json_integer_value(v));
	putchar('\n');
}

/* The report as text. */
static void show_churn(const json_t *r)
{
	char b1[32], b2[32], b3[32], b4[32];
	const json_t *p, *u = json_object_get(r, "uptime");
	size_t i;
	printf("churn from %s to %s UTC, periods of %lld s, abandoned after %lld s disconnected\n",
	       utc(json_object_get(r, "from"), b1, sizeof b1), utc(json_object_get(r, "to"), b2,
								     sizeof b2),
	       (long long)json_integer_value(json_object_get(r, "period")),
	       (long long)json_integer_value(json_object_get(r, "abandon_after")));
	printf("%-20s %-14s %-14s %-14s   (all (probes/anchors))\n", "period (UTC)", "joined",
	       "left", "returned");
	json_array_foreach(json_object_get(r, "periods"), i, p)
		printf("%-20s %-14s %-14s %-14s\n", utc(json_object_get(p, "start"), b1, sizeof b1),
		       cell(p, "joined", b2, sizeof b2), cell(p, "left", b3, sizeof b3),
		       cell(p, "returned", b4, sizeof b4));
	print_uptime("all", json_object_get(u, "all"));
	print_uptime("probes", json_object_get(u, "probe"));
	print_uptime("anchors", json_object_get(u, "anchor"));
	printf("hosts whose vantage points disconnect most:\n  %-24s %-7s %-12s %s\n", "host",
	       "agents", "disconnects", "connects");
	json_array_foreach(json_object_get(r, "hosts"), i, p)
		printf("  %-24s %-7lld %-12lld %lld\n", json_string_value(json_object_get(p, "host")),
		       (long long)json_integer_value(json_object_get(p, "agents")),
		       (long long)json_integer_value(json_object_get(p, "disconnects")),
		       (long long)json_integer_value(json_object_get(p, "connects")));
}

/* Write the SVG picture of r to path; an exit status. */
static int write_svg(const char *path, const json_t *r)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "vantage report: %s: cannot open for writing\n", path);
		return 1;
	}
	int rc = churn_svg_write(r, f);
	if (fclose(f) != 0 || rc < 0) {
		fprintf(stderr, "vantage report: %s: write failed\n", path);
		return 1;
	}
	return 0;
}

/* Parse the options into o and req; the index of the first operand, or -1. */
static int parse(struct report_cli *o, json_t *req, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", 1, NULL, 'f' }, { "to", 1, NULL, 't' }, { "period", 1, NULL, 'p' },
		{ "svg", 1, NULL, 's' }, { "json", 0, NULL, 'J' }, { "admin", 1, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	long long v;
	char err[128];
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'f' || ch == 't') {
			if (parse_time(ch == 'f' ? "--from" : "--to", optarg, &v) < 0)
				return -1;
			json_object_set_new(req, ch == 'f' ? "from" : "to", json_integer(v));
		} else if (ch == 'p') {
			if (!parse_option_num("--period", optarg, 1, 1LL << 40, &v, err, sizeof err)) {
				fprintf(stderr, "vantage report: %s\n", err);
				return -1;
			}
			json_object_set_new(req, "period", json_integer(v));
		} else if (ch == 's') {
			o->svg = optarg;
		} else if (ch == 'J') {
			o->json = 1;
		} else if (ch == 'A') {
			o->admin = optarg;
		} else {
			return -1;
		}
	}
	return optind;
}

/* See cli.h. */
int cmd_report(int argc, char **argv)
{
	struct report_cli o = { 0 };
	if (argc < 2 || strcmp(argv[1], "churn") != 0) {
		usage();
		return 2;
	}
	json_t *req = json_pack("{s:s}", "cmd", "report.churn"), *data = NULL;
	int i = parse(&o, req, argc - 1, argv + 1);
	if (i < 0 || i != argc - 1) {
		json_decref(req);
		usage();
		return 2;
	}
	char err[512];
	int rc = cli_request(cli_admin_path(o.admin), req, &data, err, sizeof err);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "vantage report: %s\n", err);
		return 1;
	}
	if (o.json) {
		json_dumpf(data, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		show_churn(data);
	}
	rc = o.svg ? write_svg(o.svg, data) : 0;
	json_decref(data);
	return rc;
}
