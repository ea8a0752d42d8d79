/*
 * Tests of credits (issue 15): the price of a result as RIPE Atlas charges,
 * the whole minutes a connection earns, the limits at their edges
 * (credit_rules.h), and the ledger in the SQLite store (store_credit.h)
 * with an injected clock: minutes earned once across reconnects that
 * overlap, a result charged once across retries and a reopened store (a
 * restarted controller), nothing charged for a measurement nobody owns,
 * transfers, and the stop of an account's measurements with its reason;
 * a batch big enough for PostgreSQL's bulk path charged once, and two
 * writers (two connections) storing the same result: whichever stores it
 * charges it, once, whether the other commits or rolls back. The store
 * cases run on SQLite, and on PostgreSQL under tests/pg/pgtmp
 * (controller_credits_on_pg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "controller/credit_rules.h"
#include "controller/credit_summary.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_api.h"
#include "store/store_credit.h"
#include "store_tmp.h"

/* The price of the definition text at one-off or not. */
static int64_t price(const char *def, int oneoff)
{
	json_t *d = json_loads(def, 0, NULL);
	assert_non_null(d);
	int64_t p = credit_result_cost(d, oneoff);
	json_decref(d);
	return p;
}

static void test_price(void **state)
{
	(void)state;
	assert_int_equal(price("{\"type\":\"ping\"}", 0), 3);           /* 3 x 48 bytes */
	assert_int_equal(price("{\"type\":\"ping\",\"packets\":10,\"size\":1499}", 0), 10);
	assert_int_equal(price("{\"type\":\"ping\",\"packets\":10,\"size\":1500}", 0), 20);
	assert_int_equal(price("{\"type\":\"ping\",\"packets\":2,\"size\":2048}", 1), 8);
	assert_int_equal(price("{\"type\":\"traceroute\",\"packets\":3,\"size\":48}", 0), 30);
	assert_int_equal(price("{\"type\":\"traceroute\",\"packets\":3,\"size\":1500}", 1), 120);
	assert_int_equal(credit_first_day_results(240, 0), 360);
	assert_int_equal(credit_first_day_results(7, 0), 12343);      /* rounded up */
	assert_int_equal(credit_first_day_results(240, 1), 1);
}

static void test_minutes(void **state)
{
	(void)state;
	int64_t f = 0, l = 0;
	/* up from 100 s: minute 2 ([120,180)) is the first whole one */
	assert_int_equal(credit_minutes(100, -1, 179, &f, &l), 0);
	assert_int_equal(credit_minutes(100, -1, 180, &f, &l), 1);
	assert_int_equal(f, 2);
	assert_int_equal(l, 2);
	assert_int_equal(credit_minutes(100, -1, 300, &f, &l), 3);
	assert_int_equal(l, 4);
	assert_int_equal(credit_minutes(100, 4, 300, &f, &l), 0);       /* nothing new */
	assert_int_equal(credit_minutes(120, -1, 180, &f, &l), 1);      /* up from the edge */
	assert_int_equal(f, 2);
}

static const struct credit_limits lim = { 2, 10, 100, 1000 };

static void test_limits_edges(void **state)
{
	(void)state;
	char why[256];
	struct credit_state s = { .balance = 500, .running = 1, .day_results = 50, .day_spent = 400 };
	struct credit_ask a = { 1, 10, 500, 50 };
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), 0);   /* all at edge */
	a.probes = 11;
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "at most 10 probes"));
	a.probes = 10, a.measurements = 2;
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "at most 2 measurements"));
	a.measurements = 1, a.first_day_cost = 501;
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "Not enough credits"));
	s.balance = 10000, a.first_day_cost = 601;
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "daily credit limit"));
	a.first_day_cost = 600, a.first_day_results = 51;
	assert_int_equal(credit_check_create(&lim, &s, &a, why, sizeof why), -1);
	assert_non_null(strstr(why, "daily result limit"));
	/* stopping: at 1 credit it runs, at 0 it stops; the daily limits at their value */
	struct credit_state r = { .balance = 1, .day_spent = 999, .day_results = 99 };
	assert_int_equal(credit_must_stop(&lim, &r, why, sizeof why), 0);
	r.balance = 0;
	assert_int_equal(credit_must_stop(&lim, &r, why, sizeof why), 1);
	assert_non_null(strstr(why, "ran out of credits"));
	r.balance = 5, r.day_spent = 1000;
	assert_int_equal(credit_must_stop(&lim, &r, why, sizeof why), 1);
	r.day_spent = 0, r.day_results = 100;
	assert_int_equal(credit_must_stop(&lim, &r, why, sizeof why), 1);
}

