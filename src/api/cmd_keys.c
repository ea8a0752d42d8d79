/*
 * cmd_keys: `vantage keys`, API keys for the controller's REST API. The
 * operator runs it on the controller's host; it opens the controller's
 * SQLite store directly (WAL lets it work beside the running controller).
 * A new key is printed once; the store keeps only its SHA-256.
 */
#include "api/cmd_api.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api_key.h"
#include "store/store.h"
#include "store/store_api.h"
#include "store/store_account.h"
#include "util/numparse.h"

#define DEFAULT_DIR "/var/lib/vantage-controller"

static void usage(FILE *out)
{
	fprintf(out, "usage: vantage keys add OWNER [--rate PER_MINUTE] [--account NAME]"
		"   (prints the new key once)\n"
		"       vantage keys list\n"
		"       vantage keys revoke ID\n"
		"  --dir DIR    the controller's state directory (default " DEFAULT_DIR ")\n"
		"  --db PATH    or its database (a postgresql:// URL: the PostgreSQL store)\n");
}

/* The account a new key joins (name or id): 0 and *a, or -1 after a message. */
static int key_account(struct store *st, const char *name, struct store_account *a)
{
	char err[256];
	if (!st->ops->account) {   /* a store without accounts */
		memset(a, 0, sizeof *a);
		if (strcmp(name, STORE_ACCOUNT_DEFAULT_NAME) == 0)
			return 0;
		fprintf(stderr, "vantage keys: --account: this store has no accounts\n");
		return -1;
	}
	int found = st->ops->account->find(st, name, a, err, sizeof err);
	if (found == 0)
		snprintf(err, sizeof err, "no account '%.80s' (vantage accounts list)", name);
	else if (found == 1 && a->disabled)
		snprintf(err, sizeof err, "account '%s' is disabled", a->name);
	if (found == 1 && !a->disabled)
		return 0;
	fprintf(stderr, "vantage keys: %s\n", err);
	return -1;
}

/* Store the key's hash and its account together; 0 and *id, or -1 with err. */
static int key_store(struct store *st, const char *hash, const char *owner, int rate,
		     int64_t account, int64_t *id, char *err, size_t errlen)
{
	if (st->ops->txn(st, "begin", err, errlen) < 0)
		return -1;
	if (st->ops->api->key_add(st, hash, owner, rate, time(NULL), id, err, errlen) < 0 ||
	    (account && st->ops->account->own_key(st, *id, account, err, errlen) < 0) ||
	    st->ops->txn(st, "commit", err, errlen) < 0) {
		st->ops->txn(st, "rollback", NULL, 0);
		return -1;
	}
	return 0;
}

/* keys add: create and print a key. */
static int keys_add(struct store *st, const char *owner, int rate, const char *account)
{
	char key[API_KEY_LEN], hash[API_KEY_HASH_LEN], err[256];
	int64_t id;
	struct store_account a;
	if (strlen(owner) == 0 || strlen(owner) > 127) {
		fprintf(stderr, "vantage keys: owner '%.40s' must have 1 to 127 characters\n", owner);
		return 2;
	}
	if (key_account(st, account, &a) < 0)
		return 1;
	if (api_key_new(key) < 0) {
		fprintf(stderr, "vantage keys: the random source failed\n");
		return 1;
	}
	api_key_hash(key, hash);
	if (key_store(st, hash, owner, rate, a.id, &id, err, sizeof err) < 0) {
		fprintf(stderr, "vantage keys: %s\n", err);
		return 1;
	}
	printf("key %lld for %s of account %s (%d requests/minute):\n%s\n", (long long)id, owner,
	       a.id ? a.name : "-", rate, key);
	return 0;
}

/* keys list: one line per key. */
static int keys_list(struct store *st)
{
	json_t *l;
	char err[256];
	if (st->ops->api->key_list(st, &l, err, sizeof err) < 0) {
		fprintf(stderr, "vantage keys: %s\n", err);
		return 1;
	}
	printf("%-5s %-8s %-8s %-16s %s\n", "id", "rate", "state", "account", "owner");
	size_t i;
	json_t *k;
	json_array_foreach(l, i, k) {
		struct store_account a;
		int64_t id = json_integer_value(json_object_get(k, "id"));
		if (!st->ops->account || st->ops->account->of_key(st, id, &a, err, sizeof err) != 1)
			snprintf(a.name, sizeof a.name, "-");
		printf("%-5lld %-8lld %-8s %-16s %s\n", (long long)id,
		       (long long)json_integer_value(json_object_get(k, "rate")),
		       json_integer_value(json_object_get(k, "revoked")) ? "revoked" : "active",
		       a.name, json_string_value(json_object_get(k, "owner")));
	}
	json_decref(l);
	return 0;
}

/* keys revoke ID. */
static int keys_revoke(struct store *st, const char *arg)
{
	long long id;
	char err[256];
	if (!parse_option_num("ID", arg, 1, 1LL << 53, &id, err, sizeof err) ||
	    st->ops->api->key_revoke(st, id, err, sizeof err) < 0) {
		fprintf(stderr, "vantage keys: %s\n", err);
		return 1;
	}
	printf("key %lld revoked\n", id);
	return 0;
}

/* Run the action on the open store. */
static int run(struct store *st, int argc, char **argv, int rate, const char *account)
{
	const char *what = argv[0];
	if (strcmp(what, "add") == 0 && argc == 2)
		return keys_add(st, argv[1], rate, account);
	if (strcmp(what, "list") == 0 && argc == 1)
		return keys_list(st);
	if (strcmp(what, "revoke") == 0 && argc == 2)
		return keys_revoke(st, argv[1]);
	usage(stderr);
	return 2;
}

/* See cmd_api.h. */
int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", 1, NULL, 'd' }, { "db", 1, NULL, 'b' }, { "rate", 1, NULL, 'r' },
		{ "account", 1, NULL, 'a' }, { "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *dir = DEFAULT_DIR, *db = NULL, *account = STORE_ACCOUNT_DEFAULT_NAME;
	long long rate = 600;
	char err[512], path[4200];
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			dir = optarg;
		else if (ch == 'b')
			db = optarg;
		else if (ch == 'a')
			account = optarg;
		else if (ch == 'r' && !parse_option_num("--rate", optarg, 1, 1000000, &rate, err, sizeof err))
			return fprintf(stderr, "vantage keys: %s\n", err), 2;
		else if (ch == 'h')
			return usage(stdout), 0;
		else if (ch != 'r')
			return usage(stderr), 2;
	}
	if (optind >= argc)
		return usage(stderr), 2;
	snprintf(path, sizeof path, db ? "%s" : "%s/controller.db", db ? db : dir);
	struct store *st = store_open(path, err, sizeof err);
	if (!st) {
		fprintf(stderr, "vantage keys: %s\n", err);
		return 1;
	}
	int rc = run(st, argc - optind, argv + optind, (int)rate, account);
	st->ops->close(st);
	return rc;
}
