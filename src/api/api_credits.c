/*
 * api_credits: GET /api/v2/credits/ (the calling key's account's credits,
 * with RIPE Atlas's fields: current_balance, estimated_daily_income and
 * _expenditure, estimated_runout_seconds, past_day_measurement_results,
 * past_day_credits_spent, ...; controller/credit_summary.h) and
 * GET /api/v2/credits/transactions/ (its ledger entries, newest last, as a
 * listing page). The account is the one that owns the key; a key needs no
 * other permission, as every key may read its own account's credits.
 */
#include "api/api_int.h"

#include "controller/credit_summary.h"
#include "store/store_account.h"
#include "store/store_credit.h"

/* The account of the calling key: its id, or 0 after replying. */
static int64_t key_account(struct api_call *c)
{
	char err[256];
	struct store_account a;
	struct store *st = c->api->store;
	if (!st->ops->credit || !st->ops->account) {
		api_error(c, 404, "This platform's store keeps no credits");
		return 0;
	}
	int found = st->ops->account->of_key(st, c->key.id, &a, err, sizeof err);
	if (found < 0)
		api_error(c, 500, "%s", err);
	else if (found == 0)
		api_error(c, 404, "This key belongs to no account, so it has no credits");
	return found == 1 ? a.id : 0;
}

/* See api_int.h. */
void api_credits(struct api_call *c)
{
	char err[256];
	int64_t account = key_account(c);
	if (!account)
		return;
	api_commit_pending(c->api);   /* what was just charged counts */
	json_t *o = credit_summary(c->api->store, account, api_now(), &c->api->opts.credit_limits,
				   err, sizeof err);
	if (!o)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, o);
}

/* See api_int.h. At most 10,000 entries of the past 30 days. */
void api_credits_transactions(struct api_call *c)
{
	char err[256];
	json_t *rows = NULL;
	int64_t account = key_account(c);
	if (!account)
		return;
	api_commit_pending(c->api);
	if (c->api->store->ops->credit->ledger(c->api->store, account, api_now() - 30 * 86400, 0,
					       10000, &rows, err, sizeof err) < 0)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, api_page(c, rows, (int64_t)json_array_size(rows)));
}
