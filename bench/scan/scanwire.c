/*
 * scanwire: `vantage scan` against the synthetic Internet over an in-process
 * wire, at sizes a TUN and a 2-core machine cannot carry (1 million and 11
 * million /24s). No packet leaves the process: there is no socket, no TUN
 * and no kernel in the way. The scanner's own code decides what to send
 * (scan_next, the rounds, the stop set), each probe is built into bytes by
 * the one packet builder, answered by synth_answer, and the reply bytes go
 * through the one reply parser and the stateless decoder (scan_reply), as
 * they would from a raw socket. Time is virtual: the scan sends at --vpps
 * probes per virtual second, each reply arrives after the round trip the
 * synthetic Internet gives it (a heap orders them), and the wait between
 * rounds is virtual too, so the routers' ICMP rate limiters see the rate
 * a real scan at --vpps would give them.
 *
 * Then per-destination Paris traceroute (ICMP echo, one probe a hop, gap
 * limit 5, each target its own flow as `vantage trace` gives it) of a
 * sample of the targets over the same wire, and how many of the interfaces
 * it finds the scan found too, with the reasons for those it missed.
 *
 *   scanwire [--prefixes N] [--vpps N] [--sample N] [--seed N] [--wait MS]
 *            [--out FILE] [--stop-run N] [--window N] [--truth]
 *            [--min-found PCT] [--max-per24 N]
 *
 * Prints one line of figures per part; peak RSS is the process's (VmHWM)
 * and, apart, what the synthetic Internet alone held before the scan.
 * Virtual time makes a run repeat exactly, so the short version is a test
 * (bench/scan/meson.build): with --min-found and --max-per24 it exits 1
 * when the scan finds less of the tracer's interfaces, or sends more.
 */
#include <getopt.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/synth.h"
#include "lab/synth_hash.h"
#include "lab/synth_truth.h"
#include "scan/scan_int.h"

#define TRACE_GAP 5
#define TRACE_CKSUM 0x5001 /* vantage trace's Paris checksum word (paris id 1) */

/* A reply on the wire, due at `at` (virtual ns). */
struct inflight {
	uint64_t at;
	uint16_t len;
	uint8_t *data;
};

/* A min-heap of replies in flight, by arrival time; and the TTLs the scan
   sent each sampled target (every `every`-th), to say why it missed one. */
struct wire {
	struct inflight *h;
	size_t n, cap;
	uint64_t max_n;
	size_t every;
	uint64_t *sent_ttls;
};

struct bench_opts {
	long long prefixes, sample;
	uint64_t vpps, seed;
	uint32_t wait_ms, window;
	uint8_t stop_run;
	bool truth;
	double min_found, max_per24; /* a test: exit 1 below / above these */
	const char *out;
};

static double now_s(int clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line of /proc/self/status in kB ("VmHWM:", "VmRSS:"). */
static long status_kb(const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)))
			kb = atol(line + strlen(key));
	if (f)
		fclose(f);
	return kb;
}

static void wire_push(struct wire *w, uint64_t at, const uint8_t *data, size_t len)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 4096;
		w->h = realloc(w->h, w->cap * sizeof *w->h);
		if (w->h == NULL)
			abort();
	}
	struct inflight x = { at, (uint16_t)len, malloc(len) };
	if (x.data == NULL)
		abort();
	memcpy(x.data, data, len);
	size_t i = w->n++;
	while (i > 0 && w->h[(i - 1) / 2].at > at) {
		w->h[i] = w->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->h[i] = x;
	if (w->n > w->max_n)
		w->max_n = w->n;
}

static struct inflight wire_pop(struct wire *w)
{
	struct inflight top = w->h[0], last = w->h[--w->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= w->n)
			break;
		if (c + 1 < w->n && w->h[c + 1].at < w->h[c].at)
			c++;
		if (w->h[c].at >= last.at)
			break;
		w->h[i] = w->h[c];
		i = c;
	}
	if (w->n)
		w->h[i] = last;
	return top;
}

