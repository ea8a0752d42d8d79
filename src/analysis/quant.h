/*
 * quant: detect whether a series of measured values (RTTs, timestamps) is
 * quantized, i.e. whether the values sit on a grid of multiples of one step,
 * as RTTs from a coarse clock or a jiffy-based timestamp do. The detector
 * proposes steps from the spacings between sorted distinct values (and their
 * integer fractions, so sparse grids are found too), keeps the steps that at
 * least `min_fit` of the values lie on (within a tolerance proportional to the
 * step, so jitter and a few outliers do not hide it), and reports the largest.
 * Steps at or below the data's own print resolution are not reported.
 * Limitation: noise added *after* quantization (wider than the resolution)
 * blurs the spacings the candidates come from; RTTs computed from quantized
 * timestamps sit exactly on the grid, so this does not arise for them.
 */
#ifndef VANTAGE_ANALYSIS_QUANT_H
#define VANTAGE_ANALYSIS_QUANT_H

#include <stddef.h>

/* Tuning of the detector; quant_params_default() gives sensible values. */
struct quant_params {
	double resolution;   /* finest step the data can express (e.g. 0.001 ms) */
	double min_step;     /* smallest step worth reporting (> resolution)     */
	double tolerance;    /* a value is on the grid within tolerance * step   */
	double min_fit;      /* fraction of values that must be on the grid      */
	size_t min_values;   /* fewer values than this: no verdict               */
};

/* What the detector found. */
struct quant_result {
	int verdict;         /* QUANT_NONE, QUANT_FOUND or QUANT_UNKNOWN        */
	double step;         /* the grid step when QUANT_FOUND, else 0          */
	double fit;          /* fraction of values on that grid                 */
	size_t n;            /* values examined                                 */
	size_t distinct;     /* distinct values (at the data's resolution)      */
};

enum { QUANT_UNKNOWN = 0, QUANT_NONE = 1, QUANT_FOUND = 2 };

/*
 * Defaults for values printed to `resolution` (e.g. 0.001 for RIPE Atlas
 * RTTs in ms): steps of at least 5 resolution units are reported, a value is
 * on the grid within 8% of the step, and 90% of values must be on it.
 */
void quant_params_default(struct quant_params *p, double resolution);

/*
 * Examine v (n values, not modified) and fill *out. Returns out->verdict:
 * QUANT_UNKNOWN when there are too few values or fewer than 3 distinct ones.
 */
int quant_detect(const double *v, size_t n, const struct quant_params *p,
		 struct quant_result *out);

/* Fraction of v lying within tol * step of a multiple of step. */
double quant_fit(const double *v, size_t n, double step, double tol);

#endif
