/*
 * Tests of what the PostgreSQL store adds to the store contract (the
 * contract itself: test_store_sqlite.c and test_api_store.c, run on
 * PostgreSQL too): results land in one partition per day of their
 * timestamp; exactly once holds across partitions (the same key with
 * another day's body is a conflict) and across writers (two connections
 * putting the same results at once store each once); and the API's reads
 * are planned as index scans of the results partitions, never as a
 * sequential scan. Archiving a day writes its results once to one zstd
 * file, drops the day, keeps its keys (a re-upload is a duplicate), puts
 * late results of the day into a second file, and after a run stopped
 * between writing and dropping writes nothing twice. A second store handle
 * (another front-end) LISTENing hears a measurement's create and its stop
 * as (agent, measurement), and a change of a column no agent is sent (the
 * measurement's status) is not heard; a no-probe list change is heard as
 * agent 0 with its new version. A batch registers, reads its subjects and
 * keeps its admission decisions a statement each. A store opened while
 * another connection reads sessions in a transaction does not wait for it,
 * and one opened beside writers' open transactions takes no lock on their
 * tables (its schema statements look in the catalog first). A database at
 * the code's schema version is opened without DDL, beside a session holding
 * its trigger tables locked whole; one without a version (from before them)
 * is upgraded, and one at a newer version is left alone. Runs only under
 * tests/pg/pgtmp (VANTAGE_TEST_PG).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg_int.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_admission.h"
#include "store/store_api.h"
#include "store/store_archive.h"
#include "store/store_frontend.h"
#include "store/store_noprobe.h"
#include "store/store_mesh.h"
#include "store/store_prefixes.h"
#include "store_tmp.h"

#include <zstd.h>

/* The store of store_tmp.h's fixture (its database and spec) and one approved agent. */
struct fix {
	struct store_fixture *fx;
	struct store *st;
	const char *spec;
	int64_t agent;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	char err[256] = "";
	if (!f)
		fail_msg("out of memory");
	*state = f;
	f->fx = store_fixture_new("vt-store-pg");
	f->st = f->fx->st;
	f->spec = f->fx->spec;
	struct store_agent a = { .approved = 1, .fp = "aa", .org = "lab", .role = "probe" };
	assert_int_equal(f->st->ops->agent_add(f->st, &a, err, sizeof err), 0);
	f->agent = a.id;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	store_fixture_free(f->fx);
	free(f);
	return 0;
}

/* A result of agent at seq with body {"timestamp": ts, "n": seq}; body in buf. */
static struct store_result result(int64_t agent, int64_t seq, int64_t ts, char *buf, size_t len)
{
	snprintf(buf, len, "{\"timestamp\":%lld,\"n\":%lld}", (long long)ts, (long long)seq);
	return (struct store_result){ .agent_id = agent, .seq = seq, .msm_id = 7, .body = buf,
				      .len = strlen(buf) };
}

/* The integer the query sql answers on the store's connection. */
static int64_t ask(struct store *st, const char *sql)
{
	int64_t v = -1;
	char err[256] = "";
	if (pg_scalar(pg(st), "test", sql, NULL, &v, err, sizeof err) != 1)
		fail_msg("%s: %s", sql, err);
	return v;
}

/* Results of three days go to three partitions; a key seen on one day conflicts on another. */
static void test_partitions_by_day(void **state)
{
	struct fix *f = *state;
	char err[256] = "", b[3][64], c[64];
	const int64_t day = 86400, t0 = 1764633600;   /* 2025-12-02 00:00:00 UTC */
	struct store_result r[] = { result(f->agent, 1, t0 + 5, b[0], sizeof b[0]),
				    result(f->agent, 2, t0 + day + 5, b[1], sizeof b[1]),
				    result(f->agent, 3, t0 + 2 * day - 1, b[2], sizeof b[2]) };
	assert_int_equal(f->st->ops->results_put(f->st, r, 3, err, sizeof err), 3);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM pg_inherits"
			     " WHERE inhparent = 'results'::regclass"), 2);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM results_d20251202"), 1);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM results_d20251203"), 2);
	/* seq 1 again, dated a day later: same key, another body, another partition. */
	struct store_result again = result(f->agent, 1, t0 + 3 * day, c, sizeof c);
	assert_int_equal(f->st->ops->results_put(f->st, &again, 1, err, sizeof err), 0);
	assert_int_equal(again.outcome, STORE_CONFLICT);
	assert_int_equal(f->st->ops->results_put(f->st, r, 1, err, sizeof err), 0);
	assert_int_equal(r[0].outcome, STORE_DUPLICATE);
	assert_int_equal(f->st->ops->results_count(f->st), 3);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM result_keys"), 3);
}

/* One writer: its own connection, putting every result of the shared batch. */
struct writer {
	const char *spec;
	struct store_result *r;
	size_t n;
	int added;
};

