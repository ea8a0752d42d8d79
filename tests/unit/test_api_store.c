/*
 * Tests of the API's store operations on a fresh SQLite store and of its
 * rate limiter: keys (only the hash is kept, revocation), measurements
 * created with their metadata in one transaction (a failing one leaves
 * nothing), owner-filtered pages with counts, keyset pages of results with
 * time and probe filters, the latest result per probe, probes with
 * session-derived uptime, and token buckets under an injected clock.
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
#include "store/store.h"
#include "store/store_api.h"

struct fix {
	char path[64];
	struct store *st;
	int64_t agents[3];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	char err[256];
	snprintf(f->path, sizeof f->path, "/tmp/vapi-unit-%d.db", (int)getpid());
	unlink(f->path);
	f->st = store_sqlite_open(f->path, err, sizeof err);
	assert_non_null(f->st);
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
	struct store_result_filter flt = { .msm_id = msm, .limit = 2 };
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 2);
	flt.after_agent = f->agents[0];
	flt.after_seq = 3;
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 2);
	flt.after_agent = f->agents[1];
	flt.after_seq = 4;
	assert_int_equal(api->results_page(f->st, &flt, collect, got, err, sizeof err), 0);
	char want[128];
	snprintf(want, sizeof want, "%lld:1 %lld:3 %lld:5 %lld:2 ", (long long)f->agents[0],
		 (long long)f->agents[0], (long long)f->agents[0], (long long)f->agents[1]);
	assert_int_equal(strncmp(got, want, strlen(want)), 0);
	/* a time window and one probe */
	got[0] = 0;
	struct store_result_filter w = { .msm_id = msm, .start = 101, .stop = 103, .probes = f->agents + 1,
					 .nprobes = 1, .limit = 10 };
	assert_int_equal(api->results_page(f->st, &w, collect, got, err, sizeof err), 2);
	snprintf(want, sizeof want, "%lld:2 %lld:4 ", (long long)f->agents[1], (long long)f->agents[1]);
	assert_string_equal(got, want);
	/* latest per probe */
	got[0] = 0;
	struct store_result_filter l = { .msm_id = msm };
	assert_int_equal(api->results_latest(f->st, &l, collect, got, err, sizeof err), 0);
	snprintf(want, sizeof want, "%lld:5 %lld:4 ", (long long)f->agents[0], (long long)f->agents[1]);
	assert_string_equal(got, want);
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
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
