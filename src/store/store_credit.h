/*
 * store_credit: the credits ledger in the store. Every change of an
 * account's credits is one entry (account, amount, reason, reference,
 * time), and the reference is unique: a result is charged under
 * "result:AGENT:EPOCH:SEQ", a connected minute earned under
 * "minute:AGENT:MINUTE", a transfer's two halves under "transfer:ID:from"
 * and "transfer:ID:to". So however often a result is re-uploaded or a
 * minute is counted again (retries, reconnects, a restarted controller),
 * the ledger holds it once, and the balance is the sum of the entries.
 * Results are charged by results_put itself (store_result.charge_account),
 * in the transaction that stores them: a result is charged exactly when it
 * is newly stored. Reached as st->ops->credit->...; every operation
 * returns 0 (or a documented count) or -1 with err.
 *
 * Who pays for a measurement: the account of the API key that created it
 * (api_msm.key_id -> account_keys). A measurement with no api_msm row, or
 * whose key_id is 0 or owned by no account (the controller's own, e.g. the
 * anchoring mesh), is charged to nobody; so is one of the default account
 * (account 1, the operator's own, which adopted every key from before
 * accounts: it is neither charged nor limited).
 */
#ifndef VANTAGE_STORE_STORE_CREDIT_H
#define VANTAGE_STORE_STORE_CREDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Who pays for a measurement, and what it is. */
struct store_credit_msm {
	int64_t account_id;      /* 0: charged to nobody */
	int is_oneoff;
	int64_t interval;
	json_t *def;             /* its runner definition (owned by the caller) */
};

/* An account's credits over a window [since, now]. */
struct store_credit_sums {
	int64_t balance;         /* all entries ever */
	int64_t income;          /* positive entries in the window */
	int64_t spent;           /* minus the result charges in the window */
	int64_t results;         /* results charged in the window */
	int64_t last_debited, last_credited;   /* times of the newest entries, 0: none */
};

struct store_credit_ops {
	/* Who pays for msm_id: 1 and *m filled (m->def new), 0 if no such measurement, -1. */
	int (*msm_payer)(struct store *st, int64_t msm_id, struct store_credit_msm *m,
			 char *err, size_t errlen);
	/* Credit account per_minute for each minute first..last of agent that is not yet
	   credited; returns how many were newly credited, or -1. */
	int64_t (*earn)(struct store *st, int64_t account_id, int64_t agent_id, int64_t first,
			int64_t last, int64_t per_minute, int64_t now, char *err, size_t errlen);
	/* Move amount (> 0) from one account to another in one transaction; *id names it. */
	int (*transfer)(struct store *st, int64_t from, int64_t to, int64_t amount,
			const char *note, int64_t now, int64_t *id, char *err, size_t errlen);
	/* The account's sums over [since, now]. */
	int (*sums)(struct store *st, int64_t account_id, int64_t since, int64_t now,
		    struct store_credit_sums *out, char *err, size_t errlen);
	/* Entries of the account with from <= time < to (0: no bound), oldest first:
	   rows {id, time, amount, reason, ref, msm_id, agent_id, note}; at most limit rows. */
	int (*ledger)(struct store *st, int64_t account_id, int64_t from, int64_t to, int64_t limit,
		      json_t **out, char *err, size_t errlen);
	/* How many measurements the account has running at now. */
	int (*running)(struct store *st, int64_t account_id, int64_t now, int64_t *count,
		       char *err, size_t errlen);
	/* Stop every running measurement of the account with reason; their ids (new
	   array) into *ids. */
	int (*stop_account)(struct store *st, int64_t account_id, const char *reason, int64_t now,
			    json_t **ids, char *err, size_t errlen);
	/* Why a measurement was stopped by the ledger: 1 and reason into out, 0 if not, -1. */
	int (*stop_reason)(struct store *st, int64_t msm_id, char *out, size_t len,
			   char *err, size_t errlen);
};

#endif
