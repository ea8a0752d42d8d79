/*
 * Tests of the store's prefix tables and teams (store_prefixes.h,
 * store_team.h) on SQLite, and on PostgreSQL too under tests/pg/pgtmp
 * (team_store_on_pg): a load is a new version, whole; versions stay as
 * they were; team names are unique; a cycle is opened once; a cycle's
 * chunks are handed out own share first, acknowledged once, given back
 * when their member is gone (out ones as repeats) and then taken by the
 * others; two handles on one store (two front-ends) taking chunks at once
 * never get the same chunk; progress counts them; a cycle's results come
 * by pages from the results' cycle column, also in a store made before it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store_fixture.h"
#include "store/store_prefixes.h"
#include "store/store_team.h"
#include "team/team_status.h"

struct fixture {
	char dir[64];
	char path[128];
	char spec[512];     /* path, or a fresh PostgreSQL database (store_fixture.h) */
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/vpl-team-XXXXXX");
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

/* Load text as a new version; returns it. */
static int64_t load(struct store *st, const char *text)
{
	struct prefix_table t;
	char err[256] = "";
	int64_t v = 0;
	if (prefix_table_parse(&t, text, strlen(text), err, sizeof err) < 0 ||
	    st->ops->prefixes->load(st, &t, "test", 1000, &v, err, sizeof err) < 0)
		fail_msg("load: %s", err);
	prefix_table_free(&t);
	return v;
}

/* Count a version's entries, checking the first one's AS. */
static int count_entry(void *arg, const struct pfx2as_entry *e)
{
	size_t *n = arg;
	if (*n == 0 && e->asn != 64500)
		return 1;
	(*n)++;
	return 0;
}