static void *write_all(void *arg)
{
	struct writer *w = arg;
	char err[256] = "";
	struct store *st = store_open(w->spec, err, sizeof err);
	w->added = -1;
	if (!st)
		return NULL;
	w->added = 0;
	for (size_t i = 0; i < w->n && w->added >= 0; i += 10) {
		/* A batch that raced the other writer fails whole and is put again,
		   as the controller does (its agents resend). */
		int got = -1;
		for (int tries = 0; got < 0 && tries < 5; tries++)
			got = st->ops->results_put(st, w->r + i, w->n - i < 10 ? w->n - i : 10,
						   err, sizeof err);
		w->added = got < 0 ? -1 : w->added + got;
	}
	st->ops->close(st);
	return NULL;
}

/* Two writers putting the same 400 results at once store each exactly once. */
static void test_two_writers(void **state)
{
	struct fix *f = *state;
	enum { N = 400 };
	static char bodies[N][64];
	static struct store_result mine[2][N];
	for (int w = 0; w < 2; w++)
		for (int i = 0; i < N; i++)
			mine[w][i] = result(f->agent, i + 1, 1764633600 + i * 600, bodies[i],
					    sizeof bodies[i]);
	struct writer w[2] = { { f->spec, mine[0], N, 0 }, { f->spec, mine[1], N, 0 } };
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, write_all, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_true(w[0].added >= 0 && w[1].added >= 0);
	assert_int_equal(w[0].added + w[1].added, N);
	assert_int_equal(f->st->ops->results_count(f->st), N);
	for (int i = 0; i < N; i++)
		assert_true(mine[0][i].outcome == STORE_NEW || mine[1][i].outcome == STORE_NEW);
}

/* A batch of 10 (the bulk path) decides each outcome as one-by-one puts do. */
static void test_bulk_outcomes(void **state)
{
	struct fix *f = *state;
	char err[256] = "", b[12][64], other[64];
	const int64_t t0 = 1764633600;
	struct store_result first[3];
	for (int i = 0; i < 3; i++)
		first[i] = result(f->agent, i + 1, t0 + i, b[i], sizeof b[i]);
	assert_int_equal(f->st->ops->results_put(f->st, first, 3, err, sizeof err), 3);
	struct store_result r[10];
	for (int i = 0; i < 10; i++)
		r[i] = result(f->agent, i + 1, t0 + i, b[i], sizeof b[i]);
	r[1] = result(f->agent, 2, t0 + 99, other, sizeof other);   /* another body: conflict */
	r[0].stream = r[1].stream = r[2].stream = r[3].stream = 5;
	r[5].refused = "never assigned";
	r[9].epoch = 3;
	assert_int_equal(f->st->ops->results_put(f->st, r, 10, err, sizeof err), 5);
	const enum store_outcome want[10] = { STORE_DUPLICATE, STORE_CONFLICT, STORE_SKIPPED,
		STORE_SKIPPED, STORE_NEW, STORE_REFUSED, STORE_NEW, STORE_NEW, STORE_NEW, STORE_NEW };
	for (int i = 0; i < 10; i++)
		assert_int_equal(r[i].outcome, want[i]);
	assert_int_equal(f->st->ops->results_count(f->st), 8);
	assert_int_equal(f->st->ops->results_refused(f->st, f->agent), 1);
	/* Again, with the stored body of seq 2: only seq 4, skipped before, is new. */
	for (int i = 0; i < 10; i++)
		r[i].stream = 0;
	r[1] = first[1];
	assert_int_equal(f->st->ops->results_put(f->st, r, 10, err, sizeof err), 1);
	assert_int_equal(r[1].outcome, STORE_DUPLICATE);
	assert_int_equal(r[3].outcome, STORE_NEW);
	assert_int_equal(r[4].outcome, STORE_DUPLICATE);
	assert_int_equal(r[5].outcome, STORE_REFUSED);
	assert_int_equal(f->st->ops->results_count(f->st), 9);
}

/* The plan of sql (EXPLAIN, generic plan with parameters) as one text. */
static void plan_of(struct store *st, const char *sql, char *out, size_t len)
{
	char err[256] = "", explain[2048];
	snprintf(explain, sizeof explain, "EXPLAIN %s", sql);
	PGresult *res = pg_query(pg(st), "explain", explain, NULL, err, sizeof err);
	if (!res)
		fail_msg("%s: %s", explain, err);
	size_t used = 0;
	out[0] = '\0';
	for (int r = 0; r < PQntuples(res) && used < len; r++)
		used += (size_t)snprintf(out + used, len - used, "%s\n", PQgetvalue(res, r, 0));
	PQclear(res);
}

/*
 * With 200,000 results over 4 days stored and statistics taken, the API's
 * reads of results are ordered index scans of the partitions (no sort of
 * what a window holds): a page of a time window, the next probe with
 * results, a probe's latest result; a page of one team cycle reads that
 * cycle's entries of the index results_by_cycle only.
 */