static int setup(void **state)
{
	*state = store_fixture_new("vpl-credits");
	return 0;
}

static int teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* A new account named name; its id. */
static int64_t account(struct store *st, const char *name)
{
	char err[256];
	int64_t id;
	assert_int_equal(st->ops->account->add(st, name, "", 1000, &id, err, sizeof err), 0);
	return id;
}

/* An approved agent with fingerprint of digit d; its id. */
static int64_t agent(struct store *st, char d)
{
	struct store_agent a = { .approved = 1 };
	char err[256];
	memset(a.fp, d, 64);
	snprintf(a.role, sizeof a.role, "probe");
	assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
	return a.id;
}

/* A measurement def on agent, created by a key of account (0: by no key); its id. */
static int64_t measurement(struct store *st, int64_t acc, int64_t ag, const char *def, char d)
{
	char err[256], hash[65];
	int64_t key = 0;
	if (acc) {
		memset(hash, d, 64);
		hash[64] = 0;
		assert_int_equal(st->ops->api->key_add(st, hash, "me", 600, 1000, &key, err,
						       sizeof err), 0);
		assert_int_equal(st->ops->account->own_key(st, key, acc, err, sizeof err), 0);
	}
	struct store_msm m = { .def = def, .start = 1000, .interval = 240 };
	struct store_api_msm am = { &m, &ag, 1, key, "", 0, 1, 1000, 1, NULL };
	assert_int_equal(st->ops->api->msm_create(st, &am, 1, err, sizeof err), 0);
	return m.id;
}

/* The account's balance. */
static int64_t balance(struct store *st, int64_t acc)
{
	struct store_credit_sums s;
	char err[256];
	assert_int_equal(st->ops->credit->sums(st, acc, 0, 1LL << 40, &s, err, sizeof err), 0);
	return s.balance;
}

/* Two overlapping sessions (a reconnect before the old one was seen closed) and a
   repeated tick earn each minute once. */
static void test_earn_across_reconnects(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	int64_t acc = account(st, "host"), ag = agent(st, '1'), f, l, done = -1;
	/* session 1: up from 100, ticks at 200 and 300, closes at 330 */
	int64_t ticks[] = { 200, 300, 300, 330 };
	for (size_t i = 0; i < 4; i++)
		if (credit_minutes(100, done, ticks[i], &f, &l)) {
			assert_true(st->ops->credit->earn(st, acc, ag, f, l, 15, ticks[i], err,
							  sizeof err) >= 0);
			done = l;
		}
	assert_int_equal(balance(st, acc), 15 * 3);     /* minutes 2, 3, 4 */
	/* session 2 came up at 250 (before 1 closed): minutes 5.. only once */
	int64_t n = 0;
	done = -1;
	assert_int_equal(credit_minutes(250, done, 420, &f, &l), 2);   /* 5, 6 */
	n = st->ops->credit->earn(st, acc, ag, f, l, 15, 420, err, sizeof err);
	assert_int_equal(n, 2);
	assert_int_equal(credit_minutes(250, -1, 420, &f, &l), 2);     /* a retry */
	assert_int_equal(st->ops->credit->earn(st, acc, ag, f, l, 15, 420, err, sizeof err), 0);
	assert_int_equal(balance(st, acc), 15 * 5);
	/* an anchor's rate is just another per-minute amount */
	assert_int_equal(st->ops->credit->earn(st, acc, ag, 7, 7, 150, 480, err, sizeof err), 1);
	assert_int_equal(balance(st, acc), 15 * 5 + 150);
}

/* A result r of agent ag in msm, seq, charged cost to acc. */
static struct store_result result(int64_t ag, int64_t msm, int64_t seq, int64_t acc,
				  int64_t cost)
{
	static const char body[] = "{\"type\":\"ping\",\"timestamp\":5000}";
	return (struct store_result){ .agent_id = ag, .seq = seq, .msm_id = msm, .body = body,
				      .len = sizeof body - 1, .charge_account = acc,
				      .charge = cost };
}

