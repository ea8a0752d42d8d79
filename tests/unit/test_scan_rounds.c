/*
 * Tests of the scanner's rounds and reply handling (src/scan/scan_round.c,
 * scan_reply.c) without a network: the probes scan_next hands out are
 * answered by a simulated path (routers R1..R6, R4 silent, the destination
 * at hop 7; or a destination behind a filter that never answers past hop 3)
 * through replies built from the probes' own fields, as a router's quote
 * or a destination's echo reply would carry them. Checked: no (target, TTL)
 * is handed out twice; the distance probe's reply sets where backward
 * probing starts; the first target walks back to hop 1 and the others stop
 * at the first interface already seen (Doubletree); a silent forward path
 * ends after --gap TTLs; the links written are the path's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/scan_int.h"

#define DIST 7
#define SILENT_HOP 4
#define FILTER_AFTER 3
#define MPLS_HOP 5
#define MPLS_LABEL 16001

/* The router at hop h (1..DIST-1): 198.18.0.h. */
static struct net_addr router(unsigned h)
{
	struct net_addr a = { .family = AF_INET, .a = { 198, 18, 0, (uint8_t)h } };
	return a;
}

struct sim {
	struct scan s;
	struct scan_opts o;
	char *links;
	size_t links_len;
	uint8_t seen[64][64]; /* [target index][ttl] probes */
	unsigned probes;
	bool filtered;        /* nothing answers past FILTER_AFTER */
	uint32_t window;      /* the scan's window (0: the default) */
	struct event_base *base;
};

/* The reply the simulated path gives to probe np, if any: true and *r, buf. */
static bool answer(struct sim *m, const struct net_probe *np, struct net_reply *r,
		   uint8_t *buf, size_t *len)
{
	memset(r, 0, sizeof *r);
	unsigned ttl = np->ttl;
	if ((m->filtered && ttl > FILTER_AFTER) || ttl == SILENT_HOP)
		return false;
	*len = 64;
	if (ttl >= DIST) { /* the destination: an echo reply */
		r->kind = NET_REPLY_ECHO_REPLY;
		r->src = np->dst;
		r->ttl = 64 - DIST + 1;
		r->icmp_id = np->icmp_id;
		r->icmp_seq = np->icmp_seq;
		r->payload_off = 28;
		r->payload_len = (uint32_t)np->payload_len;
		memcpy(buf + 28, np->payload, np->payload_len);
		return true;
	}
	r->kind = NET_REPLY_TIME_EXCEEDED;
	r->src = router(ttl);
	r->ttl = 64 - (int)ttl + 1;
	r->has_quote = true;
	if (ttl == MPLS_HOP) { /* an LSR quoting its label stack (RFC 4950) */
		r->ext.present = true;
		r->ext.mpls_count = r->ext.mpls_total = 1;
		r->ext.mpls[0] = (struct net_mpls){ .label = MPLS_LABEL, .s = 1, .ttl = 1 };
	}
	struct net_quote *q = &r->q;
	q->family = AF_INET;
	q->proto = IPPROTO_ICMP;
	q->dst = np->dst;
	q->ttl = 1;
	q->ip_id = np->ip_id;
	q->has_l4 = true;
	q->icmp_type = 8;
	q->l4_cksum = np->want_cksum;
	q->icmp_id = np->icmp_id;
	q->icmp_seq = np->icmp_seq;
	return true;
}