static void test_plans(void **state)
{
	struct fix *f = *state;
	char err[256] = "", plan[8192];
	assert_int_equal(pg_exec(pg(f->st), "INSERT INTO result_keys SELECT 1, 0, g,"
		" 1764633600 + g * 17, '\\x00' FROM generate_series(1, 200000) g;"
		"CREATE TABLE IF NOT EXISTS results_d20251202 PARTITION OF results"
		" FOR VALUES FROM (1764633600) TO (1764720000);"
		"CREATE TABLE IF NOT EXISTS results_d20251203 PARTITION OF results"
		" FOR VALUES FROM (1764720000) TO (1764806400);"
		"CREATE TABLE IF NOT EXISTS results_d20251204 PARTITION OF results"
		" FOR VALUES FROM (1764806400) TO (1764892800);"
		"CREATE TABLE IF NOT EXISTS results_d20251205 PARTITION OF results"
		" FOR VALUES FROM (1764892800) TO (1764979200);"
		"INSERT INTO results SELECT g % 50 + 1, 0, g, g % 20 + 1, 1764633600 + g * 17 / 10,"
		" '{\"n\":' || g || '}', CASE WHEN g % 20 + 1 = 3 THEN g % 7 + 1 END"
		" FROM generate_series(1, 200000) g; ANALYZE",
		err, sizeof err), 0);
	static const char *const reads[] = {
		"SELECT ts, agent_id, seq, body FROM results WHERE msm_id = 3 AND"
		" (ts, agent_id, seq) > (1764640000, 0, 0) AND ts <= 1764950000"
		" ORDER BY ts, agent_id, seq LIMIT 2000",
		"SELECT agent_id FROM results WHERE msm_id = 3 AND agent_id > 7"
		" ORDER BY agent_id LIMIT 1",
		"SELECT seq, ts, body FROM results WHERE msm_id = 3 AND agent_id = 8"
		" ORDER BY seq DESC LIMIT 1",
		/* a page of one team cycle (pg_team_results.c): results_by_cycle */
		"SELECT agent_id AS agent, seq, epoch AS id, body FROM results WHERE msm_id = 3"
		" AND cycle = 2 AND (agent_id, seq, epoch) > (7, 0, 0)"
		" ORDER BY agent_id, seq, epoch LIMIT 2000",
	};
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		plan_of(f->st, reads[i], plan, sizeof plan);
		print_message("%s\n%s", reads[i], plan);
		assert_null(strstr(plan, "Seq Scan"));
		if (strstr(reads[i], "cycle = 2"))   /* 1,400 rows: sorting them may be cheaper */
			assert_non_null(strstr(plan, "_msm_id_cycle_agent_id_seq_epoch_idx"));
		else
			assert_null(strstr(plan, "Sort  ("));
		assert_non_null(strstr(plan, "Index"));
	}
}

/* The lines of the zstd file path, decompressed, as one new string (free it). */
static char *unzstd(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char in[1 << 20];
	size_t got = fread(in, 1, sizeof in, f);
	fclose(f);
	size_t cap = 1 << 22;
	char *out = calloc(1, cap);
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, got, 0 };
	ZSTD_outBuffer ob = { out, cap - 1, 0 };
	size_t left = ZSTD_decompressStream(d, &ob, &ib);
	ZSTD_freeDCtx(d);
	assert_int_equal(left, 0);
	return out;
}

