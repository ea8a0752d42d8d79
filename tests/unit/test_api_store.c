/*
 * Tests of the API's store operations on a fresh store (SQLite, or
 * PostgreSQL under tests/pg/pgtmp: store_fixture.h) and of its
 * rate limiter: keys (only the hash is kept, revocation), measurements
 * created with their metadata in one transaction (a failing one leaves
 * nothing), owner-filtered pages with counts, keyset pages of results with
 * time and probe filters, the latest result per probe, probes with
 * session-derived uptime, and token buckets under an injected clock.
 * test_work_does_not_grow counts the SQLite virtual-machine steps of each
 * read the API makes on the controller's loop: they must not grow with the
 * results stored (an index is used, no scan of the table or of stored JSON);
 * it is SQLite's alone (test_store_pg.c checks PostgreSQL's query plans).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_key.h"
#include "api/api_rate.h"
#include "store/sqlite_int.h"
#include "store/store.h"
#include "store/store_api.h"
#include "store_fixture.h"

struct fix {
	char path[64];
	char spec[512];     /* what store_open is given (store_fixture.h) */
	struct store *st;
	int64_t agents[3];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	char err[256];
	snprintf(f->path, sizeof f->path, "/tmp/vapi-unit-%d.db", (int)getpid());
	unlink(f->path);
	assert_int_equal(fixture_store_new(f->path, f->spec, sizeof f->spec), 0);
	f->st = store_open(f->spec, err, sizeof err);
	if (!f->st)
		fail_msg("open: %s", err);
	for (int i = 0; i < 3; i++) {
		struct store_agent a = { .approved = 1 };
		snprintf(a.fp, sizeof a.fp, "%064x", i + 1);
		snprintf(a.role, sizeof a.role, "%s", i == 2 ? "anchor" : "probe");
		assert_int_equal(f->st->ops->agent_add(f->st, &a, err, sizeof err), 0);
		f->agents[i] = a.id;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char p[80];
	f->st->ops->close(f->st);
	fixture_store_drop(f->spec);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static void test_keys(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char key[API_KEY_LEN], hash[API_KEY_HASH_LEN], err[256];
	int64_t id;
	struct store_key k;
	assert_int_equal(api_key_new(key), 0);
	assert_int_equal(strlen(key), 36);
	api_key_hash(key, hash);
	assert_int_equal(api->key_add(f->st, hash, "alice", 30, 1000, &id, err, sizeof err), 0);
	assert_int_equal(api->key_find(f->st, hash, &k, err, sizeof err), 1);
	assert_string_equal(k.owner, "alice");
	assert_int_equal(k.rate, 30);
	assert_int_equal(k.revoked, 0);
	api_key_hash("not the key", hash);
	assert_int_equal(api->key_find(f->st, hash, &k, err, sizeof err), 0);
	assert_int_equal(api->key_revoke(f->st, id, err, sizeof err), 0);
	assert_int_equal(api->key_revoke(f->st, id, err, sizeof err), -1);
	api_key_hash(key, hash);
	assert_int_equal(api->key_find(f->st, hash, &k, err, sizeof err), 1);
	assert_int_equal(k.revoked, 1);
}

/* Create one measurement of owner on the agents; returns its id. */
static int64_t create(struct fix *f, int64_t owner, const int64_t *agents, size_t n)
{
	char err[256];
	struct store_msm m = { .def = "{\"type\":\"ping\",\"target\":\"198.18.1.2\"}", .start = 10 };
	struct store_api_msm am = { &m, agents, n, owner, "d", 1, (int64_t)n, 10 };
	assert_int_equal(f->st->ops->api->msm_create(f->st, &am, 1, err, sizeof err), 0);
	return m.id;
}

static void test_measurements(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char err[256];
	int64_t a = create(f, 1, f->agents, 2), b = create(f, 2, f->agents, 3);
	create(f, 1, f->agents + 2, 1);
	json_t *row, *rows;
	int64_t count;
	assert_int_equal(api->msm_get(f->st, b, &row, err, sizeof err), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "participants")), 3);
	assert_int_equal(json_integer_value(json_object_get(row, "key_id")), 2);
	json_decref(row);
	assert_int_equal(api->msm_get(f->st, 999, &row, err, sizeof err), 0);
	struct store_page p = { .key_id = 1, .limit = 1 };
	assert_int_equal(api->msm_page(f->st, &p, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 2);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
	/* a batch with a measurement assigned to an unknown agent: nothing of it stays */
	int64_t bad[1] = { 4242 };
	struct store_msm m1 = { .def = "{}" }, m2 = { .def = "{}" };
	struct store_api_msm am[2] = { { &m1, f->agents, 1, 1, "", 1, 1, 0 },
				       { &m2, bad, 1, 1, "", 1, 1, 0 } };
	assert_int_equal(api->msm_create(f->st, am, 2, err, sizeof err), -1);
	assert_int_equal(api->msm_page(f->st, &(struct store_page){ .limit = 50 }, &rows, &count,
				       err, sizeof err), 0);
	assert_int_equal(count, 3);
	json_decref(rows);
	/* adding a participant */
	assert_int_equal(api->msm_participants(f->st, a, f->agents + 2, 1, 0, err, sizeof err), 1);
	assert_int_equal(api->msm_get(f->st, a, &row, err, sizeof err), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "participants")), 3);
	json_decref(row);
}