/* Hand every reply due by `now` to the scanner, as the engine would. */
static void deliver(struct scan *s, struct wire *w, uint64_t now)
{
	while (w->n && w->h[0].at <= now) {
		struct inflight x = wire_pop(w);
		struct net_rx rx = { .buf = x.data, .len = x.len,
				     .form = (x.data[0] >> 4) == 6 ? NET_RX_IPV6 : NET_RX_IPV4 };
		struct net_reply r;
		if (net_reply_parse(&rx, &r) == 0)
			scan_reply(s, &r, x.data, x.len, x.at, true);
		free(x.data);
	}
}

/* Build np into pkt (IPv4: IP header on; IPv6: one is put in front). */
static size_t wire_packet(const struct net_probe *np, uint8_t *pkt, size_t room)
{
	if (np->dst.family == AF_INET) {
		int n = net_probe_build(np, pkt, room);
		return n < 0 ? 0 : (size_t)n;
	}
	int n = net_probe_build(np, pkt + 40, room - 40);
	if (n < 0)
		return 0;
	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	pkt[4] = (uint8_t)(n >> 8);
	pkt[5] = (uint8_t)n;
	pkt[6] = (uint8_t)net_probe_proto(np->kind, AF_INET6);
	pkt[7] = np->ttl;
	memcpy(pkt + 8, np->src.a, 16);
	memcpy(pkt + 24, np->dst.a, 16);
	return (size_t)n + 40;
}

/* A line on stderr every 5 million probes: how far, and the memory so far. */
static void progress(const struct scan *s, uint64_t now)
{
	fprintf(stderr, "scanwire: %llu probes, %llu of %zu targets done (%.2f probes each so "
		"far), round %u, virtual %.0f s, %.0f s CPU, RSS %ld kB, peak %ld kB\n",
		(unsigned long long)s->sent, (unsigned long long)s->done_targets, s->t.n,
		s->done_targets ? (double)s->sent / (double)s->done_targets : 0.0, s->round,
		(double)(now - s->start_mono) / 1e9, now_s(CLOCK_PROCESS_CPUTIME_ID),
		status_kb("VmRSS:"), status_kb("VmHWM:"));
}

/* Run the scan to its end over the wire; returns the virtual seconds taken. */
static double run_scan(struct scan *s, struct synth *g, struct wire *w, uint64_t vpps)
{
	uint64_t now = 1000000000ULL, step = 1000000000ULL / vpps;
	uint8_t pkt[1500];
	struct synth_reply rep;
	s->start_mono = now;
	scan_round_start(s);
	while (!s->finished) {
		struct net_probe np;
		memset(&np, 0, sizeof np);
		while (scan_next(s, now, &np)) {
			deliver(s, w, now);
			size_t len = wire_packet(&np, pkt, sizeof pkt);
			long ti = scan_targets_find(&s->t, &np.dst);
			if (ti >= 0 && (size_t)ti % w->every == 0)
				w->sent_ttls[(size_t)ti / w->every] |= 1ULL << np.ttl;
			s->sent++;
			if (len && synth_answer(g, pkt, len, now, &rep) == 1)
				wire_push(w, now + rep.delay_ns, rep.data, rep.len);
			now += step;
			memset(&np, 0, sizeof np);
			if (s->sent % 5000000 == 0)
				progress(s, now);
		}
		now += (uint64_t)s->o->wait_ms * 1000000ULL;
		deliver(s, w, now);
		scan_round_timer(s);
	}
	deliver(s, w, UINT64_MAX);
	return (double)(now - s->start_mono) / 1e9;
}

/* Why the scan missed an interface a trace found at hop `hop` of dst. */
enum miss { MISS_BELOW_ECMP, MISS_BELOW, MISS_ABOVE, MISS_ECMP, MISS_PERPKT, MISS_RL, MISS_AFTER, MISS_OTHER, MISS_N };
static const char *const miss_names[] = {
	"hop not probed, below the lowest the scan sent, on a diamond",
	"hop not probed, below the lowest the scan sent, elsewhere", "not probed, above the highest",
	"probed: per-flow ECMP branch", "probed: per-packet branch",
	"probed: rate-limited router", "probed: the hop after a diamond", "other" };

