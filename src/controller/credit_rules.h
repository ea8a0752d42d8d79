/*
 * credit_rules: the arithmetic of credits, pure and clock-free so the unit
 * tests drive it with any time. What one stored result costs (as RIPE Atlas
 * charges: ping N packets of S bytes N x (floor(S/1500)+1), traceroute ten
 * times that, one-offs double), how many results a measurement makes in its
 * first day (the estimate a new measurement must be able to pay), which
 * whole minutes of a connection earn credits, and whether an account may
 * create measurements under the platform's limits.
 */
#ifndef VANTAGE_CONTROLLER_CREDIT_RULES_H
#define VANTAGE_CONTROLLER_CREDIT_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Credits one result of the runner definition def costs (>= 1). */
int64_t credit_result_cost(const json_t *def, int is_oneoff);

/* Results one probe sends in a measurement's first day: 1 for a one-off,
   else one per interval seconds (rounded up). */
int64_t credit_first_day_results(int64_t interval, int is_oneoff);

/*
 * The whole minutes (Unix minutes, i.e. time / 60) a connection that began
 * at connected (Unix seconds) and is still up at now has completed after
 * minute done (-1: none done yet): minute M counts when the connection was
 * up over all of [60M, 60M+60). Sets *first and *last and returns how many
 * (0: none; then *first and *last are unset).
 */
int64_t credit_minutes(int64_t connected, int64_t done, int64_t now, int64_t *first,
		       int64_t *last);

/* The platform's limits on one account (platform_policy.h). */
struct credit_limits {
	int64_t max_running, max_probes, max_results_per_day, max_credits_per_day;
};

/* Where an account stands now. */
struct credit_state {
	int64_t balance;          /* credits */
	int64_t running;          /* its measurements running */
	int64_t day_results;      /* results charged to it this UTC day */
	int64_t day_spent;        /* credits spent this UTC day */
};

/* What a create request asks for. */
struct credit_ask {
	int64_t measurements;     /* definitions */
	int64_t probes;           /* probes of each */
	int64_t first_day_cost;   /* credits, all definitions on all probes */
	int64_t first_day_results;
};

/*
 * May the account create what ask says? 0 yes, or -1 with the limit it
 * would break (a sentence for the client) in why. Each limit holds at its
 * value: running + measurements may equal max_running, and so on.
 */
int credit_check_create(const struct credit_limits *l, const struct credit_state *s,
			const struct credit_ask *a, char *why, size_t whylen);

/* Must the account's running measurements stop (out of credits, or over a
   daily limit)? 0 no, 1 yes with the reason in why. */
int credit_must_stop(const struct credit_limits *l, const struct credit_state *s,
		     char *why, size_t whylen);

#endif