/* Set up a scan of the prefix lines in text (output JSON, else links). */
static void sim_init(struct sim *m, const char *text, bool filtered, bool json)
{
	char err[256];
	uint32_t window = m->window;
	memset(m, 0, sizeof *m);
	m->window = window;
	scan_opts_defaults(&m->o);
	m->o.out_fmt = SCAN_OUT_LINKS;
	m->o.progress = false;
	m->filtered = filtered;
	struct scan *s = &m->s;
	s->o = &m->o;
	scan_stamp_init(&s->stamp, m->o.method, m->o.seed);
	assert_int_equal(scan_targets_init(&s->t, AF_INET, 1, err, sizeof err), 0);
	assert_true(scan_targets_add_text(&s->t, text, strlen(text), "t", err, sizeof err) > 0);
	assert_int_equal(scan_targets_finish(&s->t, err, sizeof err), 0);
	assert_true(s->t.n <= 64);
	m->o.window = m->window ? m->window : SCAN_WINDOW_DEFAULT;
	assert_int_equal(scan_state_init(s), 0);
	assert_int_equal(scan_stopset_init(&s->links), 0);
	s->out = open_memstream(&m->links, &m->links_len);
	if (json) {
		m->o.out_fmt = SCAN_OUT_JSON;
		s->sink = result_sink_open(RESULT_FORMAT_JSON, s->out, NULL, err, sizeof err);
		assert_non_null(s->sink);
	}
	struct engine_opts eo = { 0 };
	m->base = event_base_new();
	s->e = engine_new(m->base, &eo, err, sizeof err);
	assert_non_null(s->e);
	s->round_timer = engine_timer_new(s->e, scan_round_timer, s);
	s->src = router(200);
}

/* Run the scan (from its start unless resumed), answering every probe at
   once; stop after `limit` probes (0 = none), as a kill -9 would. */
static void sim_run_upto(struct sim *m, unsigned limit, bool resumed)
{
	struct scan *s = &m->s;
	uint64_t now = 1000000000ULL;
	s->start_mono = now;
	if (!resumed)
		scan_round_start(s);
	for (int rounds = 0; !s->finished; rounds++) {
		assert_true(rounds < 200);
		struct net_probe np;
		while (scan_next(s, now, &np)) {
			if (limit && m->probes == limit)
				return;
			long i = scan_targets_find(&s->t, &np.dst);
			assert_true(i >= 0);
			assert_int_equal(m->seen[i][np.ttl], 0); /* never twice */
			m->seen[i][np.ttl] = 1;
			m->probes++;
			s->sent++;
			struct net_reply r;
			uint8_t buf[64] = { 0 };
			size_t len;
			if (answer(m, &np, &r, buf, &len))
				scan_reply(s, &r, buf, len, now + 500000, true);
			now += 1000000;
		}
		scan_round_timer(s); /* the wait between rounds, at once */
	}
	fflush(s->out);
}

static void sim_run(struct sim *m)
{
	sim_run_upto(m, 0, false);
}

static void sim_free(struct sim *m)
{
	struct scan *s = &m->s;
	engine_timer_free(s->e, s->round_timer);
	if (s->sink)
		assert_int_equal(result_sink_close(s->sink, NULL, 0), 0);
	fclose(s->out);
	free(m->links);
	scan_state_free(s);
	scan_stopset_free(&s->links);
	engine_free(s->e);
	event_base_free(m->base);
}

/* Sixteen /24s behind one path: one walks it all, the rest stop at once
   (Doubletree's rule: --stop-run 1). */
static void test_doubletree_stops(void **state)
{
	(void)state;
	struct sim *m = calloc(1, sizeof *m);
	sim_init(m, "198.18.128.0/20\n", false, false);
	m->o.stop_run = 1;
	sim_run(m);
	size_t n = m->s.t.n;
	assert_int_equal(n, 16);
	unsigned full = 0, walked_back = 0;
	for (size_t i = 0; i < n; i++) {
		/* the distance probe at max_ttl set the start: nothing above DIST-1
		   but that probe was sent in the later rounds */
		for (unsigned ttl = DIST; ttl < 64; ttl++)
			if (ttl != m->o.max_ttl)
				assert_int_equal(m->seen[i][ttl], 0);
		assert_int_equal(m->seen[i][m->o.max_ttl], 1);
		assert_int_equal(m->seen[i][DIST - 1], 1);
		full += m->seen[i][1];
		walked_back += m->seen[i][2];
	}
	/* all of them probe DIST-1 in the same round and see R6 new only once;
	   the target that did walks to hop 1 (through the silent hop) */
	assert_true(full >= 1 && full <= 2);
	assert_true(walked_back <= 2);
	assert_true(m->probes < n * (DIST - 1) / 2);
	assert_int_equal(m->s.stop.n, DIST - 2); /* R1..R6 less the silent one */
	assert_int_equal(m->s.done_targets, n);
	/* links: R1-R2, R2-R3, R5-R6 and R6-each destination */
	unsigned lines = 0;
	for (size_t i = 0; i < m->links_len; i++)
		lines += m->links[i] == '\n';
	assert_int_equal(lines, 3 + n);
	assert_non_null(strstr(m->links, "198.18.0.1 198.18.0.2\n"));
	assert_null(strstr(m->links, "198.18.0.3 198.18.0.5"));
	sim_free(m);
	free(m);
}

