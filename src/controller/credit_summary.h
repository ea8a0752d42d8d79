/*
 * credit_summary: an account's credits as RIPE Atlas's GET /api/v2/credits/
 * shows them (current_balance, estimated_daily_income and _expenditure,
 * estimated_runout_seconds, past_day_measurement_results,
 * past_day_credits_spent, ...), read from the ledger. The estimates are the
 * past 24 hours' figures (income earned and credits spent), the runout the
 * time the balance lasts at that net rate (null when it does not fall).
 * Used by `vantage credits show` and by the API.
 */
#ifndef VANTAGE_CONTROLLER_CREDIT_SUMMARY_H
#define VANTAGE_CONTROLLER_CREDIT_SUMMARY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "controller/credit_rules.h"

struct store;

/* The summary object of account at now (limits: the platform's); NULL with err. */
json_t *credit_summary(struct store *st, int64_t account, int64_t now,
		       const struct credit_limits *limits, char *err, size_t errlen);

/* Where the account stands now for the limits (credit_rules.h); 0 or -1 with err. */
int credit_state_of(struct store *st, int64_t account, int64_t now, struct credit_state *s,
		    char *err, size_t errlen);

#endif