static void test_prefix_versions(void **state)
{
	struct fixture *f = *state;
	const struct store_prefix_ops *p = f->st->ops->prefixes;
	char err[256];
	int64_t latest = -1;
	assert_int_equal(p->latest(f->st, &latest, err, sizeof err), 0);
	assert_int_equal(latest, 0);
	int64_t v1 = load(f->st, "198.19.0.0\t22\t64500\n2001:db8::\t32\t64501\n");
	int64_t v2 = load(f->st, "198.19.0.0\t24\t64500\n");
	assert_true(v2 > v1);
	assert_int_equal(p->latest(f->st, &latest, err, sizeof err), 0);
	assert_int_equal(latest, v2);
	size_t n = 0;
	assert_int_equal(p->each(f->st, v1, count_entry, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p->exists(f->st, v1, err, sizeof err), 1);
	assert_int_equal(p->exists(f->st, v2 + 1, err, sizeof err), 0);
	json_t *rows;
	assert_int_equal(p->versions(f->st, &rows, err, sizeof err), 0);
	assert_int_equal(json_array_size(rows), 2);
	json_t *old = json_array_get(rows, 1);
	assert_int_equal(json_integer_value(json_object_get(old, "slash24s")), 4);
	assert_int_equal(json_integer_value(json_object_get(old, "v6_targets")), 2);
	json_decref(rows);
}

/* A load inside a transaction that is rolled back leaves no version behind. */
static void test_prefix_load_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	char err[256];
	assert_int_equal(f->st->ops->txn(f->st, "begin", err, sizeof err), 0);
	load(f->st, "198.19.0.0\t24\t64500\n");
	assert_int_equal(f->st->ops->txn(f->st, "rollback", err, sizeof err), 0);
	int64_t latest = -1;
	assert_int_equal(f->st->ops->prefixes->latest(f->st, &latest, err, sizeof err), 0);
	assert_int_equal(latest, 0);
	size_t n = 0;
	assert_int_equal(f->st->ops->prefixes->each(f->st, 1, count_entry, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
}

/* A team with a 3-member cycle of 10 chunks: 4 of agent 1, 3 each of 2 and 3. */
static int64_t make_cycle(struct store *st)
{
	char err[256] = "";
	struct store_team t = { .pps = 100, .cycle_secs = 86400, .family = 4, .chunk = 10,
				.gone_secs = 60, .secret = 99, .created = 1000 };
	snprintf(t.name, sizeof t.name, "ark");
	snprintf(t.agents, sizeof t.agents, "1,2,3");
	snprintf(t.method, sizeof t.method, "icmp-paris");
	if (st->ops->team->create(st, &t, err, sizeof err) < 0)
		fail_msg("create: %s", err);
	assert_int_equal(st->ops->team->create(st, &t, err, sizeof err), -1);   /* name taken */
	struct store_team_cycle c = { .team_id = t.id, .cycle = 1, .version = 1, .seed = 5,
				      .targets = 100, .started = 2000 };
	struct store_team_member m[3] = { { 1, 100, 0, 40 }, { 2, 75, 40, 30 }, { 3, 75, 70, 30 } };
	struct store_team_chunk ch[10];
	for (int i = 0; i < 10; i++)
		ch[i] = (struct store_team_chunk){ .chunk = i, .first = (uint64_t)i * 10,
						   .count = 10, .owner = i < 4 ? 1 : i < 7 ? 2 : 3 };
	if (st->ops->team->cycle_begin(st, &c, m, 3, ch, 10, err, sizeof err) < 0)
		fail_msg("cycle: %s", err);
	return t.id;
}

static void test_team_get_stop(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	const struct store_team_ops *o = f->st->ops->team;
	char err[256];
	int64_t id = make_cycle(f->st);
	struct store_team t;
	assert_int_equal(o->get(f->st, "ark", 0, &t, err, sizeof err), 1);
	assert_int_equal(t.id, id);
	assert_int_equal(t.secret, 99);
	assert_string_equal(t.method, "icmp-paris");
	assert_int_equal(o->get(f->st, NULL, id, &t, err, sizeof err), 1);
	assert_int_equal(o->get(f->st, "none", 0, &t, err, sizeof err), 0);
	struct store_team_cycle c;
	assert_int_equal(o->cycle_current(f->st, id, &c, err, sizeof err), 1);
	assert_int_equal(c.cycle, 1);
	assert_int_equal(c.ended, 0);
	assert_int_equal(o->stop(f->st, id, 3000, err, sizeof err), 1);
	assert_int_equal(o->stop(f->st, id, 3001, err, sizeof err), 0);
	assert_int_equal(o->cycle_current(f->st, id, &c, err, sizeof err), 1);
	assert_int_equal(c.ended, 3000);
	json_t *rows;
	assert_int_equal(o->list(f->st, &rows, err, sizeof err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "cycle")), 1);
	assert_null(json_object_get(json_array_get(rows, 0), "secret"));
	json_decref(rows);
}

static void test_chunks_take_done_release(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	const struct store_team_ops *o = f->st->ops->team;
	char err[256];
	int64_t id = make_cycle(f->st);
	struct store_team_chunk ch;
	/* agent 2 gets its own share in order */
	assert_int_equal(o->chunk_take(f->st, id, 1, 2, 10, &ch, err, sizeof err), 1);
	assert_int_equal(ch.chunk, 4);
	assert_int_equal(ch.state, STORE_CHUNK_OUT);
	assert_int_equal(o->chunk_done(f->st, id, 1, 4, 2, 11, err, sizeof err), 1);
	assert_int_equal(o->chunk_done(f->st, id, 1, 4, 2, 12, err, sizeof err), 0); /* once */
	assert_int_equal(o->chunk_done(f->st, id, 1, 5, 2, 12, err, sizeof err), 0); /* not out */
	assert_int_equal(o->chunk_take(f->st, id, 1, 2, 13, &ch, err, sizeof err), 1);
	assert_int_equal(ch.chunk, 5);
	/* agent 2 is gone: chunk 5 (out) comes back as a repeat, chunk 6 (open) plain */
	assert_int_equal(o->chunks_release(f->st, id, 1, 2, err, sizeof err), 2);
	assert_int_equal(o->chunk_done(f->st, id, 1, 5, 2, 14, err, sizeof err), 0);
	/* agent 3 does its own share first, then what was handed on */
	int64_t order[5];
	int repeat[5];
	for (int i = 0; i < 5; i++) {
		assert_int_equal(o->chunk_take(f->st, id, 1, 3, 20 + i, &ch, err, sizeof err), 1);
		order[i] = ch.chunk;
		repeat[i] = ch.repeat;
		assert_int_equal(o->chunk_done(f->st, id, 1, ch.chunk, 3, 30 + i, err,
					       sizeof err), 1);
	}
	assert_int_equal(order[0], 7);
	assert_int_equal(order[2], 9);
	assert_int_equal(order[3], 5);
	assert_int_equal(repeat[3], 1);
	assert_int_equal(order[4], 6);
	assert_int_equal(repeat[4], 0);
	assert_int_equal(o->chunk_take(f->st, id, 1, 3, 40, &ch, err, sizeof err), 0);
	json_t *total, *members;
	assert_int_equal(o->progress(f->st, id, 1, &total, &members, err, sizeof err), 0);
	assert_int_equal(json_integer_value(json_object_get(total, "chunks")), 10);
	assert_int_equal(json_integer_value(json_object_get(total, "done_chunks")), 6);
	assert_int_equal(json_integer_value(json_object_get(total, "done_targets")), 60);
	assert_int_equal(json_integer_value(json_object_get(total, "reassigned")), 2);
	json_t *m3 = json_array_get(members, 2);
	assert_int_equal(json_integer_value(json_object_get(m3, "agent_id")), 3);
	assert_int_equal(json_integer_value(json_object_get(m3, "done_chunks")), 5);
	assert_int_equal(json_integer_value(json_object_get(m3, "repeats")), 1);
	json_decref(total);
	json_decref(members);
	struct store_team t;
	assert_int_equal(o->get(f->st, "ark", 0, &t, err, sizeof err), 1);
	json_t *st = team_status_json(f->st, &t, 5000, err, sizeof err);
	assert_non_null(st);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(st, "cycle"), "cycle")), 1);
	assert_int_equal(json_array_size(json_object_get(st, "members")), 3);
	assert_null(json_object_get(json_object_get(st, "team"), "secret"));
	/* 60 of 100 targets in 3000 s: 5000 s for all, from 2000 */
	assert_int_equal(json_integer_value(json_object_get(st, "estimated_end")), 2000 + 86400);
	json_decref(st);
}

