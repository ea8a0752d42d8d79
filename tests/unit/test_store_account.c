/*
 * Tests of accounts in the store (store_account.h) and of the
 * account name rule: the default account, names taken and looked up by
 * name or id, owners of agents and keys, disabling, and the upgrade of a
 * database from before accounts (every agent and key moves to the default
 * account, none is lost, and a second opening changes nothing). They run
 * on SQLite, and on PostgreSQL under tests/pg/pgtmp (store_account_on_pg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "controller/account_name.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_api.h"
#include "store_tmp.h"


static int setup(void **state)
{
	*state = store_fixture_new("vpl-account");
	return 0;
}

static int teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* Register an agent whose fingerprint is the digit d repeated; returns its id. */
static int64_t add_agent(struct store *st, char d, const char *role)
{
	struct store_agent a = { .approved = 1 };
	memset(a.fp, d, 64);
	snprintf(a.role, sizeof a.role, "%s", role);
	char err[256];
	if (st->ops->agent_add(st, &a, err, sizeof err) < 0)
		fail_msg("agent add: %s", err);
	return a.id;
}

/* Add an API key whose hash is the digit d repeated; returns its id. */
static int64_t add_key(struct store *st, char d, const char *owner)
{
	char hash[65], err[256];
	memset(hash, d, 64);
	hash[64] = 0;
	int64_t id;
	if (st->ops->api->key_add(st, hash, owner, 600, 1000, &id, err, sizeof err) < 0)
		fail_msg("key add: %s", err);
	return id;
}

static void default_account_exists(void **state)
{
	struct store_fixture *f = *state;
	struct store_account a;
	char err[256];
	assert_int_equal(f->st->ops->account->find(f->st, "default", &a, err, sizeof err), 1);
	assert_int_equal(a.id, STORE_ACCOUNT_DEFAULT);
	assert_int_equal(a.disabled, 0);
	assert_int_equal(f->st->ops->account->find(f->st, "1", &a, err, sizeof err), 1);
	assert_string_equal(a.name, "default");
	assert_int_equal(f->st->ops->account->find(f->st, "nobody", &a, err, sizeof err), 0);
	assert_int_equal(f->st->ops->account->find(f->st, "99", &a, err, sizeof err), 0);
}

static void add_find_and_name_taken(void **state)
{
	struct store_fixture *f = *state;
	struct store_account a;
	char err[256];
	int64_t id, id2;
	assert_int_equal(f->st->ops->account->add(f->st, "uni-a", "a university", 5, &id, err,
						  sizeof err), 0);
	assert_int_not_equal(id, STORE_ACCOUNT_DEFAULT);
	assert_int_equal(f->st->ops->account->add(f->st, "uni-a", "", 6, &id2, err, sizeof err), -1);
	assert_non_null(strstr(err, "exists already"));
	assert_int_equal(f->st->ops->account->find(f->st, "uni-a", &a, err, sizeof err), 1);
	assert_int_equal(a.id, id);
	json_t *l;
	assert_int_equal(f->st->ops->account->list(f->st, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 1), "note")),
			    "a university");
	json_decref(l);
}

static void owners_members_and_disable(void **state)
{
	struct store_fixture *f = *state;
	struct store *st = f->st;
	struct store_account a;
	char err[256];
	int64_t acc;
	assert_int_equal(st->ops->account->add(st, "isp-b", "", 5, &acc, err, sizeof err), 0);
	int64_t g1 = add_agent(st, '1', "probe"), g2 = add_agent(st, '2', "anchor");
	int64_t k1 = add_key(st, '3', "alice");
	assert_int_equal(st->ops->account->own_agent(st, g1, acc, err, sizeof err), 0);
	assert_int_equal(st->ops->account->own_agent(st, g2, STORE_ACCOUNT_DEFAULT, err,
						     sizeof err), 0);
	assert_int_equal(st->ops->account->own_key(st, k1, acc, err, sizeof err), 0);
	assert_int_equal(st->ops->account->of_agent(st, g1, &a, err, sizeof err), 1);
	assert_int_equal(a.id, acc);
	assert_int_equal(st->ops->account->of_key(st, k1, &a, err, sizeof err), 1);
	assert_string_equal(a.name, "isp-b");
	assert_int_equal(st->ops->account->of_key(st, k1 + 100, &a, err, sizeof err), 0);

	json_t *agents, *keys;
	assert_int_equal(st->ops->account->members(st, acc, &agents, &keys, err, sizeof err), 0);
	assert_int_equal(json_array_size(agents), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(agents, 0), "id")), g1);
	assert_int_equal(json_array_size(keys), 1);
	json_decref(agents);
	json_decref(keys);

	/* Moving an agent replaces its owner. */
	assert_int_equal(st->ops->account->own_agent(st, g2, acc, err, sizeof err), 0);
	assert_int_equal(st->ops->account->of_agent(st, g2, &a, err, sizeof err), 1);
	assert_int_equal(a.id, acc);

	assert_int_equal(st->ops->account->disable(st, acc, 50, err, sizeof err), 1);
	assert_int_equal(st->ops->account->disable(st, acc, 60, err, sizeof err), 0);
	assert_int_equal(st->ops->account->of_agent(st, g1, &a, err, sizeof err), 1);
	assert_int_equal(a.disabled, 1);
	json_t *l;
	assert_int_equal(st->ops->account->list(st, &l, err, sizeof err), 0);
	json_t *row = json_array_get(l, 1);
	assert_int_equal(json_integer_value(json_object_get(row, "disabled")), 50);
	assert_int_equal(json_integer_value(json_object_get(row, "agents")), 2);
	assert_int_equal(json_integer_value(json_object_get(row, "keys")), 1);
	json_decref(l);
}