/* How many times needle occurs in text. */
static int occurrences(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_archive_days(void **state)
{
	struct fix *f = *state;
	char err[256] = "", b[4][64], path[4300], dir[] = "/tmp/vantage-archive-XXXXXX";
	const int64_t day = 86400, t0 = 1764633600;   /* 2025-12-02 */
	int64_t n = -1;
	assert_non_null(mkdtemp(dir));
	struct store_result r[] = { result(f->agent, 1, t0 + 5, b[0], sizeof b[0]),
				    result(f->agent, 2, t0 + 6, b[1], sizeof b[1]),
				    result(f->agent, 3, t0 + day + 1, b[2], sizeof b[2]) };
	assert_int_equal(f->st->ops->results_put(f->st, r, 3, err, sizeof err), 3);
	json_t *days;
	assert_int_equal(f->st->ops->archive->days(f->st, &days, err, sizeof err), 0);
	assert_int_equal(json_array_size(days), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(days, 0), "day")),
			    "2025-12-02");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(days, 0), "start")), t0);
	json_decref(days);
	if (store_archive_day(f->st, t0, dir, path, sizeof path, &n, err, sizeof err) < 0)
		fail_msg("archive: %s", err);
	assert_int_equal(n, 2);
	assert_non_null(strstr(path, "/results-2025-12-02.jsonl.zst"));
	char *text = unzstd(path);
	assert_int_equal(occurrences(text, "\n"), 2);
	assert_non_null(strstr(text, "\"vantage_seq\":1"));
	assert_non_null(strstr(text, "\"vantage_seq\":2"));
	assert_non_null(strstr(text, "\"timestamp\":1764633605"));
	free(text);
	assert_int_equal(f->st->ops->results_count(f->st), 1);
	/* Its keys stay: a re-upload is a duplicate, never stored again. */
	assert_int_equal(f->st->ops->results_put(f->st, r, 1, err, sizeof err), 0);
	assert_int_equal(r[0].outcome, STORE_DUPLICATE);
	/* A late result of the day: stored, then archived into a second file. */
	struct store_result late = result(f->agent, 4, t0 + 7, b[3], sizeof b[3]);
	assert_int_equal(f->st->ops->results_put(f->st, &late, 1, err, sizeof err), 1);
	assert_int_equal(store_archive_day(f->st, t0, dir, path, sizeof path, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(path, "/results-2025-12-02.2.jsonl.zst"));
	/* A run that wrote its file and stopped before the drop: the rows are back
	   in the store (put there by hand), and a second run writes nothing twice. */
	assert_int_equal(pg_exec(pg(f->st), "CREATE TABLE results_d20251202 PARTITION OF results"
		" FOR VALUES FROM (1764633600) TO (1764720000);"
		"INSERT INTO results VALUES (1, 0, 2, 7, 1764633606, '{}'),"
		" (1, 0, 4, 7, 1764633607, '{}')", err, sizeof err), 0);
	assert_int_equal(store_archive_day(f->st, t0, dir, path, sizeof path, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_string_equal(path, "");
	assert_int_equal(f->st->ops->results_count(f->st), 1);
	/* Not a day's start: refused, nothing changes. */
	assert_int_equal(store_archive_day(f->st, t0 + day + 5, dir, path, sizeof path, &n, err,
					   sizeof err), -1);
	assert_non_null(strstr(err, "not the start of a UTC day"));
	assert_int_equal(f->st->ops->results_count(f->st), 1);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* What the change test heard: (agent, msm) pairs. */
struct heard {
	int64_t agent[16], msm[16];
	int n;
};

static void hear(void *arg, int64_t agent_id, int64_t msm_id)
{
	struct heard *h = arg;
	if (h->n < 16) {
		h->agent[h->n] = agent_id;
		h->msm[h->n] = msm_id;
	}
	h->n++;
}

/* Wait up to ms for the listener's socket fd and read what it heard into h (emptied first). */
static void listen_for(struct store *st, int fd, int ms, struct heard *h)
{
	char err[256] = "";
	h->n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (h->n == 0 && poll(&p, 1, ms) > 0)
		if (st->ops->frontend->changes_read(st, hear, h, err, sizeof err) < 0)
			fail_msg("changes_read: %s", err);
}

/* store_row_fn counting the rows. */
static int count_row(void *arg, json_t *row)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

/* A second front-end hears a create and a stop as (agent, msm), nothing else. */
static void test_changes_heard(void **state)
{
	struct fix *f = *state;
	char err[256] = "";
	struct store *other = store_open(f->spec, err, sizeof err);
	if (!other)
		fail_msg("open: %s", err);
	int fd = other->ops->frontend->changes_listen(other, err, sizeof err);
	if (fd < 0)
		fail_msg("changes_listen: %s", err);
	struct store_msm m = { .def = "{\"type\":\"ping\",\"target\":\"198.18.1.1\"}",
			       .interval = 60 };
	assert_int_equal(f->st->ops->msm_create(f->st, &m, &f->agent, 1, err, sizeof err), 0);
	struct heard h;
	listen_for(other, fd, 10000, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.agent[0], f->agent);
	assert_int_equal(h.msm[0], m.id);
	int rows = 0;
	assert_int_equal(other->ops->frontend->msm_of_agent(other, f->agent, m.id, count_row, &rows,
							    err, sizeof err), 0);
	assert_int_equal(rows, 1);
	/* a column no agent is sent: not heard */
	assert_int_equal(ask(f->st, "WITH u AS (UPDATE measurements SET stopped = stopped"
			     " RETURNING id) SELECT count(*) FROM u"), 1);
	listen_for(other, fd, 300, &h);
	assert_int_equal(h.n, 0);
	assert_int_equal(f->st->ops->msm_stop(f->st, m.id, 1764633600, err, sizeof err), 0);
	listen_for(other, fd, 10000, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.msm[0], m.id);
	rows = 0;
	assert_int_equal(other->ops->frontend->msm_of_agent(other, f->agent, m.id, count_row, &rows,
							    err, sizeof err), 0);
	assert_int_equal(rows, 0);
	other->ops->close(other);
}

/* A no-probe change is heard by another front-end as agent 0 with the new version; a
   remove of a prefix not listed (no new version) is not heard. */
static void test_noprobe_change_heard(void **state)
{
	struct fix *f = *state;
	char err[256] = "";
	struct store *other = store_open(f->spec, err, sizeof err);
	if (!other)
		fail_msg("open: %s", err);
	int fd = other->ops->frontend->changes_listen(other, err, sizeof err);
	if (fd < 0)
		fail_msg("changes_listen: %s", err);
	const struct store_noprobe_ops *np = f->st->ops->noprobe;
	int64_t v = 0;
	struct heard h;
	for (int64_t want = 1; want <= 2; want++) {
		assert_int_equal(np->add(f->st, want == 1 ? "198.18.5.0/24" : "2001:db8:5::/48",
					 "complaint", "alice", 100, 4096, &v, err, sizeof err), 0);
		assert_int_equal(v, want);
		listen_for(other, fd, 10000, &h);
		assert_int_equal(h.n, 1);
		assert_int_equal(h.agent[0], 0);
		assert_int_equal(h.msm[0], want);
	}
	assert_int_equal(np->remove(f->st, "198.18.6.0/24", &v, err, sizeof err), 0);
	listen_for(other, fd, 300, &h);
	assert_int_equal(h.n, 0);
	assert_int_equal(np->remove(f->st, "198.18.5.0/24", &v, err, sizeof err), 1);
	listen_for(other, fd, 10000, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.agent[0], 0);
	assert_int_equal(h.msm[0], 3);
	other->ops->close(other);
}

/* One front-end adding to the no-probe list (a store handle of its own). */
struct np_adder {
	struct store *st;
	const char *prefixes[8];
	int64_t max;
	int added, full, failed;
	char err[256];
};

static void *np_add_all(void *arg)
{
	struct np_adder *a = arg;
	int64_t v;
	for (int i = 0; i < 8 && a->prefixes[i]; i++) {
		int rc = a->st->ops->noprobe->add(a->st, a->prefixes[i], "complaint", "fe", 100,
						  a->max, &v, a->err, sizeof a->err);
		a->added += rc == 0;
		a->full += rc == 1;
		a->failed += rc < 0;
	}
	return NULL;
}

/* Entries on the no-probe list, read through st. */
static size_t np_count(struct store *st)
{
	json_t *rows = NULL;
	int64_t v;
	char err[256];
	assert_int_equal(st->ops->noprobe->list(st, &rows, &v, err, sizeof err), 0);
	size_t n = json_array_size(rows);
	json_decref(rows);
	return n;
}

/*
 * The no-probe list's cap across front-ends. First the race made certain: front-end A
 * adds the entry that fills the list (cap 2) and holds its transaction open; B's add is
 * seen waiting, then refused once A commits (counting without the lock, B saw room and
 * inserted a third). Then two front-ends each add 8 prefixes at once to a list of at
 * most 5: exactly 5 are added, the rest refused as full.
 */
static void test_noprobe_cap_two_frontends(void **state)
{
	struct fix *f = *state;
	char err[256] = "";
	int64_t v;
	struct store *other = store_open(f->spec, err, sizeof err);
	if (!other)
		fail_msg("open: %s", err);
	const struct store_noprobe_ops *np = f->st->ops->noprobe;
	assert_int_equal(np->add(f->st, "198.18.5.0/24", "c", "a", 100, 2, &v, err, sizeof err), 0);
	assert_int_equal(f->st->ops->txn(f->st, "begin", err, sizeof err), 0);
	assert_int_equal(np->add(f->st, "198.18.6.0/24", "c", "a", 100, 2, &v, err, sizeof err), 0);
	struct np_adder b = { .st = other, .prefixes = { "198.18.7.0/24" }, .max = 2 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, np_add_all, &b), 0);
	assert_true(fixture_pg_someone_waits(f->spec));
	assert_int_equal(f->st->ops->txn(f->st, "commit", err, sizeof err), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (b.failed)
		fail_msg("second front-end: %s", b.err);
	assert_int_equal(b.full, 1);
	assert_int_equal(np_count(f->st), 2);

	assert_int_equal(np->remove(f->st, "198.18.5.0/24", &v, err, sizeof err), 1);
	assert_int_equal(np->remove(f->st, "198.18.6.0/24", &v, err, sizeof err), 1);
	struct np_adder a1 = { .st = f->st, .max = 5, .prefixes = { "198.18.10.0/24",
		"198.18.11.0/24", "198.18.12.0/24", "198.18.13.0/24", "198.18.14.0/24",
		"198.18.15.0/24", "198.18.16.0/24", "198.18.17.0/24" } };
	struct np_adder a2 = { .st = other, .max = 5, .prefixes = { "198.18.20.0/24",
		"198.18.21.0/24", "198.18.22.0/24", "198.18.23.0/24", "198.18.24.0/24",
		"198.18.25.0/24", "198.18.26.0/24", "198.18.27.0/24" } };
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, np_add_all, &a1), 0);
	assert_int_equal(pthread_create(&t2, NULL, np_add_all, &a2), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	if (a1.failed || a2.failed)
		fail_msg("adding at once: %s %s", a1.err, a2.err);
	assert_int_equal(a1.added + a2.added, 5);
	assert_int_equal(a1.full + a2.full, 11);
	assert_int_equal(np_count(f->st), 5);
	other->ops->close(other);
}

/* A decision of agent id in state, for put_many. */
static struct store_admission decision(int64_t id, const char *state)
{
	struct store_admission d = { .agent_id = id, .asn = 0, .decided = 100 };
	snprintf(d.state, sizeof d.state, "%s", state);
	snprintf(d.reason, sizeof d.reason, "it's \"%s\", {a,b}", state);  /* JSON and array syntax */
	return d;
}

/*
 * Registration in a round trip per step (agents.add with a list): agent_add_many
 * registers a batch owned by an account, ids in the batch's order; a batch with a
 * key registered already fails whole (the caller rolls it back). subjects reads
 * each agent's role and account (none for an unknown id), and put_many keeps the
 * decisions and approved flags together; a decision on an agent not registered
 * fails it.
 */
static void test_register_batch(void **state)
{
	struct fix *f = *state;
	struct store *st = f->st;
	char err[256] = "";
	int64_t acct = 0;
	assert_int_equal(st->ops->account->add(st, "acme", "", 1, &acct, err, sizeof err), 0);
	struct store_agent a[3] = { { .fp = "b1", .org = "o", .role = "probe" },
				    { .fp = "b2", .org = "o", .role = "anchor" },
				    { .fp = "b3", .org = "o", .role = "probe", .tags = "x,y" } };
	assert_int_equal(st->ops->agent_add_many(st, a, 3, acct, err, sizeof err), 0);
	assert_true(a[0].id > f->agent && a[1].id > a[0].id && a[2].id > a[1].id);
	struct store_account owner;
	assert_int_equal(st->ops->account->of_agent(st, a[1].id, &owner, err, sizeof err), 1);
	assert_int_equal(owner.id, acct);
	struct store_agent again[2] = { { .fp = "b4", .org = "o", .role = "probe" },
					{ .fp = "b2", .org = "o", .role = "probe" } };
	assert_int_equal(st->ops->agent_add_many(st, again, 2, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "b2 is already registered"));
	/* a key twice in one batch: named, and nothing of the batch is stored */
	struct store_agent twice[3] = { { .fp = "b5", .org = "o", .role = "probe" },
					{ .fp = "b6", .org = "o", .role = "probe" },
					{ .fp = "b5", .org = "o", .role = "probe" } };
	assert_int_equal(st->ops->agent_add_many(st, twice, 3, acct, err, sizeof err), -1);
	assert_non_null(strstr(err, "agent b5 is twice in the batch (places 0 and 2)"));
	assert_int_equal(ask(st, "SELECT COUNT(*) FROM agents WHERE fp IN ('b5', 'b6')"), 0);

	int64_t ids[4] = { a[0].id, a[1].id, 999999, f->agent };
	struct store_admission_subject sub[4];
	const struct store_admission_ops *adm = st->ops->admission;
	assert_int_equal(adm->subjects(st, ids, 4, sub, err, sizeof err), 0);
	assert_string_equal(sub[0].role, "probe");
	assert_string_equal(sub[1].role, "anchor");
	assert_int_equal(sub[1].account, acct);
	assert_string_equal(sub[2].role, "");
	assert_string_equal(sub[3].role, "probe");
	assert_int_equal(sub[3].account, 0);

	struct store_admission d[3] = { decision(a[0].id, "approved"), decision(a[1].id, "refused"),
					decision(a[2].id, "approved") };
	assert_int_equal(adm->put_many(st, d, 3, err, sizeof err), 0);
	struct store_admission got;
	assert_int_equal(adm->get(st, a[1].id, &got, err, sizeof err), 1);
	assert_string_equal(got.state, "refused");
	assert_string_equal(got.reason, d[1].reason);
	assert_int_equal(ask(st, "SELECT SUM(approved) FROM agents WHERE fp IN ('b1', 'b2', 'b3')"), 2);
	struct store_admission bad[2] = { decision(a[1].id, "approved"), decision(999999, "approved") };
	assert_int_equal(adm->put_many(st, bad, 2, err, sizeof err), -1);
}

/* Several front-ends keep the mesh: a second running measurement of one anchor, family
   and type is refused (its creating transaction rolls back); once it stops, a new one
   may be marked. */
static void test_mesh_mark_once(void **state)
{
	struct fix *f = *state;
	const struct store_mesh_ops *mesh = f->st->ops->mesh;
	char err[256] = "";
	struct store_msm m[3];
	for (int i = 0; i < 3; i++) {
		m[i] = (struct store_msm){ .def = "{\"type\":\"ping\",\"target\":\"198.18.7.1\"}",
					   .interval = 240 };
		assert_int_equal(f->st->ops->msm_create(f->st, &m[i], &f->agent, 1, err,
							sizeof err), 0);
	}
	assert_int_equal(mesh->mark(f->st, m[0].id, f->agent, 4, "ping", 1, err, sizeof err), 0);
	assert_int_equal(mesh->mark(f->st, m[1].id, f->agent, 4, "ping", 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "runs already"));
	assert_int_equal(mesh->mark(f->st, m[1].id, f->agent, 6, "ping", 2, err, sizeof err), 0);
	assert_int_equal(f->st->ops->msm_stop(f->st, m[0].id, 3, err, sizeof err), 0);
	assert_int_equal(mesh->mark(f->st, m[2].id, f->agent, 4, "ping", 4, err, sizeof err), 0);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM mesh_msms"), 3);
}

/* What test_prefix_batches reads back: the count and the entries' order. */
struct walk {
	size_t n;
	int in_order;
};

static int walk_entry(void *arg, const struct pfx2as_entry *e)
{
	struct walk *w = arg;
	/* entry i is 10.(i / 256).(i % 256).0/24 of AS 64500 + i % 7 */
	w->in_order &= e->prefix.addr.family == AF_INET && e->prefix.len == 24 &&
		       e->prefix.addr.a[1] == (w->n / 256) % 256 &&
		       e->prefix.addr.a[2] == w->n % 256 && e->asn == 64500 + w->n % 7;
	w->n++;
	return 0;
}

/* A table larger than one batch of the load (PG_PREFIX_BATCH) comes back whole, in
   file order; an IPv6 entry keeps its 16 bytes. */
static void test_prefix_batches(void **state)
{
	struct fix *f = *state;
	enum { N = 45000 };
	size_t cap = N * 32 + 64, len = 0;
	char *text = malloc(cap), err[256] = "";
	assert_non_null(text);
	for (size_t i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "10.%zu.%zu.0\t24\t%zu\n",
					(i / 256) % 256, i % 256, 64500 + i % 7);
	struct prefix_table t;
	assert_int_equal(prefix_table_parse(&t, text, len, err, sizeof err), N);
	int64_t v = 0;
	assert_int_equal(f->st->ops->prefixes->load(f->st, &t, "big", 1, &v, err, sizeof err), 0);
	prefix_table_free(&t);
	struct walk w = { 0, 1 };
	assert_int_equal(f->st->ops->prefixes->each(f->st, v, walk_entry, &w, err, sizeof err), 0);
	assert_int_equal(w.n, N);
	assert_true(w.in_order);
	snprintf(text, cap, "2001:db8:1234:5600::\t56\t64511\n");
	assert_int_equal(prefix_table_parse(&t, text, strlen(text), err, sizeof err), 1);
	assert_int_equal(f->st->ops->prefixes->load(f->st, &t, "v6", 2, &v, err, sizeof err), 0);
	prefix_table_free(&t);
	free(text);
	assert_int_equal(ask(f->st, "SELECT COUNT(*) FROM prefix_entries WHERE addr ="
			     " '\\x20010db8123456000000000000000000'::bytea AND len = 56"), 1);
}

/* Run sql on a connection of its own to the fixture's database; fails the test if it fails. */
static void direct_sql(const struct fix *f, const char *sql)
{
	PGconn *c = PQconnectdb(f->spec);
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	PQclear(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char m[512];
		snprintf(m, sizeof m, "%s", PQerrorMessage(c));
		PQfinish(c);
		fail_msg("%s: %s", sql, m);
	}
	PQfinish(c);
}

/* f->spec with lock_timeout ms, so a wait for a lock fails the open instead of hanging it. */
static void spec_lock_timeout(const struct fix *f, int ms, char *out, size_t len)
{
	snprintf(out, len, "%s%coptions=-c%%20lock_timeout%%3D%d", f->spec,
		 strchr(f->spec, '?') ? '&' : '?', ms);
}

/*
 * Open a second store handle (lock_timeout 2 s) while another connection has
 * run lock_sql (its transaction left open); fails the test with what when the
 * open fails (it waited for a lock).
 */
static void open_beside_lock(const struct fix *f, const char *lock_sql, const char *what)
{
	char err[256] = "", spec[640];
	PGconn *c = PQconnectdb(f->spec);
	PGresult *res = PQexec(c, lock_sql);
	int locked = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!locked)
		fail_msg("lock: %s", PQerrorMessage(c));
	spec_lock_timeout(f, 2000, spec, sizeof spec);
	struct store *other = store_open(spec, err, sizeof err);
	PQfinish(c);
	if (!other)
		fail_msg("%s: %s", what, err);
	other->ops->close(other);
}

/*
 * A store opened (a front-end or writer started) while another connection reads
 * sessions in an open transaction neither waits for it nor makes it, and every
 * reader queued behind, wait, even when it upgrades the schema (here: a
 * database without a version): the schema takes no lock on sessions that
 * readers feel when its columns are there (ALTER TABLE ... ADD COLUMN IF NOT
 * EXISTS took it whole). lock_timeout turns a wait into a failed open.
 */
static void test_open_beside_a_reader(void **state)
{
	struct fix *f = *state;
	char spec[700], err[256] = "";
	direct_sql(f, "DROP TABLE vantage_schema");
	PGconn *c = PQconnectdb(f->spec);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, "BEGIN; SELECT COUNT(*) FROM sessions");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	spec_lock_timeout(f, 3000, spec, sizeof spec);
	struct store *st = store_open(spec, err, sizeof err);
	PQclear(PQexec(c, "COMMIT"));
	PQfinish(c);
	if (!st)
		fail_msg("open beside a reader of sessions: %s", err);
	st->ops->close(st);
	assert_int_equal(ask(f->st, "SELECT version FROM vantage_schema"), PG_SCHEMA_VERSION);
}