/* Classify a miss from what the scan sent the target and the trace flow's path. */
static enum miss classify(const struct synth *g, const struct synth_flow *fl, int hop,
			  uint64_t sent)
{
	struct synth_path p;
	synth_path_of(g, 4, fl, 0, &p);
	if (hop < 1 || hop > p.n_hops)
		return MISS_OTHER;
	const struct synth_hop *h = &p.hops[hop - 1];
	if (!(sent >> hop & 1))
		return sent >> hop == 0 ? MISS_ABOVE
		       : h->flags & (SYNTH_H_ECMP | SYNTH_H_PERPACKET) ? MISS_BELOW_ECMP : MISS_BELOW;
	return h->flags & SYNTH_H_PERPACKET ? MISS_PERPKT
	       : h->flags & SYNTH_H_ECMP ? MISS_ECMP
	       : h->flags & SYNTH_H_RATELIMIT ? MISS_RL
	       : hop > 1 && (h[-1].flags & (SYNTH_H_ECMP | SYNTH_H_PERPACKET)) ? MISS_AFTER
	       : MISS_OTHER;
}

/* Per-destination Paris traceroute of the sample against the same wire;
   returns the share (%) of its interfaces the scan found. */
static double trace_sample(struct scan *s, struct synth *g, const struct wire *w,
			   double scan_probes_per_target, bool same_flow)
{
	size_t n = s->t.n, every = w->every;
	uint64_t probes = 0, now = 4000000000000ULL, traced = 0;
	uint64_t miss_why[MISS_N] = { 0 };
	struct scan_stopset ifs;
	scan_stopset_init(&ifs);
	uint64_t found = 0;
	uint8_t pkt[1500], payload[4] = { 0 };
	for (size_t i = 0; i < n; i += every, traced++) {
		struct net_probe np = { .kind = NET_PROBE_ICMP_ECHO, .src = s->src,
					.icmp_id = (uint16_t)(0x4000 + traced), .payload = payload,
					.payload_len = 4, .want_cksum_set = true,
					.want_cksum = TRACE_CKSUM };
		scan_targets_addr(&s->t, i, &np.dst);
		if (same_flow) { /* the checksum word the scan's probes to it carry */
			struct scan_fields f = { .dst = np.dst, .ttl = 1 };
			struct net_probe sp;
			uint8_t pl[SCAN_PAYLOAD_LEN];
			memset(&sp, 0, sizeof sp);
			scan_stamp_encode(&s->stamp, &f, &sp, pl);
			np.want_cksum = sp.want_cksum;
		}
		struct synth_flow fl = { .proto = IPPROTO_ICMP, .sport = 0x0800,
					 .dport = np.want_cksum };
		memcpy(fl.src, s->src.a, 4);
		memcpy(fl.dst, np.dst.a, 4);
		for (int ttl = 1, gap = 0; ttl <= 32 && gap < TRACE_GAP; ttl++) {
			np.ttl = (uint8_t)ttl;
			np.icmp_seq = (uint16_t)ttl;
			struct synth_reply rep;
			struct net_reply r;
			size_t len = wire_packet(&np, pkt, sizeof pkt);
			probes++;
			now += 200000; /* 5,000 probes/s, as bench/scan/run traces */
			struct net_rx rx = { .buf = rep.data, .form = NET_RX_IPV4 };
			if (synth_answer(g, pkt, len, now, &rep) != 1 ||
			    (rx.len = rep.len, net_reply_parse(&rx, &r)) != 0) {
				gap++;
				continue;
			}
			gap = 0;
			if (r.kind == NET_REPLY_ECHO_REPLY || net_addr_equal(&r.src, &np.dst))
				break;
			if (scan_stopset_add(&ifs, r.src.a) == 1) {
				if (scan_stopset_has(&s->stop, r.src.a))
					found++;
				else
					miss_why[classify(g, &fl, ttl, w->sent_ttls[i / every])]++;
			}
			if (r.kind == NET_REPLY_UNREACH)
				break;
		}
	}
	printf("per-destination Paris trace (%s) of a sample: %llu targets, %.2f probes per target "
	       "(the scan: %.2f, %.0f %%); %zu interfaces, the scan found %.1f %% of them\n",
	       same_flow ? "each target the scan's own flow" : "its own flow, as vantage trace",
	       (unsigned long long)traced, (double)probes / (double)traced,
	       scan_probes_per_target,
	       100.0 * scan_probes_per_target / ((double)probes / (double)traced), ifs.n,
	       100.0 * (double)found / (double)(ifs.n ? ifs.n : 1));
	printf("  missed:");
	for (int k = 0; k < MISS_N; k++)
		printf(" %s %llu;", miss_names[k], (unsigned long long)miss_why[k]);
	printf("\n");
	double share = 100.0 * (double)found / (double)(ifs.n ? ifs.n : 1);
	scan_stopset_free(&ifs);
	return share;
}

