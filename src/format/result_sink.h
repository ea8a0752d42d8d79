/*
 * result_sink: the one output interface the command line (and anything else
 * that writes results to a file) uses. Open a sink for a format over a stdio
 * stream, hand it each result as it finishes (the caller frees the result
 * afterwards: nothing is kept), and close it at the end. warts needs its
 * list and cycle-start records before the first result and a cycle-stop
 * record after the last; the sink writes them at open and close.
 */
#ifndef VANTAGE_FORMAT_RESULT_SINK_H
#define VANTAGE_FORMAT_RESULT_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "format/atlas_json.h"
#include "msm/ping/ping_result.h"
#include "msm/trace/trace_result.h"

enum result_format {
	RESULT_FORMAT_JSON = 0, /* RIPE Atlas result JSON, one object a line */
	RESULT_FORMAT_WARTS,    /* scamper's warts */
	RESULT_FORMAT_TEXT,     /* like ping(8) / traceroute(8) */
};

/* What the sink records about the run (all optional; zero = default). */
struct result_sink_info {
	struct atlas_meta atlas; /* ids for the JSON objects */
	const char *monitor;     /* vantage point name (warts list monitor) */
	const char *list_name;   /* warts list name; default "vantage" */
	uint32_t list_id;        /* warts list id */
	uint32_t cycle_id;       /* warts cycle id */
	time_t start;            /* wall-clock start of the run; 0 = now */
};

struct result_sink;

/*
 * Parse a format name ("json", "warts", "text") into *out. Returns 0, or -1
 * with "unknown output format 'x' (use json, warts or text)" in err.
 */
int result_format_parse(const char *name, enum result_format *out,
			char *err, size_t errlen);

/*
 * Open a sink writing fmt to f (the stream stays the caller's). info may be
 * NULL. Returns the sink, or NULL with a reason in err.
 */
struct result_sink *result_sink_open(enum result_format fmt, FILE *f,
				     const struct result_sink_info *info,
				     char *err, size_t errlen);

/* Write one finished ping. Returns 0, or -1 with a reason in err. */
int result_sink_ping(struct result_sink *s, const struct ping_result *r,
		     char *err, size_t errlen);

/* Write one finished trace. Returns 0, or -1 with a reason in err. */
int result_sink_trace(struct result_sink *s, const struct trace_result *r,
		      char *err, size_t errlen);

/*
 * Finish (warts: the cycle-stop record), flush and free the sink. NULL is
 * allowed. Returns 0, or -1 with a reason in err; the sink is freed either way.
 */
int result_sink_close(struct result_sink *s, char *err, size_t errlen);

#endif
