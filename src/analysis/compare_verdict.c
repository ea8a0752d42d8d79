/*
 * compare_verdict: the plain-language conclusion of a comparison, e.g.
 * "no measurable difference (...)" or "B is 2.03 ms slower than A (...);
 * B's RTTs are quantized to 1 ms". Each finding is judged by one function.
 */
#include "analysis/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Append formatted text to the verdict, with "; " between findings. */
static void add(struct compare_report *r, int *findings, const char *text)
{
	size_t used = strlen(r->verdict);
	snprintf(r->verdict + used, sizeof r->verdict - used, "%s%s",
		 *findings ? "; " : "", text);
	(*findings)++;
}

/* A shift of the per-round minimum RTT, if significant and large enough. */
static int shift(struct compare_report *r, const struct compare_params *p, char *s, size_t n)
{
	double m = r->diff.median;
	if (!r->wilcoxon.valid || r->wilcoxon.p >= p->alpha || fabs(m) < p->min_effect_ms)
		return 0;
	snprintf(s, n, "%s is %.3g ms %s than %s (median of %zu per-round differences, "
		 "IQR %.3g..%.3g ms, Wilcoxon p=%.2g)", r->name_b, fabs(m),
		 m > 0 ? "slower" : "faster", r->name_a, r->ndiff, r->diff.p25, r->diff.p75,
		 r->wilcoxon.p);
	return 1;
}

/* Largest gap between the two sides' RTT quantiles (RTTs above their
   target's minimum) at p5, p25, p50, p75 and p95. */
static double quantile_gap(const struct compare_report *r)
{
	static const double qs[] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
	double gap = 0;
	for (size_t i = 0; r->na && r->nb && i < sizeof qs / sizeof qs[0]; i++)
		gap = fmax(gap, fabs(stats_quantile_sorted(r->excess_b, r->nb, qs[i]) -
				     stats_quantile_sorted(r->excess_a, r->na, qs[i])));
	return gap;
}

/* A difference in shape of the RTT distributions without a shift: KS
   significant and some quantile apart by at least the minimum effect. */
static int shape(struct compare_report *r, const struct compare_params *p, char *s, size_t n)
{
	double gap = quantile_gap(r);
	if (!r->ks.valid || r->ks.p >= p->alpha || gap < p->min_effect_ms)
		return 0;
	snprintf(s, n, "the RTT distributions differ (KS D=%.3f, p=%.2g; quantiles up to "
		 "%.3g ms apart; Mann-Whitney p=%.2g)", r->ks.statistic, r->ks.p, gap,
		 r->mann_whitney.p);
	return 1;
}

/* Quantization of one side or both; returns 1 for a difference, 2 for a
   note (both sides on the same grid), 0 for nothing. */
static int quantization(struct compare_report *r, char *s, size_t n)
{
	int qa = r->quant_a.verdict == QUANT_FOUND, qb = r->quant_b.verdict == QUANT_FOUND;
	if (qa && qb && fabs(r->quant_a.step - r->quant_b.step) < 1e-9) {
		snprintf(s, n, "both sides' RTTs are quantized to %g ms", r->quant_a.step);
		return 2;
	}
	if (qa && qb)
		snprintf(s, n, "%s's RTTs are quantized to %g ms, %s's to %g ms", r->name_a,
			 r->quant_a.step, r->name_b, r->quant_b.step);
	else if (qa || qb)
		snprintf(s, n, "%s's RTTs are quantized to %g ms (%s's are not)",
			 qa ? r->name_a : r->name_b, qa ? r->quant_a.step : r->quant_b.step,
			 qa ? r->name_b : r->name_a);
	return qa || qb;
}

/* A significant difference in loss. */
static int loss(struct compare_report *r, const struct compare_params *p, char *s, size_t n)
{
	if (fabs(r->loss_b - r->loss_a) < p->min_loss_diff || r->loss_p >= p->alpha)
		return 0;
	snprintf(s, n, "%s loses %.1f%% of packets, %s %.1f%% (p=%.2g)", r->name_b,
		 100 * r->loss_b, r->name_a, 100 * r->loss_a, r->loss_p);
	return 1;
}

/* Traceroute paths that differ in a notable share of rounds. */
static int paths(struct compare_report *r, const struct compare_params *p, char *s, size_t n)
{
	if (r->trace_pairs < p->min_pairs ||
	    (double)r->path_differs < p->min_path_diff * (double)r->trace_pairs)
		return 0;
	snprintf(s, n, "paths differ in %.0f%% of %zu paired traceroutes (e.g. to %s)",
		 100.0 * (double)r->path_differs / (double)r->trace_pairs, r->trace_pairs,
		 r->path_example_dst);
	return 1;
}

/* Write the verdict; see compare.h. */
void compare_verdict(struct compare_report *r, const struct compare_params *p)
{
	char s[400];
	int findings = 0, q;
	r->verdict[0] = '\0';
	r->enough = r->ndiff >= p->min_pairs || r->trace_pairs >= p->min_pairs;
	if (!r->enough) {
		snprintf(r->verdict, sizeof r->verdict,
			 "too few paired rounds to compare (%zu with RTTs on both sides; need %zu)",
			 r->ndiff, p->min_pairs);
		return;
	}
	if (shift(r, p, s, sizeof s) || shape(r, p, s, sizeof s))
		add(r, &findings, s);
	if ((q = quantization(r, s, sizeof s)) == 1)
		add(r, &findings, s);
	if (loss(r, p, s, sizeof s))
		add(r, &findings, s);
	if (paths(r, p, s, sizeof s))
		add(r, &findings, s);
	r->differs = findings > 0;
	if (!findings) {
		snprintf(s, sizeof s, "no measurable difference (median per-round difference "
			 "%+.3f ms over %zu rounds, Wilcoxon p=%.2g, KS p=%.2g)", r->diff.median,
			 r->ndiff, r->wilcoxon.p, r->ks.p);
		add(r, &findings, s);
	}
	if (q == 2) {
		quantization(r, s, sizeof s);
		add(r, &findings, s);
	}
}