/* The scan's interfaces against the truth's (every branch of every path). */
static void truth_recall(struct scan *s, const struct synth *g)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0, n = 0, found = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL || synth_truth_all(g, 4, s->src.a, f) != 0 || fclose(f) != 0) {
		fprintf(stderr, "scanwire: the truth could not be listed\n");
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct net_addr a;
		char err[64];
		if (strncmp(line, "iface ", 6) || !net_addr_parse(line + 6, &a, err, sizeof err))
			continue;
		n++;
		found += scan_stopset_has(&s->stop, a.a);
	}
	printf("against the ground truth (every branch of every path): %zu of %zu interfaces, "
	       "recall %.3f\n", found, n, (double)found / (double)(n ? n : 1));
	free(text);
}

/* The synthetic Internet of bo, in process only (spaces no lab may use). */
static struct synth *make_internet(const struct bench_opts *bo)
{
	struct synth_params p;
	char err[256];
	struct synth *g = calloc(1, sizeof *g);
	synth_params_default(&p);
	p.prefixes = bo->prefixes;
	p.seed = bo->seed;
	synth_params_word(&p, "v4=0.0.0.0/0", err, sizeof err);
	synth_params_word(&p, "v6=3f00::/16", err, sizeof err);
	if (g == NULL || synth_init(g, &p, err, sizeof err) < 0) {
		fprintf(stderr, "scanwire: %s\n", err);
		exit(2);
	}
	return g;
}

/* The scan's targets: the Internet's own pfx2as table, read as a scan reads it. */
static void load_targets(struct scan *s, const struct synth *g)
{
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL || synth_write_pfx2as(g, 4, f) != 0 || fclose(f) != 0 ||
	    scan_targets_init(&s->t, AF_INET, s->o->seed, err, sizeof err) != 0 ||
	    scan_targets_add_text(&s->t, text, len, "pfx2as", err, sizeof err) < 0 ||
	    scan_targets_finish(&s->t, err, sizeof err) != 0) {
		fprintf(stderr, "scanwire: targets: %s\n", err);
		exit(2);
	}
	free(text);
}

