/*
 * sqlite_account: accounts (store_account.h) in the SQLite store. Three
 * tables: the accounts, and who owns each agent and each API key (kept
 * beside the agents and api_keys tables rather than as their columns, so
 * neither table has to be rebuilt). Opening the store makes the default
 * account and gives it every agent and key that has no owner yet: that is
 * the upgrade of a database from before accounts, and it runs in one
 * transaction, so an interrupted upgrade leaves nothing half-moved.
 */
#include "store/sqlite_int.h"
#include "store/store_account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char account_schema[] =
	"CREATE TABLE IF NOT EXISTS accounts ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL,"
	" note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, disabled INTEGER);"
	"CREATE TABLE IF NOT EXISTS account_agents ("
	" agent_id INTEGER PRIMARY KEY REFERENCES agents(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id));"
	"CREATE TABLE IF NOT EXISTS account_keys ("
	" key_id INTEGER PRIMARY KEY REFERENCES api_keys(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id));"
	"CREATE INDEX IF NOT EXISTS account_agents_by_account ON account_agents(account_id);"
	"CREATE INDEX IF NOT EXISTS account_keys_by_account ON account_keys(account_id);";

/* The default account, and every agent and key without an owner moved into it. */
static const char adopt[] =
	"INSERT OR IGNORE INTO accounts(id, name, note, created) VALUES (1, '"
	STORE_ACCOUNT_DEFAULT_NAME "', 'keys and agents from before accounts', unixepoch());"
	"INSERT INTO account_agents(agent_id, account_id) SELECT id, 1 FROM agents"
	" WHERE id NOT IN (SELECT agent_id FROM account_agents);"
	"INSERT INTO account_keys(key_id, account_id) SELECT id, 1 FROM api_keys"
	" WHERE id NOT IN (SELECT key_id FROM account_keys);";

/* See sqlite_int.h. */
int sq_account_schema(struct store_sqlite *s, char *err, size_t errlen)
{
	if (sq_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	if (sq_exec(s, account_schema, err, errlen) < 0 || sq_exec(s, adopt, err, errlen) < 0 ||
	    sq_exec(s, "COMMIT", err, errlen) < 0) {
		char ignore[64];
		sq_exec(s, "ROLLBACK", ignore, sizeof ignore);
		return -1;
	}
	return 0;
}

/* See store_account.h (add). */
static int account_add(struct store *st, const char *name, const char *note, int64_t now,
		       int64_t *id, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "INSERT INTO accounts(name, note, created) VALUES (?, ?, ?)"
				  " ON CONFLICT(name) DO NOTHING", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now);
	int n = sq_step_done(s, q, "account add", err, errlen);
	if (n == 0)
		snprintf(err, errlen, "account '%s' exists already", name);
	if (n <= 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Step q (id, name, disabled) once into *a: 1, 0 if no row, -1; finalizes q. */
static int account_row(struct store_sqlite *s, sqlite3_stmt *q, struct store_account *a,
		       char *err, size_t errlen)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		a->id = sqlite3_column_int64(q, 0);
		snprintf(a->name, sizeof a->name, "%s", (const char *)sqlite3_column_text(q, 1));
		a->disabled = sqlite3_column_type(q, 2) != SQLITE_NULL;
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return sq_fail(s, "account lookup", err, errlen);
}

/* See store_account.h (find). */
static int account_find(struct store *st, const char *key, struct store_account *a,
			char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT id, name, disabled FROM accounts"
				  " WHERE name = ?2 OR id = ?1 ORDER BY name = ?2 DESC LIMIT 1",
				  err, errlen);
	if (!q)
		return -1;
	sq_bind_agent_key(q, key);   /* the same "number or name" binding as agents */
	return account_row(s, q, a, err, errlen);
}

/* See store_account.h (list). */
static int account_list(struct store *st, json_t **out, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "SELECT a.id, a.name, a.note, a.created, a.disabled,"
		" (SELECT COUNT(*) FROM account_agents o JOIN agents g ON g.id = o.agent_id"
		"  WHERE o.account_id = a.id AND g.removed = 0) AS agents,"
		" (SELECT COUNT(*) FROM account_keys k JOIN api_keys p ON p.id = k.key_id"
		"  WHERE k.account_id = a.id AND p.revoked IS NULL) AS keys"
		" FROM accounts a ORDER BY a.id", err, errlen);
	return q ? sq_list(s, q, out, err, errlen) : -1;
}

