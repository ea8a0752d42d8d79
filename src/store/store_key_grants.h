/*
 * store_key_grants: what the REST API's /keys/ endpoint keeps about an API
 * key beside the key itself (store_api.h's api_keys): its label, whether it
 * is enabled, the window it is valid in, and its grants (permission names,
 * api_perm.h). A key without such a row is one made before grants existed
 * and holds every permission. An ops table of its own so a PostgreSQL store
 * can implement it too (st->ops->key_grants; NULL: the store has none, and
 * every key holds every permission). Operations return 1/0 as documented,
 * or -1 with err.
 */
#ifndef VANTAGE_STORE_STORE_KEY_GRANTS_H
#define VANTAGE_STORE_STORE_KEY_GRANTS_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_KEY_LABEL_MAX 128
#define STORE_KEY_GRANTS_MAX 512

struct store_key_grants {
	char label[STORE_KEY_LABEL_MAX];
	int enabled;
	int64_t valid_from, valid_to;        /* Unix seconds; 0: open */
	char grants[STORE_KEY_GRANTS_MAX];   /* permission names, comma-separated */
	char prefix[12];                     /* the key text's first 8 characters, to show */
};

struct store_key_grants_ops {
	/* The key's row: 1 and *g filled, 0 if it has none, -1. */
	int (*get)(struct store *st, int64_t key_id, struct store_key_grants *g,
		   char *err, size_t errlen);
	/* Keep (replace) the key's row; 0 or -1. */
	int (*put)(struct store *st, int64_t key_id, const struct store_key_grants *g,
		   char *err, size_t errlen);
};

#endif
