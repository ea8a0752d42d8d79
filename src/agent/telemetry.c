/*
 * telemetry: the worker thread that samples timing quality for the agent
 * (see telemetry.h). The thread owns no libevent or jansson object shared
 * with the loop: it hands over plain text under a mutex.
 */
#include "agent/telemetry.h"

#include "host/timing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Measure once; returns the report as JSON text with its flags (caller frees), or NULL. */
static char *sample_text(const struct timing_limits *lim, unsigned *flags)
{
	struct timing_report r;
	char err[160];
	if (timing_sample(NULL, &r, err, sizeof err) < 0)
		return NULL;
	json_t *j = timing_report_json(&r);
	if (!j)
		return NULL;
	*flags = timing_flags_eval(j, lim);
	json_object_set_new(j, "flags", timing_flags_json(*flags));
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return text;
}

/* Keep text as the newest report (takes it); a NULL text counts an error. */
static void publish(struct telemetry *t, char *text, unsigned flags)
{
	pthread_mutex_lock(&t->mu);
	if (text) {
		free(t->latest);
		t->latest = text;
		t->flags = flags;
		t->gen++;
	} else {
		t->errors++;
	}
	pthread_mutex_unlock(&t->mu);
}

/* The thread: sample, then wait interval seconds or until asked to stop. */
static void *worker(void *arg)
{
	struct telemetry *t = arg;
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		pthread_mutex_unlock(&t->mu);
		unsigned flags = 0;
		char *text = sample_text(&t->lim, &flags);
		publish(t, text, flags);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += t->interval;
		pthread_mutex_lock(&t->mu);
		while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

/* See telemetry.h. */
int telemetry_start(struct telemetry *t, int interval, const struct timing_limits *lim,
		    char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->interval = interval;
	t->lim = *lim;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&t->thread, NULL, worker, t);
	if (rc != 0) {
		snprintf(err, errlen, "timing telemetry thread: %s", strerror(rc));
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		return -1;
	}
	t->running = 1;
	return 0;
}

/* See telemetry.h. */
void telemetry_stop(struct telemetry *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t->latest);
	t->latest = NULL;
	t->running = 0;
}

/* See telemetry.h. */
json_t *telemetry_take(struct telemetry *t, uint64_t *gen)
{
	if (!t->running)
		return NULL;
	json_t *j = NULL;
	pthread_mutex_lock(&t->mu);
	if (t->latest && t->gen != *gen) {
		j = json_loads(t->latest, 0, NULL);
		*gen = t->gen;
	}
	pthread_mutex_unlock(&t->mu);
	return j;
}

/* See telemetry.h. */
unsigned telemetry_flags(struct telemetry *t)
{
	if (!t->running)
		return 0;
	pthread_mutex_lock(&t->mu);
	unsigned f = t->flags;
	pthread_mutex_unlock(&t->mu);
	return f;
}
