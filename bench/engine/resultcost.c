/*
 * resultcost: the agent's user-space work per finished traceroute, from the
 * result struct to the RESULT frame it uploads, the way main had it before
 * result10 and the way it is now, on one core with nothing else (issue 19:
 * the agent's CPU per probe at 100 probes/s).
 *
 *   before: the Atlas encoder's text parsed into a json_t (atlas_trace_json),
 *           the team's tags set, json_dumps for the spool; the RESULT
 *           envelope's integers as a json_t, json_dumps, copied around the
 *           spooled text
 *   now:    the encoder's text (atlas_trace_line), the tags spliced in
 *           (agent_members_add); the frame printed by msg_encode
 *
 * The trace is of Internet length: 15 probes over 13 hops (12 answered, one
 * silent hop of 3 stars), as bench/team/agent's cycle has about 14.7 probes
 * a trace. Prints microseconds per result and per probe for each way.
 *
 * usage: resultcost [ROUNDS]   (default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "agent/agent_int.h"
#include "format/atlas_json.h"
#include "proto/msg.h"
#include "../../tests/unit/test_format_fixtures.h"

#define PROBES 15

/* CPU seconds of this process. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 13-hop ICMP-Paris trace: 12 routers answer, hop 7 is silent. */
static struct trace_result *internet_trace(void)
{
	struct trace_result *r = fx_trace4();
	free(r->probes);
	r->method = TRACE_METHOD_ICMP;
	r->n_mpls = 0;
	r->probes = calloc(PROBES, sizeof *r->probes);
	r->n_probes = r->probes_sent = PROBES;
	r->probe_ttl_max = r->hop_count = 13;
	char from[32];
	int k = 0;
	for (uint8_t ttl = 1; ttl <= 13; ttl++) {
		snprintf(from, sizeof from, "198.18.%u.1", ttl);
		int n = ttl == 7 ? 3 : 1;
		for (int a = 0; a < n; a++)
			r->probes[k++] = fx_probe(AF_INET, ttl, (uint8_t)a, ttl == 7 ? NULL : from,
						  1000000u * ttl + 123457u * ttl, 11, 0);
	}
	return r;
}

/* The team's tags as chunk_result adds them. */
static const char tags[] = "\"team\":3,\"cycle\":12,\"chunk\":45";

/* Before: parse, set, print; the envelope through jansson. */
static size_t before(const struct trace_result *r, const struct atlas_meta *m, int64_t seq)
{
	json_t *o = atlas_trace_json(r, m);
	json_object_set_new(o, "team", json_integer(3));
	json_object_set_new(o, "cycle", json_integer(12));
	json_object_set_new(o, "chunk", json_integer(45));
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	size_t len = strlen(text);
	json_t *env = json_pack("{s:I,s:I,s:I,s:I}", "seq", (json_int_t)seq, "msm_id",
				(json_int_t)m->msm_id, "epoch", (json_int_t)0, "prev",
				(json_int_t)(seq - 1));
	char *head = json_dumps(env, JSON_COMPACT);
	json_decref(env);
	size_t hl = strlen(head);
	char *payload = malloc(hl + len + 16);
	memcpy(payload, head, hl - 1);
	memcpy(payload + hl - 1, ",\"body\":", 8);
	memcpy(payload + hl + 7, text, len);
	memcpy(payload + hl + 7 + len, "}", 2);
	size_t plen = hl + 8 + len;
	uint8_t *frame = malloc(plen + 8);
	memcpy(frame + 8, payload, plen);
	free(payload);
	free(head);
	free(frame);
	free(text);
	return plen;
}

/* Now: the encoder's text, the tags spliced, the frame printed. */
static size_t now(const struct trace_result *r, const struct atlas_meta *m, int64_t seq)
{
	struct wbuf b;
	wbuf_init(&b);
	atlas_trace_line(&b, r, m);
	wbuf_u8(&b, 0);
	size_t len = b.len - 1;
	char *text = agent_members_add((char *)b.p, &len, tags, sizeof tags - 1);
	struct msg msg = { .type = MSG_RESULT, .seq = seq, .msm_id = (int64_t)m->msm_id,
			   .prev = seq - 1, .body_text = text, .body_len = len };
	char err[128];
	size_t flen = 0;
	uint8_t *frame = msg_encode(&msg, &flen, err, sizeof err);
	free(frame);
	free(text);
	return flen - 8;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 20000;
	if (rounds < 1)
		rounds = 1;
	struct trace_result *r = internet_trace();
	struct atlas_meta m = { .msm_id = 1000042, .prb_id = 7, .lts = -1 };
	size_t sizes[2] = { 0, 0 };
	double cost[2];
	for (int way = 0; way < 2; way++) {
		double t0 = cpu_s();
		for (long i = 0; i < rounds; i++)
			sizes[way] = way == 0 ? before(r, &m, i + 2) : now(r, &m, i + 2);
		cost[way] = (cpu_s() - t0) / (double)rounds * 1e6;
	}
	printf("resultcost: a %d-probe trace, from its struct to the RESULT frame, %ld rounds\n",
	       PROBES, rounds);
	printf("  before (parse, json_dumps, jansson envelope): %6.2f us a result, %5.2f us a probe,"
	       " payload %zu bytes\n", cost[0], cost[0] / PROBES, sizes[0]);
	printf("  now (encoder's text, splice, printed frame):  %6.2f us a result, %5.2f us a probe,"
	       " payload %zu bytes\n", cost[1], cost[1] / PROBES, sizes[1]);
	trace_result_free(r);
	return 0;
}
