/*
 * Tests of the store through the storage interface: registration and
 * approval by key, exactly-once results by (agent, sequence) across batches
 * and reopenings, sessions, measurement assignment, refusal and stop. They
 * run on SQLite, and on PostgreSQL when VANTAGE_TEST_PG names a cluster
 * (the test store_pg runs them so under tests/pg/pgtmp); the test of the
 * SQLite schema migration is SQLite's alone.
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

#include "store/store.h"
#include "store/sqlite_int.h"
#include "store/pg_int.h"
#include "store_fixture.h"
#include "store/store_api.h"
#include "store/store_noprobe.h"
#include "store/store_hostreport.h"
#include "store/store_mesh.h"
#include "policy/noprobe_list.h"

/* One result to put: agent, sequence, measurement, body (a string literal). */
#define RESULT(a, s, m, b) { .agent_id = (a), .seq = (s), .msm_id = (m), .body = (b), \
			     .len = sizeof(b) - 1 }

struct fixture {
	char dir[64];
	char path[128];
	char spec[512];     /* what store_open is given: path, or a PostgreSQL URI */
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/vpl-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/db", f->dir);
	char err[256] = "";
	assert_int_equal(fixture_store_new(f->path, f->spec, sizeof f->spec), 0);
	f->st = store_open(f->spec, err, sizeof err);
	if (!f->st)
		fail_msg("open: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	if (f->st)
		f->st->ops->close(f->st);
	fixture_store_drop(f->spec);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Register an agent with fingerprint fp; returns its id. */
static int64_t add(struct store *st, const char *fp, const char *role, int approved)
{
	struct store_agent a = { .approved = approved };
	snprintf(a.fp, sizeof a.fp, "%s", fp);
	snprintf(a.org, sizeof a.org, "lab");
	snprintf(a.role, sizeof a.role, "%s", role);
	char err[256] = "";
	assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
	assert_true(a.id > 0);
	return a.id;
}

static void test_agents(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t id = add(st, "aa", "probe", 0);
	struct store_agent a;
	assert_int_equal(st->ops->agent_by_fp(st, "aa", &a, err, sizeof err), 1);
	assert_int_equal(a.id, id);
	assert_int_equal(a.approved, 0);
	assert_int_equal(st->ops->agent_by_fp(st, "zz", &a, err, sizeof err), 0);
	/* Adding the same key twice is refused. */
	struct store_agent dup = { .fp = "aa", .org = "x", .role = "probe" };
	assert_int_equal(st->ops->agent_add(st, &dup, err, sizeof err), -1);
	assert_non_null(strstr(err, "already registered"));
	assert_int_equal(st->ops->agent_approve(st, "aa", 1, err, sizeof err), 0);
	assert_int_equal(st->ops->agent_by_fp(st, "aa", &a, err, sizeof err), 1);
	assert_int_equal(a.approved, 1);
	assert_int_equal(st->ops->agent_approve(st, "nope", 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "no registered agent 'nope'"));
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	assert_int_equal(st->ops->agent_remove(st, key, err, sizeof err), 0);
	assert_int_equal(st->ops->agent_by_fp(st, "aa", &a, err, sizeof err), 0);
	json_t *list;
	assert_int_equal(st->ops->agent_list(st, &list, err, sizeof err), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* A removed key can be registered again, keeping its id. */
	assert_int_equal(add(st, "aa", "anchor", 1), id);
}

static void test_results_exactly_once(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	int64_t a = add(f->st, "aa", "probe", 1), b = add(f->st, "bb", "probe", 1);
	struct store_result r[] = {
		RESULT(a, 1, 7, "{\"x\":1}"), RESULT(a, 2, 7, "{\"x\":2}"),
		RESULT(b, 1, 7, "{\"y\":1}"),
	};
	assert_int_equal(f->st->ops->results_put(f->st, r, 3, err, sizeof err), 3);
	/* A re-upload of a and a new one: only the new one counts. */
	struct store_result again[] = { r[1], RESULT(a, 3, 7, "{\"x\":3}") };
	assert_int_equal(f->st->ops->results_put(f->st, again, 2, err, sizeof err), 1);
	assert_int_equal(f->st->ops->results_count(f->st), 4);
	int64_t max = 0;
	assert_int_equal(f->st->ops->result_max_seq(f->st, a, 0, &max, err, sizeof err), 0);
	assert_int_equal(max, 3);
	/* Still exactly once after closing and reopening the database. */
	f->st->ops->close(f->st);
	f->st = store_open(f->spec, err, sizeof err);
	assert_non_null(f->st);
	assert_int_equal(f->st->ops->results_put(f->st, r, 3, err, sizeof err), 0);
	assert_int_equal(f->st->ops->results_count(f->st), 4);
}

/* Issue 11, hole 2: the same (agent, seq) with another body is a conflict, not
   a duplicate; nothing after it in its stream is stored; another epoch is
   another name. */
static void test_results_conflict_and_epochs(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	int64_t a = add(f->st, "aa", "probe", 1);
	struct store_result r[] = { RESULT(a, 1, 7, "{\"x\":1}"), RESULT(a, 2, 7, "{\"x\":2}") };
	assert_int_equal(f->st->ops->results_put(f->st, r, 2, err, sizeof err), 2);
	struct store_result b[] = { RESULT(a, 1, 7, "{\"x\":1}"), RESULT(a, 2, 7, "{\"new\":2}"),
				    RESULT(a, 3, 7, "{\"new\":3}"), RESULT(a, 9, 7, "{\"other\":9}") };
	b[0].stream = b[1].stream = b[2].stream = 5;
	assert_int_equal(f->st->ops->results_put(f->st, b, 4, err, sizeof err), 1);
	assert_int_equal(b[0].outcome, STORE_DUPLICATE);
	assert_int_equal(b[1].outcome, STORE_CONFLICT);
	assert_int_equal(b[2].outcome, STORE_SKIPPED);
	assert_int_equal(b[3].outcome, STORE_NEW);   /* another stream */
	/* In a new epoch the same numbers are new results. */
	b[1].epoch = b[2].epoch = 77;
	b[1].stream = b[2].stream = 0;
	assert_int_equal(f->st->ops->results_put(f->st, b + 1, 2, err, sizeof err), 2);
	int64_t max = 0;
	assert_int_equal(f->st->ops->result_max_seq(f->st, a, 77, &max, err, sizeof err), 0);
	assert_int_equal(max, 3);
	assert_int_equal(f->st->ops->results_count(f->st), 5);
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t a = add(st, "aa", "probe", 1), sid = 0;
	assert_int_equal(st->ops->session_open(st, a, 100, "127.0.0.1:5", &sid, err, sizeof err), 0);
	json_t *l;
	assert_int_equal(st->ops->agent_list(st, &l, err, sizeof err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "connected")), 1);
	json_decref(l);
	assert_int_equal(st->ops->session_close(st, sid, 160, "link lost", err, sizeof err), 0);
	assert_int_equal(st->ops->session_list(st, a, &l, err, sizeof err), 0);
	json_t *s0 = json_array_get(l, 0);
	assert_int_equal(json_integer_value(json_object_get(s0, "disconnected")), 160);
	assert_string_equal(json_string_value(json_object_get(s0, "reason")), "link lost");
	json_decref(l);
}

/* Count rows into *(int *)arg. */
static int count_row(void *arg, json_t *row)
{
	(void)row;
	++*(int *)arg;
	return 0;
}

static void test_measurements(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t agents[] = { add(st, "aa", "anchor", 1), add(st, "bb", "probe", 1) };
	struct store_msm m = { .def = "{\"type\":\"ping\"}", .interval = 60 };
	assert_int_equal(st->ops->msm_create(st, &m, agents, 2, err, sizeof err), 0);
	int n = 0;
	assert_int_equal(st->ops->msm_for_agent(st, agents[0], count_row, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st->ops->msm_refused(st, m.id, agents[1], "AUP forbids ping", err, sizeof err), 0);
	n = 0;
	assert_int_equal(st->ops->msm_for_agent(st, agents[1], count_row, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	json_t *l;
	assert_int_equal(st->ops->msm_list(st, &l, err, sizeof err), 0);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(l, 0), "refused")),
			       "AUP forbids ping"));
	json_decref(l);
	assert_int_equal(st->ops->msm_stop(st, m.id, 5, err, sizeof err), 0);
	assert_int_equal(st->ops->msm_stop(st, m.id, 5, err, sizeof err), -1);
	n = 0;
	assert_int_equal(st->ops->msm_for_agent(st, agents[0], count_row, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	/* An assignment to an agent that does not exist is refused as a whole. */
	int64_t bad[] = { 999 };
	struct store_msm m2 = { .def = "{}" };
	assert_int_equal(st->ops->msm_create(st, &m2, bad, 1, err, sizeof err), -1);
	assert_int_equal(st->ops->msm_list(st, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
}

/* Hole 5 of issue 11: a measurement id is never given twice, also when the
   newest measurement's row is gone (SQLite reuses the largest rowid otherwise). */
static void test_msm_ids_never_reused(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t agent = add(st, "aa", "probe", 1), last = 0;
	for (int i = 0; i < 3; i++) {
		struct store_msm m = { .def = "{\"type\":\"ping\"}" };
		assert_int_equal(st->ops->msm_create(st, &m, &agent, 1, err, sizeof err), 0);
		last = m.id;
	}
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM msm_agents WHERE msm_id = %lld;"
		 "DELETE FROM measurements WHERE id = %lld", (long long)last, (long long)last);
	if (fixture_pg())
		assert_int_equal(pg_exec(pg(st), sql, err, sizeof err), 0);
	else
		assert_int_equal(sq_exec(sq(st), sql, err, sizeof err), 0);
	struct store_msm m = { .def = "{\"type\":\"ping\"}" };
	assert_int_equal(st->ops->msm_create(st, &m, &agent, 1, err, sizeof err), 0);
	assert_true(m.id > last);
}

/* A database made by the schema before issue 11 opens with its rows kept and
   measurement ids that go on from the largest one. */
static void test_old_schema_migrated(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";
	if (fixture_pg())
		skip();   /* SQLite's own migration */
	f->st->ops->close(f->st);
	f->st = NULL;
	unlink(f->path);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE agents (id INTEGER PRIMARY KEY, fp TEXT UNIQUE NOT NULL, org TEXT NOT NULL,"
		" role TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '', approved INTEGER NOT NULL DEFAULT 0,"
		" removed INTEGER NOT NULL DEFAULT 0, status TEXT, last_seen INTEGER);"
		"CREATE TABLE measurements (id INTEGER PRIMARY KEY, def TEXT NOT NULL, start INTEGER,"
		" stop INTEGER, interval INTEGER, spread INTEGER, stopped INTEGER);"
		"CREATE TABLE msm_agents (msm_id INTEGER NOT NULL REFERENCES measurements(id),"
		" agent_id INTEGER NOT NULL REFERENCES agents(id), refused TEXT,"
		" PRIMARY KEY (msm_id, agent_id));"
		"CREATE TABLE results (id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL,"
		" seq INTEGER NOT NULL, msm_id INTEGER NOT NULL, body TEXT NOT NULL,"
		" UNIQUE (agent_id, seq));"
		"INSERT INTO agents(id, fp, org, role, approved) VALUES (1, 'aa', 'lab', 'probe', 1);"
		"INSERT INTO measurements(id, def) VALUES (1, '{}'), (7, '{}');"
		"INSERT INTO msm_agents VALUES (7, 1, NULL);"
		"INSERT INTO results(agent_id, seq, msm_id, body) VALUES (1, 1, 7, '{}'), (1, 2, 7, '{}');"
		"DELETE FROM measurements WHERE id = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	f->st = store_sqlite_open(f->path, err, sizeof err);
	if (!f->st)
		fail_msg("open: %s", err);
	struct store *st = f->st;
	assert_int_equal(st->ops->results_count(st), 2);
	int n = 0;
	assert_int_equal(st->ops->msm_for_agent(st, 1, count_row, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	int64_t agent = 1;
	struct store_msm m = { .def = "{}" };
	assert_int_equal(st->ops->msm_create(st, &m, &agent, 1, err, sizeof err), 0);
	assert_int_equal(m.id, 8);
	/* The old results keep their place: a re-upload of (1, 2) is still a duplicate. */
	struct store_result again = RESULT(1, 2, 7, "{}");
	assert_int_equal(st->ops->results_put(st, &again, 1, err, sizeof err), 0);
	/* Opening a second time migrates nothing again. */
	st->ops->close(st);
	f->st = store_sqlite_open(f->path, err, sizeof err);
	assert_non_null(f->st);
	assert_int_equal(f->st->ops->results_count(f->st), 2);
}

/* Timing history: kept per agent in time order, a repeat of (agent, time) once, since filters. */
static void test_timing_history(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t a = add(st, "t1", "probe", 1), b = add(st, "t2", "anchor", 1);
	assert_int_equal(st->ops->timing_put(st, a, 200, 4, "{\"n\":2}", err, sizeof err), 1);
	assert_int_equal(st->ops->timing_put(st, a, 100, 0, "{\"n\":1}", err, sizeof err), 1);
	assert_int_equal(st->ops->timing_put(st, a, 200, 0, "{\"n\":9}", err, sizeof err), 0);
	assert_int_equal(st->ops->timing_put(st, b, 150, 1, "{\"n\":3}", err, sizeof err), 1);
	json_t *l = NULL;
	assert_int_equal(st->ops->timing_list(st, a, 0, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "time")), 100);
	json_t *second = json_array_get(l, 1);
	assert_int_equal(json_integer_value(json_object_get(second, "flags")), 4);
	assert_string_equal(json_string_value(json_object_get(second, "report")), "{\"n\":2}");
	json_decref(l);
	assert_int_equal(st->ops->timing_list(st, a, 150, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
	assert_int_equal(st->ops->timing_list(st, b, 0, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
	/* The history survives reopening. */
	st->ops->close(st);
	f->st = st = store_open(f->spec, err, sizeof err);
	assert_non_null(st);
	assert_int_equal(st->ops->timing_list(st, a, 0, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 2);
	json_decref(l);
}

/* The history is capped per agent: the oldest reports go, other agents keep theirs. */
static void test_timing_history_capped(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t a = add(st, "c1", "probe", 1), b = add(st, "c2", "probe", 1);
	if (fixture_pg())
		pg(st)->timing_keep = 3;
	else
		sq(st)->timing_keep = 3;
	assert_int_equal(st->ops->timing_put(st, b, 1, 0, "{}", err, sizeof err), 1);
	for (int64_t t = 10; t <= 60; t += 10)
		assert_int_equal(st->ops->timing_put(st, a, t, 0, "{}", err, sizeof err), 1);
	json_t *l = NULL;
	assert_int_equal(st->ops->timing_list(st, a, 0, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "time")), 40);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 2), "time")), 60);
	json_decref(l);
	assert_int_equal(st->ops->timing_list(st, b, 0, &l, err, sizeof err), 0);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
}

/* Reach checks: one per agent, replaced by a second put; a registered address is found by family. */
static void test_reach(void **state)
{
	struct fixture *f = *state;
	struct store *st = f->st;
	char err[256] = "", addr[64];
	int64_t a = add(st, "r1", "probe", 1), b = add(st, "r2", "anchor", 1);
	struct store_reach r = { .agent_id = a, .prober = b, .address = "198.18.0.9",
				 .created = 77, .msm = { 5, 6, 0, 8 } }, got;
	assert_int_equal(st->ops->reach_get(st, a, &got, err, sizeof err), 0);
	assert_int_equal(st->ops->reach_put(st, &r, err, sizeof err), 0);
	assert_int_equal(st->ops->reach_get(st, a, &got, err, sizeof err), 1);
	assert_int_equal(got.prober, b);
	assert_string_equal(got.address, "198.18.0.9");
	assert_int_equal(got.created, 77);
	assert_int_equal(got.msm[0], 5);
	assert_int_equal(got.msm[2], 0);
	assert_int_equal(got.msm[3], 8);
	r.msm[2] = 7;
	assert_int_equal(st->ops->reach_put(st, &r, err, sizeof err), 0);
	assert_int_equal(st->ops->reach_get(st, a, &got, err, sizeof err), 1);
	assert_int_equal(got.msm[2], 7);
	assert_int_equal(st->ops->reach_get(st, b, &got, err, sizeof err), 0);
	assert_int_equal(st->ops->agent_address(st, a, 4, addr, sizeof addr, err, sizeof err), 0);
	json_t *attrs = json_pack("{s:s}", "address_v4", "198.18.1.2");
	assert_int_equal(st->ops->api->agent_attrs(st, a, attrs, err, sizeof err), 0);
	json_decref(attrs);
	assert_int_equal(st->ops->agent_address(st, a, 4, addr, sizeof addr, err, sizeof err), 1);
	assert_string_equal(addr, "198.18.1.2");
	assert_int_equal(st->ops->agent_address(st, a, 6, addr, sizeof addr, err, sizeof err), 0);
}

/* Register n approved agents (fingerprints from c) into ids. */
static void add_agents(struct store *st, char c, int64_t *ids, int n)
{
	char err[256] = "";
	for (int i = 0; i < n; i++) {
		struct store_agent a = { .approved = 1, .org = "lab", .role = "probe" };
		snprintf(a.fp, sizeof a.fp, "%c%063d", c, i);
		assert_int_equal(st->ops->agent_add(st, &a, err, sizeof err), 0);
		ids[i] = a.id;
	}
}

/* The anchoring mesh's marks: running with their sources, join, leave, rejoin, pages, stop. */
static void test_mesh_marks(void **state)
{
	struct fixture *f = *state;
	const struct store_mesh_ops *mesh = f->st->ops->mesh;
	char err[256] = "";
	int64_t ag[3];
	json_t *rows = NULL;
	int64_t count = -1;
	assert_non_null(mesh);
	add_agents(f->st, 'm', ag, 3);
	struct store_msm m = { .def = "{\"type\":\"ping\",\"af\":4,\"target\":\"198.18.7.1\"}",
			       .start = 10, .interval = 240 };
	assert_int_equal(f->st->ops->msm_create(f->st, &m, ag + 1, 1, err, sizeof err), 0);
	assert_int_equal(mesh->mark(f->st, m.id, ag[0], 4, "ping", 10, err, sizeof err), 0);
	assert_int_equal(mesh->join(f->st, m.id, ag + 1, 2, err, sizeof err), 1);   /* ag[2] new */
	assert_int_equal(mesh->running(f->st, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 1);
	json_t *r = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), m.id);
	assert_int_equal(json_integer_value(json_object_get(r, "target")), ag[0]);
	assert_int_equal(json_integer_value(json_object_get(r, "af")), 4);
	assert_string_equal(json_string_value(json_object_get(r, "type")), "ping");
	assert_string_equal(json_string_value(json_object_get(r, "address")), "198.18.7.1");
	json_t *src = json_loads(json_string_value(json_object_get(r, "sources")), 0, NULL);
	assert_int_equal(json_array_size(src), 2);
	json_decref(src);
	json_decref(rows);
	assert_int_equal(mesh->leave(f->st, m.id, ag + 1, 1, err, sizeof err), 1);
	assert_int_equal(mesh->leave(f->st, m.id, ag + 1, 1, err, sizeof err), 0);  /* left already */
	assert_int_equal(mesh->running(f->st, &rows, err, sizeof err), 0);
	src = json_loads(json_string_value(json_object_get(json_array_get(rows, 0), "sources")), 0,
			 NULL);
	assert_int_equal(json_array_size(src), 1);
	assert_int_equal(json_integer_value(json_array_get(src, 0)), ag[2]);
	json_decref(src);
	json_decref(rows);
	assert_int_equal(mesh->join(f->st, m.id, ag + 1, 1, err, sizeof err), 1);   /* back */
	/* a participant refused for another reason is not taken back by a join */
	assert_int_equal(f->st->ops->msm_refused(f->st, m.id, ag[2], "site policy", err,
						 sizeof err), 0);
	assert_int_equal(mesh->join(f->st, m.id, ag + 2, 1, err, sizeof err), 0);
	/* a second mesh measurement, of another type: pages by mark order */
	struct store_msm t = { .def = "{\"type\":\"traceroute\",\"af\":4,\"target\":\"198.18.7.1\"}",
			       .start = 10, .interval = 900 };
	assert_int_equal(f->st->ops->msm_create(f->st, &t, ag + 1, 1, err, sizeof err), 0);
	assert_int_equal(mesh->mark(f->st, t.id, ag[0], 4, "traceroute", 11, err, sizeof err), 0);
	assert_int_equal(mesh->page(f->st, 0, 1, 10, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 2);
	assert_int_equal(json_array_size(rows), 1);
	r = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "msm_id")), t.id);
	int64_t mark_id = json_integer_value(json_object_get(r, "id"));
	json_decref(rows);
	assert_int_equal(mesh->page(f->st, mark_id, 0, 10, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 1);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
	/* stopped: no longer running nor listed */
	assert_int_equal(f->st->ops->msm_stop(f->st, m.id, 20, err, sizeof err), 0);
	assert_int_equal(mesh->running(f->st, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), t.id);
	json_decref(rows);
	assert_int_equal(mesh->page(f->st, 0, 0, 10, &rows, &count, err, sizeof err), 0);
	assert_int_equal(count, 1);
	json_decref(rows);
}

/* An agent's newest check-host report: none, kept, replaced, per agent. */
static void test_host_report(void **state)
{
	struct fixture *f = *state;
	const struct store_hostreport_ops *hr = f->st->ops->hostreport;
	char err[256] = "";
	json_t *r = NULL;
	int64_t received = -1;
	assert_non_null(hr);
	assert_int_equal(hr->get(f->st, 7, &r, &received, err, sizeof err), 0);
	assert_null(r);
	assert_int_equal(hr->put(f->st, 7, 100, 1, "{\"role\":\"probe\",\"n\":1}", err,
				 sizeof err), 0);
	assert_int_equal(hr->put(f->st, 7, 200, 0, "{\"role\":\"probe\",\"n\":2}", err,
				 sizeof err), 0);
	assert_int_equal(hr->put(f->st, 8, 300, 1, "{\"n\":3}", err, sizeof err), 0);
	assert_int_equal(hr->get(f->st, 7, &r, &received, err, sizeof err), 1);
	assert_int_equal(received, 200);
	assert_int_equal(json_integer_value(json_object_get(r, "n")), 2);
	json_decref(r);
	assert_int_equal(hr->get(f->st, 8, &r, &received, err, sizeof err), 1);
	assert_int_equal(received, 300);
	json_decref(r);
}

/* The no-probe list: add, replace, remove; the version grows on each change and survives a reopen. */
static void test_noprobe_list(void **state)
{
	struct fixture *f = *state;
	const struct store_noprobe_ops *np = f->st->ops->noprobe;
	char err[256] = "";
	json_t *rows = NULL;
	int64_t v = -1;
	assert_int_equal(np->list(f->st, &rows, &v, err, sizeof err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	assert_int_equal(np->add(f->st, "198.18.5.0/24", "complaint 1", "alice", 100, 4096, &v,
				 err, sizeof err), 0);
	assert_int_equal(v, 1);
	assert_int_equal(np->add(f->st, "2001:db8:5::/48", "complaint 2", "bob", 200, 4096, &v,
				 err, sizeof err), 0);
	assert_int_equal(v, 2);
	/* Full (2 of at most 2): a new prefix is refused and nothing changes. */
	assert_int_equal(np->add(f->st, "198.18.7.0/24", "complaint 3", "dave", 250, 2, &v, err,
				 sizeof err), 1);
	assert_int_equal(v, 2);
	/* Adding a listed prefix again replaces its reason and still bumps the version, also
	   when the list is full. */
	assert_int_equal(np->add(f->st, "198.18.5.0/24", "complaint 1b", "carol", 300, 2, &v, err,
				 sizeof err), 0);
	assert_int_equal(v, 3);
	/* Removing a prefix not listed changes nothing. */
	assert_int_equal(np->remove(f->st, "198.18.6.0/24", &v, err, sizeof err), 0);
	assert_int_equal(v, 3);
	f->st->ops->close(f->st);
	f->st = store_open(f->spec, err, sizeof err);
	assert_non_null(f->st);
	np = f->st->ops->noprobe;
	assert_int_equal(np->list(f->st, &rows, &v, err, sizeof err), 0);
	assert_int_equal(v, 3);
	assert_int_equal(json_array_size(rows), 2);
	json_t *r = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(r, "prefix")), "198.18.5.0/24");
	assert_string_equal(json_string_value(json_object_get(r, "reason")), "complaint 1b");
	assert_string_equal(json_string_value(json_object_get(r, "who")), "carol");
	assert_int_equal(json_integer_value(json_object_get(r, "added")), 300);
	/* The controller's copy refuses targets inside, longest match naming the reason. */
	struct noprobe_list l = { 0 };
	char why[400] = "";
	assert_int_equal(noprobe_list_set(&l, rows, v, err, sizeof err), 0);
	assert_true(noprobe_list_blocks(&l, "198.18.5.77", why, sizeof why));
	assert_non_null(strstr(why, "198.18.5.0/24: complaint 1b"));
	assert_true(noprobe_list_blocks(&l, "2001:db8:5::1", why, sizeof why));
	assert_false(noprobe_list_blocks(&l, "198.18.6.1", why, sizeof why));
	assert_false(noprobe_list_blocks(&l, "2001:db8:6::1", why, sizeof why));
	assert_false(noprobe_list_blocks(&l, "not an address", why, sizeof why));
	json_decref(rows);
	/* A bad row leaves the copy as it was. */
	json_t *bad = json_pack("[{s:s,s:s}]", "prefix", "198.18.5.0/33", "reason", "x");
	assert_int_equal(noprobe_list_set(&l, bad, 9, err, sizeof err), -1);
	assert_int_equal(l.version, 3);
	assert_int_equal(l.n, 2);
	json_decref(bad);
	noprobe_list_free(&l);
	assert_int_equal(np->remove(f->st, "198.18.5.0/24", &v, err, sizeof err), 1);
	assert_int_equal(v, 4);
	assert_int_equal(np->list(f->st, &rows, &v, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(v, 4);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_exactly_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_conflict_and_epochs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timing_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timing_history_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noprobe_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mesh_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msm_ids_never_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_schema_migrated, setup, teardown),
	};
	return cmocka_run_group_tests_name(fixture_pg() ? "store_pg" : "store_sqlite", tests,
					   NULL, NULL);
}
