/*
 * scan_out: a finished target becomes a trace_result, the record `vantage
 * trace` writes, and goes to the result sink (RIPE Atlas JSON or warts), or
 * becomes interface pairs (-O links: each pair of consecutive answered
 * hops, once per scan). Also the progress line on stderr.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/scan_int.h"

static const uint8_t trace_methods[] = { TRACE_METHOD_ICMP_PARIS, TRACE_METHOD_UDP_PARIS,
					 TRACE_METHOD_TCP_ACK };

int scan_out_open(struct scan *s, long resume_off)
{
	char err[256];
	if (s->o->out == NULL) {
		s->out = stdout;
	} else {
		s->out = fopen(s->o->out, resume_off >= 0 ? "r+" : "w");
		if (s->out == NULL || (resume_off >= 0 &&
				       (ftruncate(fileno(s->out), resume_off) != 0 ||
					fseek(s->out, resume_off, SEEK_SET) != 0))) {
			fprintf(stderr, "%s: %s: %m\n", s->o->prog, s->o->out);
			return -1;
		}
	}
	if (s->o->out_fmt == SCAN_OUT_LINKS)
		return scan_stopset_init(&s->links);
	struct result_sink_info info = { .list_name = "vantage-scan" };
	s->sink = result_sink_open(s->o->out_fmt == SCAN_OUT_WARTS ? RESULT_FORMAT_WARTS
								  : RESULT_FORMAT_JSON,
				   s->out, &info, err, sizeof err);
	if (s->sink == NULL) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		return -1;
	}
	return 0;
}

/* Order hops by TTL. */
static int by_ttl(const void *a, const void *b)
{
	return ((const struct scan_hop *)a)->ttl - ((const struct scan_hop *)b)->ttl;
}

/* One probe entry of the result from hop h (NULL: a "*" at ttl); its MPLS
   labels go to res->mpls (room for SCAN_HOP_MPLS per probe). */
static void fill_probe(struct trace_result *res, struct trace_probe *p,
		       const struct scan_hop *h, uint8_t ttl)
{
	memset(p, 0, sizeof *p);
	p->ttl = ttl;
	if (h == NULL)
		return;
	memcpy(p->from.b, h->addr, 16);
	p->rtt_ns = (uint64_t)h->rtt_us * 1000;
	p->reply_size = h->size;
	p->reply_ttl = h->reply_ttl;
	p->quoted_ttl = h->quoted_ttl;
	p->icmp_type = h->icmp_type;
	p->icmp_code = h->icmp_code;
	p->flags = h->flags;
	p->mpls_off = res->n_mpls;
	p->mpls_n = h->mpls_n;
	for (unsigned i = 0; i < h->mpls_n; i++)
		res->mpls[res->n_mpls++] = h->mpls[i];
}

/* The probes of a target: its hops, and "*" for the TTLs sent unanswered. */
static int fill_probes(struct trace_result *res, struct scan_tstate *t)
{
	if (t->nhops > 1) /* hops is NULL while none came back */
		qsort(t->hops, t->nhops, sizeof *t->hops, by_ttl);
	unsigned lo = t->lowest ? t->lowest : 255, hi = t->highest;
	if (t->nhops && t->hops[0].ttl < lo)
		lo = t->hops[0].ttl;
	if (t->nhops && t->hops[t->nhops - 1].ttl > hi)
		hi = t->hops[t->nhops - 1].ttl;
	res->probes = calloc(hi >= lo ? hi - lo + 1 : 1, sizeof *res->probes);
	res->mpls = calloc((size_t)t->nhops * SCAN_HOP_MPLS + 1, sizeof *res->mpls);
	if (res->probes == NULL || res->mpls == NULL)
		return -1;
	unsigned k = 0;
	for (unsigned ttl = lo; ttl <= hi; ttl++) {
		const struct scan_hop *h = NULL;
		for (unsigned j = 0; j < t->nhops && h == NULL; j++)
			if (t->hops[j].ttl == ttl)
				h = &t->hops[j];
		bool sent = t->lowest && ttl >= t->lowest && ttl <= t->highest;
		if (h == NULL && !sent)
			continue;
		fill_probe(res, &res->probes[k++], h, (uint8_t)ttl);
		if (h)
			res->hop_count = (uint8_t)ttl;
	}
	res->n_probes = (uint16_t)k;
	if (res->n_mpls == 0) {
		free(res->mpls);
		res->mpls = NULL;
	}
	res->first_ttl = k ? res->probes[0].ttl : 1;
	res->probe_ttl_max = k ? res->probes[k - 1].ttl : 0;
	res->probes_sent = (uint16_t)k;
	return 0;
}