/* A take that must hand out chunk want (or nothing when want < 0). */
static void take(struct store *st, int64_t team, int64_t agent, int64_t want)
{
	char err[256] = "";
	struct store_team_chunk ch;
	int rc = st->ops->team->chunk_take(st, team, 1, agent, 100, &ch, err, sizeof err);
	if (rc < 0)
		fail_msg("take: %s", err);
	assert_int_equal(rc, want >= 0);
	if (want >= 0) {
		assert_int_equal(ch.chunk, want);
		assert_int_equal(ch.holder, agent);
		assert_int_equal(ch.repeat, 0);
	}
}

static void test_joiner_takes_fresh_chunks(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	const struct store_team_ops *o = f->st->ops->team;
	char err[256];
	int64_t id = make_cycle(f->st);
	/* agent 4 has no share: the busiest member's last open chunk, never a repeat */
	take(f->st, id, 4, 3);        /* agent 1: 4 open */
	take(f->st, id, 4, 2);        /* 3 open each: the lowest owner */
	take(f->st, id, 1, 0);        /* the owner works from the front */
	take(f->st, id, 1, 1);
	take(f->st, id, 1, -1);       /* a member never takes another's share */
	json_t *m;
	assert_int_equal(o->members(f->st, id, 1, &m, err, sizeof err), 0);
	assert_int_equal(json_array_size(m), 4);   /* the joiner holds chunks: listed */
	size_t i;
	json_t *j, *joiner = NULL;
	json_array_foreach(m, i, j)
		if (json_integer_value(json_object_get(j, "agent_id")) == 4)
			joiner = j;
	assert_non_null(joiner);
	assert_int_equal(json_integer_value(json_object_get(joiner, "rate")), 0);
	json_decref(m);
	/* the owner gone: the chunks out to the joiner are not its to give back */
	assert_int_equal(o->chunks_release(f->st, id, 1, 1, err, sizeof err), 2);
	/* the joiner gone: what it holds is handed on, as repeats */
	assert_int_equal(o->chunks_release(f->st, id, 1, 4, err, sizeof err), 2);
	struct store_team_chunk ch;
	assert_int_equal(o->chunk_get(f->st, id, 1, 3, &ch, err, sizeof err), 1);
	assert_int_equal(ch.owner, 0);
	assert_int_equal(ch.repeat, 1);
}

