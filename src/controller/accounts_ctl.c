/*
 * accounts_ctl: accounts in the controller. The admin socket's
 * accounts.add, accounts.list, accounts.show and accounts.disable commands;
 * which account a newly registered agent belongs to (the request's
 * "account", else the default one); and the admission check that keeps the
 * agents of a disabled account out. Disabling an account also closes the
 * connections of its agents at once, with the reason.
 */
#include "controller/controller_int.h"

#include "controller/account_name.h"
#include "store/store_account.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The error of a store without accounts (the PostgreSQL one, for now); -1. */
static int no_accounts(char *err, size_t errlen)
{
	snprintf(err, errlen, "this controller's store has no accounts (only the SQLite store"
		 " has them yet)");
	return -1;
}

/* The account named by the request's field name (default dflt): 0 and *a, or -1 with err. */
int account_named(struct controller *c, const json_t *req, const char *name,
			 const char *dflt, struct store_account *a, char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (!c->store->ops->account)
		return no_accounts(err, errlen);
	if (v && !json_is_string(v)) {
		snprintf(err, errlen, "'%s' must be a string", name);
		return -1;
	}
	const char *key = v ? json_string_value(v) : dflt;
	if (!key) {
		snprintf(err, errlen, "'%s' is missing", name);
		return -1;
	}
	int found = c->store->ops->account->find(c->store, key, a, err, errlen);
	if (found == 0)
		snprintf(err, errlen, "no account '%.80s'", key);
	return found == 1 ? 0 : -1;
}

/* See controller_int.h. */
int account_for_new_agent(struct controller *c, const json_t *req, int64_t *account_id,
			  char *err, size_t errlen)
{
	struct store_account a;
	*account_id = 0;
	if (!c->store->ops->account)
		return json_object_get(req, "account") ? no_accounts(err, errlen) : 0;
	if (account_named(c, req, "account", STORE_ACCOUNT_DEFAULT_NAME, &a, err, errlen) < 0)
		return -1;
	if (a.disabled) {
		snprintf(err, errlen, "account '%s' is disabled", a.name);
		return -1;
	}
	*account_id = a.id;
	return 0;
}

/* See controller_int.h. */
int account_admits(struct controller *c, int64_t agent_id, char *why, size_t len)
{
	struct store_account a;
	if (!c->store->ops->account)
		return 1;
	int found = c->store->ops->account->of_agent(c->store, agent_id, &a, why, len);
	if (found < 0)
		return -1;
	if (found == 0) {
		snprintf(why, len, "agent %lld belongs to no account", (long long)agent_id);
		return 0;
	}
	if (a.disabled) {
		snprintf(why, len, "agent %lld: its account '%s' is disabled", (long long)agent_id,
			 a.name);
		return 0;
	}
	return 1;
}

/* accounts.add {name, note} → {id}. */
json_t *accounts_add(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	const json_t *note = json_object_get(req, "note");
	int64_t id;
	if (!c->store->ops->account) {
		no_accounts(err, errlen);
		return NULL;
	}
	if (!name) {
		snprintf(err, errlen, "'name' is missing or not a string");
		return NULL;
	}
	if (note && (!json_is_string(note) || json_string_length(note) > 1024)) {
		snprintf(err, errlen, "'note' must be a string of at most 1024 bytes");
		return NULL;
	}
	if (!account_name_valid(name, err, errlen) ||
	    c->store->ops->account->add(c->store, name, note ? json_string_value(note) : "",
					time(NULL), &id, err, errlen) < 0)
		return NULL;
	ctl_log(c, "account %lld (%s) added", (long long)id, name);
	return json_pack("{s:I}", "id", (json_int_t)id);
}

/* accounts.list → [accounts]. */
json_t *accounts_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *l = NULL;
	if (!c->store->ops->account) {
		no_accounts(err, errlen);
		return NULL;
	}
	return c->store->ops->account->list(c->store, &l, err, errlen) < 0 ? NULL : l;
}

/* accounts.show {account} → its row with "agents" and "keys". */
json_t *accounts_show(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_account a;
	json_t *all = NULL, *row = NULL, *agents, *keys, *r;
	size_t i;
	if (account_named(c, req, "account", NULL, &a, err, errlen) < 0 ||
	    c->store->ops->account->list(c->store, &all, err, errlen) < 0)
		return NULL;
	json_array_foreach(all, i, r)
		if (json_integer_value(json_object_get(r, "id")) == a.id)
			row = json_incref(r);
	json_decref(all);
	if (!row) {
		snprintf(err, errlen, "account '%s' vanished", a.name);
		return NULL;
	}
	if (c->store->ops->account->members(c->store, a.id, &agents, &keys, err, errlen) < 0) {
		json_decref(row);
		return NULL;
	}
	json_object_set_new(row, "agents_list", agents);
	json_object_set_new(row, "keys_list", keys);
	return row;
}

/* Close the connection of every admitted agent of account id; returns how many. */
static int close_agents_of(struct controller *c, int64_t id)
{
	struct session *s, *next;
	struct store_account a;
	char err[256];
	int n = 0;
	if (!c->store->ops->account)
		return 0;
	for (s = TAILQ_FIRST(&c->sessions); s; s = next) {
		next = TAILQ_NEXT(s, link);
		if (s->admitted && c->store->ops->account->of_agent(c->store, s->agent.id, &a, err,
								    sizeof err) == 1 && a.id == id) {
			conn_close(s->conn, "its account was disabled", "account disabled");
			n++;
		}
	}
	return n;
}

/* accounts.disable {account} → {changed, disconnected}. */
json_t *accounts_disable(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	struct store_account a;
	if (account_named(c, req, "account", NULL, &a, err, errlen) < 0)
		return NULL;
	int changed = c->store->ops->account->disable(c->store, a.id, time(NULL), err, errlen);
	if (changed < 0)
		return NULL;
	int closed = close_agents_of(c, a.id);
	ctl_log(c, "account %lld (%s) disabled; %d agent connections closed", (long long)a.id,
		a.name, closed);
	return json_pack("{s:b,s:i}", "changed", changed > 0, "disconnected", closed);
}

/* See controller_int.h. */
void account_label(struct controller *c, json_t *row)
{
	struct store_account a;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!c->store->ops->account)
		return;
	int found = c->store->ops->account->of_agent(c->store, id, &a, err, sizeof err);
	json_object_set_new(row, "account", found == 1 ? json_string(a.name) : json_null());
	if (found == 1 && a.disabled)
		json_object_set_new(row, "account_disabled", json_true());
}
