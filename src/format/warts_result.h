/*
 * warts_result: ping and trace results as warts records, written through a
 * warts_writer (see warts_file.h) that already wrote the list and cycle.
 */
#ifndef VANTAGE_FORMAT_WARTS_RESULT_H
#define VANTAGE_FORMAT_WARTS_RESULT_H

#include <stddef.h>

#include "format/warts_file.h"
#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

/* Write one ping record. Returns 0, or -1 with a reason in err. */
int warts_write_ping(struct warts_writer *w, const struct ping_result *r,
		     char *err, size_t errlen);

/* Write one trace record. Returns 0, or -1 with a reason in err. */
int warts_write_trace(struct warts_writer *w, const struct trace_result *r,
		      char *err, size_t errlen);

#endif
