/*
 * api_credit_caps: the platform's limits on an account (platform_policy.h:
 * max_running, max_probes, max_results_per_day, max_credits_per_day) and
 * its credits, checked when a key creates measurements, after and beside
 * the key's own caps (api_caps.c): both apply, so the tighter one wins.
 * The account must be able to pay the estimated first day of what it asks
 * (each definition's price per result, times its results in a day, times
 * its probes). Checked before anything is stored; over a limit the client
 * gets RIPE Atlas's error object with status 400 and the limit named.
 * A key owned by no account or by the default one (the operator's), or a
 * store without a ledger, is not limited here (nobody would pay).
 */
#include "api/api_int.h"

#include "api/api_caps.h"
#include "api/api_create.h"
#include "controller/credit_rules.h"
#include "controller/credit_summary.h"
#include "store/store_account.h"
#include "store/store_credit.h"

/* What req on nprobes probes asks of an account. */
static struct credit_ask ask_of(const struct api_create *req, size_t nprobes)
{
	struct credit_ask a = { .measurements = (int64_t)req->ndefs, .probes = (int64_t)nprobes };
	for (size_t i = 0; i < req->ndefs; i++) {
		const struct api_def *d = &req->defs[i];
		int64_t results = credit_first_day_results(d->interval, d->is_oneoff) *
				  (int64_t)nprobes;
		a.first_day_results += results;
		a.first_day_cost += results * credit_result_cost(d->run, d->is_oneoff);
	}
	return a;
}

/* See api_caps.h. */
int api_caps_credits(struct api_call *c, const struct api_create *req, size_t nprobes)
{
	char err[256];
	struct store *st = c->api->store;
	const struct credit_limits *l = &c->api->opts.credit_limits;
	struct store_account a;
	struct credit_state s;
	if (!st->ops->credit || !st->ops->account || l->max_running == 0)
		return 0;
	int found = st->ops->account->of_key(st, c->key.id, &a, err, sizeof err);
	if (found == 1 && credit_state_of(st, a.id, api_now(), &s, err, sizeof err) < 0)
		found = -1;
	if (found < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	if (found == 0 || a.id == STORE_ACCOUNT_DEFAULT)
		return 0;     /* the operator's own account is not limited (store_credit.h) */
	struct credit_ask ask = ask_of(req, nprobes);
	if (credit_check_create(l, &s, &ask, err, sizeof err) < 0) {
		api_error(c, 400, "%s", err);
		return -1;
	}
	return 0;
}
