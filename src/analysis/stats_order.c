/*
 * stats_order: sorting samples and quantiles of sorted samples (see
 * stats.h). Apart from stats.c so that a program that needs only these (the
 * agent's timing checks, host/timing.c) does not pull in the rank tests and,
 * with them, libm: every shared library mapped costs the agent resident
 * pages (about 0.4 MB for libm).
 */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>

/* qsort comparator for doubles, ascending. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort v ascending. */
void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_double);
}

/* Linear-interpolated quantile q of sorted v; NAN for an empty array. */
double stats_quantile_sorted(const double *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	if (q <= 0)
		return v[0];
	if (q >= 1)
		return v[n - 1];
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	double frac = h - (double)lo;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}