/* The default --stop-run 3: a target stops after three known interfaces
   in a row (R6, R5 and, past the silent R4, R3), so it never probes hop 2
   or 1 unless it was the one that found them. */
static void test_stop_run(void **state)
{
	(void)state;
	struct sim *m = calloc(1, sizeof *m);
	sim_init(m, "198.18.128.0/20\n", false, false);
	assert_int_equal(m->o.stop_run, 3);
	sim_run(m);
	unsigned deep = 0;
	for (size_t i = 0; i < 16; i++) {
		for (unsigned ttl = 3; ttl < DIST; ttl++)
			assert_int_equal(m->seen[i][ttl], 1);
		deep += m->seen[i][2];
	}
	assert_true(deep >= 1 && deep <= 2);
	assert_int_equal(m->s.stop.n, DIST - 2);
	sim_free(m);
	free(m);
}

/* A window of 3 slots over 16 targets: targets enter as others finish,
   each is probed and written once, its distance probe sent once, and the
   same links come out as with every target in the window. */
static void test_small_window(void **state)
{
	(void)state;
	struct sim *m = calloc(1, sizeof *m);
	m->window = 3;
	sim_init(m, "198.18.128.0/20\n", false, false);
	assert_int_equal(m->s.nslots, 3);
	sim_run(m);
	assert_int_equal(m->s.done_targets, 16);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(m->seen[i][m->o.max_ttl], 1);
	unsigned lines = 0;
	for (size_t i = 0; i < m->links_len; i++)
		lines += m->links[i] == '\n';
	assert_int_equal(lines, 3 + 16);
	assert_int_equal(m->s.stop.n, DIST - 2);
	sim_free(m);
	free(m);
}

/* A destination that never answers: backward from the split TTL, forward
   until --gap silent TTLs, and the trace ends there. */
static void test_gap_ends_forward(void **state)
{
	(void)state;
	struct sim *m = calloc(1, sizeof *m);
	sim_init(m, "198.18.200.0/24\n", true, true);
	sim_run(m);
	unsigned split = m->o.split_ttl;
	for (unsigned ttl = 1; ttl <= split + m->o.gap_limit; ttl++)
		assert_int_equal(m->seen[0][ttl], 1);
	assert_int_equal(m->seen[0][split + m->o.gap_limit + 1], 0);
	fflush(m->s.out);
	assert_non_null(strstr(m->links, "\"stop_reason\":\"gaplimit\""));
	assert_int_equal(m->s.stop.n, FILTER_AFTER);
	sim_free(m);
	free(m);
}

/* The JSON trace of a target: every hop from the path, R4 a "*", the
   destination last, the LSR's label kept. */
