/*
 * teambench: what planning and running the bookkeeping of one team cycle
 * costs the controller, over a prefix table the size of today's routed
 * IPv4 space (the synthetic Internet's, about 10 million /24s).
 *
 *   teambench gen PREFIXES FILE
 *       write the pfx2as table of a synthetic Internet of PREFIXES prefixes
 *   teambench plan FILE MEMBERS CHUNK DB
 *       in a fresh process (so its peak memory is the controller's work
 *       alone): parse FILE (team/prefix_table.h), store it as a prefix
 *       version in the SQLite store at DB, draw a cycle over MEMBERS members
 *       of rates 50..100 pps in chunks of CHUNK targets and store it
 *       (team/team_plan.h, store_team.h), then hand out every chunk the way
 *       the controller does: take it from the store, derive its targets
 *       from the version and the cycle's key, acknowledge it. Prints each
 *       step's wall-clock and CPU time, chunks and targets per second, and
 *       the peak resident memory (VmHWM).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/synth.h"
#include "scan/targets.h"
#include "store/store.h"
#include "store/store_prefixes.h"
#include "store/store_team.h"
#include "team/prefix_table.h"
#include "team/team_plan.h"

/* CLOCK_MONOTONIC and this process's CPU time, in seconds. */
static double now_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident memory in MB (VmHWM). */
static double peak_mb(void)
{
	char line[256];
	double kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atof(line + 6);
	if (f)
		fclose(f);
	return kb / 1024.0;
}

/* A step's timer. */
struct step {
	double wall, cpu;
};

static struct step step_start(void)
{
	return (struct step){ now_s(CLOCK_MONOTONIC), now_s(CLOCK_PROCESS_CPUTIME_ID) };
}

/* Print a step's times. */
static void step_end(const struct step *s, const char *what)
{
	printf("  %-44s %8.2f s wall %8.2f s CPU\n", what, now_s(CLOCK_MONOTONIC) - s->wall,
	       now_s(CLOCK_PROCESS_CPUTIME_ID) - s->cpu);
}

static int gen(long long prefixes, const char *path)
{
	struct synth_params p;
	char err[256];
	struct synth *g = calloc(1, sizeof *g);
	synth_params_default(&p);
	p.prefixes = (size_t)prefixes;
	synth_params_word(&p, "v4=0.0.0.0/0", err, sizeof err);
	synth_params_word(&p, "v6=3f00::/16", err, sizeof err);
	FILE *f = fopen(path, "w");
	if (!g || !f || synth_init(g, &p, err, sizeof err) < 0 || synth_write_pfx2as(g, 4, f) < 0) {
		fprintf(stderr, "teambench gen: %s\n", f ? err : path);
		return 1;
	}
	fclose(f);
	synth_free(g);
	free(g);
	return 0;
}

/* Read the whole file into a new buffer; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	if (f && fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	if (f)
		fclose(f);
	return buf;
}

/* store_prefix_fn: add an entry's targets to the set. */
static int add_target(void *arg, const struct pfx2as_entry *e)
{
	char err[64];
	return scan_targets_add(arg, &e->prefix, err, sizeof err);
}

/* Draw and store the cycle; returns its chunk count or -1. */
static long plan_cycle(struct store *st, int64_t team_id, int64_t version, uint64_t n,
		       uint64_t seed, size_t k, uint32_t chunk, char *err, size_t errlen)
{
	uint32_t *rates = calloc(k, sizeof *rates);
	struct team_share *sh = calloc(k, sizeof *sh);
	struct store_team_member *m = calloc(k, sizeof *m);
	size_t nch = 0, cap = n / chunk + k + 1;
	struct store_team_chunk *ch = calloc(cap, sizeof *ch);
	for (size_t i = 0; i < k; i++)
		rates[i] = 50 + (uint32_t)(i * 37 % 51);
	team_split(n, rates, k, sh);
	for (size_t i = 0; i < k; i++) {
		m[i] = (struct store_team_member){ (int64_t)i + 1, rates[i], sh[i].first, sh[i].count };
		for (uint64_t j = 0; j < team_share_chunks(&sh[i], chunk); j++) {
			struct team_chunk c = team_share_chunk(&sh[i], (uint32_t)i, chunk, j);
			ch[nch] = (struct store_team_chunk){ .chunk = (int64_t)nch, .first = c.first,
							     .count = c.count, .owner = (int64_t)i + 1 };
			nch++;
		}
	}
	struct store_team_cycle cy = { .team_id = team_id, .cycle = 1, .version = version,
				       .seed = seed, .targets = n, .started = time(NULL) };
	int rc = st->ops->team->cycle_begin(st, &cy, m, k, ch, nch, err, errlen);
	free(rates);
	free(sh);
	free(m);
	free(ch);
	return rc < 0 ? -1 : (long)nch;
}

