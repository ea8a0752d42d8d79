/*
 * compare_json: the figures of a comparison as JSON (`vantage compare
 * --json FILE`), for scripts and for the controller to store.
 */
#include "analysis/compare_out.h"

#include <jansson.h>
#include <math.h>

/* A stats_summary as an object (NaN, when empty, becomes null). */
static json_t *summary_json(const struct stats_summary *s)
{
	json_t *o = json_pack("{s:I}", "n", (json_int_t)s->n);
	const char *k[] = { "mean", "min", "p5", "p25", "median", "p75", "p95", "max", "iqr" };
	double v[] = { s->mean, s->min, s->p5, s->p25, s->median, s->p75, s->p95, s->max, s->iqr };
	for (size_t i = 0; o && i < sizeof v / sizeof v[0]; i++)
		json_object_set_new(o, k[i], s->n ? json_real(v[i]) : json_null());
	return o;
}

/* A test outcome as an object. */
static json_t *test_json(const struct stats_test *t)
{
	return json_pack("{s:b, s:I, s:I, s:o, s:f, s:f}", "valid", t->valid,
			 "n1", (json_int_t)t->n1, "n2", (json_int_t)t->n2,
			 "statistic", t->valid ? json_real(t->statistic) : json_null(),
			 "z", t->z, "p", t->p);
}

/* A quantization result as an object. */
static json_t *quant_json(const struct quant_result *q)
{
	static const char *names[] = { "unknown", "none", "found" };
	return json_pack("{s:s, s:f, s:f, s:I, s:I}", "verdict", names[q->verdict],
			 "step_ms", q->step, "fit", q->fit, "n", (json_int_t)q->n,
			 "distinct", (json_int_t)q->distinct);
}

/* Per-target medians as an array. */
static json_t *targets_json(const struct compare_report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->ntargets; i++) {
		const struct compare_target *t = &r->targets[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:o, s:o, s:o}", "dst", t->dst,
			"kind", t->kind == REC_TRACE ? "traceroute" : "ping",
			"pairs", (json_int_t)t->pairs,
			"median_a_ms", isnan(t->median_a) ? json_null() : json_real(t->median_a),
			"median_b_ms", isnan(t->median_b) ? json_null() : json_real(t->median_b),
			"median_diff_ms", isnan(t->median_diff) ? json_null() : json_real(t->median_diff)));
	}
	return a;
}

/* The whole comparison as one JSON object; NULL when out of memory. */
json_t *compare_report_json(const struct compare_report *r)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I,"
			 " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
			 " s:{s:I, s:I, s:f, s:I, s:I, s:f, s:f},"
			 " s:{s:I, s:I}, s:o, s:b, s:b, s:s}",
		"a", r->name_a, "b", r->name_b, "records_a", (json_int_t)r->recs_a,
		"records_b", (json_int_t)r->recs_b, "pairs", (json_int_t)r->pairs,
		"unpaired_a", (json_int_t)r->unpaired_a, "unpaired_b", (json_int_t)r->unpaired_b,
		"diff_ms", summary_json(&r->diff), "rtt_a_ms", summary_json(&r->sum_a),
		"rtt_b_ms", summary_json(&r->sum_b), "wilcoxon", test_json(&r->wilcoxon),
		"mann_whitney", test_json(&r->mann_whitney), "ks", test_json(&r->ks),
		"quant_a", quant_json(&r->quant_a), "quant_b", quant_json(&r->quant_b),
		"loss", "sent_a", (json_int_t)r->sent_a, "rcvd_a", (json_int_t)r->rcvd_a,
			"loss_a", r->loss_a, "sent_b", (json_int_t)r->sent_b,
			"rcvd_b", (json_int_t)r->rcvd_b, "loss_b", r->loss_b, "p", r->loss_p,
		"paths", "paired", (json_int_t)r->trace_pairs, "differ", (json_int_t)r->path_differs,
		"targets", targets_json(r), "differs", r->differs, "enough", r->enough,
		"verdict", r->verdict);
}
