/*
 * msm_runner: measurements from RIPE Atlas definitions on one engine, for
 * the agent (see msm_runner.h). Each submitted definition becomes a job:
 * its type (found by name in the registry) parses the definition, starts on
 * the engine, and when done its result is encoded as a RIPE Atlas object
 * and handed to the caller's callback.
 */
#include "msm/msm_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/dlist.h"
#include "engine/engine.h"
#include "engine/rawsock.h"
#include "format/atlas_json.h"
#include "msm/msm_json.h"
#include "msm/msm_type.h"
#include "policy/aup.h"

struct msm_runner {
	struct engine *e;
	struct msm_runner_opts opts;
	struct dlink jobs;
	size_t pending;
	uint16_t next_id;
	int src_fd4, src_fd6;     /* kept UDP sockets asking the kernel's source address */
};

struct job {
	struct dlink link;
	struct msm_runner *r;
	const struct msm_type *type;
	void *task;
	uint64_t msm_id;
	msm_runner_cb cb;
	void *arg;
	char target[64];
	char name[256];           /* dst_name: the host name target was resolved from */
	uint8_t spec[256];
};

/* The engine's policy hook: the site AUP says yes or no to each probe. */
static bool aup_hook(void *ctx, const char *method, const struct net_addr *dst,
		     uint64_t now_ns)
{
	const struct msm_runner *r = ctx;
	char reason[AUP_REASON_MAX];
	(void)now_ns;
	return aup_check(r->opts.aup, method, dst, r->opts.pps, reason, sizeof reason) ==
	       AUP_ALLOW;
}

/* Create a runner. */
struct msm_runner *msm_runner_new(struct event_base *base,
				  const struct msm_runner_opts *opts,
				  char *err, size_t errlen)
{
	struct msm_runner *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->opts = *opts;
	r->src_fd4 = r->src_fd6 = -1;
	/* the site's pps ceiling caps the budget (0 = unlimited would exceed it) */
	if (opts->aup && opts->aup->pps_max &&
	    (r->opts.pps == 0 || r->opts.pps > opts->aup->pps_max))
		r->opts.pps = opts->aup->pps_max;
	dl_init(&r->jobs);
	/*
	 * Hosted agents send through the IP layer only: the packet path would
	 * skip the host's own firewall (netfilter OUTPUT), which a site may rely
	 * on, and an agent's budget is far below where that path pays.
	 */
	struct engine_opts eo = { .pps = r->opts.pps, .send_path = ENG_PATH_RAW };
	if (opts->aup) {
		eo.policy = aup_hook;
		eo.policy_ctx = r;
	}
	r->e = engine_new(base, &eo, err, errlen);
	if (r->e == NULL || engine_prepare(r->e, AF_INET, 0, err, errlen) != 0) {
		msm_runner_free(r);
		return NULL;
	}
	return r;
}

/* A job finished: encode, free, tell the caller (the text is handed over). */
static void job_done(void *result, void *arg)
{
	struct job *j = arg;
	struct atlas_meta m = { .msm_id = j->msm_id, .prb_id = j->r->opts.prb_id, .lts = -1 };
	struct wbuf b;
	wbuf_init(&b);
	bool encoded = j->type->atlas_line(&b, result, &m) == 0;
	if (encoded)
		wbuf_u8(&b, 0);
	if (!encoded || !wbuf_ok(&b))
		wbuf_free(&b);        /* out of memory: the result is lost (as before) */
	j->type->result_free(result);
	dl_del(&j->link);
	j->r->pending--;
	msm_runner_cb cb = j->cb;
	void *cbarg = j->arg;
	uint64_t id = j->msm_id;
	free(j);
	if (b.p != NULL)
		cb((char *)b.p, b.len - 1, id, cbarg);
}

/* Our source address towards dst: the configured one or the kernel's, asked
   on a kept socket (connect and getsockname: the kernel's route lookup of
   now, as a new socket's; no socket and close per measurement). */
static int source_for(struct msm_runner *r, const struct net_addr *dst,
		      struct net_addr *src, char *err, size_t errlen)
{
	const char *fixed = dst->family == AF_INET ? r->opts.src4 : r->opts.src6;
	if (fixed)
		return net_addr_parse(fixed, src, err, errlen) ? 0 : -1;
	return rawsock_source_with(&r->src_fd4, &r->src_fd6, dst, src, err, errlen) == 0 ? 0 : -1;
}

