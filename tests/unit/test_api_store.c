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
#include "store/store_key_grants.h"
#include "store/store_msm_tags.h"
#include "store/store_msm_requests.h"
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

/* A key's label, state, validity and grants: none at first, then kept and replaced. */
static void test_key_grants(void **state)
{
	struct fix *f = *state;
	const struct store_key_grants_ops *kg = f->st->ops->key_grants;
	char key[API_KEY_LEN], hash[API_KEY_HASH_LEN], err[256];
	int64_t id;
	assert_non_null(kg);
	assert_int_equal(api_key_new(key), 0);
	api_key_hash(key, hash);
	assert_int_equal(f->st->ops->api->key_add(f->st, hash, "alice", 30, 1000, &id, err,
						  sizeof err), 0);
	struct store_key_grants g = { .label = "old" };
	assert_int_equal(kg->get(f->st, id, &g, err, sizeof err), 0);
	assert_string_equal(g.label, "old");   /* untouched when there is no row */
	struct store_key_grants put = { .label = "ci key", .enabled = 1, .valid_from = 100,
					.valid_to = 2000000000, .grants = "get_credits,list_measurements",
					.prefix = "abcd1234" };
	assert_int_equal(kg->put(f->st, id, &put, err, sizeof err), 0);
	assert_int_equal(kg->get(f->st, id, &g, err, sizeof err), 1);
	assert_string_equal(g.label, "ci key");
	assert_int_equal(g.enabled, 1);
	assert_int_equal(g.valid_from, 100);
	assert_int_equal(g.valid_to, 2000000000);
	assert_string_equal(g.grants, "get_credits,list_measurements");
	assert_string_equal(g.prefix, "abcd1234");
	put.enabled = 0;
	put.valid_from = 0;
	snprintf(put.grants, sizeof put.grants, "%s", "");
	snprintf(put.label, sizeof put.label, "%s", "l\u00e9 'quoted'");
	assert_int_equal(kg->put(f->st, id, &put, err, sizeof err), 0);
	assert_int_equal(kg->get(f->st, id, &g, err, sizeof err), 1);
	assert_int_equal(g.enabled, 0);
	assert_int_equal(g.valid_from, 0);
	assert_string_equal(g.grants, "");
	assert_string_equal(g.label, "l\u00e9 'quoted'");
	/* a key that does not exist gets no row */
	assert_int_equal(kg->put(f->st, id + 1000, &put, err, sizeof err), -1);
}

/* Create one measurement of owner on the agents; returns its id. */
static int64_t create(struct fix *f, int64_t owner, const int64_t *agents, size_t n)
{
	char err[256];
	struct store_msm m = { .def = "{\"type\":\"ping\",\"target\":\"198.18.1.2\"}", .start = 10 };
	struct store_api_msm am = { &m, agents, n, owner, "d", 1, (int64_t)n, 10, 0, NULL };
	assert_int_equal(f->st->ops->api->msm_create(f->st, &am, 1, err, sizeof err), 0);
	return m.id;
}

/* The participants (not refused) msm_get counts for measurement id. */
static json_int_t participants_of(const struct store_api_ops *api, struct store *st, int64_t id)
{
	char err[256];
	json_t *row = NULL;
	assert_int_equal(api->msm_get(st, id, &row, err, sizeof err), 1);
	json_int_t n = json_integer_value(json_object_get(row, "participants"));
	json_decref(row);
	return n;
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
	struct store_api_msm am[2] = { { &m1, f->agents, 1, 1, "", 1, 1, 0, 0, NULL },
				       { &m2, bad, 1, 1, "", 1, 1, 0, 0, NULL } };
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
	/* one taken out by its owner can be put back; adding a participant again changes nothing */
	assert_int_equal(api->msm_participants(f->st, a, f->agents + 2, 1, 1, err, sizeof err), 1);
	assert_int_equal(participants_of(api, f->st, a), 2);
	assert_int_equal(api->msm_participants(f->st, a, f->agents + 2, 1, 0, err, sizeof err), 1);
	assert_int_equal(participants_of(api, f->st, a), 3);
	assert_int_equal(api->msm_participants(f->st, a, f->agents + 2, 1, 0, err, sizeof err), 0);
	assert_int_equal(participants_of(api, f->st, a), 3);
}