/* Run sql on the fixture's database directly (SQLite or PostgreSQL); the first
   column of its first row, or 0 for a statement without rows. */
static int64_t direct(struct store_fixture *f, const char *sql)
{
	int64_t n = 0;
	if (fixture_pg()) {
		PGconn *c = PQconnectdb(f->spec);
		PGresult *r = PQexec(c, sql);
		int st = PQresultStatus(r);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(c));
		if (st == PGRES_TUPLES_OK)
			n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
		return n;
	}
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	int rc = sqlite3_step(q);
	assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* A database from before accounts: the same tables, without those of accounts (nor,
   on PostgreSQL, the credit tables that refer to them). */
static void make_pre_account_db(struct store_fixture *f)
{
	add_agent(f->st, '4', "probe");
	add_agent(f->st, '5', "anchor");
	add_agent(f->st, '6', "probe");
	add_key(f->st, '7', "bob");
	add_key(f->st, '8', "carol");
	f->st->ops->close(f->st);
	f->st = NULL;
	if (fixture_pg()) {
		/* and its schema version: a database from before accounts had none */
		direct(f, "DROP TABLE vantage_schema, credit_stopped, credit_ledger, account_agents,"
		       " account_keys, accounts CASCADE");
		return;
	}
	direct(f, "DROP TABLE account_agents");
	direct(f, "DROP TABLE account_keys");
	direct(f, "DROP TABLE accounts");
}

static void upgrade_moves_everything_to_default(void **state)
{
	struct store_fixture *f = *state;
	make_pre_account_db(f);
	store_fixture_reopen(f);
	struct store *st = f->st;
	struct store_account a;
	char err[256];
	for (int64_t id = 1; id <= 3; id++) {
		assert_int_equal(st->ops->account->of_agent(st, id, &a, err, sizeof err), 1);
		assert_int_equal(a.id, STORE_ACCOUNT_DEFAULT);
	}
	for (int64_t id = 1; id <= 2; id++) {
		assert_int_equal(st->ops->account->of_key(st, id, &a, err, sizeof err), 1);
		assert_int_equal(a.id, STORE_ACCOUNT_DEFAULT);
	}
	json_t *agents, *keys;
	assert_int_equal(st->ops->account->members(st, 1, &agents, &keys, err, sizeof err), 0);
	assert_int_equal(json_array_size(agents), 3);
	assert_int_equal(json_array_size(keys), 2);
	json_decref(agents);
	json_decref(keys);

	/* A second opening moves nothing: an agent given to another account stays there. */
	int64_t acc;
	assert_int_equal(st->ops->account->add(st, "other", "", 5, &acc, err, sizeof err), 0);
	assert_int_equal(st->ops->account->own_agent(st, 2, acc, err, sizeof err), 0);
	st->ops->close(st);
	store_fixture_reopen(f);
	assert_int_equal(f->st->ops->account->of_agent(f->st, 2, &a, err, sizeof err), 1);
	assert_int_equal(a.id, acc);
	assert_int_equal(direct(f, "SELECT COUNT(*) FROM agents"), 3);
	assert_int_equal(direct(f, "SELECT COUNT(*) FROM account_agents"), 3);
	assert_int_equal(direct(f, "SELECT COUNT(*) FROM account_keys"), 2);
	assert_int_equal(direct(f, "SELECT COUNT(*) FROM accounts"), 2);
}

static void account_names(void **state)
{
	(void)state;
	char err[256];
	assert_true(account_name_valid("a", err, sizeof err));
	assert_true(account_name_valid("RIPE-NCC_2.0", err, sizeof err));
	assert_true(account_name_valid("7up", err, sizeof err));
	char longest[64], too_long[65];
	memset(longest, 'x', 63);
	longest[63] = 0;
	memset(too_long, 'x', 64);
	too_long[64] = 0;
	assert_true(account_name_valid(longest, err, sizeof err));
	assert_false(account_name_valid(too_long, err, sizeof err));
	assert_false(account_name_valid("", err, sizeof err));
	assert_false(account_name_valid("-x", err, sizeof err));
	assert_false(account_name_valid("a b", err, sizeof err));
	assert_non_null(strstr(err, "character 2"));
	assert_false(account_name_valid("123", err, sizeof err));
	assert_non_null(strstr(err, "all digits"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(default_account_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(add_find_and_name_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(owners_members_and_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(upgrade_moves_everything_to_default, setup, teardown),
		cmocka_unit_test(account_names),
	};
	return cmocka_run_group_tests_name(fixture_pg() ? "store_account_pg" : "store_account",
					   tests, NULL, NULL);
}