/* The trace_result of target i. */
static struct trace_result *result_of(struct scan *s, struct scan_tstate *t)
{
	size_t i = t->target;
	struct trace_result *res = calloc(1, sizeof *res);
	struct net_addr dst;
	char name[NET_ADDR_STRLEN];
	scan_targets_addr(&s->t, i, &dst);
	if (res == NULL || (res->dst_name = strdup(net_addr_str(&dst, name, sizeof name))) == NULL ||
	    fill_probes(res, t) != 0) {
		trace_result_free(res);
		return NULL;
	}
	res->af = (uint8_t)s->t.family;
	res->method = trace_methods[s->o->method];
	res->max_ttl = s->o->max_ttl;
	res->attempts = 1;
	res->gap_limit = s->o->gap_limit;
	res->stop_reason = t->flags & ST_REFUSED ? TRACE_STOP_REFUSED
			   : t->flags & ST_DEST ? TRACE_STOP_COMPLETED
			   : t->flags & ST_UNREACH ? TRACE_STOP_UNREACH
			   : t->flags & ST_GAP ? TRACE_STOP_GAPLIMIT : TRACE_STOP_HOPLIMIT;
	res->ts_source = MSM_TS_FALLBACK; /* TX time: user space, in the probe */
	memcpy(res->dst.b, dst.a, 16);
	memcpy(res->src.b, s->src.a, 16);
	bool v6 = dst.family == AF_INET6;
	res->size = (uint16_t)((v6 ? 40 : 20) + (s->o->method == SCAN_TCP_ACK ? 20
						 : 8 + SCAN_PAYLOAD_LEN));
	res->dport = s->o->method == SCAN_UDP_PARIS ? SCAN_UDP_DPORT
		     : s->o->method == SCAN_TCP_ACK ? SCAN_TCP_DPORT : 0;
	res->paris_id = 1;
	res->wait_ms = s->o->wait_ms;
	res->user_id = (uint32_t)i;
	res->start = s->start_real;
	clock_gettime(CLOCK_REALTIME, &res->end);
	return res;
}

/* -O links: each new pair of consecutive answered hops, one line. */
static int write_links(struct scan *s, struct scan_tstate *t)
{
	if (t->nhops > 1) /* hops is NULL while none came back */
		qsort(t->hops, t->nhops, sizeof *t->hops, by_ttl);
	int af = s->t.family;
	for (unsigned j = 1; j < t->nhops; j++) {
		const struct scan_hop *a = &t->hops[j - 1], *b = &t->hops[j];
		if (b->ttl != a->ttl + 1 || memcmp(a->addr, b->addr, 16) == 0)
			continue;
		uint8_t pair[32], key[16];
		memcpy(pair, a->addr, 16);
		memcpy(pair + 16, b->addr, 16);
		uint64_t h[2] = { keyhash(&s->stamp.key, pair, 32), keyhash(&s->stamp.key, pair, 31) };
		memcpy(key, h, 16);
		if (scan_stopset_add(&s->links, key) != 1)
			continue;
		struct net_addr x = { .family = (uint8_t)af }, y = { .family = (uint8_t)af };
		memcpy(x.a, a->addr, 16);
		memcpy(y.a, b->addr, 16);
		char sx[NET_ADDR_STRLEN], sy[NET_ADDR_STRLEN];
		if (fprintf(s->out, "%s %s\n", net_addr_str(&x, sx, sizeof sx),
			    net_addr_str(&y, sy, sizeof sy)) < 0)
			return -1;
	}
	return 0;
}

int scan_out_target(struct scan *s, struct scan_tstate *t)
{
	int rc = 0;
	if (s->o->out_fmt == SCAN_OUT_LINKS) {
		rc = write_links(s, t);
	} else {
		char err[256];
		struct trace_result *res = result_of(s, t);
		if (res == NULL || result_sink_trace(s->sink, res, err, sizeof err) != 0) {
			fprintf(stderr, "%s: writing a result: %s\n", s->o->prog,
				res ? err : "out of memory");
			rc = -1;
		}
		trace_result_free(res);
	}
	free(t->hops);
	t->hops = NULL;
	t->nhops = t->cap = 0;
	return rc;
}

void scan_out_close(struct scan *s)
{
	char err[256];
	if (s->sink && result_sink_close(s->sink, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", s->o->prog, err);
		s->status = 1;
	}
	s->sink = NULL;
	if (s->out && fflush(s->out) != 0)
		s->status = 1;
	if (s->out && s->out != stdout)
		fclose(s->out);
	s->out = NULL;
	if (s->o->out_fmt == SCAN_OUT_LINKS)
		scan_stopset_free(&s->links);
}

/*
 * The share of the scan done: a target's entry (its distance probe) counts
 * for a tenth of it, its end for the rest.
 */
static double share_done(const struct scan *s)
{
	if (s->t.n == 0 || s->finished)
		return 1;
	double entered = (double)(s->entered < s->t.n ? s->entered : s->t.n);
	return (0.1 * entered + 0.9 * (double)s->done_targets) / (double)s->t.n;
}

void scan_progress(struct scan *s, uint64_t now, bool final)
{
	double dt = (double)(now - s->last_tick) / 1e9;
	double el = (double)(now - s->start_mono) / 1e9;
	if (final) {
		fprintf(stderr, "%s: %llu probes, %llu replies (%llu matched), %zu targets, "
			"%zu interfaces, %.2f probes per interface, %.2f probes per target, "
			"%.1f s, %llu refused by policy\n",
			s->o->prog, (unsigned long long)s->sent, (unsigned long long)s->replies,
			(unsigned long long)s->matched, s->t.n, s->stop.n,
			s->stop.n ? (double)s->sent / (double)s->stop.n : 0.0,
			s->t.n ? (double)s->sent / (double)s->t.n : 0.0, el,
			(unsigned long long)s->refused);
		return;
	}
	if (dt <= 0)
		return;
	double share = share_done(s);
	char eta[32] = "?";
	if (share > 0.001)
		snprintf(eta, sizeof eta, "%.0f s", el * (1 - share) / share);
	fprintf(stderr, "%s: %.0f probes/s, %.0f replies/s, %.1f%% done, round %u, "
		"time left %s\n", s->o->prog, (double)(s->sent - s->last_sent) / dt,
		(double)(s->replies - s->last_replies) / dt, 100 * share, s->round, eta);
	s->last_sent = s->sent;
	s->last_replies = s->replies;
	s->last_tick = now;
}
