/*
 * compare_text: the human-readable report of `vantage compare`: the sides,
 * the pairing, the figures, the per-target table and the verdict.
 */
#include "analysis/compare_out.h"

#include <math.h>

/* One row of the RTT table. */
static void rtt_row(FILE *o, const char *side, const struct stats_summary *s)
{
	fprintf(o, "  %-4s %8zu %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", side, s->n, s->min,
		s->p25, s->median, s->p75, s->p95, s->max);
}

/* Describe a quantization result. */
static void quant_text(FILE *o, const char *side, const struct quant_result *q)
{
	if (q->verdict == QUANT_FOUND)
		fprintf(o, "  %s: quantized to %g ms (%.0f%% of %zu RTTs on the grid)\n", side,
			q->step, 100 * q->fit, q->n);
	else if (q->verdict == QUANT_NONE)
		fprintf(o, "  %s: none found (%zu distinct values among %zu RTTs)\n", side,
			q->distinct, q->n);
	else
		fprintf(o, "  %s: too few values to tell (%zu)\n", side, q->n);
}

/* The per-target table. */
static void targets(FILE *o, const struct compare_report *r)
{
	fprintf(o, "per target (median of per-round minimum RTT, ms):\n"
		"  %-40s %-5s %6s %10s %10s %10s\n", "target", "kind", "pairs", "A", "B", "B-A");
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct compare_target *t = &r->targets[i];
		fprintf(o, "  %-40s %-5s %6zu %10.3f %10.3f %+10.3f\n", t->dst,
			t->kind == REC_TRACE ? "trace" : "ping", t->pairs, t->median_a,
			t->median_b, t->median_diff);
	}
}

/* Print the report. */
void compare_print_text(const struct compare_report *r, FILE *o)
{
	fprintf(o, "A: %s, %zu results\nB: %s, %zu results\n", r->name_a, r->recs_a,
		r->name_b, r->recs_b);
	fprintf(o, "paired rounds: %zu over %zu targets (unpaired: A %zu, B %zu)\n", r->pairs,
		r->ntargets, r->unpaired_a, r->unpaired_b);
	const struct stats_summary *d = &r->diff;
	fprintf(o, "per-round minimum RTT difference B-A (ms), %zu rounds:\n"
		"  median %+.3f, IQR %+.3f..%+.3f, p5 %+.3f, p95 %+.3f, mean %+.3f\n",
		d->n, d->median, d->p25, d->p75, d->p5, d->p95, d->mean);
	fprintf(o, "RTTs over the paired rounds (ms):\n  %-4s %8s %9s %9s %9s %9s %9s %9s\n",
		"side", "n", "min", "p25", "median", "p75", "p95", "max");
	rtt_row(o, "A", &r->sum_a);
	rtt_row(o, "B", &r->sum_b);
	fprintf(o, "tests: Wilcoxon signed-rank p=%.3g (n=%zu); Mann-Whitney U p=%.3g; "
		"Kolmogorov-Smirnov D=%.3f p=%.3g\n", r->wilcoxon.p, r->wilcoxon.n1,
		r->mann_whitney.p, isnan(r->ks.statistic) ? 0 : r->ks.statistic, r->ks.p);
	fprintf(o, "quantization:\n");
	quant_text(o, "A", &r->quant_a);
	quant_text(o, "B", &r->quant_b);
	fprintf(o, "loss: A %.2f%% of %lu, B %.2f%% of %lu (p=%.3g)\n", 100 * r->loss_a,
		r->sent_a, 100 * r->loss_b, r->sent_b, r->loss_p);
	if (r->trace_pairs) {
		fprintf(o, "paths: %zu of %zu paired traceroutes differ\n", r->path_differs,
			r->trace_pairs);
		if (r->path_differs)
			fprintf(o, "  e.g. to %s:\n    A %s\n    B %s\n", r->path_example_dst,
				r->path_example_a, r->path_example_b);
	}
	targets(o, r);
	fprintf(o, "verdict: %s\n", r->verdict);
}