/* Collect "agent:seq" of each row into a string. */
static int collect(void *arg, json_t *row)
{
	char *s = arg;
	sprintf(s + strlen(s), "%lld:%lld ", (long long)json_integer_value(json_object_get(row, "agent")),
		(long long)json_integer_value(json_object_get(row, "seq")));
	return 0;
}

/* collect, and ask the store to end the page after each row. */
static int collect_stop(void *arg, json_t *row)
{
	collect(arg, row);
	return 1;
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
	/* versions=2: each probe's two newest, newest first, both given though fn stops at each */
	got[0] = 0;
	struct store_result_filter v = { .msm_id = msm, .limit = 10, .versions = 2 };
	assert_int_equal(api->results_latest(f->st, &v, collect_stop, got, err, sizeof err), 1);
	assert_int_equal(api->results_latest(f->st, &v, collect_stop, got, err, sizeof err), 1);
	assert_int_equal(api->results_latest(f->st, &v, collect_stop, got, err, sizeof err), 0);
	assert_true(v.done);
	snprintf(want, sizeof want, "%lld:5 %lld:3 %lld:4 %lld:2 ", (long long)f->agents[0],
		 (long long)f->agents[0], (long long)f->agents[1], (long long)f->agents[1]);
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

/* One measurement for the filter table: its definition, owner, visibility, extra, times. */
static int64_t create_full(struct fix *f, const char *def, int64_t owner, const char *desc,
			   int is_public, const char *extra, int64_t start, int64_t stop,
			   size_t nagents)
{
	char err[256];
	struct store_msm m = { .def = def, .start = start, .stop = stop, .interval = 60 };
	struct store_api_msm am = { &m, nagents ? f->agents : NULL, nagents, owner, desc, 0, 3,
				    start, is_public, extra };
	assert_int_equal(f->st->ops->api->msm_create(f->st, &am, 1, err, sizeof err), 0);
	return m.id;
}

/*
 * Every measurement filter of struct store_page, honoured: a table of
 * filters and the measurements (by name: a, b, c) each must list, in order.
 */
static void test_measurement_filters(void **state)
{
	struct fix *f = *state;
	const struct store_api_ops *api = f->st->ops->api;
	char err[256];
	int64_t id[3];
	id[0] = create_full(f, "{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.2\"}", 1,
			    "alpha Root", 1, "{\"tags\":[\"dns\"],\"target\":\"a.example\"}",
			    100, 0, 2);
	id[1] = create_full(f, "{\"type\":\"traceroute\",\"af\":6,\"target\":\"2001:db8::1\"}",
			    2, "beta", 0, NULL, 200, 5000, 1);
	id[2] = create_full(f, "{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.1.3\"}", 1,
			    "gamma", 0, "{\"tags\":[\"dns\",\"v4\"]}", 300, 0, 0);
	assert_int_equal(f->st->ops->msm_stop(f->st, id[1], 400, err, sizeof err), 0);
	static const struct { struct store_page p; const char *want; } t[] = {
		{ { .limit = 50 }, "cba" },
		{ { .limit = 50, .sort = "id" }, "abc" },
		{ { .limit = 50, .sort = "-start_time" }, "cba" },
		{ { .limit = 50, .sort = "stop_time" }, "acb" },   /* no stop time first */
		{ { .limit = 50, .visible = 1, .viewer = 0 }, "a" },
		{ { .limit = 50, .visible = 1, .viewer = 1 }, "ca" },
		{ { .limit = 50, .visible = 1, .viewer = 2 }, "ba" },
		{ { .limit = 50, .key_id = 1 }, "ca" },
		{ { .limit = 50, .af = 6 }, "b" },
		{ { .limit = 50, .type = "ping" }, "ca" },
		{ { .limit = 50, .target = "a.example" }, "a" },
		{ { .limit = 50, .target = "198.18.1.3" }, "c" },
		{ { .limit = 50, .target_contains = "db8" }, "b" },
		{ { .limit = 50, .description = "beta" }, "b" },
		{ { .limit = 50, .description_contains = "Root" }, "a" },
		{ { .limit = 50, .description_contains = "root" }, "" },
		{ { .limit = 50, .search = "ROOT" }, "a" },
		{ { .limit = 50, .search = "example" }, "a" },
		{ { .limit = 50, .tags = "[\"dns\"]" }, "ca" },
		{ { .limit = 50, .tags = "[\"dns\",\"v4\"]" }, "c" },
		{ { .limit = 50, .is_public = 1 }, "a" },
		{ { .limit = 50, .is_public = 2 }, "cb" },
		{ { .limit = 50, .start_gt = 100 }, "cb" },
		{ { .limit = 50, .start_lt = 300 }, "ba" },
		{ { .limit = 50, .stop_gt = 300 }, "b" },
		{ { .limit = 50, .stop_lt = 300 }, "" },
		{ { .limit = 50, .id_gt = 1 }, "c" },
		{ { .limit = 50, .id_lt = 1 }, "a" },
		{ { .limit = 50, .status_mask = 1u << 4 }, "b" },
		{ { .limit = 50, .status_mask = 1u << 6, .now = 1000 }, "c" },
		{ { .limit = 50, .status_mask = 1u << 2, .now = 1000 }, "a" },
		{ { .limit = 50, .status_mask = 1u << 1, .now = 150 }, "c" },
		{ { .limit = 1, .offset = 1 }, "b" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		json_t *rows, *r;
		int64_t count;
		char got[8] = "";
		size_t k;
		struct store_page p = t[i].p;
		if (p.id_gt)   /* the ids are known only now: 1 means "after b", 2 "before b" */
			p.id_gt = id[1];
		if (p.id_lt)
			p.id_lt = id[1];
		assert_int_equal(api->msm_page(f->st, &p, &rows, &count, err, sizeof err), 0);
		json_array_foreach(rows, k, r) {
			int64_t v = json_integer_value(json_object_get(r, "id"));
			size_t n = strlen(got);
			got[n] = v == id[0] ? 'a' : v == id[1] ? 'b' : v == id[2] ? 'c' : '?';
			got[n + 1] = 0;
		}
		if (strcmp(got, t[i].want) != 0)
			fail_msg("filter %zu: got '%s', want '%s' (%s)", i, got, t[i].want, err);
		if (p.limit == 50)
			assert_int_equal(count, (int64_t)strlen(got));
		json_decref(rows);
	}
	/* taking part now: agent 0 in a and b; agent 1 in a only */
	struct store_page cur = { .limit = 50, .current_probe = f->agents[1] };
	json_t *rows;
	int64_t count;
	assert_int_equal(api->msm_page(f->st, &cur, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), id[0]);
	json_decref(rows);
	/* the row carries is_public and the extra text */
	json_t *row;
	assert_int_equal(api->msm_get(f->st, id[0], &row, err, sizeof err), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "is_public")), 1);
	assert_string_equal(json_string_value(json_object_get(row, "extra")),
			    "{\"tags\":[\"dns\"],\"target\":\"a.example\"}");
	json_decref(row);
}