/* store_row_fn: append "agent/seq:cycle " of each row to the text. */
static int page_row(void *arg, json_t *row)
{
	char *text = arg;
	json_t *b = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	size_t n = strlen(text);
	snprintf(text + n, 1024 - n, "%lld/%lld:%lld ",
		 (long long)json_integer_value(json_object_get(row, "agent")),
		 (long long)json_integer_value(json_object_get(row, "seq")),
		 (long long)json_integer_value(json_object_get(b, "cycle")));
	json_decref(b);
	return 0;
}

/* The pages read so far: the last row's key and the rows as text. */
struct pages {
	struct store_result_key k;
	char text[1024];
};

/* store_row_fn: keep the row's key (the last one is the next page's). */
static int page_key(void *arg, json_t *row)
{
	struct pages *pg = arg;
	pg->k.agent = json_integer_value(json_object_get(row, "agent"));
	pg->k.seq = json_integer_value(json_object_get(row, "seq"));
	pg->k.id = json_integer_value(json_object_get(row, "id"));
	return page_row(pg->text, row);
}

/* A cycle's results page by page: each once, in (agent, seq) order, the
   other cycle and measurement left out, an agent's two epochs both in. */
static void test_results_by_pages(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	char err[256] = "", bodies[12][64];
	struct store_result r[12];
	for (int i = 0; i < 12; i++) {
		/* agents 2 and 1; cycles 1 and 2; the last two: agent 1 in epoch 1,
		   seqs again; one of measurement 8 */
		snprintf(bodies[i], sizeof bodies[i], "{\"cycle\":%d}", i % 3 == 2 ? 2 : 1);
		r[i] = (struct store_result){ .agent_id = 2 - i % 2, .seq = i / 2 + 1,
					      .msm_id = i == 7 ? 8 : 7, .body = bodies[i],
					      .len = strlen(bodies[i]), .epoch = i >= 10 };
		if (i >= 10)
			r[i].seq = 1;
	}
	assert_int_equal(f->st->ops->results_put(f->st, r, 12, err, sizeof err), 12);
	/* one alone too (PostgreSQL stores a small batch one result at a time) */
	struct store_result one = { .agent_id = 3, .seq = 1, .msm_id = 7, .body = bodies[0],
				    .len = strlen(bodies[0]) };
	assert_int_equal(f->st->ops->results_put(f->st, &one, 1, err, sizeof err), 1);
	struct pages pg = { { 0, 0, 0 }, "" };
	for (int pages = 0; pages < 10; pages++) {
		size_t before = strlen(pg.text);
		struct store_result_key from = pg.k;
		assert_int_equal(f->st->ops->team->results_page(f->st, 7, 1, &from, 2, page_key, &pg,
								err, sizeof err), 0);
		if (strlen(pg.text) == before)
			break;
	}
	/* cycle 1 of msm 7: i = 1,3,9 (agent 1), 0,10,4,6 (agent 2; 10 is seq 1 of
	   epoch 1, after 0 in the same page-ending tie: the id breaks it) */
	assert_string_equal(pg.text, "1/1:1 1/2:1 1/5:1 2/1:1 2/1:1 2/3:1 2/4:1 3/1:1 ");
}

