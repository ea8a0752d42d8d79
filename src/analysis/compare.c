/*
 * compare: pairing of two sides' records and the figures of the comparison
 * (see compare.h). The verdict sentence is written in compare_verdict.c.
 */
#include "analysis/compare.h"
#include "util/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable array of doubles. */
struct dvec {
	double *v;
	size_t n, cap;
};

/* Append x; 0 or -1 when out of memory. */
static int dvec_push(struct dvec *d, double x)
{
	if (grow_for_one((void **)&d->v, &d->cap, d->n, sizeof *d->v, 256) < 0)
		return -1;
	d->v[d->n++] = x;
	return 0;
}

/* Defaults of the comparison. */
void compare_params_default(struct compare_params *p)
{
	p->window_s = 300;
	p->alpha = 0.01;
	p->min_effect_ms = 0.1;
	p->min_loss_diff = 0.01;
	p->min_path_diff = 0.10;
	p->min_pairs = 10;
}

/* Order of the groups results are paired in: kind (ping, traceroute),
   then target. */
static int group_cmp(const struct rec *a, const struct rec *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->dst, b->dst);
}

/* qsort comparator: by group, then by time. */
static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c = group_cmp(a, b);
	if (c)
		return c;
	return (a->timestamp > b->timestamp) - (a->timestamp < b->timestamp);
}

/* Working state of one comparison. */
struct cmp_work {
	const struct compare_params *p;
	struct compare_report *r;
	struct dvec diffs, rtt_a, rtt_b, excess_a, excess_b;
	double target_min;                 /* smallest RTT of the current target */
	struct dvec tmin_a, tmin_b, tdiff; /* of the current target */
	size_t tcap;
};

/* Index of the B record nearest in time to a within the window and not yet
   used, scanning from *from; or -1. Advances *from past stale records. */
static long nearest(const struct rec *a, const struct rec *b, size_t nb,
		    const unsigned char *used, size_t *from, long long window)
{
	while (*from < nb && b[*from].timestamp < a->timestamp - window)
		(*from)++;
	long best = -1;
	int64_t best_dt = 0;
	for (size_t j = *from; j < nb && b[j].timestamp <= a->timestamp + window; j++) {
		int64_t dt = llabs(b[j].timestamp - a->timestamp);
		if (!used[j] && (best < 0 || dt < best_dt)) {
			best = (long)j;
			best_dt = dt;
		}
	}
	return best;
}

/* Record one paired round of a and b. Returns 0 or -1 (out of memory). */
static int take_pair(struct cmp_work *w, const struct rec *a, const struct rec *b)
{
	struct compare_report *r = w->r;
	r->pairs++;
	r->sent_a += a->sent;
	r->rcvd_a += a->rcvd;
	r->sent_b += b->sent;
	r->rcvd_b += b->rcvd;
	for (size_t i = 0; i < a->nrtt; i++)
		if (dvec_push(&w->rtt_a, a->rtt[i]) < 0 ||
		    dvec_push(&w->excess_a, a->rtt[i] - w->target_min) < 0)
			return -1;
	for (size_t i = 0; i < b->nrtt; i++)
		if (dvec_push(&w->rtt_b, b->rtt[i]) < 0 ||
		    dvec_push(&w->excess_b, b->rtt[i] - w->target_min) < 0)
			return -1;
	if (a->path && b->path) {
		r->trace_pairs++;
		if (strcmp(a->path, b->path) != 0 && r->path_differs++ == 0) {
			snprintf(r->path_example_dst, sizeof r->path_example_dst, "%s", a->dst);
			snprintf(r->path_example_a, sizeof r->path_example_a, "%s", a->path);
			snprintf(r->path_example_b, sizeof r->path_example_b, "%s", b->path);
		}
	}
	if (a->min < 0 || b->min < 0)
		return 0;
	if (dvec_push(&w->diffs, b->min - a->min) < 0 || dvec_push(&w->tdiff, b->min - a->min) < 0 ||
	    dvec_push(&w->tmin_a, a->min) < 0 || dvec_push(&w->tmin_b, b->min) < 0)
		return -1;
	return 0;
}

/* Median of d (sorted in place); NAN when empty. */
static double median(struct dvec *d)
{
	stats_sort(d->v, d->n);
	return stats_quantile_sorted(d->v, d->n, 0.5);
}

/* Close the current target: store its medians. 0 or -1. */
static int end_target(struct cmp_work *w, const struct rec *first, size_t pairs)
{
	struct compare_report *r = w->r;
	if (grow_for_one((void **)&r->targets, &w->tcap, r->ntargets, sizeof *r->targets, 16) < 0)
		return -1;
	struct compare_target *t = &r->targets[r->ntargets++];
	snprintf(t->dst, sizeof t->dst, "%s", first->dst);
	t->kind = first->kind;
	t->pairs = pairs;
	t->median_a = median(&w->tmin_a);
	t->median_b = median(&w->tmin_b);
	t->median_diff = median(&w->tdiff);
	w->tmin_a.n = w->tmin_b.n = w->tdiff.n = 0;
	return 0;
}

/* Smallest RTT among records v[0..n), or +inf. */
static double smallest(const struct rec *v, size_t n)
{
	double m = INFINITY;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i].nrtt; k++)
			m = fmin(m, v[i].rtt[k]);
	return m;
}