/*
 * A store that upgrades the schema (a front-end of a newer build starting
 * beside running ones; here a database without a version) takes no lock on a
 * table with an index that is there: its CREATE INDEX and ADD COLUMN
 * statements look in the catalog first (CREATE INDEX IF NOT EXISTS would take
 * a SHARE lock, waiting for every writer and blocking the others). Writers hold
 * their transactions open: this store a result and a session, another
 * connection ROW EXCLUSIVE (what an INSERT takes) on every table of the schema
 * with an index. The tables that keep a trigger (measurements, msm_agents,
 * credit_ledger, noprobe_version) are left out: an upgrade's CREATE OR REPLACE
 * TRIGGER locks them (an up-to-date database is opened without: see
 * test_open_up_to_date_takes_no_lock). The second handle opens with
 * lock_timeout 2 s, so a wait fails the open instead of hanging it.
 */
static void test_open_takes_no_lock(void **state)
{
	struct fix *f = *state;
	char err[256] = "", b[64];
	int64_t sid;
	const int64_t t0 = 1764633600;
	direct_sql(f, "DROP TABLE vantage_schema");
	struct store_result r = result(f->agent, 1, t0, b, sizeof b);
	assert_int_equal(f->st->ops->txn(f->st, "begin", err, sizeof err), 0);
	assert_int_equal(f->st->ops->results_put(f->st, &r, 1, err, sizeof err), 1);
	assert_int_equal(f->st->ops->session_open(f->st, f->agent, t0, "198.18.0.1", &sid, err,
						  sizeof err), 0);
	open_beside_lock(f, "BEGIN; LOCK TABLE results, result_keys, sessions, api_msm,"
			 " msm_requests, account_agents, account_keys, admission,"
			 " account_locations, mesh_msms, team_chunks IN ROW EXCLUSIVE MODE",
			 "open beside open writers");
	assert_int_equal(f->st->ops->txn(f->st, "commit", err, sizeof err), 0);
	assert_int_equal(f->st->ops->results_count(f->st), 1);
}

