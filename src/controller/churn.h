/*
 * churn: the churn report of the platform's vantage points over a window,
 * computed from their sessions (every connect and disconnect the store
 * keeps). Per period: how many joined (first connection ever), left (became
 * Abandoned: disconnected for abandon_after) and returned (connected again
 * after being abandoned), by role; the distribution of uptime over the
 * window (the share of it each agent was connected, from its first
 * connection on) with its median, by role; and the hosts (accounts) whose
 * vantage points disconnect most. Pure: the caller gives the agents, the
 * sessions and the clock.
 */
#ifndef VANTAGE_CONTROLLER_CHURN_H
#define VANTAGE_CONTROLLER_CHURN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct churn_agent {
	int64_t id;
	int anchor;             /* role anchor (else probe) */
	const char *host;       /* the hosting account's name */
};

struct churn_session {
	int64_t agent;
	int64_t connected;
	int64_t disconnected;   /* 0: still open (counts up to now) */
};

struct churn_query {
	int64_t from, to;       /* the window [from, to), Unix seconds */
	int64_t period;         /* seconds per period (86400: days) */
	int64_t abandon_after;  /* seconds (> 0) */
	int64_t now;
};

/* Buckets of the uptime histogram: [0, 10%), [10%, 20%), ... [90%, 100%]. */
#define CHURN_BINS 10
/* Hosts listed, the most churning first. */
#define CHURN_HOSTS 10
/* Periods in one report, at most (a bound on its size). */
#define CHURN_MAX_PERIODS 1000
/* Times (and abandon_after) beyond this are refused: about 35,000 years. */
#define CHURN_MAX_TIME (1LL << 40)

/*
 * The report as a new JSON object {from, to, period, abandon_after,
 * periods: [{start, joined, left, returned}] (each {probe, anchor, all}),
 * uptime: {probe, anchor, all} (each {agents, median, histogram}), hosts:
 * [{host, agents, disconnects, connects}]}, or NULL with err for a bad
 * query. sessions may come in any order.
 */
json_t *churn_report(const struct churn_agent *agents, size_t nagents,
		     const struct churn_session *sessions, size_t nsessions,
		     const struct churn_query *q, char *err, size_t errlen);

#endif