/* Pair the records of one target: a[0..na) with b[0..nb), both by time. */
static int pair_target(struct cmp_work *w, const struct rec *a, size_t na,
		       const struct rec *b, size_t nb)
{
	unsigned char *used = calloc(nb + 1, 1);
	if (!used)
		return -1;
	size_t from = 0, pairs = 0;
	w->target_min = fmin(smallest(a, na), smallest(b, nb));
	for (size_t i = 0; i < na; i++) {
		long j = nearest(&a[i], b, nb, used, &from, w->p->window_s);
		if (j < 0) {
			w->r->unpaired_a++;
			continue;
		}
		used[j] = 1;
		pairs++;
		if (take_pair(w, &a[i], &b[j]) < 0) {
			free(used);
			return -1;
		}
	}
	w->r->unpaired_b += nb - pairs;
	free(used);
	return pairs ? end_target(w, &a[0], pairs) : 0;
}

/* Walk both sorted sets group by group (a ping only pairs with a ping). */
static int pair_all(struct cmp_work *w, const struct rec_set *a, const struct rec_set *b)
{
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i >= a->n ? 1 : j >= b->n ? -1 : group_cmp(&a->v[i], &b->v[j]);
		size_t i1 = i, j1 = j;
		if (c <= 0)
			while (i1 < a->n && group_cmp(&a->v[i1], &a->v[i]) == 0)
				i1++;
		if (c >= 0)
			while (j1 < b->n && group_cmp(&b->v[j1], &b->v[j]) == 0)
				j1++;
		if (c == 0) {
			if (pair_target(w, &a->v[i], i1 - i, &b->v[j], j1 - j) < 0)
				return -1;
		} else {
			w->r->unpaired_a += i1 - i;
			w->r->unpaired_b += j1 - j;
		}
		i = i1;
		j = j1;
	}
	return 0;
}

/* Loss rates and the two-proportion z test of their difference. */
static void loss_figures(struct compare_report *r)
{
	double sa = (double)r->sent_a, sb = (double)r->sent_b;
	r->loss_a = sa > 0 ? 1.0 - (double)r->rcvd_a / sa : 0;
	r->loss_b = sb > 0 ? 1.0 - (double)r->rcvd_b / sb : 0;
	r->loss_p = 1;
	if (sa <= 0 || sb <= 0)
		return;
	double pool = (r->loss_a * sa + r->loss_b * sb) / (sa + sb);
	double se = sqrt(pool * (1 - pool) * (1 / sa + 1 / sb));
	if (se > 0)
		r->loss_p = stats_normal_p2((r->loss_b - r->loss_a) / se);
}

/* The statistics over the collected values. */
static void figures(struct cmp_work *w)
{
	struct compare_report *r = w->r;
	struct quant_params qp;
	r->ndiff = w->diffs.n;
	r->diffs = w->diffs.v;
	r->na = w->rtt_a.n;
	r->rtt_a = w->rtt_a.v;
	r->nb = w->rtt_b.n;
	r->rtt_b = w->rtt_b.v;
	r->excess_a = w->excess_a.v;
	r->excess_b = w->excess_b.v;
	stats_sort(r->excess_a, r->na);
	stats_sort(r->excess_b, r->nb);
	/* the tests reorder their input: give the Wilcoxon test a copy */
	double *copy = malloc((r->ndiff + 1) * sizeof *copy);
	if (copy) {
		if (r->ndiff)
			memcpy(copy, r->diffs, r->ndiff * sizeof *copy);
		stats_wilcoxon(copy, r->ndiff, &r->wilcoxon);
		free(copy);
	}
	stats_summarize(r->diffs, r->ndiff, &r->diff);
	stats_summarize(r->rtt_a, r->na, &r->sum_a);
	stats_summarize(r->rtt_b, r->nb, &r->sum_b);
	stats_mann_whitney(r->rtt_a, r->na, r->rtt_b, r->nb, &r->mann_whitney);
	stats_ks(r->rtt_a, r->na, r->rtt_b, r->nb, &r->ks);
	quant_params_default(&qp, 0.001); /* RIPE Atlas prints RTTs to the microsecond */
	quant_detect(r->rtt_a, r->na, &qp, &r->quant_a);
	quant_detect(r->rtt_b, r->nb, &qp, &r->quant_b);
	loss_figures(r);
}

/* Run the comparison; see compare.h. */
int compare_run(struct rec_set *a, struct rec_set *b, const char *name_a,
		const char *name_b, const struct compare_params *p,
		struct compare_report *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name_a, sizeof out->name_a, "%s", name_a);
	snprintf(out->name_b, sizeof out->name_b, "%s", name_b);
	out->recs_a = a->n;
	out->recs_b = b->n;
	qsort(a->v, a->n, sizeof *a->v, cmp_rec);
	qsort(b->v, b->n, sizeof *b->v, cmp_rec);
	struct cmp_work w = { .p = p, .r = out };
	int rc = pair_all(&w, a, b);
	free(w.tmin_a.v);
	free(w.tmin_b.v);
	free(w.tdiff.v);
	figures(&w);
	if (rc == 0)
		compare_verdict(out, p);
	return rc;
}

/* Free what the report owns. */
void compare_report_free(struct compare_report *r)
{
	free(r->diffs);
	free(r->rtt_a);
	free(r->rtt_b);
	free(r->excess_a);
	free(r->excess_b);
	free(r->targets);
	memset(r, 0, sizeof *r);
}