/* A second draw of cycle 1 (another front-end's) is refused as there already, and kept out. */
static void test_cycle_opened_once(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	char err[256] = "";
	int64_t id = make_cycle(f->st);
	struct store_team_cycle c = { .team_id = id, .cycle = 1, .version = 1, .seed = 6,
				      .targets = 10, .started = 2500 };
	struct store_team_member m = { 9, 100, 0, 10 };
	struct store_team_chunk ch = { .chunk = 0, .first = 0, .count = 10, .owner = 9 };
	assert_int_equal(f->st->ops->team->cycle_begin(f->st, &c, &m, 1, &ch, 1, err, sizeof err), 1);
	struct store_team_cycle now;
	assert_int_equal(f->st->ops->team->cycle_current(f->st, id, &now, err, sizeof err), 1);
	assert_int_equal(now.seed, 5);
	assert_int_equal(now.ended, 0);
	json_t *total, *members;
	assert_int_equal(f->st->ops->team->progress(f->st, id, 1, &total, &members, err,
						    sizeof err), 0);
	assert_int_equal(json_integer_value(json_object_get(total, "chunks")), 10);
	assert_int_equal(json_array_size(members), 3);
	json_decref(total);
	json_decref(members);
	/* the next cycle is opened, and ends the first */
	c.cycle = 2;
	assert_int_equal(f->st->ops->team->cycle_begin(f->st, &c, &m, 1, &ch, 1, err, sizeof err), 0);
	assert_int_equal(f->st->ops->team->cycle_current(f->st, id, &now, err, sizeof err), 1);
	assert_int_equal(now.cycle, 2);
}

#define RACE_CHUNKS 300

/* One taker of the race: its own store handle, its agent, what it got. */
struct taker {
	const char *spec;
	int64_t team, agent;
	int got[RACE_CHUNKS];
	int n;
	char err[256];
};

/* Take chunks of cycle 1 for t->agent on a handle of its own until none is left. */
static void *take_all(void *arg)
{
	struct taker *t = arg;
	struct store *st = store_open(t->spec, t->err, sizeof t->err);
	if (!st)
		return NULL;
	struct store_team_chunk ch;
	int rc;
	while ((rc = st->ops->team->chunk_take(st, t->team, 1, t->agent, 50, &ch, t->err,
					       sizeof t->err)) == 1) {
		if (t->n < RACE_CHUNKS && ch.chunk >= 0 && ch.chunk < RACE_CHUNKS &&
		    ch.holder == t->agent)
			t->got[t->n++] = (int)ch.chunk;
		else
			break;
	}
	if (rc == 0)
		t->err[0] = 0;
	st->ops->close(st);
	return NULL;
}

/*
 * Two front-ends hand out the chunks of one cycle at once (two handles,
 * two threads, every chunk handed on so both want the same ones): each
 * chunk goes to exactly one of them, and the store says so too.
 */
