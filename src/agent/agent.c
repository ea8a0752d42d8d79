/*
 * agent: set up and tear down the agent, spool each finished result (or
 * hold it and pause measuring when the spool is full), and report status.
 */
#include "agent/agent_int.h"
#include "util/logline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* See agent_int.h. */
void agent_log(const struct agent *a, const char *fmt, ...)
{
	(void)a;
	va_list ap;
	va_start(ap, fmt);
	vlogline("vantage-agent", fmt, ap);
	va_end(ap);
}

/* See agent_int.h. */
int64_t agent_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Pause measuring with a reason (logged once). */
static void pause_measuring(struct agent *a, const char *why)
{
	if (a->paused[0])
		return;
	snprintf(a->paused, sizeof a->paused, "measuring paused: %s", why);
	agent_log(a, "%s", a->paused);
	agent_send_status(a);
}

/* Try to spool text; returns SPOOL_OK or the failure (logged). */
static enum spool_status spool_text(struct agent *a, const char *text)
{
	char err[300];
	uint64_t seq;
	enum spool_status st = spool_append(a->spool, text, strlen(text), &seq, err, sizeof err);
	if (st == SPOOL_ERROR)
		agent_log(a, "%s", err);
	return st;
}

/* See agent_int.h. */
void agent_hold(struct agent *a, char *text, const char *why)
{
	struct held *h = malloc(sizeof *h);
	if (!h) {
		agent_log(a, "out of memory: a result is lost");
		free(text);
	} else {
		h->text = text;
		STAILQ_INSERT_TAIL(&a->held, h, link);
		a->nheld++;
	}
	pause_measuring(a, why);
}

/*
 * A result of len bytes is over what the spool and a frame take: keep, in
 * its place, a small result that says so (its identity fields and the
 * reason), so it is never lost silently. Returns its encoding or NULL.
 */
static char *too_big(struct agent *a, const json_t *result, size_t len)
{
	static const char *const keep[] = { "msm_id", "type", "af", "dst_addr", "src_addr", "from",
					    "timestamp", "timing_flags" };
	char why[160];
	snprintf(why, sizeof why, "result of %zu bytes is over the limit of %u bytes; it was not"
		 " kept", len, SPOOL_MAX_APPEND);
	agent_log(a, "measurement %lld: %s", (long long)json_integer_value(json_object_get(result,
											  "msm_id")), why);
	json_t *stub = json_pack("{s:s}", "error", why);
	for (size_t i = 0; stub && i < sizeof keep / sizeof keep[0]; i++)
		if (json_object_get(result, keep[i]))
			json_object_set(stub, keep[i], json_object_get(result, keep[i]));
	char *text = stub ? json_dumps(stub, JSON_COMPACT) : NULL;
	json_decref(stub);
	return text;
}

/* See agent_int.h. */
char *agent_members_add(char *text, size_t *len, const char *more, size_t n)
{
	if (!text || n == 0)
		return text;
	char *t = realloc(text, *len + n + 2);
	if (!t) {
		free(text);
		return NULL;
	}
	size_t at = *len - 1;     /* the closing brace */
	if (*len > 2)             /* "{}" has no member to follow */
		t[at++] = ',';
	memcpy(t + at, more, n);
	at += n;
	t[at++] = '}';
	t[at] = 0;
	*len = at;
	return t;
}

/* text (len bytes, owned; NULL passes) with the agent's "timing_flags" added
   when the clock has trouble to report; NULL when out of memory. */
static char *add_timing_flags(struct agent *a, char *text, size_t *len)
{
	unsigned tflags = telemetry_flags(&a->tel);
	if (!tflags)
		return text;
	json_t *v = timing_flags_json(tflags);
	char *flags = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	char more[256];
	int n = flags ? snprintf(more, sizeof more, "\"timing_flags\":%s", flags) : -1;
	free(flags);
	if (n < 0 || (size_t)n >= sizeof more) {
		free(text);
		return NULL;
	}
	return agent_members_add(text, len, more, (size_t)n);
}

/* A result over the limit, parsed for too_big's stub; NULL if it cannot be. */
static char *stub_of(struct agent *a, const char *text, size_t len)
{
	json_t *o = json_loadb(text, len, 0, NULL);
	char *stub = json_is_object(o) ? too_big(a, o, len) : NULL;
	json_decref(o);
	return stub;
}

/* See agent_int.h. */
void agent_result(char *text, size_t len, uint64_t msm_id, void *arg)
{
	struct agent *a = arg;
	text = add_timing_flags(a, text, &len);
	if (text && len > SPOOL_MAX_APPEND) {
		char *stub = stub_of(a, text, len);
		free(text);
		text = stub;
	}
	if (!text) {
		agent_log(a, "measurement %llu: result cannot be encoded", (unsigned long long)msm_id);
		return;
	}
	a->results++;
	if (a->nheld)             /* after those already held, in order */
		agent_hold(a, text, "spool full");
	else
		agent_commit_add(a, text);
}

/* See agent_int.h. */
void agent_result_json(struct agent *a, json_t *result, uint64_t msm_id)
{
	if (!json_object_get(result, "msm_id"))
		json_object_set_new(result, "msm_id", json_integer((json_int_t)msm_id));
	char *text = json_dumps(result, JSON_COMPACT);
	json_decref(result);
	if (!text) {
		agent_log(a, "measurement %llu: result cannot be encoded", (unsigned long long)msm_id);
		return;
	}
	agent_result(text, strlen(text), msm_id, a);
}