/* See store_account.h (disable). */
static int account_disable(struct store *st, int64_t id, int64_t now, char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	sqlite3_stmt *q = sq_prep(s, "UPDATE accounts SET disabled = ? WHERE id = ?"
				  " AND disabled IS NULL", err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, id);
	return sq_step_done(s, q, "account disable", err, errlen);
}

/* Insert or replace the owner row (thing_id, account_id) with sql; 0 or -1. */
static int own(struct store_sqlite *s, const char *sql, int64_t thing_id, int64_t account_id,
	       char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, thing_id);
	sqlite3_bind_int64(q, 2, account_id);
	return sq_step_done(s, q, "account owner", err, errlen) < 0 ? -1 : 0;
}

/* See store_account.h (own_agent). */
static int account_own_agent(struct store *st, int64_t agent_id, int64_t account_id,
			     char *err, size_t errlen)
{
	return own(sq(st), "INSERT OR REPLACE INTO account_agents(agent_id, account_id)"
		   " VALUES (?, ?)", agent_id, account_id, err, errlen);
}

/* See store_account.h (own_key). */
static int account_own_key(struct store *st, int64_t key_id, int64_t account_id,
			   char *err, size_t errlen)
{
	return own(sq(st), "INSERT OR REPLACE INTO account_keys(key_id, account_id)"
		   " VALUES (?, ?)", key_id, account_id, err, errlen);
}

/* The account of thing_id through the owner query sql: 1, 0, -1. */
static int owner_of(struct store_sqlite *s, const char *sql, int64_t thing_id,
		    struct store_account *a, char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, thing_id);
	return account_row(s, q, a, err, errlen);
}

/* See store_account.h (of_agent). */
static int account_of_agent(struct store *st, int64_t agent_id, struct store_account *a,
			    char *err, size_t errlen)
{
	return owner_of(sq(st), "SELECT a.id, a.name, a.disabled FROM account_agents o"
			" JOIN accounts a ON a.id = o.account_id WHERE o.agent_id = ?",
			agent_id, a, err, errlen);
}

/* See store_account.h (of_key). */
static int account_of_key(struct store *st, int64_t key_id, struct store_account *a,
			  char *err, size_t errlen)
{
	return owner_of(sq(st), "SELECT a.id, a.name, a.disabled FROM account_keys o"
			" JOIN accounts a ON a.id = o.account_id WHERE o.key_id = ?",
			key_id, a, err, errlen);
}

/* Rows of sql (one parameter: the account id) into *out; 0 or -1. */
static int rows_of(struct store_sqlite *s, const char *sql, int64_t id, json_t **out,
		   char *err, size_t errlen)
{
	sqlite3_stmt *q = sq_prep(s, sql, err, errlen);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return sq_list(s, q, out, err, errlen);
}

/* See store_account.h (members). */
static int account_members(struct store *st, int64_t id, json_t **agents, json_t **keys,
			   char *err, size_t errlen)
{
	struct store_sqlite *s = sq(st);
	*keys = NULL;
	if (rows_of(s, "SELECT g.id, g.fp, g.role, g.approved FROM account_agents o"
		    " JOIN agents g ON g.id = o.agent_id WHERE o.account_id = ? AND g.removed = 0"
		    " ORDER BY g.id", id, agents, err, errlen) < 0)
		return -1;
	if (rows_of(s, "SELECT p.id, p.owner, p.rate, coalesce(p.revoked, 0) AS revoked"
		    " FROM account_keys o JOIN api_keys p ON p.id = o.key_id"
		    " WHERE o.account_id = ? ORDER BY p.id", id, keys, err, errlen) < 0) {
		json_decref(*agents);
		*agents = NULL;
		return -1;
	}
	return 0;
}

const struct store_account_ops sq_account_ops = {
	.add = account_add,
	.find = account_find,
	.list = account_list,
	.disable = account_disable,
	.own_agent = account_own_agent,
	.own_key = account_own_key,
	.of_agent = account_of_agent,
	.of_key = account_of_key,
	.members = account_members,
};
