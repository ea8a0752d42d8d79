/*
 * credits_ctl: credits in the running controller. Each admitted session
 * earns its host account credits_per_minute (anchors times
 * anchor_credit_factor) for every whole minute it has been connected, on
 * the tick and as it closes; the ledger's unique (agent, minute) reference
 * makes a minute counted twice (overlapping reconnects) one entry. Each
 * result is priced as it is queued (credits_price: the measurement's payer
 * and its cost, cached per measurement) and charged by the store when it is
 * newly stored, in the group commit. After the commit, an account that ran
 * dry or over a daily limit has its running measurements stopped, with the
 * reason, and their agents told. Under NATS ingest the store writers
 * commit and charge, out of the front-end's sight: the store tells every
 * front-end which accounts a commit charged as it commits (PostgreSQL's
 * NOTIFY, store_frontend.h: agent -1), and each looks at them then
 * (credits_committed), so a dry account is stopped as the writer's commit
 * that dried it is heard, not a tick later. The accounts charged in the
 * batches JetStream took are also looked at on the next two ticks: the
 * safety net for a front-end whose listener was lost (a writer commits
 * within its batch time, well under a tick or two; an account seen before
 * its writer committed is looked at again as its running measurements
 * bring more results). The admin socket's credits.show,
 * credits.ledger and credits.transfer (operator only: the socket is).
 */
#include "controller/controller_int.h"

#include "controller/credit_rules.h"
#include "controller/credit_summary.h"
#include "store/store_account.h"
#include "store/store_credit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Payer and price of recent measurements, by id modulo PRICE_SLOTS. */
#define PRICE_SLOTS 256
struct credit_price {
	int64_t msm_id, account, cost;
};

/* Accounts charged through JetStream: [0] since the last tick, [1] the tick before. */
struct credit_due {
	int64_t *acc[2];
	size_t n[2], cap[2];
};

/* The platform's limits (platform_policy.h) in credit_rules' terms. */
static struct credit_limits limits_of(const struct controller *c)
{
	return (struct credit_limits){ c->policy.max_running, c->policy.max_probes,
				       c->policy.max_results_per_day, c->policy.max_credits_per_day };
}

/* See controller_int.h: 0 with *account (0: nobody pays) and *cost, or -1 (logged). */
int credits_price(struct controller *c, int64_t msm_id, int64_t *account, int64_t *cost)
{
	char err[256];
	struct store_credit_msm m;
	*account = *cost = 0;
	if (!c->store->ops->credit)
		return 0;
	if (!c->prices && !(c->prices = calloc(PRICE_SLOTS, sizeof *c->prices)))
		return -1;
	struct credit_price *p = &c->prices[(uint64_t)msm_id % PRICE_SLOTS];
	if (p->msm_id != msm_id || msm_id == 0) {
		int found = c->store->ops->credit->msm_payer(c->store, msm_id, &m, err, sizeof err);
		if (found < 0) {
			ctl_log(c, "measurement %lld: %s", (long long)msm_id, err);
			return -1;
		}
		*p = (struct credit_price){ msm_id, found ? m.account_id : 0,
					    found ? credit_result_cost(m.def, m.is_oneoff) : 0 };
		json_decref(m.def);
	}
	*account = p->account;
	*cost = p->cost;
	return 0;
}

/* Earn s's whole connected minutes up to now for its host account. */
static void earn_session(struct controller *c, struct session *s, int64_t now)
{
	char err[256];
	struct store_account a;
	int64_t first, last;
	if (!s->admitted || !credit_minutes(s->connected_wall, s->earned_to, now, &first, &last))
		return;
	int found = c->store->ops->account->of_agent(c->store, s->agent.id, &a, err, sizeof err);
	int64_t per = c->policy.credits_per_minute *
		      (strcmp(s->agent.role, "anchor") == 0 ? c->policy.anchor_credit_factor : 1);
	if (found == 1 && c->store->ops->credit->earn(c->store, a.id, s->agent.id, first, last,
						      per, now, err, sizeof err) < 0)
		found = -1;
	if (found < 0)
		ctl_log(c, "agent %lld: credits: %s", (long long)s->agent.id, err);
	else
		s->earned_to = last;
}

static void check_account(struct controller *c, int64_t account, int64_t now);

/* Is account in generation g of d? */
static int due_has(const struct credit_due *d, int g, int64_t account)
{
	for (size_t i = 0; i < d->n[g]; i++)
		if (d->acc[g][i] == account)
			return 1;
	return 0;
}

/* See controller_int.h. */
void credits_charged(struct controller *c, int64_t account)
{
	if (!account || !c->store->ops->credit)
		return;
	if (!c->credit_due && !(c->credit_due = calloc(1, sizeof *c->credit_due)))
		return;   /* out of memory: the account is looked at when next charged */
	struct credit_due *d = c->credit_due;
	if (due_has(d, 0, account))
		return;
	if (d->n[0] == d->cap[0]) {
		size_t cap = d->cap[0] ? 2 * d->cap[0] : 16;
		int64_t *a = realloc(d->acc[0], cap * sizeof *a);
		if (!a)
			return;
		d->acc[0] = a;
		d->cap[0] = cap;
	}
	d->acc[0][d->n[0]++] = account;
}

/* Look at the accounts charged over the last two ticks, then age them by one. */
static void check_due(struct controller *c, int64_t now)
{
	struct credit_due *d = c->credit_due;
	if (!d)
		return;
	for (size_t i = 0; i < d->n[0]; i++)
		check_account(c, d->acc[0][i], now);
	for (size_t i = 0; i < d->n[1]; i++)
		if (!due_has(d, 0, d->acc[1][i]))
			check_account(c, d->acc[1][i], now);
	int64_t *older = d->acc[1];
	size_t older_cap = d->cap[1];
	d->acc[1] = d->acc[0];
	d->n[1] = d->n[0];
	d->cap[1] = d->cap[0];
	d->acc[0] = older;
	d->cap[0] = older_cap;
	d->n[0] = 0;
}

