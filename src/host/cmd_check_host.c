/*
 * cmd_check_host: `vantage check-host`, the operator's answer to "can this
 * host be a vantage point?". Parses options, loads the requirements, gathers
 * the facts, prints one line per requirement (or JSON) and exits with a
 * status scripts can test.
 */
#include "host/cmd_check_host.h"
#include "host/check.h"
#include "host/check_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parsed command line. */
struct check_args {
	enum host_role role;
	const char *requirements;
	const char *ifname;
	int json;
	enum timing_depth depth;
};

/* Print the help text. */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: vantage check-host [--role probe|anchor] [--requirements FILE]\n"
		"                          [--interface IF] [--quick] [--json]\n"
		"\n"
		"Checks whether this host can serve as a vantage point of the given role\n"
		"(default probe): resources, addresses, raw sockets, kernel and hardware\n"
		"timestamps, virtualisation, clock source and measured timing quality.\n"
		"Prints one line per requirement: pass, warn or fail with the value measured.\n"
		"Only loopback traffic is used; it takes about a second (--quick: less).\n"
		"\n"
		"  --role R            probe or anchor (built-in requirements of that role)\n"
		"  --requirements F    requirements file (see etc/vantage/host-*.conf)\n"
		"  --interface IF      measuring interface (default: the default route's)\n"
		"  --quick             the agent's quick timing sample instead of the full one\n"
		"  --json              print the check as JSON\n"
		"\n"
		"exit status: 0 all pass, 1 warnings (no failure), 2 failures,\n"
		"             3 bad option or requirements file\n");
}

/* Parse argv into *a; returns -1 (message printed) on a bad option, 1 for
   --help, else 0. */
static int parse_args(int argc, char **argv, struct check_args *a)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "requirements", required_argument, NULL, 'f' },
		{ "interface", required_argument, NULL, 'i' },
		{ "quick", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof *a);
	a->depth = TIMING_FULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (role_parse(optarg, &a->role) < 0) {
				fprintf(stderr, "check-host: --role: '%s' is not probe or anchor\n", optarg);
				return -1;
			}
			break;
		case 'f': a->requirements = optarg; break;
		case 'i': a->ifname = optarg; break;
		case 'q': a->depth = TIMING_QUICK; break;
		case 'j': a->json = 1; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "check-host: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Print the report as text lines. */
static void print_text(const struct host_requirements *req, const char *source,
		       const struct check_report *r)
{
	printf("vantage check-host: role %s, requirements %s\n", role_name(req->role), source);
	for (size_t i = 0; i < r->n; i++) {
		const struct check_line *l = &r->line[i];
		printf("%-4s  %-17s %s  [need %s]\n", check_status_name(l->status), l->name,
		       l->value, l->need);
	}
	printf("%d pass, %d warn, %d fail\n", r->npass, r->nwarn, r->nfail);
}

/* Print the report as JSON; returns 0 or -1. */
static int print_json(const struct host_requirements *req, const char *source,
		      const struct host_facts *f, const struct check_report *r)
{
	json_t *j = check_report_json(req, source, f, r);
	if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		json_decref(j);
		fprintf(stderr, "check-host: cannot encode the report as JSON\n");
		return -1;
	}
	putchar('\n');
	json_decref(j);
	return 0;
}

/* The subcommand. */
int cmd_check_host(int argc, char **argv)
{
	struct check_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? 0 : CHECK_EXIT_USAGE;
	struct host_requirements req;
	char err[512];
	const char *source = a.requirements ? a.requirements : "built-in";
	if (a.requirements) {
		if (requirements_load(a.requirements, a.role, &req, err, sizeof err) < 0) {
			fprintf(stderr, "check-host: %s\n", err);
			return CHECK_EXIT_USAGE;
		}
	} else {
		requirements_default(a.role, &req);
	}
	struct host_facts *f = calloc(1, sizeof *f);
	struct check_report *r = calloc(1, sizeof *r);
	if (!f || !r) {
		free(f);
		free(r);
		fprintf(stderr, "check-host: out of memory\n");
		return CHECK_EXIT_USAGE;
	}
	host_facts_collect(&req, a.ifname, a.depth, f);
	check_evaluate(&req, f, r);
	rc = check_exit_status(r);
	if (a.json ? print_json(&req, source, f, r) < 0 : (print_text(&req, source, r), 0))
		rc = CHECK_EXIT_USAGE;
	free(f);
	free(r);
	return rc;
}