/* The tags of measurement id as stored in its extra ("" if none). */
static void tags_of(struct fix *f, int64_t id, char *out, size_t len)
{
	json_t *row, *extra;
	char err[256];
	assert_int_equal(f->st->ops->api->msm_get(f->st, id, &row, err, sizeof err), 1);
	const char *text = json_string_value(json_object_get(row, "extra"));
	extra = text ? json_loads(text, 0, NULL) : NULL;
	char *t = json_object_get(extra, "tags") ?
		  json_dumps(json_object_get(extra, "tags"), JSON_COMPACT) : NULL;
	snprintf(out, len, "%s", t ? t : "");
	free(t);
	json_decref(extra);
	json_decref(row);
}

/* Tags added once each, in order, removed; a measurement without metadata gets a private row. */
static void test_measurement_tags(void **state)
{
	struct fix *f = *state;
	const struct store_msm_tags_ops *tags = f->st->ops->msm_tags;
	char err[256], got[128];
	int64_t a = create_full(f, "{}", 1, "d", 1, "{\"tags\":[\"x\"],\"auto_topup\":true}", 1,
				0, 1);
	assert_int_equal(tags->set(f->st, a, "y", 0, err, sizeof err), 0);
	assert_int_equal(tags->set(f->st, a, "x", 0, err, sizeof err), 0);
	tags_of(f, a, got, sizeof got);
	assert_string_equal(got, "[\"x\",\"y\"]");
	assert_int_equal(tags->set(f->st, a, "x", 1, err, sizeof err), 0);
	assert_int_equal(tags->set(f->st, a, "nope", 1, err, sizeof err), 0);
	tags_of(f, a, got, sizeof got);
	assert_string_equal(got, "[\"y\"]");
	/* the other echoed fields stay */
	json_t *row;
	assert_int_equal(f->st->ops->api->msm_get(f->st, a, &row, err, sizeof err), 1);
	assert_non_null(strstr(json_string_value(json_object_get(row, "extra")), "auto_topup"));
	json_decref(row);
	/* a measurement the API did not make (no metadata row) */
	struct store_msm m = { .def = "{}", .start = 1 };
	assert_int_equal(f->st->ops->msm_create(f->st, &m, NULL, 0, err, sizeof err), 0);
	assert_int_equal(tags->set(f->st, m.id, "z", 0, err, sizeof err), 0);
	tags_of(f, m.id, got, sizeof got);
	assert_string_equal(got, "[\"z\"]");
	assert_int_equal(f->st->ops->api->msm_get(f->st, m.id, &row, err, sizeof err), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "is_public")), 0);
	json_decref(row);
}