static void test_two_takers_never_share_a_chunk(void **state)
{
	struct fixture *f = *state;
	if (!store_has_teams(f->st))
		skip();
	char err[256] = "";
	int64_t id = make_cycle(f->st);
	struct store_team_cycle c = { .team_id = id, .cycle = 1 };
	static struct store_team_chunk ch[RACE_CHUNKS];
	for (int i = 0; i < RACE_CHUNKS; i++)
		ch[i] = (struct store_team_chunk){ .chunk = i, .first = (uint64_t)i, .count = 1 };
	/* a fresh cycle 1 of a second team, all of it handed on (owner 0) */
	struct store_team t = { .pps = 100, .cycle_secs = 60, .family = 4, .chunk = 1,
				.gone_secs = 60, .secret = 1, .created = 1000 };
	snprintf(t.name, sizeof t.name, "race");
	snprintf(t.agents, sizeof t.agents, "7,8");
	snprintf(t.method, sizeof t.method, "icmp-paris");
	assert_int_equal(f->st->ops->team->create(f->st, &t, err, sizeof err), 0);
	c.team_id = t.id;
	c.targets = RACE_CHUNKS;
	assert_int_equal(f->st->ops->team->cycle_begin(f->st, &c, NULL, 0, ch, RACE_CHUNKS, err,
						       sizeof err), 0);
	(void)id;
	static struct taker a, b;
	a = (struct taker){ .spec = f->spec, .team = t.id, .agent = 7 };
	b = (struct taker){ .spec = f->spec, .team = t.id, .agent = 8 };
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, take_all, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, take_all, &b), 0);
	assert_int_equal(pthread_join(ta, NULL), 0);
	assert_int_equal(pthread_join(tb, NULL), 0);
	if (a.err[0] || b.err[0])
		fail_msg("take: %s %s", a.err, b.err);
	int seen[RACE_CHUNKS] = { 0 };
	for (int i = 0; i < a.n; i++)
		seen[a.got[i]]++;
	for (int i = 0; i < b.n; i++)
		seen[b.got[i]]++;
	for (int i = 0; i < RACE_CHUNKS; i++)
		if (seen[i] != 1)
			fail_msg("chunk %d handed out %d times (%d and %d taken)", i, seen[i], a.n, b.n);
	print_message("race: %d and %d chunks of %d\n", a.n, b.n, RACE_CHUNKS);
	/* the store agrees with what each taker was told */
	struct store_team_chunk got;
	for (int i = 0; i < a.n; i++) {
		assert_int_equal(f->st->ops->team->chunk_get(f->st, t.id, 1, a.got[i], &got, err,
							     sizeof err), 1);
		assert_int_equal(got.holder, 7);
	}
}

/* A store made before the results' cycle column: opened again, it has it, filled. */
static void test_cycle_column_added_to_an_older_store(void **state)
{
	struct fixture *f = *state;
	if (fixture_pg())
		skip();      /* the migration is SQLite's; PostgreSQL adds the column in place */
	char err[256] = "";
	int64_t id = make_cycle(f->st);
	struct store_team t;
	assert_int_equal(f->st->ops->team->get(f->st, NULL, id, &t, err, sizeof err), 1);
	const char *bodies[3] = { "{\"cycle\":1,\"n\":1}", "{\"cycle\":2}", "{\"cycle\":1}" };
	struct store_result r[3];
	for (int i = 0; i < 3; i++)
		r[i] = (struct store_result){ .agent_id = 1, .seq = i + 1, .msm_id = t.msm_id,
					      .body = bodies[i], .len = strlen(bodies[i]) };
	assert_int_equal(f->st->ops->results_put(f->st, r, 3, err, sizeof err), 3);
	f->st->ops->close(f->st);
	/* as an older store: no column, no index */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'DROP INDEX results_by_cycle;"
		 " ALTER TABLE results DROP COLUMN cycle'", f->path);
	if (system(cmd) != 0)
		skip();      /* no sqlite3 shell */
	f->st = store_open(f->spec, err, sizeof err);
	if (!f->st)
		fail_msg("reopen: %s", err);
	struct pages pg = { { 0, 0, 0 }, "" };
	assert_int_equal(f->st->ops->team->results_page(f->st, t.msm_id, 1, &pg.k, 10, page_key,
							&pg, err, sizeof err), 0);
	assert_string_equal(pg.text, "1/1:1 1/3:1 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_load_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_team_get_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunks_take_done_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_joiner_takes_fresh_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_by_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_opened_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_takers_never_share_a_chunk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cycle_column_added_to_an_older_store, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
