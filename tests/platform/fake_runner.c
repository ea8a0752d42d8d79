/*
 * fake_runner: a test-only measurement runner for the agent's plumbing (never
 * linked into the shipped vantage-agent). Each submitted definition finishes
 * after "fake_ms" milliseconds (default 20) with a RIPE Atlas-shaped result
 * that says it is synthetic; "fake_pad" adds that many bytes of padding so
 * tests can fill a spool quickly, "fake_size" pads the result to exactly that
 * many bytes (as the agent encodes it). Every result carries "fake_pid" and
 * "fake_n" (the process and its result counter from 1), so a test can tell
 * results of different agent processes apart and find a missing one. It
 * sends no packets.
 */
#include <event2/event.h>
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "util/wallclock.h"

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
	json_int_t made;          /* results made so far */
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

/* Add a "pad" of n bytes of 'x' to r. */
static void pad_by(json_t *r, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return;
	memset(p, 'x', n);
	p[n] = 0;
	json_object_set_new(r, "pad", json_string(p));
	free(p);
}

/* Pad r so that its compact encoding is size bytes (if it is shorter). */
static void pad_to(json_t *r, size_t size)
{
	char *text = json_dumps(r, JSON_COMPACT);
	size_t len = text ? strlen(text) + strlen(",\"pad\":\"\"") : size;
	free(text);
	if (len < size)
		pad_by(r, size - len);
}

/* Build the synthetic result of def, the made-th of this process. */
static json_t *result_of(const json_t *def, json_int_t made)
{
	/* The shape of a RIPE Atlas ping result, so encoders can read it. */
	json_t *r = json_pack("{s:i,s:O,s:i,s:O,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:f,s:f,s:f,"
			      "s:[{s:f}],s:I,s:s}", "fw", 0, "type", json_object_get(def, "type"),
			      "af", 4, "dst_addr", json_object_get(def, "target"), "src_addr",
			      "198.18.250.2", "from", "198.18.250.2", "proto", "ICMP", "size", 48,
			      "ttl", 64, "sent", 1, "rcvd", 1, "min", 1.0, "avg", 1.0, "max", 1.0,
			      "result", "rtt", 1.0, "timestamp", (json_int_t)wallclock_now(),
			      "note", "synthetic result of the test runner");
	if (!r)
		return NULL;
	json_object_set_new(r, "fake_pid", json_integer(getpid()));
	/* as the engine does: the host name the agent resolved the target from */
	json_object_set(r, "dst_name", json_object_get(def, "dst_name") ?
			json_object_get(def, "dst_name") : json_object_get(def, "target"));
	json_object_set_new(r, "fake_n", json_integer(made));
	json_object_set_new(r, "msm_id", json_integer(json_integer_value(json_object_get(def,
										  "msm_id"))));
	json_int_t pad = json_integer_value(json_object_get(def, "fake_pad"));
	json_int_t size = json_integer_value(json_object_get(def, "fake_size"));
	if (pad > 0 && pad < 1000000)
		pad_by(r, (size_t)pad);
	if (size > 0 && size < 8000000)
		pad_to(r, (size_t)size);
	return r;
}

/* The run's time is up: report its result. */
static void done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct fake_run *run = arg;
	json_t *r = result_of(run->def, ++run->f->made);
	uint64_t id = (uint64_t)json_integer_value(json_object_get(run->def, "msm_id"));
	agent_result_fn cb = run->cb;
	void *cbarg = run->arg;
	run_free(run);
	char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
	json_decref(r);
	if (text)
		cb(text, strlen(text), id, cbarg);
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
	"test", fake_create, fake_submit, fake_pending, fake_destroy, NULL, NULL,
};

int main(int argc, char **argv)
{
	return agent_program(argc, argv, &fake_ops);
}
