/*
 * fuzz_analysis_atlas: arbitrary bytes as a RIPE Atlas results file given to
 * `vantage compare`; what parses is also compared with itself, so the
 * pairing and statistics see hostile records too.
 */
#include <stddef.h>
#include <stdint.h>

#include "analysis/atlas_read.h"
#include "analysis/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_set a = { 0 }, b = { 0 };
	char err[512];
	if (atlas_parse_text((const char *)data, size, "fuzz", NULL, &a, err, sizeof err) > 0 &&
	    atlas_parse_text((const char *)data, size, "fuzz", NULL, &b, err, sizeof err) > 0) {
		struct compare_params p;
		struct compare_report r;
		compare_params_default(&p);
		compare_run(&a, &b, "A", "B", &p, &r);
		compare_report_free(&r);
	}
	rec_set_free(&a);
	rec_set_free(&b);
	return 0;
}