static void test_charge_once_across_retries_and_restart(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st = fx->st;
	char err[256];
	int64_t acc = account(st, "researcher"), ag = agent(st, '2');
	int64_t msm = measurement(st, acc, ag, "{\"type\":\"ping\",\"packets\":4,\"size\":48}", 'a');
	int64_t nobody = measurement(st, 0, ag, "{\"type\":\"ping\"}", 'b');
	struct store_credit_msm payer;
	assert_int_equal(st->ops->credit->msm_payer(st, msm, &payer, err, sizeof err), 1);
	assert_int_equal(payer.account_id, acc);
	int64_t cost = credit_result_cost(payer.def, payer.is_oneoff);
	json_decref(payer.def);
	assert_int_equal(cost, 4);
	assert_int_equal(st->ops->credit->msm_payer(st, nobody, &payer, err, sizeof err), 1);
	assert_int_equal(payer.account_id, 0);                 /* the mesh's kind: nobody pays */
	json_decref(payer.def);
	int64_t operator = measurement(st, STORE_ACCOUNT_DEFAULT, ag, "{\"type\":\"ping\"}", 'e');
	assert_int_equal(st->ops->credit->msm_payer(st, operator, &payer, err, sizeof err), 1);
	assert_int_equal(payer.account_id, 0);                 /* nor the operator's own */
	json_decref(payer.def);
	struct store_result r[3] = { result(ag, msm, 1, acc, cost), result(ag, msm, 2, acc, cost),
				     result(ag, nobody, 3, 0, 0) };
	assert_int_equal(st->ops->results_put(st, r, 3, err, sizeof err), 3);
	assert_int_equal(balance(st, acc), -8);
	/* the agent resends (a lost ack): duplicates, charged nothing more */
	struct store_result again[2] = { result(ag, msm, 2, acc, cost), result(ag, msm, 4, acc, cost) };
	assert_int_equal(st->ops->results_put(st, again, 2, err, sizeof err), 1);
	assert_int_equal(again[0].outcome, STORE_DUPLICATE);
	assert_int_equal(balance(st, acc), -12);
	/* a restarted controller (the store reopened) sees the same */
	st->ops->close(st);
	fx->st = NULL;
	store_fixture_reopen(fx);
	st = fx->st;
	struct store_result third[2] = { result(ag, msm, 1, acc, cost), result(ag, msm, 4, acc, cost) };
	assert_int_equal(st->ops->results_put(st, third, 2, err, sizeof err), 0);
	assert_int_equal(balance(st, acc), -12);
	/* ledger entries = stored results of the paying measurement, summed both ways */
	json_t *rows = NULL;
	assert_int_equal(st->ops->credit->ledger(st, acc, 0, 0, 100, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 3);
	json_decref(rows);
}

static void test_transfer_and_stop(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256], why[128];
	int64_t a = account(st, "a"), b = account(st, "b"), ag = agent(st, '3'), id;
	assert_int_equal(st->ops->credit->earn(st, a, ag, 1, 10, 15, 700, err, sizeof err), 10);
	assert_int_equal(st->ops->credit->transfer(st, a, b, 100, "gift", 800, &id, err,
						   sizeof err), 0);
	assert_int_equal(st->ops->credit->transfer(st, a, a, 1, "", 800, &id, err, sizeof err), -1);
	assert_int_equal(balance(st, a), 50);
	assert_int_equal(balance(st, b), 100);
	int64_t m1 = measurement(st, b, ag, "{\"type\":\"ping\"}", 'c');
	int64_t m2 = measurement(st, a, ag, "{\"type\":\"ping\"}", 'd');
	int64_t running = 0;
	assert_int_equal(st->ops->credit->running(st, b, 2000, &running, err, sizeof err), 0);
	assert_int_equal(running, 1);
	json_t *ids = NULL;
	assert_int_equal(st->ops->credit->stop_account(st, b, "ran dry", 2000, &ids, err,
						       sizeof err), 0);
	assert_int_equal(json_array_size(ids), 1);
	assert_int_equal(json_integer_value(json_array_get(ids, 0)), m1);
	json_decref(ids);
	assert_int_equal(st->ops->credit->stop_reason(st, m1, why, sizeof why, err, sizeof err), 1);
	assert_string_equal(why, "ran dry");
	assert_int_equal(st->ops->credit->stop_reason(st, m2, why, sizeof why, err, sizeof err), 0);
	assert_int_equal(st->ops->credit->running(st, a, 2000, &running, err, sizeof err), 0);
	assert_int_equal(running, 1);                        /* the other account is untouched */
}