/*
 * A database whose recorded schema version is the code's is opened without
 * its DDL: another session holding ACCESS EXCLUSIVE (what nothing but DDL
 * and LOCK take; it conflicts with every lock, a plain read's too) on the
 * tables that keep a trigger and on agents does not delay the open. Before
 * versions, CREATE OR REPLACE TRIGGER ran at every open and waited here
 * (lock_timeout 2 s turns that into a failed open).
 */
static void test_open_up_to_date_takes_no_lock(void **state)
{
	struct fix *f = *state;
	assert_int_equal(ask(f->st, "SELECT version FROM vantage_schema"), PG_SCHEMA_VERSION);
	open_beside_lock(f, "BEGIN; LOCK TABLE agents, measurements, msm_agents,"
			 " credit_ledger, noprobe_version IN ACCESS EXCLUSIVE MODE",
			 "open beside a session locking the trigger tables");
}

/*
 * The schema's text as of PG_SCHEMA_VERSION. Changed a schema statement (pg.c's
 * schema or a pg_*_schema)? Then a database made before has the old schema
 * and will not get the change unless PG_SCHEMA_VERSION (pg_int.h) grows: bump
 * it, and put the new version and the digest this test prints here.
 */
static void test_schema_version_pinned(void **state)
{
	(void)state;
	static const struct { int version; uint64_t digest; } pinned = { 1, 0x2a9d0e000839b8e0ull };
	uint64_t now = pg_schema_digest();
	if (pinned.version != PG_SCHEMA_VERSION || pinned.digest != now)
		fail_msg("the schema is version %d, digest 0x%016llx; pinned: version %d, digest"
			 " 0x%016llx. A schema change needs PG_SCHEMA_VERSION bumped (pg_int.h)"
			 " and both pinned here", PG_SCHEMA_VERSION, (unsigned long long)now,
			 pinned.version, (unsigned long long)pinned.digest);
}

