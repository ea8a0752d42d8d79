/*
 * api_msm_tags: RIPE Atlas's measurement tags as cousteau's
 * MeasurementTagger sends them: POST /measurements/{id}/tags/ with
 * {"tag": "..."} adds one, DELETE /measurements/{id}/tags/{tag}/ takes it
 * away. Only the key that made the measurement tags it; the tags come back
 * in the measurement object and the tags= filter of /measurements/ sees
 * them (store_msm_tags.h).
 */
#include "api/api_int.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "store/store_msm_tags.h"

#define TAG_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

/* True if tag is 1..64 letters, digits, '-', '_' or '.' (as definitions' tags). */
static int tag_ok(const char *tag)
{
	size_t n = strlen(tag);
	return n > 0 && n <= 64 && strspn(tag, TAG_CHARS) == n;
}

/* The tag of a POST body {"tag": "..."} into out; 0, or -1 after replying. */
static int body_tag(struct api_call *c, char *out, size_t len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(c->req);
	size_t n = evbuffer_get_length(in);
	char body[512];
	json_error_t jerr;
	if (n >= sizeof body) {
		api_error(c, 400, "tag: the body is {\"tag\": \"...\"} of at most 64 characters");
		return -1;
	}
	evbuffer_copyout(in, body, n);
	json_t *o = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
	const char *tag = json_string_value(json_object_get(o, "tag"));
	int rc = json_is_object(o) && json_object_size(o) == 1 && tag && tag_ok(tag) ? 0 : -1;
	if (rc == 0)
		snprintf(out, len, "%s", tag);
	else
		api_error(c, 400, "tag: the body is {\"tag\": \"...\"}, 1 to 64 letters, digits,"
			  " '-', '_' or '.'");
	json_decref(o);
	return rc;
}

/* Add or remove tag on c's measurement if c's key owns it; 0, or -1 after replying. */
static int set_tag(struct api_call *c, const char *tag, int remove)
{
	json_t *row;
	char err[256];
	if (!api_msm_owned(c, &row))
		return -1;
	json_decref(row);
	if (!c->api->store->ops->msm_tags) {
		api_error(c, 501, "This platform's store keeps no measurement tags");
		return -1;
	}
	api_commit_pending(c->api);
	if (c->api->store->ops->msm_tags->set(c->api->store, c->route.id, tag, remove, err,
					      sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	return 0;
}

/* See api_int.h: POST /measurements/{id}/tags/. */
void api_msm_tag_add(struct api_call *c)
{
	char tag[72];
	if (body_tag(c, tag, sizeof tag) == 0 && set_tag(c, tag, 0) == 0)
		api_reply_json(c, 201, json_pack("{s:s}", "tag", tag));
}

/* See api_int.h: DELETE /measurements/{id}/tags/{tag}/. */
void api_msm_tag_remove(struct api_call *c)
{
	if (!tag_ok(c->route.tag))
		return api_error(c, 400, "tag: '%.64s' is not a tag", c->route.tag);
	if (set_tag(c, c->route.tag, 1) == 0)
		evhttp_send_reply(c->req, 204, "No Content", NULL);
}
