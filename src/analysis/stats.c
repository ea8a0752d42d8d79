/*
 * stats: quantiles and the rank tests behind `vantage compare` (see stats.h).
 * Ranks are computed on a merged, sorted copy; ties get their average rank
 * and shrink the variance as in the textbook corrections.
 */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>

/* Summary statistics of v (sorted in place). */
void stats_summarize(double *v, size_t n, struct stats_summary *out)
{
	out->n = n;
	stats_sort(v, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	out->mean = n ? sum / (double)n : NAN;
	out->min = stats_quantile_sorted(v, n, 0);
	out->p5 = stats_quantile_sorted(v, n, 0.05);
	out->p25 = stats_quantile_sorted(v, n, 0.25);
	out->median = stats_quantile_sorted(v, n, 0.5);
	out->p75 = stats_quantile_sorted(v, n, 0.75);
	out->p95 = stats_quantile_sorted(v, n, 0.95);
	out->max = stats_quantile_sorted(v, n, 1);
	out->iqr = out->p75 - out->p25;
}

/* Two-sided p-value of a standard normal score. */
double stats_normal_p2(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

/* Mark a test as not computable (too few values). */
static void test_invalid(struct stats_test *out, size_t n1, size_t n2)
{
	out->n1 = n1;
	out->n2 = n2;
	out->statistic = NAN;
	out->z = 0;
	out->p = 1;
	out->valid = 0;
}

/*
 * Walk sorted a and b together, adding the (tie-averaged) ranks of a's
 * values to *rank_sum_a and sum(t^3 - t) over tie groups to *ties.
 */
static void merged_ranks(const double *a, size_t na, const double *b, size_t nb,
			 double *rank_sum_a, double *ties)
{
	size_t i = 0, j = 0, rank = 1;
	*rank_sum_a = 0;
	*ties = 0;
	while (i < na || j < nb) {
		double x = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
		size_t ca = 0, cb = 0;
		while (i < na && a[i] == x) {
			i++;
			ca++;
		}
		while (j < nb && b[j] == x) {
			j++;
			cb++;
		}
		double t = (double)(ca + cb);
		double avg = (double)rank + (t - 1) / 2.0;
		*rank_sum_a += avg * (double)ca;
		*ties += t * t * t - t;
		rank += ca + cb;
	}
}

/* Mann-Whitney U test on a and b (sorted in place). */
void stats_mann_whitney(double *a, size_t na, double *b, size_t nb,
			struct stats_test *out)
{
	if (na < 2 || nb < 2) {
		test_invalid(out, na, nb);
		return;
	}
	stats_sort(a, na);
	stats_sort(b, nb);
	double r1, ties;
	merged_ranks(a, na, b, nb, &r1, &ties);
	double n1 = (double)na, n2 = (double)nb, n = n1 + n2;
	double u1 = r1 - n1 * (n1 + 1) / 2.0;
	double mu = n1 * n2 / 2.0;
	double var = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
	out->n1 = na;
	out->n2 = nb;
	out->statistic = u1;
	out->valid = var > 0;
	if (!out->valid) {
		out->z = 0;
		out->p = 1;
		return;
	}
	double dev = mu - u1; /* > 0 when a ranks low, i.e. b tends larger */
	double cc = dev > 0 ? -0.5 : (dev < 0 ? 0.5 : 0);
	out->z = (dev + cc) / sqrt(var);
	out->p = stats_normal_p2(out->z);
}

/* Survival function of the Kolmogorov distribution, Q(lambda). */
static double kolmogorov_q(double lambda)
{
	if (lambda < 0.2)
		return 1.0;
	double sum = 0;
	for (int k = 1; k <= 100; k++) {
		double term = exp(-2.0 * k * k * lambda * lambda);
		sum += (k % 2 ? 1 : -1) * term;
		if (term < 1e-12)
			break;
	}
	double q = 2.0 * sum;
	return q < 0 ? 0 : (q > 1 ? 1 : q);
}

/* Two-sample Kolmogorov-Smirnov test on a and b (sorted in place). */
void stats_ks(double *a, size_t na, double *b, size_t nb, struct stats_test *out)
{
	if (na < 2 || nb < 2) {
		test_invalid(out, na, nb);
		return;
	}
	stats_sort(a, na);
	stats_sort(b, nb);
	size_t i = 0, j = 0;
	double d = 0;
	while (i < na && j < nb) {
		double x = a[i] <= b[j] ? a[i] : b[j];
		while (i < na && a[i] == x)
			i++;
		while (j < nb && b[j] == x)
			j++;
		double diff = fabs((double)i / (double)na - (double)j / (double)nb);
		if (diff > d)
			d = diff;
	}
	double en = sqrt((double)na * (double)nb / (double)(na + nb));
	out->n1 = na;
	out->n2 = nb;
	out->statistic = d;
	out->z = 0;
	out->p = kolmogorov_q((en + 0.12 + 0.11 / en) * d);
	out->valid = 1;
}

/* qsort comparator ordering doubles by absolute value. */
static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
	return (x > y) - (x < y);
}

/* Wilcoxon signed-rank test on paired differences d (reordered). */
void stats_wilcoxon(double *d, size_t n, struct stats_test *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0)
			d[m++] = d[i];
	if (m < 5) {
		test_invalid(out, m, 0);
		return;
	}
	qsort(d, m, sizeof *d, cmp_abs);
	double wplus = 0, ties = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && fabs(d[j]) == fabs(d[i]))
			j++;
		double t = (double)(j - i);
		double avg = (double)(i + 1 + j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (d[k] > 0)
				wplus += avg;
		ties += t * t * t - t;
		i = j;
	}
	double nm = (double)m;
	double mu = nm * (nm + 1) / 4.0;
	double var = nm * (nm + 1) * (2 * nm + 1) / 24.0 - ties / 48.0;
	out->n1 = m;
	out->n2 = 0;
	out->statistic = wplus;
	out->valid = var > 0;
	if (!out->valid) {
		out->z = 0;
		out->p = 1;
		return;
	}
	double dev = wplus - mu;
	double cc = dev > 0 ? -0.5 : (dev < 0 ? 0.5 : 0);
	out->z = (dev + cc) / sqrt(var);
	out->p = stats_normal_p2(out->z);
}
