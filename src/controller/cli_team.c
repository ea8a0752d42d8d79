/*
 * cli_team: `vantage prefixes load FILE | list` and `vantage team create |
 * list | status | stop`, operator commands against a running controller's
 * admin socket (cli.h). Each parses its arguments into one request (numbers
 * and durations through numparse, so a bad value is named with its option)
 * and prints the answer for people, or as JSON with --json.
 */
#include "controller/cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/numparse.h"

/* What every command here takes besides its own options. */
struct team_cli {
	const char *prog;
	const char *admin;
	int json;
};

/* Send req (consumed); print data as JSON or with show. Returns an exit status. */
static int send_req(const struct team_cli *c, json_t *req, void (*show)(const json_t *))
{
	json_t *data = NULL;
	char err[512];
	int rc = cli_request(cli_admin_path(c->admin), req, &data, err, sizeof err);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", c->prog, err);
		return 1;
	}
	if (c->json || !show) {
		char *t = json_dumps(data, JSON_INDENT(2));
		if (t)
			puts(t);
		free(t);
	} else {
		show(data);
	}
	json_decref(data);
	return 0;
}

/* An integer of o as long long (0 when absent). */
static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* Print a load's outcome. */
static void show_load(const json_t *d)
{
	printf("prefix table version %lld: %lld prefixes (%lld IPv4, %lld IPv6), %lld /24s,"
	       " %lld IPv6 targets\n", num(d, "version"), num(d, "prefixes"), num(d, "v4_prefixes"),
	       num(d, "v6_prefixes"), num(d, "slash24s"), num(d, "v6_targets"));
}

/* Print the versions table. */
static void show_versions(const json_t *d)
{
	const json_t *r;
	size_t i;
	printf("%-8s %-10s %-10s %-10s %s\n", "version", "prefixes", "/24s", "v6", "source");
	json_array_foreach(d, i, r)
		printf("%-8lld %-10lld %-10lld %-10lld %s\n", num(r, "version"), num(r, "prefixes"),
		       num(r, "slash24s"), num(r, "v6_targets"),
		       json_string_value(json_object_get(r, "source")));
}

/* Parse --admin and --json off argv (from index 1); returns optind or -1. */
static int base_opts(struct team_cli *c, int argc, char **argv)
{
	static const struct option o[] = { { "admin", 1, NULL, 'A' }, { "json", 0, NULL, 'J' },
					   { NULL, 0, NULL, 0 } };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (ch == 'A')
			c->admin = optarg;
		else if (ch == 'J')
			c->json = 1;
		else
			return -1;
	}
	return optind;
}

static void prefixes_usage(void)
{
	fprintf(stderr, "usage: vantage prefixes load FILE   (prefix<TAB>length<TAB>ASN lines;"
		" the controller's user must be able to read FILE)\n"
		"       vantage prefixes list [--json]\n"
		"       (both take --admin PATH)\n");
}

/* See cli.h. */
int cmd_prefixes(int argc, char **argv)
{
	struct team_cli c = { .prog = "vantage prefixes" };
	int i = argc < 2 ? -1 : base_opts(&c, argc - 1, argv + 1);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	if (i >= 0 && strcmp(argv[1], "list") == 0 && rest == 0)
		return send_req(&c, json_pack("{s:s}", "cmd", "prefixes.list"), show_versions);
	if (i >= 0 && strcmp(argv[1], "load") == 0 && rest == 1) {
		char path[PATH_MAX];
		if (!realpath(args[0], path)) {
			perror(args[0]);
			return 1;
		}
		return send_req(&c, json_pack("{s:s,s:s}", "cmd", "prefixes.load", "path", path),
				show_load);
	}
	prefixes_usage();
	return 2;
}

/*
 * Parse a duration: a number with an optional unit s, m, h or d ("24h").
 * Returns 0 with seconds in *out, or -1 after printing what is wrong.
 */
