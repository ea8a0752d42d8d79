/*
 * fuzz_format_util: what the result-format fuzz targets share: encode one
 * ping or trace in every output format into memory, handing each output to
 * an optional check.
 */
#ifndef VANTAGE_FUZZ_FORMAT_UTIL_H
#define VANTAGE_FUZZ_FORMAT_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/result_sink.h"

/* Called with each format's whole output. */
typedef void (*fuzz_output_check)(enum result_format fmt, const uint8_t *buf, size_t len);

/* Encode p (or, if NULL, t) as JSON, warts and text; check each output. */
static inline void fuzz_encode_all(const struct ping_result *p, const struct trace_result *t,
				   fuzz_output_check check)
{
	for (int fmt = RESULT_FORMAT_JSON; fmt <= RESULT_FORMAT_TEXT; fmt++) {
		char *buf = NULL, err[256];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct result_sink *s = result_sink_open((enum result_format)fmt, f, NULL,
							 err, sizeof err);
		if (s) {
			if (p)
				result_sink_ping(s, p, err, sizeof err);
			else
				result_sink_trace(s, t, err, sizeof err);
			result_sink_close(s, err, sizeof err);
		}
		fclose(f);
		if (check)
			check((enum result_format)fmt, (const uint8_t *)buf, len);
		free(buf);
	}
}

#endif
