/*
 * cli: `vantage agents`, `vantage measurement`, `vantage results` and
 * `vantage noprobe`, the
 * operator commands against a running controller (see cli.h). Each parses
 * its arguments into one admin request and prints the answer for people
 * (or as JSON with --json).
 */
#include "controller/cli.h"

#include "api/api_attrs.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format/atlas_read.h"
#include "format/result_sink.h"
#include "util/numparse.h"

#define DEFAULT_ADMIN "/var/lib/vantage-controller/admin.sock"

/* Options every operator command takes. */
struct cli {
	const char *prog;      /* "vantage agents" ... */
	const char *admin;
	int json;
	const char *out;       /* results export: output file */
};

/* See cli.h. */
const char *cli_admin_path(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("VANTAGE_ADMIN");
	return env && *env ? env : DEFAULT_ADMIN;
}

/* See cli.h. */
int cli_ask(const char *prog, const char *admin, int json, json_t *req,
	    void (*show)(const json_t *data))
{
	json_t *data = NULL;
	char err[512];
	int rc = cli_request(cli_admin_path(admin), req, &data, err, sizeof err);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (json || !show) {
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

/* Send req (consumed) for the command c; an exit status. */
static int run(const struct cli *c, json_t *req, void (*show)(const json_t *data))
{
	return cli_ask(c->prog, c->admin, c->json, req, show);
}

/* A value of an object as text ("-" when null). */
static const char *text(const json_t *o, const char *k, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, k);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "-";
}

/* Print the agents table. */
static void show_agents(const json_t *data)
{
	size_t i;
	json_t *a;
	char b1[32], b2[32];
	printf("%-4s %-16s %-7s %-9s %-10s %-12s %-12s %s\n", "id", "key", "role", "approved",
	       "connected", "account", "org", "tags");
	json_array_foreach(data, i, a) {
		printf("%-4s %.16s %-7s %-9s %-10s %-12s %-12s %s\n", text(a, "id", b1, sizeof b1),
		       text(a, "fp", b2, sizeof b2), text(a, "role", b2, sizeof b2),
		       json_integer_value(json_object_get(a, "approved")) ? "yes" : "no",
		       json_integer_value(json_object_get(a, "connected")) ? "yes" : "no",
		       text(a, "account", b2, sizeof b2), text(a, "org", b2, sizeof b2),
		       text(a, "tags", b2, sizeof b2));
	}
}

/* Print the measurements table. */
static void show_msms(const json_t *data)
{
	size_t i;
	json_t *m;
	char b[32], b2[32], b3[32];
	printf("%-5s %-8s %-8s %-8s %-12s %s\n", "id", "interval", "stopped", "results", "agents",
	       "definition");
	json_array_foreach(data, i, m) {
		printf("%-5s %-8s %-8s %-8s %-12s %s\n", text(m, "id", b, sizeof b),
		       text(m, "interval", b2, sizeof b2),
		       json_is_null(json_object_get(m, "stopped")) ? "no" : "yes",
		       text(m, "results", b3, sizeof b3), text(m, "agents", b, sizeof b),
		       text(m, "def", b, sizeof b));
		if (json_is_string(json_object_get(m, "refused")))
			printf("      refused by %s\n", json_string_value(json_object_get(m, "refused")));
	}
}

/* Print "ok" for commands without data worth showing. */
static void show_ok(const json_t *data)
{
	const json_t *id = json_object_get(data, "id");
	const char *state = json_string_value(json_object_get(data, "state"));
	if (json_is_integer(id))
		printf("%lld\n", (long long)json_integer_value(id));
	else if (!state || strcmp(state, "approved") == 0)
		printf("ok\n");
	if (state && strcmp(state, "approved") != 0)   /* pending or refused: say why */
		printf("%s: %s\n", state, json_string_value(json_object_get(data, "reason")));
}

/* Parse the common options; returns optind's new value or -1 after printing an error. */
static int common_opts(struct cli *c, int argc, char **argv, const char *shortopts,
		       const struct option *extra, int (*take)(struct cli *, int, const char *, json_t *),
		       json_t *req)
{
	struct option all[24];
	size_t n = 0;
	for (; extra && extra[n].name && n < 20; n++)
		all[n] = extra[n];
	all[n++] = (struct option){ "admin", 1, NULL, 'A' };
	all[n++] = (struct option){ "json", 0, NULL, 'J' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, shortopts, all, NULL)) != -1) {
		if (ch == 'A')
			c->admin = optarg;
		else if (ch == 'J')
			c->json = 1;
		else if (ch == '?' || !take || take(c, ch, optarg, req) < 0)
			return -1;
	}
	return optind;
}

