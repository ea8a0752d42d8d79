/*
 * api_reply: JSON replies, errors in the RIPE Atlas shape
 * {"error": {"status", "code", "title", "detail", "errors": [...]}}, and the
 * {count, next, previous, results} pages of listings.
 */
#include "api/api_int.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* See api_int.h. */
int64_t api_now(void)
{
	return (int64_t)time(NULL);
}

/* See api_int.h. */
void api_reply_json(struct api_call *c, int status, json_t *obj)
{
	struct evbuffer *out = evbuffer_new();
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	evhttp_add_header(evhttp_request_get_output_headers(c->req), "Content-Type",
			  "application/json");
	if (text)
		evbuffer_add(out, text, strlen(text));
	evhttp_send_reply(c->req, status, NULL, out);
	evbuffer_free(out);
	free(text);
}

/* The title and RIPE-style code of an HTTP error status. */
static const char *title_of(int status, int *code)
{
	static const struct { int status, code; const char *title; } t[] = {
		{ 400, 102, "Bad Request" }, { 401, 103, "Not Authenticated" },
		{ 403, 104, "Permission Denied" }, { 404, 104, "Not Found" },
		{ 405, 105, "Method Not Allowed" }, { 413, 102, "Request Entity Too Large" },
		{ 429, 106, "Too Many Requests" }, { 500, 101, "Internal Server Error" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].status == status) {
			*code = t[i].code;
			return t[i].title;
		}
	*code = 101;
	return "Error";
}

/* See api_int.h. */
void api_error(struct api_call *c, int status, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	int code;
	const char *title = title_of(status, &code);
	json_t *e = json_pack("{s:{s:i,s:i,s:s,s:s,s:[{s:s}]}}", "error", "status", status, "code",
			      code, "title", title, "detail", detail, "errors", "detail", detail);
	api_reply_json(c, status, e);
}

/* Append query without its page= parameters to b. */
static void query_without_page(struct evbuffer *b, const char *query)
{
	const char *p = query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n > 0 && !(n >= 5 && strncmp(p, "page=", 5) == 0))
			evbuffer_add_printf(b, "%.*s&", (int)n, p);
		p += n + (amp ? 1 : 0);
	}
}

/* See api_int.h. */
char *api_page_link(const char *base, const char *path, const char *query, long long page)
{
	struct evbuffer *b = evbuffer_new();
	if (!b)
		return NULL;
	evbuffer_add_printf(b, "%s%s?", base, path);
	query_without_page(b, query);
	evbuffer_add_printf(b, "page=%lld", page);
	size_t len = evbuffer_get_length(b);
	char *s = malloc(len + 1);
	if (s) {
		evbuffer_remove(b, s, len);
		s[len] = 0;
	}
	evbuffer_free(b);
	return s;
}

/* A link value: the link to page, or null. */
static json_t *link_or_null(const struct api_call *c, int want, long long page)
{
	if (!want)
		return json_null();
	char *s = api_page_link(c->api->base_url, c->path, c->query, page);
	json_t *v = s ? json_string(s) : json_null();
	free(s);
	return v;
}

/* See api_int.h. */
json_t *api_page(const struct api_call *c, json_t *rows, int64_t count)
{
	long long page = c->q.page, size = c->q.page_size;
	int more = (page - 1) * size + (long long)json_array_size(rows) < count;
	return json_pack("{s:I,s:o,s:o,s:o}", "count", (json_int_t)count,
			 "next", link_or_null(c, more, page + 1),
			 "previous", link_or_null(c, page > 1, page - 1), "results", rows);
}
