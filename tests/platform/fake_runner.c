/*
 * fake_runner: a test-only measurement runner for the agent's plumbing (never
 * linked into the shipped vantage-agent). Each submitted definition finishes
 * after "fake_ms" milliseconds (default 20) with a RIPE Atlas-shaped result
 * that says it is synthetic; "fake_pad" adds that many bytes of padding so
 * tests can fill a spool quickly. It sends no packets.
 */
#include <event2/event.h>
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent.h"

struct fake_run {
	LIST_ENTRY(fake_run) link;
	struct fake *f;
	json_t *def;
	agent_result_fn cb;
	void *arg;
	struct event *ev;
};

struct fake {
	struct event_base *base;
	size_t pending;
	LIST_HEAD(, fake_run) runs;
};

/* Forget and free one run. */
static void run_free(struct fake_run *run)
{
	run->f->pending--;
	LIST_REMOVE(run, link);
	event_free(run->ev);
	json_decref(run->def);
	free(run);
}

/* Build the synthetic result of def. */
static json_t *result_of(const json_t *def)
{
	/* The shape of a RIPE Atlas ping result, so encoders can read it. */
	json_t *r = json_pack("{s:i,s:O,s:i,s:O,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:f,s:f,s:f,"
			      "s:[{s:f}],s:I,s:s}", "fw", 0, "type", json_object_get(def, "type"),
			      "af", 4, "dst_addr", json_object_get(def, "target"), "src_addr",
			      "198.18.250.2", "from", "198.18.250.2", "proto", "ICMP", "size", 48,
			      "ttl", 64, "sent", 1, "rcvd", 1, "min", 1.0, "avg", 1.0, "max", 1.0,
			      "result", "rtt", 1.0, "timestamp", (json_int_t)time(NULL),
			      "note", "synthetic result of the test runner");
	json_int_t pad = json_integer_value(json_object_get(def, "fake_pad"));
	if (r && pad > 0 && pad < 1000000) {
		char *p = malloc((size_t)pad + 1);
		memset(p, 'x', (size_t)pad);
		p[pad] = 0;
		json_object_set_new(r, "pad", json_string(p));
		free(p);
	}
	return r;
}

/* The run's time is up: report its result. */
static void done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct fake_run *run = arg;
	json_t *r = result_of(run->def);
	uint64_t id = (uint64_t)json_integer_value(json_object_get(run->def, "msm_id"));
	agent_result_fn cb = run->cb;
	void *cbarg = run->arg;
	run_free(run);
	if (r)
		cb(r, id, cbarg);
}

static void *fake_create(struct event_base *base, const struct agent_config *cfg,
			 char *err, size_t errlen)
{
	(void)cfg;
	(void)err;
	(void)errlen;
	struct fake *f = calloc(1, sizeof *f);
	if (f) {
		f->base = base;
		LIST_INIT(&f->runs);
	}
	return f;
}

static int fake_submit(void *r, const json_t *def, agent_result_fn cb, void *arg,
		       char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct fake *f = r;
	struct fake_run *run = calloc(1, sizeof *run);
	json_int_t ms = json_integer_value(json_object_get(def, "fake_ms"));
	if (ms <= 0 || ms > 600000)
		ms = 20;
	run->f = f;
	run->def = json_deep_copy(def);
	run->cb = cb;
	run->arg = arg;
	run->ev = event_new(f->base, -1, 0, done, run);
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_add(run->ev, &tv);
	f->pending++;
	LIST_INSERT_HEAD(&f->runs, run, link);
	return 0;
}

static size_t fake_pending(void *r)
{
	return ((struct fake *)r)->pending;
}

/* Drop unfinished runs and free the runner. */
static void fake_destroy(void *r)
{
	struct fake *f = r;
	while (!LIST_EMPTY(&f->runs))
		run_free(LIST_FIRST(&f->runs));
	free(f);
}

static const struct agent_runner_ops fake_ops = {
	"test", fake_create, fake_submit, fake_pending, fake_destroy, NULL,
};

int main(int argc, char **argv)
{
	return agent_program(argc, argv, &fake_ops);
}