/* An attribute option of `vantage agents add` (src/api/api_attrs.h). */
static int attr_option(int ch, const char *arg, json_t *req)
{
	char err[256];
	if (api_attrs_option(ch, arg, req, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "vantage agents: %s\n", err);
	return -1;
}

/* --host-report FILE: the JSON of `vantage check-host --json`, sent with the registration. */
static int host_report_option(const char *path, json_t *req)
{
	json_error_t jerr;
	json_t *r = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(r)) {
		fprintf(stderr, "vantage agents: --host-report %s: %s\n", path,
			r ? "not a JSON object" : jerr.text);
		json_decref(r);
		return -1;
	}
	json_object_set_new(req, "host_report", r);
	return 0;
}

/* Options of `vantage agents add`. */
static int take_agent(struct cli *c, int ch, const char *arg, json_t *req)
{
	(void)c;
	if (ch == 'o')
		json_object_set_new(req, "org", json_string(arg));
	else if (ch == 'r')
		json_object_set_new(req, "role", json_string(arg));
	else if (ch == 't')
		json_object_set_new(req, "tags", json_string(arg));
	else if (ch == 'y')
		json_object_set_new(req, "approve", json_true());
	else if (ch == 'C')
		json_object_set_new(req, "account", json_string(arg));
	else if (ch == 'H')
		return host_report_option(arg, req);
	else if (ch >= API_ATTR_FIRST && ch <= API_ATTR_LAST)
		return attr_option(ch, arg, req);
	else
		return -1;
	return 0;
}

static void agents_usage(void)
{
	fprintf(stderr, "usage: vantage agents add FINGERPRINT [--org ORG] [--role probe|anchor]"
		" [--tags a,b] [--approve] [--account NAME] [--host-report FILE]\n"
		"         " API_ATTRS_USAGE "\n"
		"       vantage agents approve|remove ID|FINGERPRINT\n"
		"       vantage agents list [--json]\n"
		"       vantage agents sessions [ID]\n"
		"       vantage agents timing ID [--json]\n"
		"       vantage agents show ID [--json]\n"
		"       vantage agents names [--zone DOMAIN] [--convention TEMPLATE] [--ttl N] [--json]\n"
		"       vantage agents locate ID LAT LON\n"
		"  all take --admin PATH (default $VANTAGE_ADMIN or " DEFAULT_ADMIN ")\n");
}

/* The flag names of arr joined by commas into buf, "ok" when there are none. */
static const char *join_flags(const json_t *arr, char *buf, size_t len)
{
	size_t k;
	const json_t *f;
	snprintf(buf, len, "%s", json_array_size(arr) ? "" : "ok");
	json_array_foreach(arr, k, f)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", k ? "," : "",
			 json_string_value(f));
	return buf;
}

/* Print the timing history: one line per report with its main figures and flags. */
static void show_timing(const json_t *data)
{
	size_t i;
	const json_t *row;
	printf("%-12s %-9s %-9s %-8s %-9s %s\n", "time", "ts_step", "late_p99", "steal%",
	       "maxerr_ms", "flags");
	json_array_foreach(data, i, row) {
		const json_t *r = json_object_get(row, "report");
		const json_t *ts = json_object_get(r, "kernel_ts"), *tm = json_object_get(r, "timer");
		char flags[256];
		join_flags(json_object_get(row, "flags"), flags, sizeof flags);
		printf("%-12lld %-6lldns %-7.0fus %-8.2f %-9lld %s\n",
		       (long long)json_integer_value(json_object_get(row, "time")),
		       (long long)json_integer_value(json_object_get(ts, "step_ns")),
		       json_number_value(json_object_get(tm, "late_p99_us")),
		       json_number_value(json_object_get(json_object_get(r, "steal"), "pct")),
		       (long long)json_integer_value(json_object_get(json_object_get(r, "sync"),
								      "maxerror_us")) / 1000,
		       flags);
	}
}