/* Collect "agent:seq" of each row into a string. */
static int collect(void *arg, json_t *row)
{
	char *s = arg;
	sprintf(s + strlen(s), "%lld:%lld ", (long long)json_integer_value(json_object_get(row, "agent")),
		(long long)json_integer_value(json_object_get(row, "seq")));
	return 0;
}

static void test_results(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char err[256], got[256] = "";
	int64_t msm = create(f, 1, f->agents, 2);
	struct store_result r[5];
	char bodies[5][64];
	for (int i = 0; i < 5; i++) {
		snprintf(bodies[i], sizeof bodies[i], "{\"timestamp\":%d}", 100 + i);
		r[i] = (struct store_result){ .agent_id = f->agents[i % 2], .seq = i + 1, .msm_id = msm,
					      .body = bodies[i], .len = strlen(bodies[i]) };
	}
	assert_int_equal(f->st->ops->results_put(f->st, r, 5, err, sizeof err), 5);
	/* pages of two in time order; the store moves the cursor */
	struct store_result_filter flt = { .msm_id = msm, .limit = 2 };
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 2);
	assert_false(flt.done);
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 2);
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 1);
	assert_true(flt.done);
	char want[128];
	snprintf(want, sizeof want, "%lld:1 %lld:2 %lld:3 %lld:4 %lld:5 ", (long long)f->agents[0],
		 (long long)f->agents[1], (long long)f->agents[0], (long long)f->agents[1],
		 (long long)f->agents[0]);
	assert_string_equal(got, want);
	/* a time window and one probe */
	got[0] = 0;
	struct store_result_filter w = { .msm_id = msm, .start = 101, .stop = 103, .probes = f->agents + 1,
					 .nprobes = 1, .limit = 10 };
	assert_int_equal(api->results_page(f->st, &w, collect, got, err, sizeof err), 2);
	assert_true(w.done);
	snprintf(want, sizeof want, "%lld:2 %lld:4 ", (long long)f->agents[1], (long long)f->agents[1]);
	assert_string_equal(got, want);
	/* a scan of two rows a page: pages that find nothing are not the end */
	got[0] = 0;
	struct store_result_filter few = { .msm_id = msm, .probes = f->agents + 1, .nprobes = 1,
					   .limit = 10, .scan = 2 };
	int pages = 0;
	while (!few.done && pages < 10) {
		assert_true(api->results_page(f->st, &few, collect, got, err, sizeof err) >= 0);
		pages++;
	}
	assert_int_equal(pages, 3);
	assert_string_equal(got, want);
	/* latest per probe, a page of one probe at a time */
	got[0] = 0;
	struct store_result_filter l = { .msm_id = msm, .limit = 1 };
	assert_int_equal(api->results_latest(f->st, &l, collect, got, err, sizeof err), 1);
	assert_false(l.done);
	assert_int_equal(api->results_latest(f->st, &l, collect, got, err, sizeof err), 1);
	assert_int_equal(api->results_latest(f->st, &l, collect, got, err, sizeof err), 0);
	assert_true(l.done);
	snprintf(want, sizeof want, "%lld:5 %lld:4 ", (long long)f->agents[0], (long long)f->agents[1]);
	assert_string_equal(got, want);
	/* only the owner reads a measurement's participants */
	json_t *ids;
	assert_int_equal(api->msm_probes(f->st, msm, 1, &ids, err, sizeof err), 1);
	assert_int_equal(json_array_size(ids), 2);
	json_decref(ids);
	assert_int_equal(api->msm_probes(f->st, msm, 2, &ids, err, sizeof err), 0);
	json_decref(ids);
}

