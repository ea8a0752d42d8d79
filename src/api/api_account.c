/*
 * api_account: refuse the keys of disabled accounts (see api_account.h).
 */
#include "api/api_account.h"

#include "api/api_int.h"
#include "store/store_account.h"

/* See api_account.h. */
int api_account_key_ok(struct api_call *c)
{
	struct store *st = c->api->store;
	struct store_account a;
	char err[256];
	if (!st->ops->account)
		return 1;   /* a store without accounts */
	int found = st->ops->account->of_key(st, c->key.id, &a, err, sizeof err);
	if (found < 0) {
		api_error(c, 500, "%s", err);
		return 0;
	}
	if (found == 1 && a.disabled) {
		api_error(c, 403, "The provided API key belongs to a disabled account");
		return 0;
	}
	return 1;
}
