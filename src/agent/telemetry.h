/*
 * telemetry: the agent's timing telemetry. A worker thread measures the
 * host's timing quality (host/timing, quick depth, about 60 ms) at start and
 * then every `interval` seconds, off the event loop so probing never waits
 * for it, and keeps the latest report (as JSON text, with its flags under the
 * site's limits) for the event loop to take. The loop reads it with
 * telemetry_take() when it sends its status, and tags each result with
 * telemetry_flags() as it spools it.
 */
#ifndef VANTAGE_AGENT_TELEMETRY_H
#define VANTAGE_AGENT_TELEMETRY_H

#include <pthread.h>
#include <stdint.h>

#include "host/timing_flags.h"

struct telemetry {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;              /* the thread was started */
	int stop;                 /* asks the thread to end */
	int interval;             /* seconds between samples */
	struct timing_limits lim;
	char *latest;             /* JSON text of the newest report, or NULL */
	unsigned flags;           /* its flags */
	uint64_t gen;             /* counts reports */
	uint64_t errors;          /* samples that failed */
};

/* Start measuring every interval seconds under lim; 0, or -1 with err. */
int telemetry_start(struct telemetry *t, int interval, const struct timing_limits *lim,
		    char *err, size_t errlen);

/* Stop the thread (waits for a sample in progress) and free the report. */
void telemetry_stop(struct telemetry *t);

/*
 * If a report newer than *gen exists, return it as a JSON object (the
 * caller owns it) and set *gen to its generation; else NULL.
 */
json_t *telemetry_take(struct telemetry *t, uint64_t *gen);

/* The flags of the newest report (0 before the first). */
unsigned telemetry_flags(struct telemetry *t);

#endif
