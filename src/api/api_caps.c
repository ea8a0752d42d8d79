/*
 * api_caps: what one API key may load the platform with, until the credits
 * ledger sets real numbers: at most key_max_running measurements running at
 * once (periodic ones not stopped and not past their stop time, one-offs
 * for ten minutes after their start) and at most key_max_probes probes in
 * one measurement. Checked inside the create's transaction, under the
 * store's create lock (api_msm_create.c), before anything is stored; over
 * a cap the client gets a 400 that names the cap (as RIPE Atlas answers
 * its own limits).
 */
#include "api/api_int.h"

#include "api/api_caps.h"

/* See api_caps.h. */
int api_caps_create(struct api_call *c, size_t ndefs, size_t nprobes)
{
	char err[256];
	int64_t running = 0;
	const struct api_opts *o = &c->api->opts;
	if (nprobes > (size_t)o->key_max_probes) {
		api_error(c, 400, "A measurement may have at most %d probes (this one has %zu)",
			  o->key_max_probes, nprobes);
		return -1;
	}
	if (c->api->store->ops->api->key_running(c->api->store, c->key.id, api_now(), &running,
						err, sizeof err) < 0) {
		api_error(c, 500, "%s", err);
		return -1;
	}
	if (running + (int64_t)ndefs > o->key_max_running) {
		api_error(c, 400, "This key may run at most %d measurements at once (%lld running,"
			  " %zu more asked)", o->key_max_running, (long long)running, ndefs);
		return -1;
	}
	return 0;
}

/* See api_caps.h. */
int api_caps_participants(struct api_call *c, size_t now_in, size_t added)
{
	const struct api_opts *o = &c->api->opts;
	if (now_in + added > (size_t)o->key_max_probes) {
		api_error(c, 400, "A measurement may have at most %d probes (%zu, %zu more asked)",
			  o->key_max_probes, now_in, added);
		return -1;
	}
	return 0;
}
