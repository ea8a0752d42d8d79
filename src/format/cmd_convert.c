/*
 * cmd_convert: RIPE Atlas JSON lines in, any result format out. A bad line
 * is reported with its file and line number and skipped; the rest is
 * converted.
 */
#include "format/cmd_convert.h"
#include "format/atlas_read.h"
#include "format/result_sink.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options of one run. */
struct convert_opts {
	enum result_format fmt;
	const char *out;
};

static void convert_usage(FILE *f)
{
	fprintf(f, "usage: vantage convert [-O warts|text|json] [-o FILE] [FILE...]\n"
		   "  reads RIPE Atlas ping/traceroute results, one JSON object a line\n"
		   "  (stdin when no FILE or FILE is -), and writes them in the format\n"
		   "  -O json|warts|text  output format (default warts)\n"
		   "  -o FILE             write to FILE (default stdout)\n");
}

/* Convert one line; returns 0, or -1 after printing why (name:lineno: ...). */
static int convert_line(struct result_sink *s, const char *line, const char *name,
			unsigned long lineno)
{
	char err[256] = "";
	json_error_t jerr;
	json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	struct atlas_any any = { 0 };
	int rc = -1;
	if (o == NULL)
		snprintf(err, sizeof err, "not JSON: %s", jerr.text);
	else if (atlas_read(o, &any, err, sizeof err) == 0)
		rc = any.kind == ATLAS_PING ? result_sink_ping(s, any.ping, err, sizeof err)
					    : result_sink_trace(s, any.trace, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "vantage convert: %s:%lu: %s\n", name, lineno, err);
	ping_result_free(any.ping);
	trace_result_free(any.trace);
	json_decref(o);
	return rc;
}

/* Convert every line of f; returns the number of bad lines. */
static unsigned long convert_stream(struct result_sink *s, FILE *f, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, bad = 0;
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		bad += convert_line(s, line, name, lineno) != 0;
	}
	free(line);
	return bad;
}

/* Parse the options; returns the index of the first file, or -1. */
static int convert_parse(int argc, char **argv, struct convert_opts *o)
{
	char err[256];
	int c;
	o->fmt = RESULT_FORMAT_WARTS;
	o->out = NULL;
	optind = 1;
	while ((c = getopt(argc, argv, "O:o:h")) != -1) {
		if (c == 'O' && result_format_parse(optarg, &o->fmt, err, sizeof err) != 0) {
			fprintf(stderr, "vantage convert: -O: %s\n", err);
			return -1;
		}
		if (c == 'o')
			o->out = optarg;
		if (c == 'h' || c == '?') {
			convert_usage(c == 'h' ? stdout : stderr);
			return -1;
		}
	}
	return optind;
}

/* Run the inputs through the sink; returns the number of bad lines or files. */
static unsigned long convert_inputs(struct result_sink *s, int argc, char **argv, int first)
{
	unsigned long bad = 0;
	for (int i = first; i < argc || (i == first && first == argc); i++) {
		const char *name = i < argc ? argv[i] : "-";
		FILE *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
		if (in == NULL) {
			fprintf(stderr, "vantage convert: %s: %s\n", name, strerror(errno));
			bad++;
			continue;
		}
		bad += convert_stream(s, in, name);
		if (in != stdin)
			fclose(in);
	}
	return bad;
}

int cmd_convert(int argc, char **argv)
{
	struct convert_opts o;
	char err[256];
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0) {
			convert_usage(stdout);
			return 0;
		}
	int first = convert_parse(argc, argv, &o);
	if (first < 0)
		return 2;
	FILE *out = o.out ? fopen(o.out, "w") : stdout;
	if (out == NULL) {
		fprintf(stderr, "vantage convert: %s: %s\n", o.out, strerror(errno));
		return 2;
	}
	struct result_sink *s = result_sink_open(o.fmt, out, NULL, err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "vantage convert: %s\n", err);
		return 2;
	}
	unsigned long bad = convert_inputs(s, argc, argv, first);
	int rc = result_sink_close(s, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "vantage convert: %s\n", err);
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "vantage convert: %s: %s\n", o.out, strerror(errno));
		rc = -1;
	}
	return rc != 0 ? 2 : bad ? 1 : 0;
}