/* One probe kind of the reach check as "state (rcvd/sent)". */
static void print_kind(const json_t *reach, const char *kind)
{
	const json_t *k = json_object_get(reach, kind);
	printf("  %-11s %s", kind, json_string_value(json_object_get(k, "state")));
	if (json_object_get(k, "sent"))
		printf(" (%lld of %lld answered)", (long long)json_integer_value(json_object_get(k, "rcvd")),
		       (long long)json_integer_value(json_object_get(k, "sent")));
	if (json_object_get(k, "hops"))
		printf(" (%lld hops)", (long long)json_integer_value(json_object_get(k, "hops")));
	putchar('\n');
}

/* Print one agent: its registration, reach check and newest timing flags. */
static void show_agent(const json_t *a)
{
	char b[32], b2[32], b3[32];
	const json_t *reach = json_object_get(a, "reach"), *t = json_object_get(a, "timing");
	printf("agent %s  %s  %s  org %s\n", text(a, "id", b, sizeof b), text(a, "role", b, sizeof b),
	       text(a, "fp", b, sizeof b), text(a, "org", b, sizeof b));
	printf("account %s%s\n", text(a, "account", b, sizeof b),
	       json_is_true(json_object_get(a, "account_disabled")) ? " (disabled)" : "");
	if (json_is_string(json_object_get(a, "state")))
		printf("state %s since %s; first connected %s, last connected %s; %lld s connected"
		       " in all\n", json_string_value(json_object_get(a, "state")),
		       text(a, "status_since", b, sizeof b), text(a, "first_connected", b2, sizeof b2),
		       text(a, "last_connected", b3, sizeof b3),
		       (long long)json_integer_value(json_object_get(a, "total_connected")));
	if (json_integer_value(json_object_get(a, "results_refused")))
		printf("results refused: %lld (see the controller's log for why)\n",
		       (long long)json_integer_value(json_object_get(a, "results_refused")));
	if (json_is_string(json_object_get(a, "rewound")))
		printf("found rewound: %s\n", json_string_value(json_object_get(a, "rewound")));
	if (!json_is_object(reach)) {
		printf("reach check: none yet (it starts when a second agent is connected)\n");
	} else {
		const json_t *r = json_object_get(reach, "reachable");
		printf("reach check of %s from agent %lld: %s\n",
		       json_string_value(json_object_get(reach, "address")),
		       (long long)json_integer_value(json_object_get(reach, "prober")),
		       json_is_null(r) ? "pending" : json_is_true(r) ? "reachable" : "unreachable");
		for (const char *const *k = (const char *const[]){ "icmp", "tcp", "udp", "traceroute",
								    NULL }; *k; k++)
			print_kind(reach, *k);
	}
	const json_t *np = json_object_get(a, "noprobe");
	if (json_is_object(np))
		printf("no-probe list: version %lld, agent enforces %s%s\n",
		       (long long)json_integer_value(json_object_get(np, "version")),
		       text(np, "enforced", b, sizeof b),
		       json_is_true(json_object_get(np, "behind")) ? " (behind)" : "");
	char flags[256];
	if (json_is_object(t))
		printf("timing at %lld: %s\n", (long long)json_integer_value(json_object_get(t, "time")),
		       join_flags(json_object_get(t, "flags"), flags, sizeof flags));
}

/* `vantage agents timing|show ID`: ask about one agent; an exit status. */
static int agents_one(struct cli *c, const char *sub, const char *arg, json_t *req)
{
	long long id;
	char err[128], cmd[32];
	if (!parse_option_num("agent", arg, 1, 1LL << 62, &id, err, sizeof err)) {
		fprintf(stderr, "vantage agents %s: %s\n", sub, err);
		json_decref(req);
		return 2;
	}
	snprintf(cmd, sizeof cmd, "agents.%s", sub);
	json_object_set_new(req, "cmd", json_string(cmd));
	json_object_set_new(req, "agent", json_integer(id));
	return run(c, req, strcmp(sub, "show") == 0 ? show_agent : show_timing);
}

