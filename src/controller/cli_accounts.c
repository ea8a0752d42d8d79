/*
 * cli_accounts: `vantage accounts add NAME [--note TEXT] | list | show
 * NAME|ID | disable NAME|ID`, the accounts of a running controller through
 * its admin socket (cli.h). Each prints for people, or JSON with --json.
 */
#include "controller/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


/* Options of one `vantage accounts` call. */
struct accounts_cli {
	const char *admin;
	const char *note;
	int json;
};

static void usage(void)
{
	fprintf(stderr, "usage: vantage accounts add NAME [--note TEXT]\n"
		"       vantage accounts list\n"
		"       vantage accounts show NAME|ID\n"
		"       vantage accounts disable NAME|ID\n"
		"       vantage accounts own NAME|ID --prefix P|--asn N\n"
		"  all take --json and --admin PATH (default $VANTAGE_ADMIN or the controller's)\n");
}

/* A Unix time as UTC text into buf ("-" for null). */
static const char *when(const json_t *v, char *buf, size_t len)
{
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	if (!json_is_integer(v) || !gmtime_r(&t, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* One account row as a table line. */
static void print_row(const json_t *a)
{
	char b[32];
	printf("%-5lld %-20s %-7lld %-5lld %-20s %s\n",
	       (long long)json_integer_value(json_object_get(a, "id")),
	       json_string_value(json_object_get(a, "name")),
	       (long long)json_integer_value(json_object_get(a, "agents")),
	       (long long)json_integer_value(json_object_get(a, "keys")),
	       when(json_object_get(a, "disabled"), b, sizeof b),
	       json_string_value(json_object_get(a, "note")));
}

static void print_header(void)
{
	printf("%-5s %-20s %-7s %-5s %-20s %s\n", "id", "name", "agents", "keys",
	       "disabled (UTC)", "note");
}

/* The accounts table. */
static void show_list(const json_t *data)
{
	size_t i;
	const json_t *a;
	print_header();
	json_array_foreach(data, i, a)
		print_row(a);
}

/* One account: its row, then its agents and its keys. */
static void show_one(const json_t *data)
{
	size_t i;
	const json_t *r;
	print_header();
	print_row(data);
	printf("agents:\n");
	json_array_foreach(json_object_get(data, "agents_list"), i, r)
		printf("  %-5lld %-7s %-9s %s\n", (long long)json_integer_value(json_object_get(r, "id")),
		       json_string_value(json_object_get(r, "role")),
		       json_integer_value(json_object_get(r, "approved")) ? "approved" : "waiting",
		       json_string_value(json_object_get(r, "fp")));
	printf("keys:\n");
	json_array_foreach(json_object_get(data, "keys_list"), i, r)
		printf("  %-5lld %-8s %s\n", (long long)json_integer_value(json_object_get(r, "id")),
		       json_integer_value(json_object_get(r, "revoked")) ? "revoked" : "active",
		       json_string_value(json_object_get(r, "owner")));
}

/* What accounts.add and accounts.disable answer. */
static void show_done(const json_t *data)
{
	if (json_object_get(data, "id"))
		printf("account %lld\n", (long long)json_integer_value(json_object_get(data, "id")));
	else
		printf("%s; %lld agent connections closed\n",
		       json_is_true(json_object_get(data, "changed")) ? "disabled" : "already disabled",
		       (long long)json_integer_value(json_object_get(data, "disconnected")));
}

/* Send req (consumed) and print the answer; an exit status. */
static int ask(const struct accounts_cli *o, json_t *req, void (*show)(const json_t *))
{
	if (!req) {
		fprintf(stderr, "vantage accounts: arguments must be UTF-8 text\n");
		return 2;
	}
	return cli_ask("vantage accounts", o->admin, o->json, req, show);
}

/* Parse the options; returns the index of the first operand or -1. */
static int parse(struct accounts_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", 1, NULL, 'n' }, { "admin", 1, NULL, 'A' }, { "json", 0, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			o->note = optarg;
		else if (ch == 'A')
			o->admin = optarg;
		else if (ch == 'J')
			o->json = 1;
		else
			return -1;
	}
	return optind;
}

/* See cli.h. */
int cmd_accounts(int argc, char **argv)
{
	struct accounts_cli o = { 0 };
	if (argc < 2) {
		usage();
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "own") == 0)
		return cmd_accounts_own(argc, argv);
	int i = parse(&o, argc - 1, argv + 1);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	if (strcmp(sub, "add") == 0 && rest == 1)
		return ask(&o, json_pack("{s:s,s:s,s:s}", "cmd", "accounts.add", "name", args[0],
					 "note", o.note ? o.note : ""), show_done);
	if (o.note) {
		usage();
		return 2;
	}
	if (strcmp(sub, "list") == 0 && rest == 0)
		return ask(&o, json_pack("{s:s}", "cmd", "accounts.list"), show_list);
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "disable") == 0) && rest == 1) {
		char cmd[32];
		snprintf(cmd, sizeof cmd, "accounts.%s", sub);
		return ask(&o, json_pack("{s:s,s:s}", "cmd", cmd, "account", args[0]),
			   strcmp(sub, "show") == 0 ? show_one : show_done);
	}
	usage();
	return 2;
}
