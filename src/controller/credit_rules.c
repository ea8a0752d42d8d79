/*
 * credit_rules: the arithmetic of credits (credit_rules.h). No I/O, no
 * clock: every time comes in as an argument.
 */
#include "controller/credit_rules.h"

#include <stdio.h>
#include <string.h>

/* An integer field of def, or dflt when absent or not an integer. */
static int64_t field(const json_t *def, const char *name, int64_t dflt)
{
	const json_t *v = json_object_get(def, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

/* See credit_rules.h. RIPE Atlas's defaults: 3 packets of 48 bytes. */
int64_t credit_result_cost(const json_t *def, int is_oneoff)
{
	const char *type = json_string_value(json_object_get(def, "type"));
	int64_t packets = field(def, "packets", 3), size = field(def, "size", 48);
	if (packets < 1)
		packets = 1;
	if (size < 0)
		size = 0;
	int64_t cost = packets * (size / 1500 + 1);
	if (type && strcmp(type, "traceroute") == 0)
		cost *= 10;
	else if (!type || strcmp(type, "ping") != 0)
		cost = 10;        /* RIPE's price of one result of its other types */
	return is_oneoff ? 2 * cost : cost;
}

/* See credit_rules.h. */
int64_t credit_first_day_results(int64_t interval, int is_oneoff)
{
	if (is_oneoff || interval <= 0)
		return 1;
	return (86400 + interval - 1) / interval;
}

/* floor(a / 60) for any sign. */
static int64_t minute_of(int64_t t)
{
	return t >= 0 ? t / 60 : -((-t + 59) / 60);
}

/* See credit_rules.h. */
int64_t credit_minutes(int64_t connected, int64_t done, int64_t now, int64_t *first,
		       int64_t *last)
{
	int64_t from = minute_of(connected + 59);   /* the first minute begun while up */
	int64_t to = minute_of(now) - 1;           /* the last minute ended by now */
	if (from <= done)
		from = done + 1;
	if (to < from)
		return 0;
	*first = from;
	*last = to;
	return to - from + 1;
}

/* See credit_rules.h. */
int credit_check_create(const struct credit_limits *l, const struct credit_state *s,
			const struct credit_ask *a, char *why, size_t whylen)
{
	if (a->probes > l->max_probes)
		snprintf(why, whylen, "A measurement may have at most %lld probes (this one has"
			 " %lld)", (long long)l->max_probes, (long long)a->probes);
	else if (s->running + a->measurements > l->max_running)
		snprintf(why, whylen, "This account may run at most %lld measurements at once"
			 " (%lld running, %lld more asked)", (long long)l->max_running,
			 (long long)s->running, (long long)a->measurements);
	else if (a->first_day_cost > s->balance)
		snprintf(why, whylen, "Not enough credits: the first day of these measurements"
			 " costs %lld credits and the account has %lld", (long long)a->first_day_cost,
			 (long long)s->balance);
	else if (s->day_spent + a->first_day_cost > l->max_credits_per_day)
		snprintf(why, whylen, "Over the daily credit limit: %lld spent today, %lld more"
			 " estimated, the limit is %lld", (long long)s->day_spent,
			 (long long)a->first_day_cost, (long long)l->max_credits_per_day);
	else if (s->day_results + a->first_day_results > l->max_results_per_day)
		snprintf(why, whylen, "Over the daily result limit: %lld results today, %lld more"
			 " estimated, the limit is %lld", (long long)s->day_results,
			 (long long)a->first_day_results, (long long)l->max_results_per_day);
	else
		return 0;
	return -1;
}

/* See credit_rules.h. */
int credit_must_stop(const struct credit_limits *l, const struct credit_state *s,
		     char *why, size_t whylen)
{
	if (s->balance <= 0)
		snprintf(why, whylen, "the account ran out of credits (balance %lld)",
			 (long long)s->balance);
	else if (s->day_spent >= l->max_credits_per_day)
		snprintf(why, whylen, "the account spent its daily limit of %lld credits",
			 (long long)l->max_credits_per_day);
	else if (s->day_results >= l->max_results_per_day)
		snprintf(why, whylen, "the account's measurements stored their daily limit of %lld"
			 " results", (long long)l->max_results_per_day);
	else
		return 0;
	return 1;
}