/* `vantage agents locate ID LAT LON`: where the agent is (degrees). */
static int agents_locate_cli(struct cli *c, char **args, json_t *req)
{
	long long id;
	char err[128], *end1, *end2;
	double lat = strtod(args[1], &end1), lon = strtod(args[2], &end2);
	if (!parse_option_num("agent", args[0], 1, 1LL << 62, &id, err, sizeof err) ||
	    *end1 || *end2 || end1 == args[1] || end2 == args[2]) {
		fprintf(stderr, "vantage agents locate: give ID LAT LON (degrees)\n");
		json_decref(req);
		return 2;
	}
	json_object_set_new(req, "cmd", json_string("agents.locate"));
	json_object_set_new(req, "agent", json_integer(id));
	json_object_set_new(req, "lat", json_real(lat));
	json_object_set_new(req, "lon", json_real(lon));
	return run(c, req, show_ok);
}

/* See cli.h. */
int cmd_agents(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", 1, NULL, 'o' }, { "role", 1, NULL, 'r' }, { "tags", 1, NULL, 't' },
		{ "approve", 0, NULL, 'y' }, { "account", 1, NULL, 'C' }, API_ATTRS_OPTIONS,
		{ "host-report", 1, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .prog = "vantage agents" };
	if (argc < 2) {
		agents_usage();
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "names") == 0)
		return cli_agents_names(argc - 1, argv + 1);
	json_t *req = json_object();
	int i = common_opts(&c, argc - 1, argv + 1, "", opts, take_agent, req);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	if (strcmp(sub, "list") == 0 && rest == 0) {
		json_object_set_new(req, "cmd", json_string("agents.list"));
		return run(&c, req, show_agents);
	}
	if (strcmp(sub, "sessions") == 0 && rest <= 1) {
		long long id = 0;
		char err[128];
		if (rest == 1 && !parse_option_num("agent", args[0], 1, 1LL << 62, &id, err, sizeof err)) {
			fprintf(stderr, "vantage agents sessions: %s\n", err);
			json_decref(req);
			return 2;
		}
		json_object_set_new(req, "cmd", json_string("sessions"));
		json_object_set_new(req, "agent", json_integer(id));
		c.json = 1;
		return run(&c, req, NULL);
	}
	if (strcmp(sub, "locate") == 0 && rest == 3)
		return agents_locate_cli(&c, args, req);
	if ((strcmp(sub, "timing") == 0 || strcmp(sub, "show") == 0) && rest == 1)
		return agents_one(&c, sub, args[0], req);
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "approve") == 0 || strcmp(sub, "remove") == 0) &&
	    rest == 1) {
		char cmd[32];
		snprintf(cmd, sizeof cmd, "agents.%s", sub);
		json_object_set_new(req, "cmd", json_string(cmd));
		json_object_set_new(req, strcmp(sub, "add") == 0 ? "fp" : "key", json_string(args[0]));
		return run(&c, req, show_ok);
	}
	json_decref(req);
	agents_usage();
	return 2;
}

/* Set an integer field of obj from a bounded option value; -1 after an error message. */
static int set_num(json_t *obj, const char *key, const char *opt, const char *arg,
		   long long lo, long long hi)
{
	long long v;
	char err[256];
	if (!parse_option_num(opt, arg, lo, hi, &v, err, sizeof err)) {
		fprintf(stderr, "vantage measurement: %s\n", err);
		return -1;
	}
	json_object_set_new(obj, key, json_integer(v));
	return 0;
}

/* A comma-separated agent list (ids or fingerprints) as a JSON array. */
static json_t *agent_list(const char *arg)
{
	json_t *arr = json_array();
	char *copy = strdup(arg), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long long v;
		char err[64];
		if (parse_bounded(t, 1, 1LL << 62, &v, err, sizeof err))
			json_array_append_new(arr, json_integer(v));
		else
			json_array_append_new(arr, json_string(t));
	}
	free(copy);
	return arr;
}

