/*
 * compare_out: the outputs of a comparison: JSON figures (compare_json.c),
 * an SVG plot (compare_svg.c) and the text report (compare_text.c).
 */
#ifndef VANTAGE_ANALYSIS_COMPARE_OUT_H
#define VANTAGE_ANALYSIS_COMPARE_OUT_H

#include "analysis/compare.h"

#include <stdio.h>

struct json_t;

/* The comparison as a JSON object; caller owns the reference. */
struct json_t *compare_report_json(const struct compare_report *r);

/*
 * Write an SVG with two panels: the CDFs of both sides' RTTs, and the CDF of
 * the per-round differences (B - A) with its median. Returns 0 or -1.
 */
int compare_write_svg(const struct compare_report *r, FILE *out);

/* Print the human-readable report (figures, per-target table, verdict). */
void compare_print_text(const struct compare_report *r, FILE *out);

#endif