static void test_json_trace(void **state)
{
	(void)state;
	struct sim *m = calloc(1, sizeof *m);
	sim_init(m, "198.18.77.0/24\n", false, true);
	sim_run(m);
	fflush(m->s.out);
	assert_non_null(m->links);
	assert_non_null(strstr(m->links, "\"stop_reason\":\"completed\""));
	assert_non_null(strstr(m->links, "\"hop\":4,\"result\":[{\"x\":\"*\"}]"));
	assert_non_null(strstr(m->links, "\"from\":\"198.18.0.1\""));
	char label[32];
	snprintf(label, sizeof label, "\"mpls\":[{\"label\":%d", MPLS_LABEL);
	if (strstr(m->links, label) == NULL)
		fail_msg("no label in %s", m->links);
	sim_free(m);
	free(m);
}

/*
 * A scan killed after k probes (for many k, so in every round and between
 * checkpoints) and resumed from its checkpoint: no (target, TTL) is handed
 * out by both runs, and every target ends up written exactly once.
 */
static void test_resume_never_repeats(void **state)
{
	(void)state;
	char path[] = "/tmp/vscan-ckpt-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char path_b[sizeof path + 2];
	snprintf(path_b, sizeof path_b, "%s.b", path);
	for (unsigned k = 1; k < 120; k += 4) {
		unlink(path);
		unlink(path_b);
		struct sim *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
		a->window = b->window = k % 8 == 1 ? 0 : 3; /* every target at once, or 3 */
		sim_init(a, "198.18.128.0/21\n198.18.200.0/24\n", false, false);
		a->o.resume = path;
		a->o.pps = 3; /* a checkpoint every 3 positions */
		sim_run_upto(a, k, false);
		sim_init(b, "198.18.128.0/21\n198.18.200.0/24\n", false, false);
		b->o.resume = path;
		b->o.pps = 3;
		long off;
		int rc = scan_ckpt_resume(&b->s, &off);
		assert_true(rc == 1);
		sim_run_upto(b, 0, true);
		for (size_t i = 0; i < b->s.t.n; i++) {
			for (unsigned ttl = 1; ttl < 64; ttl++)
				if (a->seen[i][ttl] && b->seen[i][ttl])
					fail_msg("k=%u: target %zu ttl %u probed twice", k, i, ttl);
		}
		assert_int_equal(b->s.done_targets, b->s.t.n);
		sim_free(a);
		sim_free(b);
		free(a);
		free(b);
	}
	unlink(path);
	unlink(path_b);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
}

/* A checkpoint slot torn by a kill while it was written (its checksum
   fails) is passed over for the other one, the checkpoint before it. */
static void test_torn_checkpoint_slot(void **state)
{
	(void)state;
	char path[] = "/tmp/vscan-torn-XXXXXX", path_b[64];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path_b, sizeof path_b, "%s.b", path);
	struct sim *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b), *c = calloc(1, sizeof *c);
	sim_init(a, "198.18.128.0/21\n", false, false);
	a->o.resume = path;
	a->o.pps = 3;
	sim_run_upto(a, 20, false);
	uint64_t newest = a->s.ckpt_seq;
	assert_true(newest >= 2);
	sim_free(a);
	long off;
	sim_init(b, "198.18.128.0/21\n", false, false);
	b->o.resume = path;
	assert_int_equal(scan_ckpt_resume(&b->s, &off), 1);
	assert_int_equal(b->s.ckpt_seq, newest);
	sim_free(b);
	assert_int_equal(truncate(newest & 1 ? path_b : path, 200), 0); /* torn */
	sim_init(c, "198.18.128.0/21\n", false, false);
	c->o.resume = path;
	assert_int_equal(scan_ckpt_resume(&c->s, &off), 1);
	assert_int_equal(c->s.ckpt_seq, newest - 1);
	sim_free(c);
	free(a);
	free(b);
	free(c);
	unlink(path);
	unlink(path_b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubletree_stops),
		cmocka_unit_test(test_stop_run),
		cmocka_unit_test(test_small_window),
		cmocka_unit_test(test_gap_ends_forward),
		cmocka_unit_test(test_json_trace),
		cmocka_unit_test(test_resume_never_repeats),
		cmocka_unit_test(test_torn_checkpoint_slot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