/* Options of `vantage measurement create`: into the definition or the request. */
static int take_msm(struct cli *c, int ch, const char *arg, json_t *req)
{
	(void)c;
	json_t *def = json_object_get(req, "def");
	json_error_t jerr;
	switch (ch) {
	case 'T': json_object_set_new(def, "type", json_string(arg)); return 0;
	case 'g': json_object_set_new(def, "target", json_string(arg)); return 0;
	case 'P': json_object_set_new(def, "protocol", json_string(arg)); return 0;
	case 'f': return set_num(def, "af", "--af", arg, 4, 6);
	case 'n': return set_num(def, "packets", "--packets", arg, 1, 16);
	case 's': return set_num(def, "size", "--size", arg, 0, 2048);
	case 'x': return set_num(def, "paris", "--paris", arg, 0, 64);
	case 'm': return set_num(def, "max_hops", "--max-hops", arg, 1, 255);
	case 'a': json_object_set_new(req, "agents", agent_list(arg)); return 0;
	case 'r': json_object_set_new(req, "role", json_string(arg)); return 0;
	case 't': json_object_set_new(req, "tag", json_string(arg)); return 0;
	case 'c': return set_num(req, "count", "--count", arg, 1, 1000000);
	case 'i': return set_num(req, "interval", "--interval", arg, 1, 86400 * 365);
	case 'S': return set_num(req, "start", "--start", arg, 0, 1LL << 40);
	case 'E': return set_num(req, "stop", "--stop", arg, 0, 1LL << 40);
	case 'p': return set_num(req, "spread", "--spread", arg, 0, 86400);
	case 'D': {
		json_t *d = json_loads(arg, 0, &jerr);
		if (!json_is_object(d)) {
			fprintf(stderr, "vantage measurement: --def: not a JSON object: %s\n", jerr.text);
			json_decref(d);
			return -1;
		}
		json_object_update(def, d);
		json_decref(d);
		return 0;
	}
	}
	return -1;
}

static void msm_usage(void)
{
	fprintf(stderr,
		"usage: vantage measurement create --type ping|traceroute --target ADDR [--af 4|6]\n"
		"         [--packets N] [--size N] [--protocol ICMP|UDP|TCP] [--paris N] [--max-hops N]\n"
		"         [--def JSON] [--agents ID,...|--role R|--tag T] [--count N]\n"
		"         [--interval S] [--start T] [--stop T] [--spread S]\n"
		"       vantage measurement list [--json]\n"
		"       vantage measurement stop ID\n");
}

/* See cli.h. */
int cmd_measurement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", 1, NULL, 'T' }, { "target", 1, NULL, 'g' }, { "protocol", 1, NULL, 'P' },
		{ "af", 1, NULL, 'f' }, { "packets", 1, NULL, 'n' }, { "size", 1, NULL, 's' },
		{ "paris", 1, NULL, 'x' }, { "max-hops", 1, NULL, 'm' }, { "agents", 1, NULL, 'a' },
		{ "role", 1, NULL, 'r' }, { "tag", 1, NULL, 't' }, { "count", 1, NULL, 'c' },
		{ "interval", 1, NULL, 'i' }, { "start", 1, NULL, 'S' }, { "stop", 1, NULL, 'E' },
		{ "spread", 1, NULL, 'p' }, { "def", 1, NULL, 'D' }, { NULL, 0, NULL, 0 },
	};
	struct cli c = { .prog = "vantage measurement" };
	if (argc < 2) {
		msm_usage();
		return 2;
	}
	const char *sub = argv[1];
	json_t *req = json_pack("{s:{s:i}}", "def", "af", 4);
	int i = common_opts(&c, argc - 1, argv + 1, "", opts, take_msm, req);
	int rest = i < 0 ? -1 : argc - 1 - i;
	if (strcmp(sub, "create") == 0 && rest == 0) {
		json_object_set_new(req, "cmd", json_string("msm.create"));
		return run(&c, req, show_ok);
	}
	if (strcmp(sub, "list") == 0 && rest == 0) {
		json_object_set_new(req, "cmd", json_string("msm.list"));
		return run(&c, req, show_msms);
	}
	if (strcmp(sub, "stop") == 0 && rest == 1) {
		json_object_set_new(req, "cmd", json_string("msm.stop"));
		if (set_num(req, "id", "measurement", argv[1 + i], 1, 1LL << 62) == 0)
			return run(&c, req, show_ok);
		json_decref(req);
		return 2;
	}
	json_decref(req);
	if (i >= 0)
		msm_usage();
	return 2;
}

