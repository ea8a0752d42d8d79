/*
 * Fuzz target: the churn report (src/controller/churn.c) and its SVG over
 * any sessions and any window, as the admin socket's report.churn and a
 * store of any age could give them: it must refuse a bad window with a
 * reason and never read, write or compute out of bounds (UBSan: no
 * overflow).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "controller/churn.h"
#include "controller/churn_svg.h"

/* The next 8 bytes of the input as an integer (0 past its end). */
static int64_t take(const uint8_t **p, const uint8_t *end)
{
	int64_t v = 0;
	if (end - *p >= 8) {
		memcpy(&v, *p, 8);
		*p += 8;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct churn_query q = { .from = take(&p, end), .to = take(&p, end),
				 .period = take(&p, end), .abandon_after = take(&p, end),
				 .now = take(&p, end) };
	static const struct churn_agent agents[] = { { 1, 0, "a" }, { 2, 1, "b" }, { 3, 0, "a" } };
	struct churn_session s[64];
	size_t n = 0;
	while (n < 64 && end - p >= 17) {
		s[n].agent = *p++ % 5;
		s[n].connected = take(&p, end);
		s[n].disconnected = take(&p, end);
		n++;
	}
	char err[256];
	json_t *r = churn_report(agents, 3, s, n, &q, err, sizeof err);
	if (r) {
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			churn_svg_write(r, f);
			fclose(f);
		}
		json_decref(r);
	}
	return 0;
}
