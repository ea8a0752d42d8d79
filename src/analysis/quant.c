/*
 * quant: the quantization detector (see quant.h). Candidates come from the
 * most frequent spacings between distinct sorted values divided by 1..8; each is
 * scored by the fraction of values on its grid; the largest fitting wins.
 */
#include "analysis/quant.h"
#include "analysis/stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define QUANT_MAX_GAPS 32
#define QUANT_MAX_DIV 8

/*
 * x rounded to the nearest integer, ties to even: nearbyint() in the default
 * rounding mode, without libm (the agent's timing checks use this file, and
 * the agent maps no libm: about 0.4 MB of resident pages). Adding and
 * taking away 2^52 leaves no fraction bits; from 2^52 on a double is whole.
 */
static double round_even(double x)
{
	const double big = 0x1p52;
	if (!(fabs(x) < big))
		return x;             /* whole already, infinite or NaN */
	double r = x >= 0 ? (x + big) - big : (x - big) + big;
	return copysign(r, x);        /* -0.3 gives -0, as nearbyint does */
}

/* Fill *p with the defaults for data printed to `resolution`. */
void quant_params_default(struct quant_params *p, double resolution)
{
	p->resolution = resolution;
	p->min_step = 5 * resolution;
	p->tolerance = 0.08;
	p->min_fit = 0.9;
	p->min_values = 20;
}

/* Fraction of v within tol * step of a multiple of step. */
double quant_fit(const double *v, size_t n, double step, double tol)
{
	if (n == 0 || !(step > 0))
		return 0;
	size_t on = 0;
	for (size_t i = 0; i < n; i++) {
		double r = v[i] / step;
		if (fabs(r - round_even(r)) <= tol)
			on++;
	}
	return (double)on / (double)n;
}

/*
 * Sort a copy of v, drop values equal within half the resolution, and return
 * the sorted distinct values (caller frees) with their count in *nd.
 */
static double *distinct_sorted(const double *v, size_t n, double res, size_t *nd)
{
	double *d = malloc(n * sizeof *d);
	if (!d)
		return NULL;
	memcpy(d, v, n * sizeof *d);
	stats_sort(d, n);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || d[i] - d[m - 1] > res / 2)
			d[m++] = d[i];
	*nd = m;
	return d;
}

/* A spacing between neighbouring distinct values and how often it occurs. */
struct gap_count {
	double gap;
	size_t count;
};

/* qsort comparator: most frequent spacing first, then the smaller one. */
static int cmp_gap_count(const void *a, const void *b)
{
	const struct gap_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return (x->gap > y->gap) - (x->gap < y->gap);
}

/*
 * Collect up to QUANT_MAX_GAPS of the most frequent spacings (at least
 * min_step) between consecutive values of sorted distinct d, so that a few
 * off-grid outliers cannot crowd out the grid's own spacing. Spacings within
 * a relative tol of each other count as one (their mean), so noise around a
 * grid still votes for it. Returns how many were written to gaps.
 */
static size_t frequent_gaps(const double *d, size_t nd, double min_step,
			    double res, double tol, double *gaps)
{
	size_t m = nd > 1 ? nd - 1 : 0, k = 0, ng = 0;
	double *all = malloc((m ? m : 1) * sizeof *all);
	struct gap_count *gc = malloc((m ? m : 1) * sizeof *gc);
	double *sum = malloc((m ? m : 1) * sizeof *sum);
	if (!all || !gc || !sum) {
		free(all);
		free(gc);
		free(sum);
		return 0;
	}
	for (size_t i = 0; i + 1 < nd; i++)
		all[i] = d[i + 1] - d[i];
	stats_sort(all, m);
	for (size_t i = 0; i < m; i++) {
		if (all[i] < min_step)
			continue;
		/* gc[].gap holds the group's first spacing, then its mean */
		if (ng > 0 && all[i] <= gc[ng - 1].gap * (1 + tol) + res / 2) {
			gc[ng - 1].count++;
			sum[ng - 1] += all[i];
			continue;
		}
		gc[ng].gap = all[i];
		sum[ng] = all[i];
		gc[ng++].count = 1;
	}
	for (size_t i = 0; i < ng; i++)
		gc[i].gap = sum[i] / (double)gc[i].count;
	qsort(gc, ng, sizeof *gc, cmp_gap_count);
	for (k = 0; k < ng && k < QUANT_MAX_GAPS; k++)
		gaps[k] = gc[k].gap;
	free(all);
	free(gc);
	free(sum);
	return k;
}

/*
 * Refine step by least squares over the values on its grid (each value v
 * near k * step contributes to step = sum(v k) / sum(k k)), then round it to
 * the data's resolution. Returns the refined step.
 */
static double refine_step(const double *v, size_t n, double step, double tol,
			  double res)
{
	double num = 0, den = 0;
	for (size_t i = 0; i < n; i++) {
		double k = round_even(v[i] / step);
		if (k >= 1 && fabs(v[i] / step - k) <= tol) {
			num += v[i] * k;
			den += k * k;
		}
	}
	if (den > 0)
		step = num / den;
	return res > 0 ? round_even(step / res) * res : step;
}

/*
 * True when the values on the grid of step (within tol) sit on more than one
 * multiple of it, no one multiple holding over 90% of them. Values nearly all
 * near one multiple say nothing of a grid: any tight spread (RTTs of
 * 2.2-2.5 ms, say) fits a step equal to its own median within the
 * tolerance, and an outlier near twice that does not make it a grid.
 */
static bool spans_multiples(const double *v, size_t n, double step, double tol)
{
	double *k = malloc(n * sizeof *k);
	if (!k)
		return false;
	size_t m = 0, best = 0, run = 0;
	for (size_t i = 0; i < n; i++) {
		double r = round_even(v[i] / step);
		if (fabs(v[i] / step - r) <= tol)
			k[m++] = r;
	}
	stats_sort(k, m);
	for (size_t i = 0; i < m; i++) {
		run = (i > 0 && k[i] == k[i - 1]) ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	free(k);
	return m > 0 && (double)best <= 0.9 * (double)m;
}

/* Run the detector over v; see quant.h. */
int quant_detect(const double *v, size_t n, const struct quant_params *p,
		 struct quant_result *out)
{
	memset(out, 0, sizeof *out);
	out->n = n;
	out->verdict = QUANT_UNKNOWN;
	if (n < p->min_values)
		return out->verdict;
	size_t nd = 0;
	double *d = distinct_sorted(v, n, p->resolution, &nd);
	if (!d)
		return out->verdict;
	out->distinct = nd;
	if (nd < 3) {
		free(d);
		return out->verdict;
	}
	double gaps[QUANT_MAX_GAPS];
	size_t ng = frequent_gaps(d, nd, p->min_step, p->resolution,
				  p->tolerance, gaps);
	free(d);
	out->verdict = QUANT_NONE;
	double best_tol = p->tolerance;
	for (size_t i = 0; i < ng; i++) {
		for (int k = 1; k <= QUANT_MAX_DIV; k++) {
			double step = gaps[i] / k;
			if (step < p->min_step || step <= out->step)
				continue;
			double tol = p->tolerance;
			if (tol * step < p->resolution / 2)
				tol = p->resolution / 2 / step;
			double fit = quant_fit(v, n, step, tol);
			if (fit >= p->min_fit && spans_multiples(v, n, step, tol)) {
				out->verdict = QUANT_FOUND;
				out->step = step;
				out->fit = fit;
				best_tol = tol;
			}
		}
	}
	if (out->verdict == QUANT_FOUND)
		out->step = refine_step(v, n, out->step, best_tol, p->resolution);
	return out->verdict;
}
