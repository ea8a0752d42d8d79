/*
 * api_program: the REST API as a program of its own (vantage-api), for a
 * scaled-out platform: the same RIPE Atlas API as the controller's, over
 * the shared PostgreSQL store, with no agent listener. As many may run as
 * wanted. A measurement created or stopped here reaches its agents through
 * the store: every front-end looks for changes every frontend_sync_ms
 * (src/controller/frontend.c) and sends its agents their set again.
 * Whether a probe is connected is the store's answer (an open session at
 * any front-end), as it is at the front-ends, so both give the same answer.
 * The live stream (/stream/) is served when the platform's NATS is given
 * (`ingest nats://...`, as the front-ends have it): every live event comes
 * from there (src/jetstream/js_live.h): results from the store writers,
 * probe status from the front-ends, scheduled measurements from whichever
 * API created them. Without it /stream/ answers 501.
 */
#ifndef VANTAGE_API_API_PROGRAM_H
#define VANTAGE_API_API_PROGRAM_H

#include <stddef.h>

struct event_base;
struct target_policy;
struct api_program;

struct api_program_opts {
	const char *store;        /* PostgreSQL connection string */
	const char *dir;          /* its key api.key and certificate api.crt go here */
	const char *listen;       /* "ADDR:PORT" */
	const char *name;         /* the name in its certificate and links (NULL: the address) */
	const struct target_policy *targets;  /* borrowed */
	const char *resolv_conf, *hosts;
	const char *live_nats;    /* "nats://H:P,...": the live stream comes from there (NULL: none) */
	int key_max_running, key_max_probes, abandon_after, stream_buffer_kb;
};

/* Open the store and serve the API on base; NULL with a one-line reason in err. */
struct api_program *api_program_new(struct event_base *base, const struct api_program_opts *o,
				    char *err, size_t errlen);

/* Stop serving and close the store. NULL is allowed. */
void api_program_free(struct api_program *p);

#endif