static void test_probes(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char err[256];
	int64_t sid;
	assert_int_equal(f->st->ops->session_open(f->st, f->agents[0], 1000, "198.18.0.2:555", &sid,
						  err, sizeof err), 0);
	assert_int_equal(f->st->ops->session_close(f->st, sid, 1100, "gone", err, sizeof err), 0);
	assert_int_equal(f->st->ops->session_open(f->st, f->agents[0], 1200, "198.18.0.2:556", &sid,
						  err, sizeof err), 0);
	json_t *attrs = json_pack("{s:i,s:s}", "asn_v4", 64500, "country_code", "NL");
	assert_int_equal(api->agent_attrs(f->st, f->agents[0], attrs, err, sizeof err), 0);
	json_decref(attrs);
	json_t *rows;
	int64_t count;
	struct store_page p = { .limit = 10 };
	assert_int_equal(api->probe_page(f->st, &p, 1250, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 3);
	json_t *r = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "total_uptime")), 100 + 50);
	assert_int_equal(json_integer_value(json_object_get(r, "first_connected")), 1000);
	assert_int_equal(json_integer_value(json_object_get(r, "last_connected")), 1200);
	assert_int_equal(json_integer_value(json_object_get(r, "asn_v4")), 64500);
	assert_string_equal(json_string_value(json_object_get(r, "peer")), "198.18.0.2:556");
	json_decref(rows);
	p.anchors_only = 1;
	assert_int_equal(api->probe_page(f->st, &p, 1250, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 1);
	json_decref(rows);
}

/* sqlite3_progress_handler callback: count calls (one per VM_CHUNK steps). */
#define VM_CHUNK 100
static int count_steps(void *arg)
{
	(*(long *)arg)++;
	return 0;
}

/* Results a store is loaded with in test_work_does_not_grow. */
#define SCALE_ROWS 20000

/* Load SCALE_ROWS results of msm from agents a and b, timestamps 1000 up. */
static void load_results(struct fix *f, int64_t msm, int64_t a, int64_t b)
{
	char err[256];
	struct store_result *r = calloc(SCALE_ROWS, sizeof *r);
	char (*bodies)[64] = calloc(SCALE_ROWS, sizeof *bodies);
	assert_non_null(r);
	assert_non_null(bodies);
	for (int i = 0; i < SCALE_ROWS; i++) {
		snprintf(bodies[i], sizeof bodies[i], "{\"timestamp\":%d,\"i\":%d}", 1000 + i, i);
		r[i] = (struct store_result){ .agent_id = i % 2 ? b : a, .seq = i + 1, .msm_id = msm,
					      .body = bodies[i], .len = strlen(bodies[i]) };
	}
	assert_int_equal(f->st->ops->results_put(f->st, r, SCALE_ROWS, err, sizeof err), SCALE_ROWS);
	free(bodies);
	free(r);
}

/* Count rows given to a row callback. */
static int count_row(void *arg, json_t *row)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