/* Options of `vantage results export`. */
static int take_results(struct cli *c, int ch, const char *arg, json_t *req)
{
	if (ch == 'm')
		return set_num(req, "msm_id", "--msm", arg, 1, 1LL << 62);
	if (ch == 'F') {
		if (strcmp(arg, "json") != 0 && strcmp(arg, "warts") != 0) {
			fprintf(stderr, "vantage results: --format: '%s' is neither json nor warts\n", arg);
			return -1;
		}
		json_object_set_new(req, "format", json_string(arg));
		return 0;
	}
	if (ch == 'o') {
		c->out = arg;
		return 0;
	}
	return -1;
}

/* Write data (an array of RIPE Atlas results) as JSON to c->out or stdout. */
static int write_json(const struct cli *c, json_t *data)
{
	FILE *f = c->out ? fopen(c->out, "w") : stdout;
	if (!f) {
		fprintf(stderr, "vantage results: %s: cannot open for writing\n", c->out);
		return 1;
	}
	int rc = json_dumpf(data, f, JSON_COMPACT) == 0 && fputc('\n', f) != EOF ? 0 : 1;
	if (c->out && fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "vantage results: %s: write failed\n", c->out ? c->out : "stdout");
	return rc;
}

/* See cli.h. */
int cli_warts_one(struct result_sink *s, const json_t *o, char *err, size_t errlen)
{
	struct atlas_any any = { 0 };
	int rc = atlas_read(o, &any, err, errlen);
	if (rc == 0)
		rc = any.kind == ATLAS_PING ? result_sink_ping(s, any.ping, err, errlen)
					    : result_sink_trace(s, any.trace, err, errlen);
	ping_result_free(any.ping);
	trace_result_free(any.trace);
	return rc;
}

/* Write data (RIPE Atlas results) as warts to c->out or stdout, with the
   format library's encoder; results it cannot read are counted and named. */
static int write_warts(const struct cli *c, json_t *data)
{
	FILE *f = c->out ? fopen(c->out, "wb") : stdout;
	char err[256];
	if (!f) {
		fprintf(stderr, "vantage results: %s: cannot open for writing\n", c->out);
		return 1;
	}
	struct result_sink_info info = { .list_name = "vantage-controller" };
	struct result_sink *s = result_sink_open(RESULT_FORMAT_WARTS, f, &info, err, sizeof err);
	size_t i, bad = 0;
	json_t *o;
	json_array_foreach(data, i, o) {
		if (s && cli_warts_one(s, o, err, sizeof err) < 0 && bad++ < 3)
			fprintf(stderr, "vantage results: agent %lld seq %lld: %s\n",
				(long long)json_integer_value(json_object_get(o, "vantage_agent")),
				(long long)json_integer_value(json_object_get(o, "vantage_seq")), err);
	}
	int rc = s && result_sink_close(s, err, sizeof err) == 0 ? 0 : 1;
	if (c->out && fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "vantage results: %s: %s\n", c->out ? c->out : "stdout", err);
	if (bad)
		fprintf(stderr, "vantage results: %zu of %zu results could not be written as warts\n",
			bad, json_array_size(data));
	return rc || bad;
}

