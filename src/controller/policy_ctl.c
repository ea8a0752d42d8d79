/*
 * policy_ctl: the admin socket's policy.show, the platform's rules in force
 * (platform_policy.h), and the CLI that asks for them, `vantage policy show
 * [--json] [--admin PATH]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "controller/cli.h"
#include "controller/controller_int.h"

/* policy.show {} → [{key, value, origin, help}, ...] */
json_t *policy_show(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *out = platform_policy_json(&c->policy);
	if (!out)
		snprintf(err, errlen, "out of memory");
	return out;
}

/* One rule a line: `key value  # origin: help`. */
static void show_rules(const json_t *rules)
{
	size_t i;
	const json_t *r;
	json_array_foreach(rules, i, r) {
		const json_t *v = json_object_get(r, "value");
		char value[32];
		if (json_is_boolean(v))
			snprintf(value, sizeof value, "%s", json_is_true(v) ? "yes" : "no");
		else
			snprintf(value, sizeof value, "%lld", (long long)json_integer_value(v));
		printf("%-26s %-8s # %s: %s\n", json_string_value(json_object_get(r, "key")), value,
		       json_string_value(json_object_get(r, "origin")),
		       json_string_value(json_object_get(r, "help")));
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: vantage policy show [--json] [--admin PATH]\n"
		"  the platform's rules in force in the running controller (admission, credits,"
		" limits) and where each came from\n");
}

/* See cli.h. */
int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'J' },
					      { "admin", required_argument, NULL, 'A' },
					      { NULL, 0, NULL, 0 } };
	const char *admin = NULL;
	int json = 0, ch;
	if (argc < 2 || strcmp(argv[1], "show") != 0) {
		usage();
		return 2;
	}
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (ch == 'J')
			json = 1;
		else if (ch == 'A')
			admin = optarg;
		else {
			usage();
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage();
		return 2;
	}
	return cli_ask("vantage policy", admin, json, json_pack("{s:s}", "cmd", "policy.show"),
		       show_rules);
}