static void parse_args(int argc, char **argv, struct bench_opts *bo)
{
	static const struct option lo[] = {
		{ "prefixes", required_argument, NULL, 'p' }, { "vpps", required_argument, NULL, 'r' },
		{ "sample", required_argument, NULL, 's' }, { "seed", required_argument, NULL, 'S' },
		{ "wait", required_argument, NULL, 'w' }, { "stop-run", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'W' }, { "truth", no_argument, NULL, 't' },
		{ "min-found", required_argument, NULL, 'F' },
		{ "max-per24", required_argument, NULL, 'P' }, { "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 } };
	*bo = (struct bench_opts){ .prefixes = 2000, .sample = 2000, .vpps = 200000, .seed = 7,
				   .wait_ms = 1000 };
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': bo->prefixes = atoll(optarg); break;
		case 'r': bo->vpps = strtoull(optarg, NULL, 10); break;
		case 's': bo->sample = atoll(optarg); break;
		case 'S': bo->seed = strtoull(optarg, NULL, 10); break;
		case 'w': bo->wait_ms = (uint32_t)atoi(optarg); break;
		case 'o': bo->out = optarg; break;
		case 't': bo->truth = true; break;
		case 'F': bo->min_found = atof(optarg); break;
		case 'P': bo->max_per24 = atof(optarg); break;
		case 'k': bo->stop_run = (uint8_t)atoi(optarg); break;
		case 'W': bo->window = (uint32_t)atoi(optarg); break;
		default: fprintf(stderr, "scanwire: bad option\n"); exit(2);
		}
	}
	if (bo->prefixes < 1 || bo->vpps < 1 || bo->sample < 1) {
		fprintf(stderr, "scanwire: --prefixes, --vpps and --sample must be positive\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct bench_opts bo;
	parse_args(argc, argv, &bo);
	double t0 = now_s(CLOCK_MONOTONIC);
	struct synth *g = make_internet(&bo);
	long synth_kb = status_kb("VmRSS:");
	struct scan_opts o;
	scan_opts_defaults(&o);
	o.progress = false;
	o.seed = bo.seed;
	o.wait_ms = bo.wait_ms;
	o.pps = (uint32_t)bo.vpps;
	if (bo.stop_run)
		o.stop_run = bo.stop_run;
	if (bo.window)
		o.window = bo.window;
	o.out_fmt = SCAN_OUT_LINKS;
	o.out = bo.out ? bo.out : "/dev/null";
	struct scan s;
	memset(&s, 0, sizeof s);
	s.o = &o;
	char err[256];
	scan_stamp_init(&s.stamp, o.method, o.seed);
	load_targets(&s, g);
	struct engine_opts eo = { 0 };
	s.base = NULL;
	struct event_base *base = event_base_new();
	s.e = engine_new(base, &eo, err, sizeof err);
	s.src = (struct net_addr){ .family = AF_INET, .a = { 198, 18, 0, 1 } };
	if (s.e == NULL || scan_state_init(&s) != 0 || scan_out_open(&s, -1) != 0) {
		fprintf(stderr, "scanwire: set-up failed\n");
		return 2;
	}
	s.round_timer = engine_timer_new(s.e, scan_round_timer, &s);
	struct wire w = { 0 };
	w.every = s.t.n > (size_t)bo.sample ? s.t.n / (size_t)bo.sample : 1;
	w.sent_ttls = calloc(s.t.n / w.every + 1, sizeof *w.sent_ttls);
	double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
	double vsecs = run_scan(&s, g, &w, bo.vpps);
	double cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0, wall = now_s(CLOCK_MONOTONIC) - w0;
	scan_out_close(&s);
	printf("internet: %zu IPv4 prefixes, %zu /24 targets, built in %.1f s, %ld kB resident\n",
	       g->n4, s.t.n, w0 - t0, synth_kb);
	printf("scan over the in-process wire: %llu probes, %.2f probes per /24, %zu interfaces, "
	       "%.2f probes per interface, %u rounds, %.0f virtual s at %llu probes/s\n",
	       (unsigned long long)s.sent, (double)s.sent / (double)s.t.n, s.stop.n,
	       (double)s.sent / (double)(s.stop.n ? s.stop.n : 1), s.round, vsecs,
	       (unsigned long long)bo.vpps);
	printf("  this machine: %.1f s wall, %.1f s CPU (scanner and synthetic Internet on one "
	       "core): %.0f probes per CPU second; peak RSS %ld kB (the Internet %ld kB of it); "
	       "replies in flight at most %llu\n", wall, cpu, (double)s.sent / cpu,
	       status_kb("VmHWM:"), synth_kb, (unsigned long long)w.max_n);
	if (bo.truth)
		truth_recall(&s, g);
	fflush(stdout);
	double per = (double)s.sent / (double)s.t.n;
	double found = trace_sample(&s, g, &w, per, false);
	trace_sample(&s, g, &w, per, true);
	int rc = 0;
	if (bo.min_found && found < bo.min_found) {
		printf("FAIL: the scan found %.1f %% of the tracer's interfaces, under %.1f %%\n",
		       found, bo.min_found);
		rc = 1;
	}
	if (bo.max_per24 && per > bo.max_per24) {
		printf("FAIL: %.2f probes per /24, over %.2f\n", per, bo.max_per24);
		rc = 1;
	}
	engine_timer_free(s.e, s.round_timer);
	scan_state_free(&s);
	engine_free(s.e);
	event_base_free(base);
	free(w.h);
	free(w.sent_ttls);
	synth_free(g);
	free(g);
	return rc;
}
