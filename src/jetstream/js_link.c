/*
 * js_link: connecting to the JetStream cluster and making sure the results
 * stream exists (see js_link.h).
 */
#include "jetstream/js_link.h"

#include <stdio.h>
#include <string.h>

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
		s = natsOptions_SetEventLoop(o, base, natsLibevent_Attach, natsLibevent_Read,
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
}
