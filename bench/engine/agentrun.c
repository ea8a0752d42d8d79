/*
 * agentrun: the engine as the agent runs it, for bench/engine. It creates an
 * event_base the way the agent does (src/agent/agent_program.c), one
 * msm_runner on it (src/msm/msm_runner.h: the raw path, one pps budget), and
 * submits one RIPE Atlas traceroute definition per target of a file, all at
 * once, as a controller would hand an agent a batch of one-off traces. It
 * runs the loop until every result is in and prints one line:
 *
 *   agentrun: traces N results N probes P wall S cpu S maxrss_kb K
 *
 * (probes: the packets the results record, answered or not; CPU and peak RSS
 * of this process from getrusage). Needs CAP_NET_RAW.
 *
 * usage: agentrun PPS ATTEMPTS TIMEOUT_MS GAP_LIMIT TARGETS_FILE
 */
#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "msm/msm_runner.h"

struct tally {
	size_t results;
	size_t probes;
	struct msm_runner *r;
	struct event_base *base;
};

/* How often needle occurs in text. */
static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/*
 * The packets one Atlas traceroute result records (replies and stars), read
 * from the encoder's text (atlas_trace.c) without a parse, as the agent
 * spools it: a hop's entry is {"from":...} (a reply) or {"x":"*"}; the
 * result's own "from" follows a comma.
 */
static size_t packets_of(const char *text)
{
	return count_of(text, "{\"from\":") + count_of(text, "{\"x\":");
}

/* A result arrived: count it and its packets, then drop it. */
static void on_result(char *result, size_t len, uint64_t msm_id, void *arg)
{
	struct tally *t = arg;
	(void)msm_id;
	(void)len;
	t->results++;
	t->probes += packets_of(result);
	free(result);
	if (msm_runner_pending(t->r) == 0) /* the agent's loop never ends alone */
		event_base_loopbreak(t->base);
}

/* Submit one traceroute per line of path; the number submitted or -1. */
static long submit_all(struct msm_runner *r, const char *path, long attempts, long timeout,
		       long gap, struct tally *t)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	char line[128], err[256];
	long n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == 0)
			continue;
		json_t *def = json_pack("{s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:I}",
					"type", "traceroute", "af", 4, "target", line,
					"protocol", "ICMP", "paris", 16, "packets", (int)attempts,
					"timeout", (int)timeout, "gap_limit", (int)gap,
					"msm_id", (json_int_t)(n + 1));
		int rc = def ? msm_runner_submit(r, def, on_result, t, err, sizeof err) : -1;
		json_decref(def);
		if (rc != 0) {
			fprintf(stderr, "agentrun: %s: %s\n", line, def ? err : "out of memory");
			fclose(f);
			return -1;
		}
		n++;
	}
	fclose(f);
	return n;
}

/* Seconds of a timeval. */
static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: agentrun PPS ATTEMPTS TIMEOUT_MS GAP_LIMIT TARGETS_FILE\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct event_base *base = event_base_new(); /* as the agent makes it */
	struct msm_runner_opts o = { .pps = (uint32_t)strtoul(argv[1], NULL, 10), .prb_id = 1 };
	char err[256];
	struct msm_runner *r = base ? msm_runner_new(base, &o, err, sizeof err) : NULL;
	if (r == NULL) {
		fprintf(stderr, "agentrun: %s\n", base ? err : "no event loop");
		event_base_free(base);
		return 1;
	}
	struct tally t = { 0, 0, r, base };
	long n = submit_all(r, argv[5], strtol(argv[2], NULL, 10), strtol(argv[3], NULL, 10),
			    strtol(argv[4], NULL, 10), &t);
	if (n > 0)
		event_base_dispatch(base);
	msm_runner_free(r);
	event_base_free(base);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("agentrun: traces %ld results %zu probes %zu wall %.3f cpu %.3f maxrss_kb %ld\n",
	       n, t.results, t.probes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss);
	return n < 0 || t.results != (size_t)n;
}
