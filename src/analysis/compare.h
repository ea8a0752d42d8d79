/*
 * compare: do two vantage points measure alike? Given the records of side A
 * and side B (e.g. a VM anchor and a metal anchor in the same place), pair
 * their results by target and round (nearest in time within a window), then
 * compute:
 *   - per-round differences of the minimum RTT (B - A) and their
 *     distribution (median, IQR, percentiles), with a paired Wilcoxon
 *     signed-rank test;
 *   - the per-packet RTT distributions of both sides over the paired rounds,
 *     with Mann-Whitney U and two-sample Kolmogorov-Smirnov tests;
 *   - the quantization step of each side's RTTs (analysis/quant);
 *   - loss on each side (two-proportion z test) and, for traceroutes, how
 *     often the paths differ;
 *   - per-target medians;
 * and ends with a plain verdict. The records may come from RIPE Atlas files
 * or, later, from the controller's store: compare only sees struct rec.
 */
#ifndef VANTAGE_ANALYSIS_COMPARE_H
#define VANTAGE_ANALYSIS_COMPARE_H

#include "analysis/quant.h"
#include "analysis/record.h"
#include "analysis/stats.h"

/* Knobs of a comparison; compare_params_default() fills them. */
struct compare_params {
	long long window_s;      /* results further apart are not the same round */
	double alpha;            /* significance level of every test             */
	double min_effect_ms;    /* smaller median shifts are not "measurable"   */
	double min_loss_diff;    /* loss differences below this (fraction) too   */
	double min_path_diff;    /* share of rounds with different paths         */
	size_t min_pairs;        /* fewer paired rounds: no verdict              */
};

/* Figures of one target. */
struct compare_target {
	char dst[48];
	int kind;                         /* enum rec_kind */
	size_t pairs;
	double median_a, median_b, median_diff;
};

struct compare_report {
	char name_a[64], name_b[64];
	size_t recs_a, recs_b;            /* records given                       */
	size_t pairs;                     /* paired rounds                       */
	size_t unpaired_a, unpaired_b;    /* records with no partner             */
	/* per-round min-RTT differences B - A (rounds where both answered) */
	size_t ndiff;
	double *diffs;                    /* sorted, owned                       */
	struct stats_summary diff;
	struct stats_test wilcoxon;
	/* per-packet RTTs over the paired rounds */
	size_t na, nb;
	double *rtt_a, *rtt_b;            /* sorted, owned                       */
	struct stats_summary sum_a, sum_b;
	/* the same RTTs minus their target's smallest RTT (either side), so
	   targets share one scale in the plot */
	double *excess_a, *excess_b;      /* sorted, owned; na and nb values     */
	struct stats_test mann_whitney, ks;
	struct quant_result quant_a, quant_b;
	/* loss */
	unsigned long sent_a, rcvd_a, sent_b, rcvd_b;
	double loss_a, loss_b, loss_p;
	/* traceroute paths */
	size_t trace_pairs, path_differs;
	char path_example_a[160], path_example_b[160], path_example_dst[48];
	/* per target */
	size_t ntargets;
	struct compare_target *targets;   /* owned                               */
	/* conclusion */
	int differs;                      /* 1: a measurable difference found    */
	int enough;                       /* 0: too few pairs for a verdict      */
	char verdict[768];
};

/* Defaults: 300 s window, alpha 0.01, 0.1 ms, 1 point of loss, 10% paths. */
void compare_params_default(struct compare_params *p);

/*
 * Compare a and b (their arrays are reordered: sorted by target and time)
 * into *out, naming the sides name_a and name_b. Returns 0, or -1 when out
 * of memory. Release with compare_report_free().
 */
int compare_run(struct rec_set *a, struct rec_set *b, const char *name_a,
		const char *name_b, const struct compare_params *p,
		struct compare_report *out);

/* Free what a report owns. */
void compare_report_free(struct compare_report *r);

/* Write the verdict sentence of a finished report into r->verdict. */
void compare_verdict(struct compare_report *r, const struct compare_params *p);

#endif
