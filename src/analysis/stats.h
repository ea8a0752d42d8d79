/*
 * stats: the descriptive statistics and two-sample tests that `vantage compare`
 * reports: quantiles, Mann-Whitney U and Kolmogorov-Smirnov for two independent
 * samples, and the Wilcoxon signed-rank test for paired differences. All are
 * pure functions over arrays of doubles; p-values use the usual large-sample
 * approximations (normal for the rank tests, Kolmogorov's series for KS).
 */
#ifndef VANTAGE_ANALYSIS_STATS_H
#define VANTAGE_ANALYSIS_STATS_H

#include <stddef.h>

/* Summary of one sample: count, mean and the quantiles the reports print. */
struct stats_summary {
	size_t n;
	double mean, min, p5, p25, median, p75, p95, max, iqr;
};

/* Outcome of a two-sample or paired test: its statistic, z score and p-value. */
struct stats_test {
	size_t n1, n2;     /* sample sizes (n2 = 0 for the paired test)        */
	double statistic;  /* U, D or W+                                        */
	double z;          /* normal score (0 for KS)                           */
	double p;          /* two-sided p-value; 1 when the test cannot run     */
	int valid;         /* 1 when the samples were large enough to test      */
};

/* Sort a copy-free array of doubles in place, ascending. */
void stats_sort(double *v, size_t n);

/*
 * Quantile q in [0,1] of sorted v (linear interpolation between order
 * statistics, "type 7"). Returns NAN when n is 0.
 */
double stats_quantile_sorted(const double *v, size_t n, double q);

/*
 * Fill *out with the summary of v (n values); v is sorted in place.
 * With n = 0 every field but n is NAN.
 */
void stats_summarize(double *v, size_t n, struct stats_summary *out);

/* Two-sided p-value of a standard normal score z. */
double stats_normal_p2(double z);

/*
 * Mann-Whitney U test of whether a and b come from the same distribution
 * (normal approximation with tie and continuity correction). a and b are
 * sorted in place. statistic is U of sample a; z > 0 means b tends larger.
 */
void stats_mann_whitney(double *a, size_t na, double *b, size_t nb,
			struct stats_test *out);

/*
 * Two-sample Kolmogorov-Smirnov test: statistic is the largest distance
 * between the empirical CDFs, p from the asymptotic Kolmogorov distribution.
 * a and b are sorted in place.
 */
void stats_ks(double *a, size_t na, double *b, size_t nb, struct stats_test *out);

/*
 * Wilcoxon signed-rank test of whether paired differences d are centred on
 * zero (zeros dropped, tie-corrected normal approximation). statistic is W+,
 * z > 0 means positive differences dominate. d is reordered.
 */
void stats_wilcoxon(double *d, size_t n, struct stats_test *out);

#endif