/* Participation requests: recorded in one transaction, listed oldest first in pages. */
static void test_participation_requests(void **state)
{
	struct fix *f = *state;
	const struct store_msm_requests_ops *ops = f->st->ops->msm_requests;
	char err[256];
	json_t *rows;
	int64_t count;
	int64_t a = create(f, 1, f->agents, 2), b = create(f, 1, f->agents, 1);
	struct store_msm_request r[] = {
		{ a, "add", "area", "WW", 10, "{\"include\":[\"system-ipv4-works\"],\"exclude\":[]}", 100 },
		{ a, "add", "probes", "1,2", 2, NULL, 100 },
		{ b, "add", "country", "NL", 1, NULL, 101 },
	};
	assert_int_equal(ops->add(f->st, r, 3, err, sizeof err), 0);
	struct store_msm_request later = { a, "remove", "probes", "2", 1, NULL, 200 };
	assert_int_equal(ops->add(f->st, &later, 1, err, sizeof err), 0);
	assert_int_equal(ops->page(f->st, a, 0, 2, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 3);
	assert_int_equal(json_array_size(rows), 2);
	json_t *first = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(first, "type")), "area");
	assert_string_equal(json_string_value(json_object_get(first, "action")), "add");
	assert_int_equal(json_integer_value(json_object_get(first, "requested")), 10);
	assert_int_equal(json_integer_value(json_object_get(first, "created")), 100);
	assert_non_null(strstr(json_string_value(json_object_get(first, "tags")), "system-ipv4-works"));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "tags")));
	json_decref(rows);
	assert_int_equal(ops->page(f->st, a, 2, 2, &rows, &count, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "action")),
			    "remove");
	json_decref(rows);
	/* a failing one (no such measurement) leaves nothing of its batch */
	struct store_msm_request bad[] = { { b, "add", "asn", "64500", 1, NULL, 300 },
					   { 1LL << 40, "add", "asn", "64500", 1, NULL, 300 } };
	assert_int_equal(ops->add(f->st, bad, 2, err, sizeof err), -1);
	assert_int_equal(ops->page(f->st, b, 0, 50, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 1);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurement_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurement_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_work_does_not_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_participation_requests, setup, teardown),
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