/* Hand out every chunk (members in turn), deriving targets; returns targets derived. */
static uint64_t hand_out(struct store *st, int64_t team_id, const struct scan_targets *t,
			 const struct team_plan *p, size_t k, uint64_t *sum)
{
	char err[256];
	uint64_t targets = 0;
	size_t idle = 0;
	for (size_t agent = 1; idle < k; agent = agent % k + 1) {
		struct store_team_chunk ch;
		if (st->ops->team->chunk_take(st, team_id, 1, (int64_t)agent, 1, &ch, err,
					      sizeof err) != 1) {
			idle++;
			continue;
		}
		idle = 0;
		for (uint64_t pos = ch.first; pos < ch.first + ch.count; pos++) {
			struct net_addr a;
			scan_targets_addr(t, team_plan_target(p, pos), &a);
			*sum += a.a[3] + a.a[2];
			targets++;
		}
		st->ops->team->chunk_done(st, team_id, 1, ch.chunk, (int64_t)agent, 2, err, sizeof err);
	}
	return targets;
}

/* Fail the plan with a message. */
static int fail(const char *what, const char *err)
{
	fprintf(stderr, "teambench plan: %s: %s\n", what, err);
	return 1;
}

static int plan(const char *file, size_t k, uint32_t chunk, const char *db)
{
	char err[256];
	size_t len = 0;
	struct step s = step_start();
	char *text = slurp(file, &len);
	struct prefix_table t;
	if (!text || prefix_table_parse(&t, text, len, err, sizeof err) < 0)
		return fail(file, text ? err : "cannot read");
	free(text);
	step_end(&s, "read and parse the table");
	printf("  %-44s %8zu prefixes, %llu /24s\n", "table", t.n, (unsigned long long)t.slash24s);
	struct store *st = store_sqlite_open(db, err, sizeof err);
	int64_t version;
	s = step_start();
	if (!st || st->ops->prefixes->load(st, &t, file, time(NULL), &version, err, sizeof err) < 0)
		return fail("load", err);
	step_end(&s, "store it as a prefix version");
	uint64_t n = t.slash24s;
	prefix_table_free(&t);
	struct store_team team = { .pps = 100, .cycle_secs = 86400, .family = 4, .chunk = chunk,
				   .gone_secs = 600, .secret = 12345, .created = time(NULL) };
	snprintf(team.name, sizeof team.name, "bench");
	snprintf(team.agents, sizeof team.agents, "bench");
	snprintf(team.method, sizeof team.method, "icmp-paris");
	if (st->ops->team->create(st, &team, err, sizeof err) < 0)
		return fail("team", err);
	s = step_start();
	uint64_t seed = team_cycle_seed(team.secret, 1);
	long chunks = plan_cycle(st, team.id, version, n, seed, k, chunk, err, sizeof err);
	if (chunks < 0)
		return fail("cycle", err);
	step_end(&s, "draw the cycle, store its chunk ranges");
	printf("  %-44s %8ld chunks of up to %u targets, %zu members\n", "cycle", chunks, chunk, k);
	s = step_start();
	struct scan_targets tg;
	if (scan_targets_init(&tg, AF_INET, seed, err, sizeof err) < 0 ||
	    st->ops->prefixes->each(st, version, add_target, &tg, err, sizeof err) < 0 ||
	    scan_targets_finish(&tg, err, sizeof err) < 0)
		return fail("targets", err);
	struct team_plan p;
	team_plan_init(&p, tg.n, seed, chunk);
	step_end(&s, "expand the version's /24s for hand-out");
	s = step_start();
	double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	uint64_t sum = 0, done = hand_out(st, team.id, &tg, &p, k, &sum);
	double w = now_s(CLOCK_MONOTONIC) - w0, c = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	step_end(&s, "hand out, derive and acknowledge every chunk");
	printf("  %-44s %8.0f chunks/s wall %8.0f chunks/s CPU\n", "hand-out rate",
	       (double)chunks / w, (double)chunks / c);
	printf("  %-44s %8.0f targets/s CPU (%llu targets, check %llu)\n", "targets derived",
	       (double)done / c, (unsigned long long)done, (unsigned long long)(sum % 1000));
	printf("  %-44s %8.1f MB (budget 256 MB)\n", "peak resident memory", peak_mb());
	scan_targets_free(&tg);
	st->ops->close(st);
	return done == n ? 0 : fail("hand-out", "not every target was handed out once");
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(atoll(argv[2]), argv[3]);
	if (argc == 6 && strcmp(argv[1], "plan") == 0)
		return plan(argv[2], (size_t)atoll(argv[3]), (uint32_t)atoll(argv[4]), argv[5]);
	fprintf(stderr, "usage: teambench gen PREFIXES FILE | plan FILE MEMBERS CHUNK DB\n");
	return 2;
}