/* See agent_int.h (the pause once the spool nears its limit is here). */
void agent_spooled(struct agent *a)
{
	if (spool_would_fill(a->spool, AGENT_RESERVE)) {
		char why[160];
		snprintf(why, sizeof why, "spool full (%llu of %llu bytes)",
			 (unsigned long long)spool_bytes(a->spool),
			 (unsigned long long)a->cfg.spool_max);
		pause_measuring(a, why);
	}
	link_pump(a);
}

/* See agent_int.h. */
void agent_relieve(struct agent *a)
{
	struct held *h;
	while ((h = STAILQ_FIRST(&a->held)) && spool_text(a, h->text) == SPOOL_OK) {
		STAILQ_REMOVE_HEAD(&a->held, link);
		a->nheld--;
		free(h->text);
		free(h);
	}
	if (a->paused[0] && !a->nheld && !spool_would_fill(a->spool, AGENT_RESERVE)) {
		agent_log(a, "measuring resumed (spool %llu bytes)",
			  (unsigned long long)spool_bytes(a->spool));
		a->paused[0] = 0;
		agent_send_status(a);
	}
	link_pump(a);
}

/* See agent_int.h. */
void agent_send_status(struct agent *a)
{
	double load[1] = { 0 };
	if (getloadavg(load, 1) < 1)
		load[0] = 0;
	struct msg m = {
		.type = MSG_STATUS, .version = VANTAGE_VERSION,
		.uptime = agent_mono() - a->started,
		.spool_records = (int64_t)spool_depth(a->spool),
		.spool_bytes = (int64_t)spool_bytes(a->spool),
		.load_milli = (int64_t)(load[0] * 1000), .reason = a->paused,
		.timing = telemetry_take(&a->tel, &a->tel_sent),
		.noprobe_version = a->noprobe_version, .pps_max = a->cfg.pps,
	};
	if (link_send(a, &m) < 0)
		a->tel_sent = 0;      /* send the report again on the next status */
	json_decref(m.timing);
}

/* See agent.h. */
int agent_start_telemetry(struct agent *a, char *err, size_t errlen)
{
	if (a->cfg.timing_interval == 0)
		return 0;
	return telemetry_start(&a->tel, a->cfg.timing_interval, &a->cfg.timing, err, errlen);
}

/* Every heartbeat: the link's work, and retrying held results. */
static void ticked(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct agent *a = arg;
	if (a->nheld)
		agent_relieve(a);
	link_tick(a);
}

/* Open the spool and report what recovery did. */
static int open_spool(struct agent *a, char *err, size_t errlen)
{
	struct spool_opts so = { .max_bytes = a->cfg.spool_max };
	struct spool_recovery rec;
	a->spool = spool_open(a->cfg.spool_dir, &so, &rec, err, errlen);
	if (!a->spool)
		return -1;
	if (rec.records || rec.cut_bytes || rec.lost_records)
		agent_log(a, "spool %s: %llu results to upload, %llu bytes of torn tail cut,"
			  " %llu sequence numbers missing", a->cfg.spool_dir,
			  (unsigned long long)rec.records, (unsigned long long)rec.cut_bytes,
			  (unsigned long long)rec.lost_records);
	return 0;
}

/* See agent.h. */
struct agent *agent_new(struct event_base *base, const struct agent_config *cfg,
			const struct agent_runner_ops *runner, char *err, size_t errlen)
{
	struct agent *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->cfg = *cfg;
	a->base = base;
	a->rops = runner;
	a->started = agent_mono();
	backoff_init(&a->backoff);
	LIST_INIT(&a->sched);
	STAILQ_INIT(&a->held);
	STAILQ_INIT(&a->pending);
	int created = 0;
	if (identity_load(&a->id, cfg->key_path, NULL, "vantage-agent", &created, err, errlen) < 0 ||
	    !(a->tls = identity_tls_ctx(&a->id, 0, err, errlen)) ||
	    gate_init(&a->gate, cfg, err, errlen) < 0 || agent_dns_start(a, err, errlen) < 0 ||
	    open_spool(a, err, errlen) < 0 ||
	    !(a->runner = runner->create(base, cfg, err, errlen))) {
		agent_free(a);
		return NULL;
	}
	if (created)
		printf("vantage-agent: created key %s\nfingerprint %s\n", cfg->key_path, a->id.fp);
	struct timeval tv = { cfg->heartbeat, 0 };
	a->tick = event_new(base, -1, EV_PERSIST, ticked, a);
	event_add(a->tick, &tv);
	agent_log(a, "key %s, controller %s port %d (of %d listed), spool %s", a->id.fp,
		  cfg->controller_addr, cfg->controller_port, cfg->n_controllers, cfg->spool_dir);
	sched_load(a);
	link_connect(a);
	return a;
}

/* See agent.h. */
void agent_free(struct agent *a)
{
	if (!a)
		return;
	if (a->spool)
		agent_commit(a);  /* finished results are not dropped at shutdown */
	if (a->commit)
		event_free(a->commit);
	link_close(a);
	telemetry_stop(&a->tel);
	json_decref(a->host_report);
	sched_clear(a);
	agent_dns_end(a);
	if (a->runner)
		a->rops->destroy(a->runner);
	agent_chunks_free(a);
	struct held *h;
	while ((h = STAILQ_FIRST(&a->held))) {
		STAILQ_REMOVE_HEAD(&a->held, link);
		agent_log(a, "unspooled result dropped at shutdown");
		free(h->text);
		free(h);
	}
	if (a->retry)
		event_free(a->retry);
	if (a->tick)
		event_free(a->tick);
	spool_close(a->spool);
	gate_free(&a->gate);
	ptrie_free(a->noprobe);
	SSL_CTX_free(a->tls);
	identity_free(&a->id);
	free(a);
}
