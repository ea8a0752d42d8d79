/*
 * cli_credits: `vantage credits show ACCOUNT | ledger ACCOUNT [--from T]
 * [--to T] | transfer --from A --to B --amount N [--note TEXT]`, the credits
 * of a running controller through its admin socket (cli.h); T is Unix
 * seconds or ISO-8601. Transfers are the operator's: whoever may use the
 * admin socket. Each prints for people, or JSON with --json.
 */
#include "controller/cli.h"

#include "api/api_time.h"
#include "util/numparse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Options of one `vantage credits` call. */
struct credits_cli {
	const char *admin, *from, *to, *amount, *note;
	int json;
};

static void usage(void)
{
	fprintf(stderr, "usage: vantage credits show ACCOUNT\n"
		"       vantage credits ledger ACCOUNT [--from TIME] [--to TIME]\n"
		"       vantage credits transfer --from ACCOUNT --to ACCOUNT --amount N [--note TEXT]\n"
		"  all take --json and --admin PATH (default $VANTAGE_ADMIN or the controller's);\n"
		"  TIME is Unix seconds or ISO-8601 (UTC)\n");
}

/* A Unix time as UTC text into buf ("-" for null or 0). */
static const char *when(const json_t *v, char *buf, size_t len)
{
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	if (!json_integer_value(v) || !gmtime_r(&t, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* An integer field of o. */
static long long num(const json_t *o, const char *name)
{
	return (long long)json_integer_value(json_object_get(o, name));
}

/* credits.show: the summary. */
static void show_summary(const json_t *d)
{
	char b1[32], b2[32];
	const json_t *runout = json_object_get(d, "estimated_runout_seconds");
	printf("account %s (%lld)\n", json_string_value(json_object_get(d, "account")),
	       num(d, "account_id"));
	printf("  balance                  %lld\n", num(d, "current_balance"));
	printf("  income, past day         %lld\n", num(d, "estimated_daily_income"));
	printf("  spent, past day          %lld (%lld results)\n", num(d, "past_day_credits_spent"),
	       num(d, "past_day_measurement_results"));
	if (json_is_integer(runout))
		printf("  runs out in              %lld s\n", (long long)json_integer_value(runout));
	else
		printf("  runs out in              never at this rate\n");
	printf("  daily credit limit       %lld\n", num(d, "max_daily_credits"));
	printf("  last credited / debited  %s / %s\n", when(json_object_get(d, "last_date_credited"),
	       b1, sizeof b1), when(json_object_get(d, "last_date_debited"), b2, sizeof b2));
}

/* credits.ledger: one line per entry. */
static void show_ledger(const json_t *d)
{
	size_t i;
	const json_t *e;
	char b[32];
	printf("%-8s %-20s %10s  %-17s %s\n", "id", "time (UTC)", "amount", "reason", "reference");
	json_array_foreach(d, i, e) {
		const char *note = json_string_value(json_object_get(e, "note"));
		printf("%-8lld %-20s %10lld  %-17s %s%s%s\n", num(e, "id"),
		       when(json_object_get(e, "time"), b, sizeof b), num(e, "amount"),
		       json_string_value(json_object_get(e, "reason")),
		       json_string_value(json_object_get(e, "ref")), note && *note ? "  " : "",
		       note ? note : "");
	}
}

/* credits.transfer. */
static void show_transfer(const json_t *d)
{
	printf("transfer %lld\n", num(d, "id"));
}

/* Parse the options; returns the index of the first operand or -1. */
static int parse(struct credits_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", 1, NULL, 'f' }, { "to", 1, NULL, 't' }, { "amount", 1, NULL, 'a' },
		{ "note", 1, NULL, 'n' }, { "admin", 1, NULL, 'A' }, { "json", 0, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char **slot = ch == 'f' ? &o->from : ch == 't' ? &o->to : ch == 'a' ?
				    &o->amount : ch == 'n' ? &o->note : ch == 'A' ? &o->admin : NULL;
		if (slot)
			*slot = optarg;
		else if (ch == 'J')
			o->json = 1;
		else
			return -1;
	}
	return optind;
}

/* Add a time option (Unix seconds or ISO-8601) to req as name; 0 or -1 after saying why. */
static int add_time(json_t *req, const char *name, const char *text)
{
	int64_t t;
	if (!text)
		return 0;
	if (api_time_parse(text, &t) < 0) {
		fprintf(stderr, "vantage credits: --%s '%s' is not Unix seconds nor ISO-8601\n",
			name, text);
		return -1;
	}
	json_object_set_new(req, name, json_integer(t));
	return 0;
}

/* The ledger request. */
static int ledger(const struct credits_cli *o, const char *account)
{
	json_t *req = json_pack("{s:s,s:s}", "cmd", "credits.ledger", "account", account);
	if (!req || add_time(req, "from", o->from) < 0 || add_time(req, "to", o->to) < 0) {
		json_decref(req);
		return 2;
	}
	return cli_ask("vantage credits", o->admin, o->json, req, show_ledger);
}

/* The transfer request. */
static int transfer(const struct credits_cli *o)
{
	long long amount;
	char err[128];
	if (!o->from || !o->to || !o->amount) {
		usage();
		return 2;
	}
	if (!parse_bounded(o->amount, 1, 1LL << 53, &amount, err, sizeof err)) {
		fprintf(stderr, "vantage credits: --amount '%s': %s\n", o->amount, err);
		return 2;
	}
	json_t *req = json_pack("{s:s,s:s,s:s,s:I,s:s}", "cmd", "credits.transfer", "from", o->from,
				"to", o->to, "amount", (json_int_t)amount, "note",
				o->note ? o->note : "");
	if (!req) {
		fprintf(stderr, "vantage credits: arguments must be UTF-8 text\n");
		return 2;
	}
	return cli_ask("vantage credits", o->admin, o->json, req, show_transfer);
}

/* See cli.h. */
int cmd_credits(int argc, char **argv)
{
	struct credits_cli o = { 0 };
	if (argc < 2) {
		usage();
		return 2;
	}
	const char *sub = argv[1];
	int i = parse(&o, argc - 1, argv + 1);
	int rest = i < 0 ? -1 : argc - 1 - i;
	char **args = argv + 1 + (i < 0 ? 0 : i);
	if (strcmp(sub, "transfer") == 0 && rest == 0)
		return transfer(&o);
	if (strcmp(sub, "ledger") == 0 && rest == 1 && !o.amount && !o.note)
		return ledger(&o, args[0]);
	if (strcmp(sub, "show") == 0 && rest == 1 && !o.from && !o.to && !o.amount && !o.note) {
		json_t *req = json_pack("{s:s,s:s}", "cmd", "credits.show", "account", args[0]);
		if (!req)
			return 2;
		return cli_ask("vantage credits", o.admin, o.json, req, show_summary);
	}
	usage();
	return 2;
}
