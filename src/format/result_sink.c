/*
 * result_sink: dispatches each finished result to the encoder of the sink's
 * format and keeps the per-file state (the warts writer).
 */
#include "format/result_sink.h"
#include "format/text_result.h"
#include "format/warts_result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct result_sink {
	enum result_format fmt;
	FILE *f;
	struct atlas_meta atlas;
	struct warts_writer warts;
	struct wbuf line;        /* the JSON line being built */
};

int result_format_parse(const char *name, enum result_format *out,
			char *err, size_t errlen)
{
	static const char *const names[] = { "json", "warts", "text" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (name && strcmp(name, names[i]) == 0) {
			*out = (enum result_format)i;
			return 0;
		}
	snprintf(err, errlen, "unknown output format '%s' (use json, warts or text)",
		 name ? name : "");
	return -1;
}

/* Fill the warts list/cycle description from the sink info. */
static void result_sink_run_info(const struct result_sink_info *in,
				 struct warts_run_info *out, char *host, size_t hostlen)
{
	memset(out, 0, sizeof *out);
	out->list_id = in->list_id;
	out->list_name = in->list_name ? in->list_name : "vantage";
	out->monitor = in->monitor;
	out->cycle_id = in->cycle_id;
	out->start_time = (uint32_t)(in->start ? in->start : time(NULL));
	if (gethostname(host, hostlen) == 0) {
		host[hostlen - 1] = '\0';
		out->hostname = host;
	}
}

struct result_sink *result_sink_open(enum result_format fmt, FILE *f,
				     const struct result_sink_info *info,
				     char *err, size_t errlen)
{
	static const struct result_sink_info defaults = { .atlas = { .lts = -1 } };
	if (info == NULL)
		info = &defaults;
	struct result_sink *s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fmt = fmt;
	s->f = f;
	s->atlas = info->atlas;
	wbuf_init(&s->line);
	if (fmt == RESULT_FORMAT_WARTS) {
		struct warts_run_info wi;
		char host[256];
		result_sink_run_info(info, &wi, host, sizeof host);
		if (warts_writer_open(&s->warts, f, &wi, err, errlen) != 0) {
			free(s);
			return NULL;
		}
	}
	return s;
}

/* Write the line in s->line (built by an atlas_*_line call that returned rc). */
static int result_sink_json(struct result_sink *s, int rc, char *err, size_t errlen)
{
	if (rc != 0) {
		snprintf(err, errlen, "json: could not build a result (out of memory)");
		return -1;
	}
	wbuf_u8(&s->line, '\n');
	if (!wbuf_ok(&s->line) || fwrite(s->line.p, 1, s->line.len, s->f) != s->line.len) {
		snprintf(err, errlen, "json: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int result_sink_ping(struct result_sink *s, const struct ping_result *r,
		     char *err, size_t errlen)
{
	switch (s->fmt) {
	case RESULT_FORMAT_WARTS:
		return warts_write_ping(&s->warts, r, err, errlen);
	case RESULT_FORMAT_TEXT:
		return text_write_ping(s->f, r, err, errlen);
	default:
		wbuf_reset(&s->line);
		return result_sink_json(s, atlas_ping_line(&s->line, r, &s->atlas), err, errlen);
	}
}

int result_sink_trace(struct result_sink *s, const struct trace_result *r,
		      char *err, size_t errlen)
{
	switch (s->fmt) {
	case RESULT_FORMAT_WARTS:
		return warts_write_trace(&s->warts, r, err, errlen);
	case RESULT_FORMAT_TEXT:
		return text_write_trace(s->f, r, err, errlen);
	default:
		wbuf_reset(&s->line);
		return result_sink_json(s, atlas_trace_line(&s->line, r, &s->atlas), err, errlen);
	}
}

int result_sink_close(struct result_sink *s, char *err, size_t errlen)
{
	if (s == NULL)
		return 0;
	int rc = 0;
	if (s->fmt == RESULT_FORMAT_WARTS)
		rc = warts_writer_close(&s->warts, (uint32_t)time(NULL), err, errlen);
	if (rc == 0 && fflush(s->f) != 0) {
		snprintf(err, errlen, "write failed: %s", strerror(errno));
		rc = -1;
	}
	wbuf_free(&s->line);
	free(s);
	return rc;
}
