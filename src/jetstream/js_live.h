/*
 * js_live: the live stream (src/stream) of a scaled-out platform, carried
 * by core NATS between processes. A store writer publishes each result
 * once its commit stored it (new, not a duplicate: so once); a front-end
 * publishes its agents' connects and disconnects; whichever API creates a
 * measurement publishes that it was scheduled. Every process that serves
 * /stream/ (vantage-api, a front-end with an API) subscribes to all of it
 * and feeds its hub, which applies the clients' subscriptions and what
 * their keys may read, as on the single controller.
 *
 * Core NATS, not JetStream: a live feed is for whoever listens now. A
 * client that was not connected asks for sendBacklog, which is read from
 * the store, the record of what was measured; storing the feed a second
 * time in a replicated stream would double the cluster's disk writes for
 * nothing. An event is carried at most once: one published while a
 * subscriber's connection is being re-made is lost to that subscriber.
 *
 * libnats runs the connection's I/O on our libevent loop, but calls the
 * message handler on a thread of its own: the handler only queues the
 * message (bounded: past JS_LIVE_QUEUE_MAX waiting, messages are dropped
 * and counted) and activates an event, which feeds the hub on the loop.
 */
#ifndef VANTAGE_JETSTREAM_JS_LIVE_H
#define VANTAGE_JETSTREAM_JS_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#include "stream/stream.h"

#define JS_LIVE_QUEUE_MAX 65536

struct event_base;
struct js_live;

/* Counters of a js_live since it was opened. */
struct js_live_stats {
	uint64_t published, received, dropped, bad;
};

/*
 * Connect to urls on base's loop (made after evthread_use_pthreads()); with
 * hub, subscribe to every live event and feed hub with it (hub must outlive
 * the js_live). who names the process in log lines. NULL with err.
 */
struct js_live *js_live_open(struct event_base *base, const char *urls, struct stream_hub *hub,
			     const char *who, char *err, size_t errlen);

/* Publish ev to every subscriber (also to l's own hub, through NATS); 0 or -1. */
int js_live_publish(struct js_live *l, const struct stream_event *ev);

/* Publish ev on connection nc (a store writer's); 0 or -1. */
int js_live_send(natsConnection *nc, const struct stream_event *ev);

/* l's counters. */
struct js_live_stats js_live_stats(const struct js_live *l);

/*
 * Unsubscribe (no handler runs after this), make sure the servers have what
 * l published (5 s at most: a front-end's last disconnects), close and free.
 * Call it on the loop's thread, also after the loop ended. NULL allowed.
 */
void js_live_close(struct js_live *l);

#endif
