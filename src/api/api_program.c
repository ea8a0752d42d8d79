/*
 * api_program: vantage-api's core (see api_program.h): open the shared
 * store, load the platform no-probe list from it, make or load the API's
 * own TLS key, and start the API with no controller behind its hooks; with
 * the platform's NATS, subscribe its live stream there.
 */
#include "api/api_program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "jetstream/js_live.h"
#include "policy/noprobe_list.h"
#include "store/store.h"
#include "store/store_noprobe.h"

struct api_program {
	struct store *store;
	struct noprobe_list noprobe;
	struct api *api;
	struct js_live *live;
};

/* Load the platform no-probe list from the store; 0 or -1 with err. */
static int load_noprobe(struct api_program *p, char *err, size_t errlen)
{
	json_t *rows = NULL;
	int64_t version = 0;
	if (p->store->ops->noprobe->list(p->store, &rows, &version, err, errlen) < 0)
		return -1;
	int rc = noprobe_list_set(&p->noprobe, rows, version, err, errlen);
	json_decref(rows);
	return rc;
}

/* Start the API of o over p->store; 0 or -1 with err. */
static int start_api(struct api_program *p, struct event_base *base,
		     const struct api_program_opts *o, char *err, size_t errlen)
{
	char addr[64];
	int port;
	if (api_parse_listen(o->listen, addr, sizeof addr, &port, err, errlen) < 0)
		return -1;
	struct api_opts ao = { .addr = addr, .port = port,
			       .timeout = 10, .min_interval = 10, .default_rate = 600,
			       .targets = o->targets, .noprobe = &p->noprobe,
			       .resolv_conf = o->resolv_conf, .hosts = o->hosts, .name = o->name,
			       .key_max_running = o->key_max_running,
			       .key_max_probes = o->key_max_probes,
			       .abandon_after = o->abandon_after,
			       .stream_max_pending = (size_t)o->stream_buffer_kb * 1024,
			       .no_stream = !o->live_nats };
	struct api_hooks h = { .arg = p };   /* agents learn of changes through the store */
	p->api = api_new_in(base, p->store, &ao, o->dir, &h, "vantage-api", err, errlen);
	if (!p->api || !o->live_nats)
		return p->api ? 0 : -1;
	p->live = js_live_open(base, o->live_nats, api_stream_hub(p->api), "vantage-api", err,
			       errlen);
	if (!p->live)
		return -1;
	api_stream_set_live(p->api, p->live);
	printf("vantage-api: live stream from %s\n", o->live_nats);
	return 0;
}

/* See api_program.h. */
struct api_program *api_program_new(struct event_base *base, const struct api_program_opts *o,
				    char *err, size_t errlen)
{
	struct api_program *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!o->store || !store_spec_is_pg(o->store)) {
		snprintf(err, errlen, "store: vantage-api serves a PostgreSQL store shared with the"
			 " front-ends (store postgresql://...); with SQLite the controller serves"
			 " the API itself (api ADDR:PORT)");
		free(p);
		return NULL;
	}
	if (!(p->store = store_open(o->store, err, errlen)) || load_noprobe(p, err, errlen) < 0 ||
	    start_api(p, base, o, err, errlen) < 0) {
		api_program_free(p);
		return NULL;
	}
	return p;
}

/* See api_program.h. */
void api_program_free(struct api_program *p)
{
	if (!p)
		return;
	if (p->api)
		api_stream_set_live(p->api, NULL);
	js_live_close(p->live);   /* before the hub it feeds goes */
	api_free(p->api);
	noprobe_list_free(&p->noprobe);
	if (p->store)
		p->store->ops->close(p->store);
	free(p);
}
