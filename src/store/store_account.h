/*
 * store_account: accounts in the store. An account is a person or an
 * organisation: it owns API keys and hosts agents (every key and every agent
 * belongs to exactly one). Account 1, "default", is made with the store and
 * adopts the keys and agents that existed before accounts did, so an
 * upgrade loses none. A disabled account stays (its history is kept) but
 * its keys and agents are no longer let in. Reached as st->ops->account->...;
 * every operation returns 0 (or a documented count) or -1 with err.
 */
#ifndef VANTAGE_STORE_STORE_ACCOUNT_H
#define VANTAGE_STORE_STORE_ACCOUNT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The account that adopted whatever existed before accounts. */
#define STORE_ACCOUNT_DEFAULT 1
#define STORE_ACCOUNT_DEFAULT_NAME "default"

struct store_account {
	int64_t id;
	char name[64];
	int disabled;
};

struct store_account_ops {
	/* Create account name with a note; *id gets its id. A name taken is an error. */
	int (*add)(struct store *st, const char *name, const char *note, int64_t now,
		   int64_t *id, char *err, size_t errlen);
	/* The account named key (its name, or its id in decimal): 1 and *a, 0 if none, -1. */
	int (*find)(struct store *st, const char *key, struct store_account *a,
		    char *err, size_t errlen);
	/* Rows {id, name, note, created, disabled, agents, keys} in id order; disabled is
	   the time it was disabled or null; agents and keys count what it owns. */
	int (*list)(struct store *st, json_t **out, char *err, size_t errlen);
	/* Disable the account: 1 if it was enabled, 0 if it was already disabled, -1. */
	int (*disable)(struct store *st, int64_t id, int64_t now, char *err, size_t errlen);
	/* Make the account the owner of an agent / of an API key (replacing any owner). */
	int (*own_agent)(struct store *st, int64_t agent_id, int64_t account_id,
			 char *err, size_t errlen);
	int (*own_key)(struct store *st, int64_t key_id, int64_t account_id,
		       char *err, size_t errlen);
	/* The owner of an agent / of an API key: 1 and *a filled, 0 if it has none, -1. */
	int (*of_agent)(struct store *st, int64_t agent_id, struct store_account *a,
			char *err, size_t errlen);
	int (*of_key)(struct store *st, int64_t key_id, struct store_account *a,
		      char *err, size_t errlen);
	/* What the account owns: rows {id, fp, role, approved} of its registered agents
	   into *agents, rows {id, owner, rate, revoked} of its keys into *keys. */
	int (*members)(struct store *st, int64_t id, json_t **agents, json_t **keys,
		       char *err, size_t errlen);
};

#endif
