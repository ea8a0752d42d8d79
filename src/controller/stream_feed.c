/*
 * stream_feed: what the controller tells the live stream (src/stream) when
 * its API runs: each result as soon as its commit made it durable (stored
 * now, not a duplicate, so each is published exactly once), and each
 * agent's connect and disconnect as atlas_probestatus. Work is done only
 * when someone subscribed: a result is turned into its API object only if
 * some client streams its measurement.
 *
 * A front-end of a scaled-out platform (`ingest nats://...`) commits no
 * results (the store writers do, and publish them); it publishes its
 * agents' connects and disconnects to NATS, and its API's hub is fed from
 * there like every other process's (src/jetstream/js_live.h).
 */
#include "controller/controller_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "jetstream/js_live.h"
#include "stream/stream.h"
#include "stream/stream_result.h"

/* The hub, or NULL when the controller runs no API. */
static struct stream_hub *hub_of(struct controller *c)
{
	return c->api ? api_stream_hub(c->api) : NULL;
}

/* Publish one stored result r. */
static void publish_result(struct stream_hub *h, const struct store_result *r)
{
	json_t *o = stream_result_object(r->body, r->len, r->agent_id, r->msm_id);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text) {
		struct stream_event ev = { .kind = STREAM_RESULT, .msm = r->msm_id,
					   .prb = r->agent_id,
					   .type = json_string_value(json_object_get(o, "type")),
					   .payload = text, .len = strlen(text) };
		stream_publish(h, &ev);
	}
	free(text);
	json_decref(o);
}

/* See controller_int.h. */
void stream_feed_results(struct controller *c)
{
	struct stream_hub *h = hub_of(c);
	for (size_t i = 0; h && i < c->nbatch; i++)
		if (c->batch[i].outcome == STORE_NEW && !c->batch[i].refused &&
		    stream_hub_wants(h, STREAM_RESULT, c->batch[i].msm_id))
			publish_result(h, &c->batch[i]);
}

/* See controller_int.h. */
void stream_feed_probe(struct controller *c, const struct session *s, int connected)
{
	struct stream_hub *h = hub_of(c);
	if (!c->live && (!h || !stream_hub_wants(h, STREAM_PROBESTATUS, 0)))
		return;
	json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:s}", "prb_id", (json_int_t)s->agent.id,
			      "event", connected ? "connect" : "disconnect",
			      "timestamp", (json_int_t)time(NULL), "address", s->host,
			      "controller", c->opts.listen_addr ? c->opts.listen_addr : "");
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text) {
		struct stream_event ev = { .kind = STREAM_PROBESTATUS, .prb = s->agent.id,
					   .payload = text, .len = strlen(text) };
		if (c->live)
			js_live_publish(c->live, &ev);   /* reaches h through NATS */
		else
			stream_publish(h, &ev);
	}
	free(text);
	json_decref(o);
}

/* See controller_int.h. */
int stream_feed_start(struct controller *c, char *err, size_t errlen)
{
	if (!c->opts.ingest)
		return 0;
	c->live = js_live_open(c->base, c->opts.ingest, hub_of(c), "vantage-controller", err,
			       errlen);
	if (!c->live)
		return -1;
	if (c->api)
		api_stream_set_live(c->api, c->live);
	ctl_log(c, "live stream through %s", c->opts.ingest);
	return 0;
}

/* See controller_int.h. */
void stream_feed_end(struct controller *c)
{
	if (c->api)
		api_stream_set_live(c->api, NULL);
	js_live_close(c->live);
	c->live = NULL;
}