/* A batch of n results seq first.. of msm charged cost each to acc. */
static void batch(struct store_result *r, size_t n, int64_t ag, int64_t msm, int64_t first,
		  int64_t acc, int64_t cost)
{
	for (size_t i = 0; i < n; i++)
		r[i] = result(ag, msm, first + (int64_t)i, acc, cost);
}

static void test_charge_bulk_batch_once(void **state)
{
	struct store *st = ((struct store_fixture *)*state)->st;
	char err[256];
	int64_t acc = account(st, "bulk"), ag = agent(st, '4');
	int64_t msm = measurement(st, acc, ag, "{\"type\":\"ping\"}", 'f');
	struct store_result r[20];
	batch(r, 12, ag, msm, 1, acc, 3);     /* 12: PostgreSQL's bulk path (PG_BULK_MIN 8) */
	assert_int_equal(st->ops->results_put(st, r, 12, err, sizeof err), 12);
	assert_int_equal(balance(st, acc), -36);
	batch(r, 20, ag, msm, 1, acc, 3);     /* 12 again and 8 new */
	assert_int_equal(st->ops->results_put(st, r, 20, err, sizeof err), 8);
	assert_int_equal(balance(st, acc), -60);
	json_t *rows = NULL;
	assert_int_equal(st->ops->credit->ledger(st, acc, 0, 0, 100, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 20);
	char ref[64];
	snprintf(ref, sizeof ref, "result:%lld:0:1", (long long)ag);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "ref")), ref);
	json_decref(rows);
}

/* A second writer's results_put, run on a thread of its own. */
struct writer {
	struct store *st;
	struct store_result r;
	int rc;
	char err[256];
};

static void *writer_put(void *arg)
{
	struct writer *w = arg;
	w->rc = w->st->ops->results_put(w->st, &w->r, 1, w->err, sizeof w->err);
	return NULL;
}

/* Writer a stores seq in a transaction while writer b stores it too; a ends with how
   ("commit" or "rollback"); returns b's outcome. */
static enum store_outcome race(struct store_fixture *fx, struct store *b, int64_t ag,
			       int64_t msm, int64_t seq, int64_t acc, const char *how)
{
	struct store *a = fx->st;
	char err[256];
	struct store_result r = result(ag, msm, seq, acc, 5);
	assert_int_equal(a->ops->txn(a, "begin", err, sizeof err), 0);
	assert_int_equal(a->ops->results_put(a, &r, 1, err, sizeof err), 1);
	struct writer w = { .st = b, .r = result(ag, msm, seq, acc, 5) };
	pthread_t t;
	/* On PostgreSQL, b is seen blocked on a's claim of the key before a ends; SQLite
	   has one writer at a time, so there b writes after a ended. */
	if (fixture_pg()) {
		assert_int_equal(pthread_create(&t, NULL, writer_put, &w), 0);
		assert_true(fixture_pg_someone_waits(fx->spec));
	}
	assert_int_equal(a->ops->txn(a, how, err, sizeof err), 0);
	if (fixture_pg())
		assert_int_equal(pthread_join(t, NULL), 0);
	else
		writer_put(&w);
	if (w.rc < 0)
		fail_msg("second writer: %s", w.err);
	return w.r.outcome;
}

static void test_two_writers_charge_once(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st = fx->st;
	char err[256];
	int64_t acc = account(st, "shared"), ag = agent(st, '5');
	int64_t msm = measurement(st, acc, ag, "{\"type\":\"ping\"}", 'g');
	struct store *b = store_open(fx->spec, err, sizeof err);
	if (!b)
		fail_msg("second writer: %s", err);
	/* a rolls back: b stores the result and charges it */
	assert_int_equal(race(fx, b, ag, msm, 1, acc, "rollback"), STORE_NEW);
	assert_int_equal(balance(st, acc), -5);
	/* a commits: b finds it stored and charges nothing */
	assert_int_equal(race(fx, b, ag, msm, 2, acc, "commit"), STORE_DUPLICATE);
	assert_int_equal(balance(st, acc), -10);
	assert_int_equal(st->ops->results_count(st), 2);
	b->ops->close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price),
		cmocka_unit_test(test_minutes),
		cmocka_unit_test(test_limits_edges),
		cmocka_unit_test_setup_teardown(test_earn_across_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charge_once_across_retries_and_restart, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transfer_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charge_bulk_batch_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers_charge_once, setup, teardown),
	};
	return cmocka_run_group_tests_name(fixture_pg() ? "controller_credits_pg" :
					   "controller_credits", tests, NULL, NULL);
}