/* See controller_int.h. Only under NATS ingest: otherwise this front-end made the
   commit and looked at its accounts after it already. */
void credits_committed(struct controller *c, int64_t account)
{
	if (c->ingest_js && account > 0 && c->store->ops->credit && c->store->ops->account)
		check_account(c, account, time(NULL));
}

/* See controller_int.h. */
void credits_free(struct controller *c)
{
	if (!c->credit_due)
		return;
	free(c->credit_due->acc[0]);
	free(c->credit_due->acc[1]);
	free(c->credit_due);
	c->credit_due = NULL;
}

/* See controller_int.h. */
void credits_tick(struct controller *c, int64_t now)
{
	if (!c->store->ops->credit || !c->store->ops->account)
		return;
	struct session *s;
	TAILQ_FOREACH(s, &c->sessions, link)
		earn_session(c, s, now);
	check_due(c, now);
}

/* See controller_int.h. */
void credits_session_end(struct controller *c, struct session *s, int64_t now)
{
	if (c->store->ops->credit && c->store->ops->account)
		earn_session(c, s, now);
}

/* Stop the running measurements of account if it must stop; logs what it did. */
static void check_account(struct controller *c, int64_t account, int64_t now)
{
	char err[256], why[200];
	struct credit_state st;
	struct credit_limits l = limits_of(c);
	json_t *ids = NULL;
	if (credit_state_of(c->store, account, now, &st, err, sizeof err) < 0 ||
	    (credit_must_stop(&l, &st, why, sizeof why) &&
	     c->store->ops->credit->stop_account(c->store, account, why, now, &ids, err,
						 sizeof err) < 0)) {
		ctl_log(c, "account %lld: credits: %s", (long long)account, err);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		ctl_log(c, "measurement %lld stopped: %s", (long long)json_integer_value(v), why);
		assign_stop(c, json_integer_value(v));
	}
	json_decref(ids);
}

/* See controller_int.h. Each account charged in the batch is looked at once. */
void credits_after_commit(struct controller *c)
{
	if (!c->store->ops->credit)
		return;
	int64_t now = time(NULL);
	for (size_t i = 0; i < c->nbatch; i++) {
		int64_t acc = c->batch[i].charge_account;
		int seen = acc == 0 || c->batch[i].outcome != STORE_NEW;
		for (size_t k = 0; !seen && k < i; k++)
			seen = c->batch[k].charge_account == acc && c->batch[k].outcome == STORE_NEW;
		if (!seen)
			check_account(c, acc, now);
	}
}

/* The account of req's field name: its id, or -1 with err. */
static int64_t account_of(struct controller *c, const json_t *req, const char *name,
			  char *err, size_t errlen)
{
	struct store_account a;
	if (!c->store->ops->credit) {
		snprintf(err, errlen, "this controller's store has no credits ledger (only the SQLite"
			 " store has one yet)");
		return -1;
	}
	return account_named(c, req, name, NULL, &a, err, errlen) < 0 ? -1 : a.id;
}

/* An integer field of req (dflt when absent); 0 or -1 with err. */
static int int_field(const json_t *req, const char *name, int64_t dflt, int64_t *out,
		     char *err, size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (v && !json_is_integer(v)) {
		snprintf(err, errlen, "'%s' must be an integer", name);
		return -1;
	}
	*out = v ? json_integer_value(v) : dflt;
	return 0;
}

/* credits.show {account}: the RIPE-shaped summary with the account's name and id. */
json_t *credits_show(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id = account_of(c, req, "account", err, errlen);
	struct credit_limits l = limits_of(c);
	json_t *o = id < 0 ? NULL : credit_summary(c->store, id, time(NULL), &l, err, errlen);
	if (o) {
		json_object_set_new(o, "account_id", json_integer(id));
		json_object_set(o, "account", json_object_get(req, "account"));
	}
	return o;
}

/* credits.ledger {account, from?, to?, limit?}: the entries, oldest first. */
json_t *credits_ledger(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t id = account_of(c, req, "account", err, errlen), from, to, limit;
	json_t *rows = NULL;
	if (id < 0 || int_field(req, "from", 0, &from, err, errlen) < 0 ||
	    int_field(req, "to", 0, &to, err, errlen) < 0 ||
	    int_field(req, "limit", 100000, &limit, err, errlen) < 0 ||
	    c->store->ops->credit->ledger(c->store, id, from, to, limit, &rows, err, errlen) < 0)
		return NULL;
	return rows;
}

/* credits.transfer {from, to, amount, note}: moves credits; {id}. */
json_t *credits_transfer(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t from = account_of(c, req, "from", err, errlen), to = -1, amount, id;
	const char *note = json_string_value(json_object_get(req, "note"));
	if (from < 0 || (to = account_of(c, req, "to", err, errlen)) < 0 ||
	    int_field(req, "amount", 0, &amount, err, errlen) < 0)
		return NULL;
	if (amount <= 0) {
		snprintf(err, errlen, "'amount' must be a positive number of credits");
		return NULL;
	}
	ingest_flush(c);   /* the transfer is its own transaction, committed before the answer */
	if (c->store->ops->credit->transfer(c->store, from, to, amount, note, time(NULL), &id,
					    err, errlen) < 0)
		return NULL;
	return json_pack("{s:I}", "id", (json_int_t)id);
}
