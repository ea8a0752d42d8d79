/*
 * credit_summary: an account's credits, RIPE Atlas-shaped, and where it
 * stands against the limits (credit_summary.h).
 */
#include "controller/credit_summary.h"

#include "store/store.h"
#include "store/store_credit.h"

#include <stdio.h>

/* A Unix time as an integer, or null when 0. */
static json_t *time_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

/* See credit_summary.h. */
json_t *credit_summary(struct store *st, int64_t account, int64_t now,
		       const struct credit_limits *limits, char *err, size_t errlen)
{
	struct store_credit_sums d;
	if (!st->ops->credit) {
		snprintf(err, errlen, "this controller's store has no credits ledger");
		return NULL;
	}
	if (st->ops->credit->sums(st, account, now - 86400, now, &d, err, errlen) < 0)
		return NULL;
	int64_t net = d.income - d.spent;
	json_t *runout = net < 0 && d.balance > 0 ? json_integer(d.balance * 86400 / -net)
						    : json_null();
	return json_pack("{s:I,s:b,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:o,s:o,s:s}",
		"current_balance", (json_int_t)d.balance, "credit_checked", 1,
		"max_daily_credits", (json_int_t)limits->max_credits_per_day,
		"estimated_daily_income", (json_int_t)d.income,
		"estimated_daily_expenditure", (json_int_t)d.spent,
		"estimated_daily_balance", (json_int_t)net,
		"calculation_time", (json_int_t)now,
		"estimated_runout_seconds", runout,
		"past_day_measurement_results", (json_int_t)d.results,
		"past_day_credits_spent", (json_int_t)d.spent,
		"last_date_debited", time_or_null(d.last_debited),
		"last_date_credited", time_or_null(d.last_credited),
		"transactions", "/api/v2/credits/transactions/");
}

/* See credit_summary.h. The daily limits count from 00:00 UTC. */
int credit_state_of(struct store *st, int64_t account, int64_t now, struct credit_state *s,
		    char *err, size_t errlen)
{
	struct store_credit_sums d;
	if (!st->ops->credit) {
		snprintf(err, errlen, "this controller's store has no credits ledger");
		return -1;
	}
	if (st->ops->credit->sums(st, account, now - now % 86400, now, &d, err, errlen) < 0 ||
	    st->ops->credit->running(st, account, now, &s->running, err, errlen) < 0)
		return -1;
	s->balance = d.balance;
	s->day_results = d.results;
	s->day_spent = d.spent;
	return 0;
}
