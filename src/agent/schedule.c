/*
 * schedule: the agent's own schedule of measurements, so that periodic ones
 * go on while the controller is unreachable. A one-off runs once, at its
 * start time (or on arrival) plus a random spread; a periodic one runs in
 * every slot start + k * interval until its stop time, each run moved by a
 * random delay within the spread, as RIPE Atlas probes do. While measuring
 * is paused (spool full) a slot is skipped and counted, never queued up.
 * The schedule is saved in the spool directory (sched_file.c) when it
 * changes (not at every run), so an agent restarted while its controller is
 * away goes on.
 */
#include "agent/agent_int.h"
#include "agent/resolve_def.h"
#include "agent/slot.h"
#include "util/wallclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void fire(evutil_socket_t fd, short what, void *arg);

/* The entry for id, or NULL. */
static struct sched_entry *find(struct agent *a, int64_t id)
{
	struct sched_entry *e;
	LIST_FOREACH(e, &a->sched, link)
		if (e->msm_id == id)
			return e;
	return NULL;
}

/* Arm e's timer for its next slot, or mark it finished. */
static void arm(struct sched_entry *e, int64_t now)
{
	e->next = slot_next(e->base, e->interval, e->stop, e->runs, now);
	if (e->next < 0) {
		e->finished = 1;
		return;
	}
	int64_t delay_ms = (e->next - now) * 1000;
	if (e->spread > 0)
		delay_ms += random() % (e->spread * 1000);
	struct timeval tv = { delay_ms / 1000, (delay_ms % 1000) * 1000 };
	event_add(e->ev, &tv);
}

/* A slot came: run it (unless paused), then arm the next one. */
static void fire(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct sched_entry *e = arg;
	struct agent *a = e->ag;
	char err[300];
	e->runs++;
	if (a->paused[0]) {
		e->skipped++;
	} else if (e->resolve) {
		agent_resolve_run(a, e->def);
	} else if (a->rops->submit(a->runner, e->def, agent_result, a, err, sizeof err) < 0) {
		agent_log(a, "measurement %lld: %s", (long long)e->msm_id, err);
		struct msg r = { .type = MSG_REFUSE, .msm_id = e->msm_id, .reason = err };
		link_send(a, &r);
	}
	/* A timer may fire a moment before the wall clock reaches its slot. */
	int64_t now = wallclock_now();
	arm(e, now > e->next ? now : e->next);
	/* Saved when what a restart needs changes: a one-off ran (it must not run
	 * again), a periodic one ran for the first time (slot_next then skips
	 * the slot it ran in). Later runs change only the count: not saved. */
	if (e->runs == 1 || e->finished)
		sched_save(a);
}

/* Free one entry. */
static void drop(struct sched_entry *e)
{
	LIST_REMOVE(e, link);
	event_free(e->ev);
	json_decref(e->def);
	free(e);
}

/* Refuse m to the controller with reason (and log it). */
static void refuse(struct agent *a, const struct msg *m, const char *reason)
{
	agent_log(a, "refusing measurement %lld: %s", (long long)m->msm_id, reason);
	struct msg r = { .type = MSG_REFUSE, .msm_id = m->msm_id, .reason = reason };
	link_send(a, &r);
}

/* See agent_int.h. */
void sched_put(struct agent *a, const struct msg *m)
{
	char reason[200];
	struct sched_entry *e = find(a, m->msm_id);
	if (e && json_equal(e->def, m->body) && e->interval == m->interval &&
	    e->start == m->start && e->stop == m->stop)
		return;   /* sent again on reconnect: keep its timer and its runs */
	if (e)
		drop(e);
	/* A target the agent resolves is checked at each run, once it is an address. */
	char name[RESOLVE_NAME_MAX];
	int af, resolve = resolve_def_parse(m->body, name, &af, reason, sizeof reason);
	if (resolve < 0 || (resolve == 0 && gate_check(&a->gate, m->body, reason,
						       sizeof reason) < 0)) {
		refuse(a, m, reason);
		return;
	}
	struct sched_entry t = {
		.msm_id = m->msm_id, .def = m->body, .start = m->start, .stop = m->stop,
		.interval = m->interval, .spread = m->spread,
		.base = m->start ? m->start : wallclock_now(),
	};
	sched_add(a, &t);
	sched_save(a);
}

/* See agent_int.h. */
void sched_add(struct agent *a, const struct sched_entry *t)
{
	struct sched_entry *e = calloc(1, sizeof *e);
	if (!e)
		return;
	*e = *t;
	e->ag = a;
	e->def = json_deep_copy(t->def);
	char name[RESOLVE_NAME_MAX], err[200];
	int af;
	e->resolve = resolve_def_parse(e->def, name, &af, err, sizeof err) == 1;
	e->ev = event_new(a->base, -1, 0, fire, e);
	LIST_INSERT_HEAD(&a->sched, e, link);
	arm(e, wallclock_now());
}

/* See agent_int.h. */
void sched_stop(struct agent *a, int64_t id)
{
	struct sched_entry *e = find(a, id);
	if (e) {
		agent_log(a, "measurement %lld stopped after %llu runs", (long long)id,
			  (unsigned long long)e->runs);
		drop(e);
		sched_save(a);
	}
}

/* True if the JSON array ids holds the integer id. */
static int listed(const json_t *ids, int64_t id)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
		if (json_is_integer(v) && json_integer_value(v) == id)
			return 1;
	return 0;
}

/* See agent_int.h. */
void sched_reconcile(struct agent *a, const json_t *set)
{
	const json_t *ids = json_object_get(set, "msm_ids");
	if (!json_is_array(ids)) {
		agent_log(a, "measurement set from the controller ignored: no 'msm_ids' array");
		return;
	}
	int changed = 0;
	struct sched_entry *e, *next;
	for (e = LIST_FIRST(&a->sched); e; e = next) {
		next = LIST_NEXT(e, link);
		if (listed(ids, e->msm_id))
			continue;
		agent_log(a, "measurement %lld dropped after %llu runs: the controller no longer"
			  " runs it", (long long)e->msm_id, (unsigned long long)e->runs);
		drop(e);
		changed = 1;
	}
	if (changed)
		sched_save(a);
}

/* See agent_int.h. */
void sched_clear(struct agent *a)
{
	while (!LIST_EMPTY(&a->sched))
		drop(LIST_FIRST(&a->sched));
}
