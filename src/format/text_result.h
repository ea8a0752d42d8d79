/*
 * text_result: results as text for people, shaped like the output of
 * iputils ping(8) and traceroute(8), one block per finished result.
 */
#ifndef VANTAGE_FORMAT_TEXT_RESULT_H
#define VANTAGE_FORMAT_TEXT_RESULT_H

#include <stddef.h>
#include <stdio.h>

#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

/* Print a ping like ping(8). Returns 0, or -1 with a reason in err. */
int text_write_ping(FILE *f, const struct ping_result *r, char *err, size_t errlen);

/* Print a trace like traceroute(8). Returns 0, or -1 with a reason in err. */
int text_write_trace(FILE *f, const struct trace_result *r, char *err, size_t errlen);

#endif
