/*
 * js_link: connecting to the JetStream cluster and making sure the results
 * stream exists (see js_link.h).
 */
#include "jetstream/js_link.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <nats/adapters/libevent.h>

#include "jetstream/js_result.h"

/* See js_link.h. */
void js_link_error(natsStatus s, const char *what, char *err, size_t errlen)
{
	const char *last = nats_GetLastError(NULL);
	snprintf(err, errlen, "%s: %s%s%s", what, natsStatus_GetText(s),
		 last && *last ? ": " : "", last ? last : "");
}

/*
 * Give o the servers of the comma-separated urls (natsOptions_SetURL takes
 * only the first of such a list in libnats 3.4); NATS_OK or an error.
 */
static natsStatus servers(natsOptions *o, const char *urls)
{
	char copy[4096], *save = NULL;
	const char *list[16];
	int n = 0;
	if (strlen(urls) >= sizeof copy)
		return NATS_INVALID_ARG;
	strcpy(copy, urls);
	for (char *t = strtok_r(copy, ", ", &save); t && n < 16; t = strtok_r(NULL, ", ", &save))
		list[n++] = t;
	return n ? natsOptions_SetServers(o, list, n) : NATS_INVALID_ARG;
}

/*
 * libnats's adapter reads at most one buffer (32 KiB, some 150 publish acks)
 * each time the loop finds the socket readable, and then waits for the
 * loop's next turn. A front-end's loop also serves thousands of agents, so on
 * a loaded machine a turn takes long: in the 10,000-agent bench the acks of
 * 40,000 publishes came in so slowly that most passed their 5 s MaxWait
 * although JetStream had stored them. So a readable socket is read on while
 * it holds more, up to READS_PER_TURN buffers.
 */
#define READS_PER_TURN 64

static void read_on(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	natsConnection *nc = ((natsLibeventEvents *)arg)->nc;   /* arg may go with a reconnect */
	for (int i = 0; i < READS_PER_TURN; i++) {
		int avail = 0;
		natsConnection_ProcessReadEvent(nc);
		if (natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED ||
		    ioctl(fd, FIONREAD, &avail) < 0 || avail <= 0)
			break;
	}
}

/* natsLibevent_Attach, with read_on on the read event (it is made again at each reconnect). */
static natsStatus attach(void **user, void *loop, natsConnection *nc, natsSock sock)
{
	natsStatus s = natsLibevent_Attach(user, loop, nc, sock);
	natsLibeventEvents *nle = *user;
	if (s != NATS_OK || !nle || !nle->read)
		return s;
	event_del(nle->read);
	if (event_assign(nle->read, nle->loop, sock, EV_READ | EV_PERSIST, read_on, nle) < 0 ||
	    event_add(nle->read, NULL) < 0)
		return NATS_ERR;
	return NATS_OK;
}

/* Options for urls, on base's loop if base; NULL with err. */
static natsOptions *options(const char *urls, struct event_base *base, char *err, size_t errlen)
{
	natsOptions *o = NULL;
	natsStatus s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = servers(o, urls);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 250);
	if (s == NATS_OK && base)
		s = natsOptions_SetEventLoop(o, base, attach, natsLibevent_Read,
					     natsLibevent_Write, natsLibevent_Detach);
	if (s != NATS_OK) {
		js_link_error(s, "NATS options", err, errlen);
		natsOptions_Destroy(o);
		return NULL;
	}
	return o;
}

/* See js_link.h. */
int js_link_open(struct js_link *l, const char *urls, struct event_base *base, jsOptions *jo,
		 char *err, size_t errlen)
{
	natsOptions *o = options(urls, base, err, errlen);
	if (!o)
		return -1;
	natsStatus s = natsConnection_Connect(&l->nc, o);
	natsOptions_Destroy(o);
	if (s != NATS_OK) {
		js_link_error(s, urls, err, errlen);
		return -1;
	}
	l->on_loop = base != NULL;
	s = natsConnection_JetStream(&l->js, l->nc, jo);
	if (s != NATS_OK) {
		js_link_error(s, "JetStream context", err, errlen);
		js_link_close(l);
		return -1;
	}
	return 0;
}

/* See js_link.h. */
int js_link_stream(struct js_link *l, int replicas, char *err, size_t errlen)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s = js_GetStreamInfo(&si, l->js, JS_STREAM_NAME, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		return 0;
	}
	if (jerr != JSStreamNotFoundErr && s != NATS_NOT_FOUND) {
		js_link_error(s, "stream " JS_STREAM_NAME, err, errlen);
		return -1;
	}
	jsStreamConfig sc;
	jsStreamConfig_Init(&sc);
	const char *subjects[] = { JS_SUBJECTS };
	sc.Name = JS_STREAM_NAME;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Retention = js_WorkQueuePolicy;   /* a message goes once it is acked (stored) */
	sc.Replicas = replicas;
	sc.Duplicates = (int64_t)600 * 1000000000;   /* nanoseconds */
	s = js_AddStream(&si, l->js, &sc, NULL, &jerr);
	if (s != NATS_OK) {
		js_link_error(s, "adding stream " JS_STREAM_NAME, err, errlen);
		return -1;
	}
	jsStreamInfo_Destroy(si);
	return 0;
}

/* A flush on a thread of its own (it blocks until the PONG or its time is up). */
struct flush_job {
	natsConnection *nc;
	int timeout_ms;
	natsStatus s;
	atomic_int done;
};

static void *flush_thread(void *arg)
{
	struct flush_job *f = arg;
	f->s = natsConnection_FlushTimeout(f->nc, f->timeout_ms);
	atomic_store(&f->done, 1);
	return NULL;
}

/* See js_link.h. */
natsStatus js_link_flush(struct js_link *l, int timeout_ms)
{
	if (!l->nc)
		return NATS_CONNECTION_CLOSED;
	if (!l->on_loop)
		return natsConnection_FlushTimeout(l->nc, timeout_ms);
	struct flush_job f = { .nc = l->nc, .timeout_ms = timeout_ms, .s = NATS_TIMEOUT };
	pthread_t t;
	if (pthread_create(&t, NULL, flush_thread, &f) != 0)
		return NATS_SYS_ERROR;
	/* What the loop's events would do, until the flush has its PONG or gives up;
	   the flush's own time limit ends this. */
	while (!atomic_load(&f.done)) {
		if (natsConnection_Buffered(l->nc) > 0)
			natsConnection_ProcessWriteEvent(l->nc);
		natsConnection_ProcessReadEvent(l->nc);
		nats_Sleep(1);
	}
	pthread_join(t, NULL);
	return f.s;
}

/* See js_link.h. */
void js_link_close(struct js_link *l)
{
	if (l->js)
		jsCtx_Destroy(l->js);
	if (l->nc) {
		natsConnection_Close(l->nc);
		natsConnection_Destroy(l->nc);
	}
	l->js = NULL;
	l->nc = NULL;
	l->on_loop = 0;
}