/*
 * With SCALE_ROWS results stored, each read the API makes while it answers
 * a request runs at most this many VM steps (a scan of every row takes
 * over ten times more): a page or a lookup, never the whole table.
 */
#define MAX_STEPS 30000

static void test_work_does_not_grow(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char err[256];
	if (fixture_pg())
		skip();   /* counts SQLite's virtual-machine steps */
	int64_t msm = create(f, 1, f->agents, 2), other = create(f, 2, f->agents, 3);
	load_results(f, msm, f->agents[0], f->agents[1]);
	long calls = 0;
	sqlite3_progress_handler(sq(f->st)->db, VM_CHUNK, count_steps, &calls);
	int n = 0;
	json_t *row;
	/* a time window in the future: nothing to give, nothing to scan */
	struct store_result_filter future = { .msm_id = msm, .start = 2000000000, .limit = 200 };
	assert_true(api->results_page(f->st, &future, count_row, &n, err, sizeof err) >= 0);
	print_message("results ?start=<future>: %ld VM steps\n", calls * VM_CHUNK);
	assert_int_equal(n, 0);
	assert_true(calls * VM_CHUNK < MAX_STEPS);
	/* a window at the end of the results: one page */
	calls = 0;
	struct store_result_filter tail = { .msm_id = msm, .start = 1000 + SCALE_ROWS - 10,
					    .limit = 200 };
	assert_int_equal(api->results_page(f->st, &tail, count_row, &n, err, sizeof err), 10);
	print_message("results ?start=<last 10>: %ld VM steps\n", calls * VM_CHUNK);
	assert_true(calls * VM_CHUNK < MAX_STEPS);
	/* the latest result of each probe */
	calls = 0;
	struct store_result_filter latest = { .msm_id = msm, .limit = 200 };
	assert_true(api->results_latest(f->st, &latest, count_row, &n, err, sizeof err) >= 0);
	print_message("latest: %ld VM steps\n", calls * VM_CHUNK);
	assert_true(calls * VM_CHUNK < MAX_STEPS);
	/* the measurement itself, as every ownership check reads it */
	calls = 0;
	assert_int_equal(api->msm_get(f->st, msm, &row, err, sizeof err), 1);
	json_decref(row);
	print_message("measurement: %ld VM steps\n", calls * VM_CHUNK);
	assert_true(calls * VM_CHUNK < MAX_STEPS);
	/* a listing page of measurements */
	calls = 0;
	json_t *rows;
	int64_t count;
	struct store_page p = { .key_id = 1, .limit = 50 };
	assert_int_equal(api->msm_page(f->st, &p, &rows, &count, err, sizeof err), 0);
	json_decref(rows);
	print_message("measurement list: %ld VM steps\n", calls * VM_CHUNK);
	assert_true(calls * VM_CHUNK < MAX_STEPS);
	(void)other;
	sqlite3_progress_handler(sq(f->st)->db, 0, NULL, NULL);
}

/* A bucket of 60/minute: 60 at once, then one per second. */
static void test_rate(void **state)
{
	(void)state;
	struct api_rate r = { 0 };
	for (int i = 0; i < 60; i++)
		assert_int_equal(api_rate_take(&r, 7, 60, 100.0), 0);
	assert_int_equal(api_rate_take(&r, 7, 60, 100.0), 1);
	assert_int_equal(api_rate_take(&r, 8, 60, 100.0), 0);    /* another key */
	assert_int_equal(api_rate_take(&r, 7, 60, 101.0), 0);
	assert_int_equal(api_rate_take(&r, 7, 60, 101.5), 1);
	assert_int_equal(api_rate_take(&r, 7, 6, 101.5), 5);     /* half a token at 6/min */
	for (int64_t k = 100; k < 140; k++)                      /* growth */
		assert_int_equal(api_rate_take(&r, k, 1, 0.0), 0);
	assert_int_equal(api_rate_take(&r, 120, 1, 1.0), 59);
	api_rate_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_work_does_not_grow, setup, teardown),
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