/*
 * A database from before schema versions (no vantage_schema) is upgraded by
 * the next open: the DDL runs (a trigger dropped meanwhile is made again) and
 * the version is recorded. One recording a newer version (a newer build's) is
 * left alone: its triggers are not replaced by this code's.
 */
static void test_old_database_upgrades(void **state)
{
	struct fix *f = *state;
	char err[256] = "";
	const char *triggers = "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'measurements_notify'";
	f->st->ops->close(f->st);
	f->st = f->fx->st = NULL;
	direct_sql(f, "DROP TABLE vantage_schema; DROP TRIGGER measurements_notify ON measurements");
	assert_non_null(f->st = f->fx->st = store_open(f->spec, err, sizeof err));
	assert_int_equal(ask(f->st, triggers), 1);
	assert_int_equal(ask(f->st, "SELECT version FROM vantage_schema"), PG_SCHEMA_VERSION);

	f->st->ops->close(f->st);
	f->st = f->fx->st = NULL;
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE vantage_schema SET version = %d;"
		 " DROP TRIGGER measurements_notify ON measurements", PG_SCHEMA_VERSION + 1);
	direct_sql(f, sql);
	assert_non_null(f->st = f->fx->st = store_open(f->spec, err, sizeof err));
	assert_int_equal(ask(f->st, triggers), 0);
	assert_int_equal(ask(f->st, "SELECT version FROM vantage_schema"), PG_SCHEMA_VERSION + 1);
}

int main(void)
{
	if (!fixture_pg()) {
		printf("store_pg: VANTAGE_TEST_PG is not set (run under tests/pg/pgtmp); skipped\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_partitions_by_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_heard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noprobe_change_heard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noprobe_cap_two_frontends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mesh_mark_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_beside_a_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_takes_no_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_up_to_date_takes_no_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_database_upgrades, setup, teardown),
		cmocka_unit_test(test_schema_version_pinned),
	};
	return cmocka_run_group_tests_name("store_pg_only", tests, NULL, NULL);
}