/* Read type, target, af and id of a definition into j and t. */
static int read_def(struct msm_runner *r, const json_t *def, struct job *j,
		    struct msm_target *t, char *err, size_t errlen)
{
	const char *type, *target, *name = NULL;
	long long id = 0;
	int af;
	if (!json_is_object(def)) {
		snprintf(err, errlen, "definition: not a JSON object");
		return -1;
	}
	if (msm_json_str(def, "type", &type, err, errlen) ||
	    msm_json_str(def, "target", &target, err, errlen) ||
	    msm_json_str(def, "dst_name", &name, err, errlen) ||
	    msm_json_int(def, "msm_id", 0, INT64_MAX, &id, err, errlen))
		return -1;
	if (name && (!name[0] || strlen(name) >= sizeof j->name)) {
		snprintf(err, errlen, "dst_name: must be 1 to %zu characters", sizeof j->name - 1);
		return -1;
	}
	j->type = type ? msm_type_find(type) : NULL;
	if (j->type == NULL || j->type->spec_size > sizeof j->spec) {
		snprintf(err, errlen, "type: '%s' is not a measurement type here",
			 type ? type : "(none)");
		return -1;
	}
	if (target == NULL || !net_addr_parse(target, &t->dst, err, errlen)) {
		snprintf(err, errlen, "target: '%s' is not an IPv4 or IPv6 address",
			 target ? target : "(none)");
		return -1;
	}
	if (j->type->spec_from_atlas(def, j->spec, &af, err, errlen) != 0)
		return -1;
	if ((af == 4) != (t->dst.family == AF_INET)) {
		snprintf(err, errlen, "af: %d does not match target '%s'", af, target);
		return -1;
	}
	snprintf(j->target, sizeof j->target, "%s", target);
	snprintf(j->name, sizeof j->name, "%s", name ? name : target);
	j->msm_id = (uint64_t)id;
	t->name = j->name;
	(void)r;
	return 0;
}

/* Submit one definition. */
int msm_runner_submit(struct msm_runner *r, const json_t *definition,
		      msm_runner_cb cb, void *arg, char *err, size_t errlen)
{
	return msm_runner_submit_paced(r, definition, 0, cb, arg, err, errlen);
}

/* Submit one definition whose probes share the rate class of pps. */
int msm_runner_submit_paced(struct msm_runner *r, const json_t *definition, uint32_t pps,
			    msm_runner_cb cb, void *arg, char *err, size_t errlen)
{
	struct job *j = calloc(1, sizeof *j);
	struct msm_target t;
	memset(&t, 0, sizeof t);
	if (j == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->r = r;
	j->cb = cb;
	j->arg = arg;
	if (read_def(r, definition, j, &t, err, errlen) != 0 ||
	    source_for(r, &t.dst, &t.src, err, errlen) != 0 ||
	    engine_prepare(r->e, t.dst.family, j->type->proto(j->spec, t.dst.family),
			   err, errlen) != 0) {
		free(j);
		return -1;
	}
	r->next_id = (uint16_t)((r->next_id + 1) & 0x7fff);
	t.id = r->next_id ? r->next_id : (r->next_id = 1);
	t.user_id = (uint32_t)j->msm_id;
	bool classed = engine_rate_needed(r->e, pps);
	t.rate = classed ? engine_rate_get(r->e, pps) : NULL;
	if (classed && !t.rate) {
		snprintf(err, errlen, "out of memory");
		free(j);
		return -1;
	}
	j->task = j->type->start(r->e, j->spec, &t, job_done, j, err, errlen);
	if (j->task == NULL) {
		free(j);
		return -1;
	}
	dl_push(&r->jobs, &j->link);
	r->pending++;
	return 0;
}

/* Measurements running. */
size_t msm_runner_pending(const struct msm_runner *r)
{
	return r->pending;
}

/* Abort everything and free. */
void msm_runner_free(struct msm_runner *r)
{
	if (r == NULL)
		return;
	while (!dl_empty(&r->jobs)) {
		struct job *j = DL_ENTRY(r->jobs.next, struct job, link);
		dl_del(&j->link);
		j->type->abort(j->task);
		free(j);
	}
	engine_free(r->e);
	if (r->src_fd4 >= 0)
		close(r->src_fd4);
	if (r->src_fd6 >= 0)
		close(r->src_fd6);
	free(r);
}