/* See cli.h. */
int cmd_results(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "msm", 1, NULL, 'm' }, { "format", 1, NULL, 'F' }, { "output", 1, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { .prog = "vantage results" };
	for (int k = 2; argc >= 2 && strcmp(argv[1], "export") == 0 && k < argc; k++)
		if (strcmp(argv[k], "--team") == 0 || strncmp(argv[k], "--team=", 7) == 0)
			return cli_team_export(argc - 1, argv + 1);
	json_t *req = json_pack("{s:s,s:s}", "cmd", "results.export", "format", "json");
	int i = argc >= 2 && strcmp(argv[1], "export") == 0 ?
		common_opts(&c, argc - 1, argv + 1, "o:", opts, take_results, req) : -1;
	if (i < 0 || i != argc - 1) {
		json_decref(req);
		fprintf(stderr, "usage: vantage results export [--msm ID] [--format json|warts]"
			" [--output FILE] [--admin PATH]\n");
		return 2;
	}
	int warts = strcmp(json_string_value(json_object_get(req, "format")), "warts") == 0;
	json_t *data = NULL;
	char err[512];
	int rc = cli_request(cli_admin_path(c.admin), req, &data, err, sizeof err);
	json_decref(req);
	if (rc < 0) {
		fprintf(stderr, "vantage results: %s\n", err);
		return 1;
	}
	rc = warts ? write_warts(&c, data) : write_json(&c, data);
	json_decref(data);
	return rc;
}

/* Print the no-probe list: version, then who added which prefix, when and why. */
static void show_noprobe(const json_t *data)
{
	const json_t *e;
	size_t i;
	char b[32], b2[64];
	printf("no-probe list version %lld\n",
	       (long long)json_integer_value(json_object_get(data, "version")));
	printf("%-20s %-12s %-20s %s\n", "prefix", "who", "added (UTC)", "reason");
	json_array_foreach(json_object_get(data, "entries"), i, e) {
		time_t t = (time_t)json_integer_value(json_object_get(e, "added"));
		struct tm tm;
		char when[32] = "-";
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		printf("%-20s %-12s %-20s %s\n", text(e, "prefix", b2, sizeof b2),
		       text(e, "who", b, sizeof b), when,
		       json_string_value(json_object_get(e, "reason")));
	}
}

/* Print the list's new version after a change. */
static void show_version(const json_t *data)
{
	printf("no-probe list version %lld\n",
	       (long long)json_integer_value(json_object_get(data, "version")));
}

/* Who is changing the list: the user behind sudo, or the one running this. */
static const char *who_am_i(void)
{
	const char *sudo = getenv("SUDO_USER");
	const struct passwd *pw = getpwuid(geteuid());
	return sudo && *sudo ? sudo : pw ? pw->pw_name : "unknown";
}

/* Options of `vantage noprobe add`. */
static int take_noprobe(struct cli *c, int ch, const char *arg, json_t *req)
{
	(void)c;
	if (ch != 'r')
		return -1;
	json_object_set_new(req, "reason", json_string(arg));
	return 0;
}

static void noprobe_usage(void)
{
	fprintf(stderr, "usage: vantage noprobe add PREFIX --reason TEXT\n"
		"       vantage noprobe remove PREFIX\n"
		"       vantage noprobe list [--json]\n"
		"       (all take --admin PATH; default $VANTAGE_ADMIN or %s)\n", DEFAULT_ADMIN);
}

/* See cli.h. */
int cmd_noprobe(int argc, char **argv)
{
	static const struct option opts[] = { { "reason", 1, NULL, 'r' }, { NULL, 0, NULL, 0 } };
	struct cli c = { .prog = "vantage noprobe" };
	if (argc < 2) {
		noprobe_usage();
		return 2;
	}
	const char *sub = argv[1];
	json_t *req = json_object();
	int i = common_opts(&c, argc - 1, argv + 1, "", opts, take_noprobe, req);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	int has_reason = json_object_get(req, "reason") != NULL;
	if (strcmp(sub, "list") == 0 && rest == 0 && !has_reason) {
		json_object_set_new(req, "cmd", json_string("noprobe.list"));
		return run(&c, req, show_noprobe);
	}
	if (strcmp(sub, "add") == 0 && rest == 1 && has_reason) {
		json_object_set_new(req, "cmd", json_string("noprobe.add"));
		json_object_set_new(req, "prefix", json_string(args[0]));
		json_object_set_new(req, "who", json_string(who_am_i()));
		return run(&c, req, show_version);
	}
	if (strcmp(sub, "remove") == 0 && rest == 1 && !has_reason) {
		json_object_set_new(req, "cmd", json_string("noprobe.remove"));
		json_object_set_new(req, "prefix", json_string(args[0]));
		return run(&c, req, show_version);
	}
	json_decref(req);
	noprobe_usage();
	return 2;
}
