/*
 * cli_permissions: the location part of admission from the command line,
 * through the controller's admin socket (cli.h):
 *   vantage permissions grant --account A --prefix P|--asn N --note TEXT
 *   vantage permissions list ACCOUNT
 *   vantage accounts own ACCOUNT --prefix P|--asn N
 * An agent whose address lies outside its account's own prefixes and ASes
 * waits (pending) until a permission covers it; `agents approve` then
 * admits it.
 */
#include "controller/cli.h"

#include "util/numparse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* The options of one call. */
struct perm_cli {
	const char *admin, *account, *prefix, *note;
	long long asn;
	int json;
};

static void usage(void)
{
	fprintf(stderr, "usage: vantage permissions grant --account A --prefix P|--asn N --note TEXT\n"
		"       vantage permissions list ACCOUNT\n"
		"       vantage accounts own ACCOUNT --prefix P|--asn N\n"
		"  all take --json and --admin PATH (default $VANTAGE_ADMIN or the controller's)\n");
}

/* Parse the options into o; the index of the first operand, or -1. */
static int parse(struct perm_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", 1, NULL, 'a' }, { "prefix", 1, NULL, 'p' }, { "asn", 1, NULL, 'n' },
		{ "note", 1, NULL, 'N' }, { "admin", 1, NULL, 'A' }, { "json", 0, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char err[160];
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': o->account = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'N': o->note = optarg; break;
		case 'A': o->admin = optarg; break;
		case 'J': o->json = 1; break;
		case 'n':
			if (!parse_option_num("asn", optarg, 1, 4294967295LL, &o->asn, err, sizeof err)) {
				fprintf(stderr, "vantage permissions: %s\n", err);
				return -1;
			}
			break;
		default: return -1;
		}
	}
	return optind;
}

/* The request {cmd, account, prefix | asn[, note]}; NULL unless exactly one of them. */
static json_t *location_req(const char *cmd, const struct perm_cli *o)
{
	if (!o->account || !o->prefix == !o->asn)
		return NULL;
	json_t *req = json_pack("{s:s, s:s}", "cmd", cmd, "account", o->account);
	if (req && o->prefix)
		json_object_set_new(req, "prefix", json_string(o->prefix));
	else if (req)
		json_object_set_new(req, "asn", json_integer(o->asn));
	if (req && o->note)
		json_object_set_new(req, "note", json_string(o->note));
	return req;
}

static void show_done(const json_t *data)
{
	(void)data;
	printf("ok\n");
}

/* The account's own space and permissions, one line each. */
static void show_list(const json_t *data)
{
	size_t i;
	const json_t *r;
	json_array_foreach(data, i, r) {
		const json_t *asn = json_object_get(r, "asn");
		char as[24] = "-";
		if (json_is_integer(asn))
			snprintf(as, sizeof as, "AS%lld", (long long)json_integer_value(asn));
		printf("%-10s %-20s %-12s %s\n", json_string_value(json_object_get(r, "kind")),
		       json_is_string(json_object_get(r, "prefix")) ?
		       json_string_value(json_object_get(r, "prefix")) : "-", as,
		       json_string_value(json_object_get(r, "note")));
	}
}

/* Run sub ("grant", "list" or "own") of prog; an exit status. */
static int run(const char *prog, const char *sub, int argc, char **argv)
{
	struct perm_cli o = { 0 };
	int i = parse(&o, argc, argv);
	int rest = i < 0 ? -1 : argc - i;
	json_t *req = NULL;
	if (strcmp(sub, "grant") == 0 && rest == 0 && o.note)
		req = location_req("permissions.grant", &o);
	else if (strcmp(sub, "own") == 0 && rest == 1 && !o.note && !o.account) {
		o.account = argv[i];
		req = location_req("accounts.own", &o);
	} else if (strcmp(sub, "list") == 0 && rest == 1 && !o.prefix && !o.asn && !o.note)
		req = json_pack("{s:s, s:s}", "cmd", "permissions.list", "account", argv[i]);
	if (!req) {
		usage();
		return 2;
	}
	return cli_ask(prog, o.admin, o.json, req, strcmp(sub, "list") == 0 ? show_list : show_done);
}

/* See cli.h. */
int cmd_permissions(int argc, char **argv)
{
	if (argc < 2) {
		usage();
		return 2;
	}
	return run("vantage permissions", argv[1], argc - 1, argv + 1);
}

/* See cli.h. */
int cmd_accounts_own(int argc, char **argv)
{
	return run("vantage accounts", "own", argc - 1, argv + 1);
}
