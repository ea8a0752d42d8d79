/*
 * api_static: the web dashboard's files (src/dash) on the API's address:
 * "/" sends the browser to /dashboard/, and /dashboard/NAME serves one
 * built-in file with its ETag, so a reload costs a 304. No key is needed:
 * the files hold no data; the pages fetch that from the API with the key
 * the user entered. The policy headers keep the pages to their own origin.
 */
#include "api/api_int.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <string.h>

#include "dash/dash.h"

#define PREFIX "/dashboard/"

static const char *const POLICY =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
	" connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/* Reply status with an empty body and, when given, a Location. */
static void reply_empty(struct evhttp_request *req, int status, const char *location)
{
	if (location)
		evhttp_add_header(evhttp_request_get_output_headers(req), "Location", location);
	evhttp_send_reply(req, status, NULL, NULL);
}

/* Headers every dashboard answer carries. */
static void add_policy(struct evkeyvalq *h)
{
	evhttp_add_header(h, "Content-Security-Policy", POLICY);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cache-Control", "no-cache");
}

/* Send f, or 304 when the browser already holds this version. */
static void send_file(struct evhttp_request *req, const struct dash_file *f)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	const char *held = evhttp_find_header(evhttp_request_get_input_headers(req),
					      "If-None-Match");
	add_policy(h);
	evhttp_add_header(h, "ETag", f->etag);
	if (held && strcmp(held, f->etag) == 0) {
		evhttp_send_reply(req, 304, NULL, NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", f->type);
	struct evbuffer *out = evbuffer_new();
	if (!out) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	/* the bytes live as long as the program: no copy */
	evbuffer_add_reference(out, f->data, f->len, NULL, NULL);
	evhttp_send_reply(req, 200, NULL, out);
	evbuffer_free(out);
}

/* See api_int.h. */
int api_static_request(struct api_call *c)
{
	const char *p = c->path;
	int root = strcmp(p, "/") == 0, bare = strcmp(p, "/dashboard") == 0;
	if (!root && !bare && strncmp(p, PREFIX, strlen(PREFIX)) != 0)
		return 0;
	enum evhttp_cmd_type m = evhttp_request_get_command(c->req);
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		api_error(c, 405, "Method not allowed on %.200s", p);
		return 1;
	}
	if (root || bare) {
		reply_empty(c->req, root ? 302 : 301, PREFIX);
		return 1;
	}
	const struct dash_file *f = dash_find(p + strlen(PREFIX));
	if (!f)
		api_error(c, 404, "No dashboard file at %.200s", p);
	else
		send_file(c->req, f);
	return 1;
}