static int parse_duration(const char *opt, const char *text, long long *out)
{
	static const struct { char unit; long long secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char num_text[32], err[128];
	size_t n = strlen(text);
	long long mult = 1, v;
	for (size_t u = 0; n > 1 && u < sizeof units / sizeof units[0]; u++)
		if (text[n - 1] == units[u].unit) {
			mult = units[u].secs;
			n--;
			break;
		}
	snprintf(num_text, sizeof num_text, "%.*s", (int)(n < sizeof num_text - 1 ? n : 0), text);
	if (!parse_bounded(num_text, 1, 366LL * 86400 / mult, &v, err, sizeof err)) {
		fprintf(stderr, "vantage team: %s: '%s' is not a duration (N[s|m|h|d]): %s\n", opt,
			text, err);
		return -1;
	}
	*out = v * mult;
	return 0;
}

/* Put option ch's value into the team.create request; 0 or -1 (printed). */
static int take_create(int ch, const char *arg, json_t *req)
{
	long long v;
	char err[160];
	switch (ch) {
	case 'a': json_object_set_new(req, "agents", json_string(arg)); return 0;
	case 'm': json_object_set_new(req, "method", json_string(arg)); return 0;
	case '6': json_object_set_new(req, "family", json_integer(6)); return 0;
	case 'p':
		if (strcmp(arg, "latest") == 0) {
			json_object_set_new(req, "prefixes", json_string(arg));
			return 0;
		}
		if (!parse_option_num("--prefixes", arg, 1, LLONG_MAX, &v, err, sizeof err))
			break;
		json_object_set_new(req, "prefixes", json_integer(v));
		return 0;
	case 'r': case 'k':
		if (!parse_option_num(ch == 'r' ? "--pps" : "--chunk", arg, 1, 1000000, &v, err,
				      sizeof err))
			break;
		json_object_set_new(req, ch == 'r' ? "pps" : "chunk", json_integer(v));
		return 0;
	case 'c': case 'g':
		if (parse_duration(ch == 'c' ? "--cycle" : "--gone", arg, &v) < 0)
			return -1;
		json_object_set_new(req, ch == 'c' ? "cycle" : "gone", json_integer(v));
		return 0;
	default:
		return -1;
	}
	fprintf(stderr, "vantage team: %s\n", err);
	return -1;
}

/* Parse `team create NAME ...` into a request; NULL after printing the problem. */
static json_t *create_req(struct team_cli *c, int argc, char **argv)
{
	static const struct option o[] = {
		{ "agents", 1, NULL, 'a' }, { "prefixes", 1, NULL, 'p' }, { "method", 1, NULL, 'm' },
		{ "pps", 1, NULL, 'r' }, { "cycle", 1, NULL, 'c' }, { "chunk", 1, NULL, 'k' },
		{ "gone", 1, NULL, 'g' }, { "admin", 1, NULL, 'A' }, { "json", 0, NULL, 'J' },
		{ NULL, 0, NULL, 0 } };
	json_t *req = json_pack("{s:s,s:s,s:s}", "cmd", "team.create", "prefixes", "latest",
				"method", "icmp-paris");
	int ch;
	optind = 1;
	while (req && (ch = getopt_long(argc, argv, "6", o, NULL)) != -1) {
		if (ch == 'A' || ch == 'J') {
			c->admin = ch == 'A' ? optarg : c->admin;
			c->json |= ch == 'J';
		} else if (take_create(ch, optarg, req) < 0) {
			json_decref(req);
			return NULL;
		}
	}
	if (!req || optind != argc - 1 || !json_object_get(req, "agents") ||
	    !json_object_get(req, "pps") || !json_object_get(req, "cycle")) {
		fprintf(stderr, "vantage team create: give NAME, --agents, --pps and --cycle\n");
		json_decref(req);
		return NULL;
	}
	json_object_set_new(req, "name", json_string(argv[optind]));
	return req;
}

/* Print the teams table. */
static void show_teams(const json_t *d)
{
	const json_t *t;
	size_t i;
	printf("%-4s %-16s %-11s %-6s %-9s %-7s %-8s %s\n", "id", "name", "method", "pps",
	       "cycle(s)", "cycle", "running", "agents");
	json_array_foreach(d, i, t)
		printf("%-4lld %-16s %-11s %-6lld %-9lld %-7lld %-8s %s\n", num(t, "id"),
		       json_string_value(json_object_get(t, "name")),
		       json_string_value(json_object_get(t, "method")), num(t, "pps"),
		       num(t, "cycle_secs"), num(t, "cycle"), num(t, "stopped") ? "no" : "yes",
		       json_string_value(json_object_get(t, "agents")));
}

/* Unix seconds as UTC text into buf ("-" for 0 or null). */
static const char *when(const json_t *v, char *buf, size_t len)
{
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	if (t <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* Print a team's status: its cycle, share done, members, estimated end. */
static void show_status(const json_t *d)
{
	const json_t *t = json_object_get(d, "team"), *cy = json_object_get(d, "cycle");
	const json_t *tot = json_object_get(d, "total"), *m;
	char b1[32], b2[32];
	size_t i;
	printf("team %s: %s at %lld pps, cycles of %lld s%s\n",
	       json_string_value(json_object_get(t, "name")),
	       json_string_value(json_object_get(t, "method")), num(t, "pps"), num(t, "cycle_secs"),
	       num(t, "stopped") ? " (stopped)" : "");
	if (!cy) {
		printf("no cycle yet\n");
		return;
	}
	long long all = num(tot, "targets"), done = num(tot, "done_targets");
	printf("cycle %lld (prefix version %lld), started %s: %lld of %lld targets done (%.1f%%),"
	       " %lld of %lld chunks, %lld reassigned; estimated end %s\n", num(cy, "cycle"),
	       num(cy, "version"), when(json_object_get(cy, "started"), b1, sizeof b1), done, all,
	       all ? 100.0 * (double)done / (double)all : 0.0, num(tot, "done_chunks"),
	       num(tot, "chunks"), num(tot, "reassigned"),
	       when(json_object_get(d, "estimated_end"), b2, sizeof b2));
	printf("%-8s %-6s %-10s %-10s %-8s %-6s %s\n", "agent", "rate", "share", "done", "chunks",
	       "out", "repeats");
	json_array_foreach(json_object_get(d, "members"), i, m)
		printf("%-8lld %-6lld %-10lld %-10lld %-8lld %-6lld %lld\n", num(m, "agent_id"),
		       num(m, "rate"), num(m, "share"), num(m, "done_targets"), num(m, "done_chunks"),
		       num(m, "out_chunks"), num(m, "repeats"));
}

/* Print the id of a created or stopped team. */
static void show_id(const json_t *d)
{
	printf("%lld\n", num(d, "id"));
}

static void team_usage(void)
{
	fprintf(stderr, "usage: vantage team create NAME --agents TAG|ID,... --pps N --cycle N[s|m|h|d]\n"
		"                          [--prefixes VERSION|latest] [--method icmp-paris] [-6]\n"
		"                          [--chunk TARGETS (2000)] [--gone N[s|m|h|d] (10m)]\n"
		"       vantage team list | status NAME | stop NAME   [--json]\n"
		"       (all take --admin PATH)\n");
}

/* See cli.h. */
int cmd_team(int argc, char **argv)
{
	struct team_cli c = { .prog = "vantage team" };
	if (argc >= 2 && strcmp(argv[1], "create") == 0) {
		json_t *req = create_req(&c, argc - 1, argv + 1);
		return req ? send_req(&c, req, show_id) : 2;
	}
	int i = argc < 2 ? -1 : base_opts(&c, argc - 1, argv + 1);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	if (i >= 0 && strcmp(argv[1], "list") == 0 && rest == 0)
		return send_req(&c, json_pack("{s:s}", "cmd", "team.list"), show_teams);
	if (i >= 0 && (strcmp(argv[1], "status") == 0 || strcmp(argv[1], "stop") == 0) &&
	    rest == 1) {
		int status = argv[1][2] == 'a';
		return send_req(&c, json_pack("{s:s,s:s}", "cmd", status ? "team.status" :
					      "team.stop", "name", args[0]),
				status ? show_status : show_id);
	}
	team_usage();
	return 2;
}
