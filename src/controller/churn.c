/*
 * churn: the churn report (see churn.h). Sessions are sorted by agent and
 * start, then each agent's run of sessions is walked once: its first
 * connection is a join, a gap of abandon_after or more between two sessions
 * (or after its last one, up to now) is a leave at gap start +
 * abandon_after and, if it came back, a return at the next connection; its
 * connected share of the window feeds the uptime distribution, and its
 * disconnects in the window count against its host.
 */
#include "controller/churn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JOINED, LEFT, RETURNED, KINDS };
enum { PROBE, ANCHOR, ROLES };

static const char *const kind_names[KINDS] = { "joined", "left", "returned" };
static const char *const role_names[ROLES] = { "probe", "anchor" };

/* What the walk gathers. */
struct churn_acc {
	const struct churn_query *q;
	size_t nperiods;
	int64_t (*counts)[KINDS][ROLES];   /* per period */
	double *shares[ROLES];             /* uptime shares, per role */
	size_t nshares[ROLES];
	json_t *hosts;                     /* host name → {agents, disconnects, connects} */
};

static int by_agent_then_start(const void *a, const void *b)
{
	const struct churn_session *x = a, *y = b;
	if (x->agent != y->agent)
		return x->agent < y->agent ? -1 : 1;
	return (x->connected > y->connected) - (x->connected < y->connected);
}

static int by_id(const void *a, const void *b)
{
	const struct churn_agent *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Count an event of kind for role at time t, if t is in the window. */
static void count_at(struct churn_acc *acc, int64_t t, int kind, int role)
{
	const struct churn_query *q = acc->q;
	if (t >= q->from && t < q->to)
		acc->counts[(t - q->from) / q->period][kind][role]++;
}

/* The end of session s as the report sees it (an open one ends now). */
static int64_t end_of(const struct churn_session *s, int64_t now)
{
	return s->disconnected ? s->disconnected : now;
}

/* Joins, leaves and returns of one agent's sessions s[0..n). */
static void agent_events(struct churn_acc *acc, const struct churn_session *s, size_t n, int role)
{
	int64_t ab = acc->q->abandon_after;
	count_at(acc, s[0].connected, JOINED, role);
	for (size_t i = 1; i < n; i++) {
		int64_t gap_start = end_of(&s[i - 1], acc->q->now);
		if (s[i].connected - gap_start >= ab) {
			count_at(acc, gap_start + ab, LEFT, role);
			count_at(acc, s[i].connected, RETURNED, role);
		}
	}
	const struct churn_session *last = &s[n - 1];
	if (last->disconnected && acc->q->now - last->disconnected >= ab)
		count_at(acc, last->disconnected + ab, LEFT, role);
}

/* The share of [max(from, first connection), min(to, now)) the agent was connected; -1 if empty. */
static double agent_share(const struct churn_query *q, const struct churn_session *s, size_t n)
{
	int64_t w0 = s[0].connected > q->from ? s[0].connected : q->from;
	int64_t w1 = q->to < q->now ? q->to : q->now;
	if (w1 <= w0)
		return -1;
	int64_t on = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t a = s[i].connected > w0 ? s[i].connected : w0;
		int64_t b = end_of(&s[i], q->now);
		b = b < w1 ? b : w1;
		if (b > a)
			on += b - a;
	}
	return (double)on / (double)(w1 - w0);
}

/* Add the agent's connects and disconnects in the window to its host's row. */
static void host_counts(struct churn_acc *acc, const char *host, const struct churn_session *s,
			size_t n)
{
	json_t *h = json_object_get(acc->hosts, host);
	if (!h) {
		h = json_pack("{s:s,s:i,s:i,s:i}", "host", host, "agents", 0, "disconnects", 0,
			      "connects", 0);
		json_object_set_new(acc->hosts, host, h);
	}
	int64_t conn = 0, disc = 0;
	for (size_t i = 0; i < n; i++) {
		conn += s[i].connected >= acc->q->from && s[i].connected < acc->q->to;
		disc += s[i].disconnected && s[i].disconnected >= acc->q->from &&
			s[i].disconnected < acc->q->to;
	}
	json_object_set_new(h, "agents", json_integer(json_integer_value(json_object_get(h, "agents")) + 1));
	json_object_set_new(h, "connects",
			    json_integer(json_integer_value(json_object_get(h, "connects")) + conn));
	json_object_set_new(h, "disconnects",
			    json_integer(json_integer_value(json_object_get(h, "disconnects")) + disc));
}

/* Walk one agent's sessions s[0..n). */
static void walk_agent(struct churn_acc *acc, const struct churn_agent *a,
		       const struct churn_session *s, size_t n)
{
	int role = a && a->anchor ? ANCHOR : PROBE;
	agent_events(acc, s, n, role);
	double share = agent_share(acc->q, s, n);
	if (share >= 0)
		acc->shares[role][acc->nshares[role]++] = share;
	host_counts(acc, a && a->host ? a->host : "(removed agents)", s, n);
}

/* {probe, anchor, all} of one kind in one period. */
static json_t *by_role(const int64_t c[KINDS][ROLES], int kind)
{
	return json_pack("{s:I,s:I,s:I}", role_names[PROBE], (json_int_t)c[kind][PROBE],
			 role_names[ANCHOR], (json_int_t)c[kind][ANCHOR], "all",
			 (json_int_t)(c[kind][PROBE] + c[kind][ANCHOR]));
}

/* {agents, median, histogram} of n shares (sorted here). */
static json_t *distribution(double *v, size_t n)
{
	json_t *hist = json_array();
	int64_t bins[CHURN_BINS] = { 0 };
	qsort(v, n, sizeof *v, by_value);
	for (size_t i = 0; i < n; i++) {
		int b = (int)(v[i] * CHURN_BINS);
		bins[b >= CHURN_BINS ? CHURN_BINS - 1 : b]++;
	}
	for (int b = 0; b < CHURN_BINS; b++)
		json_array_append_new(hist, json_integer(bins[b]));
	json_t *median = n == 0 ? json_null() :
		json_real(n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
	return json_pack("{s:I,s:o,s:o}", "agents", (json_int_t)n, "median", median,
			 "histogram", hist);
}

static int by_disconnects(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t dx = json_integer_value(json_object_get(x, "disconnects"));
	int64_t dy = json_integer_value(json_object_get(y, "disconnects"));
	if (dx != dy)
		return dx > dy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "host")),
		      json_string_value(json_object_get(y, "host")));
}

/* The CHURN_HOSTS hosts with the most disconnects, as a new array. */
static json_t *top_hosts(json_t *hosts)
{
	size_t n = json_object_size(hosts), k = 0;
	json_t **rows = calloc(n ? n : 1, sizeof *rows), *out = json_array();
	const char *name;
	json_t *h;
	json_object_foreach(hosts, name, h)
		rows[k++] = h;
	qsort(rows, n, sizeof *rows, by_disconnects);
	for (size_t i = 0; i < n && i < CHURN_HOSTS; i++)
		json_array_append(out, rows[i]);
	free(rows);
	return out;
}

/* The report's object from what the walk gathered. */
static json_t *assemble(struct churn_acc *acc)
{
	const struct churn_query *q = acc->q;
	json_t *periods = json_array();
	for (size_t p = 0; p < acc->nperiods; p++) {
		json_t *row = json_pack("{s:I}", "start", (json_int_t)(q->from + (int64_t)p * q->period));
		for (int k = 0; k < KINDS; k++)
			json_object_set_new(row, kind_names[k], by_role(acc->counts[p], k));
		json_array_append_new(periods, row);
	}
	size_t nall = acc->nshares[PROBE] + acc->nshares[ANCHOR];
	double *all = malloc((nall ? nall : 1) * sizeof *all);
	memcpy(all, acc->shares[PROBE], acc->nshares[PROBE] * sizeof *all);
	memcpy(all + acc->nshares[PROBE], acc->shares[ANCHOR], acc->nshares[ANCHOR] * sizeof *all);
	json_t *uptime = json_pack("{s:o,s:o,s:o}",
		"probe", distribution(acc->shares[PROBE], acc->nshares[PROBE]),
		"anchor", distribution(acc->shares[ANCHOR], acc->nshares[ANCHOR]),
		"all", distribution(all, nall));
	free(all);
	return json_pack("{s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "from", (json_int_t)q->from,
			 "to", (json_int_t)q->to, "period", (json_int_t)q->period,
			 "abandon_after", (json_int_t)q->abandon_after, "periods", periods,
			 "uptime", uptime, "hosts", top_hosts(acc->hosts));
}

/* A time put into [0, CHURN_MAX_TIME]. */
static int64_t clamp(int64_t t)
{
	return t < 0 ? 0 : t > CHURN_MAX_TIME ? CHURN_MAX_TIME : t;
}

/* Clamp the n sessions' times, so no difference or sum of them can overflow. */
static void clamp_times(struct churn_session *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s[i].connected = clamp(s[i].connected);
		s[i].disconnected = clamp(s[i].disconnected);
	}
}

/* How many periods the window [from, to) spans (to > from, both >= 0: no overflow). */
static int64_t periods_of(const struct churn_query *q)
{
	int64_t span = q->to - q->from;
	return span / q->period + (span % q->period != 0);
}

/* 0 if q can make a report, else -1 with err. Times are bounded so that no
   sum of a time and abandon_after can overflow. */
static int query_ok(const struct churn_query *q, char *err, size_t errlen)
{
	if (q->from < 0 || q->to <= q->from || q->period <= 0 || q->abandon_after <= 0 ||
	    q->to > CHURN_MAX_TIME || q->now < 0 || q->now > CHURN_MAX_TIME ||
	    q->abandon_after > CHURN_MAX_TIME) {
		snprintf(err, errlen, "the window must end after it starts, within 0 and %lld,"
			 " and period and abandon_after be positive", (long long)CHURN_MAX_TIME);
		return -1;
	}
	if (periods_of(q) > CHURN_MAX_PERIODS) {
		snprintf(err, errlen, "%lld periods of %lld s: at most %d a report",
			 (long long)periods_of(q), (long long)q->period, CHURN_MAX_PERIODS);
		return -1;
	}
	return 0;
}

/* See churn.h. */
json_t *churn_report(const struct churn_agent *agents, size_t nagents,
		     const struct churn_session *sessions, size_t nsessions,
		     const struct churn_query *q, char *err, size_t errlen)
{
	if (query_ok(q, err, errlen) < 0)
		return NULL;
	struct churn_acc acc = { .q = q, .nperiods = (size_t)periods_of(q) };
	struct churn_session *s = malloc((nsessions ? nsessions : 1) * sizeof *s);
	struct churn_agent *a = malloc((nagents ? nagents : 1) * sizeof *a);
	acc.counts = calloc(acc.nperiods, sizeof *acc.counts);
	acc.shares[PROBE] = malloc((nsessions ? nsessions : 1) * sizeof(double));
	acc.shares[ANCHOR] = malloc((nsessions ? nsessions : 1) * sizeof(double));
	acc.hosts = json_object();
	json_t *out = NULL;
	if (s && a && acc.counts && acc.shares[PROBE] && acc.shares[ANCHOR]) {
		if (nsessions)
			memcpy(s, sessions, nsessions * sizeof *s);
		if (nagents)
			memcpy(a, agents, nagents * sizeof *a);
		clamp_times(s, nsessions);
		qsort(s, nsessions, sizeof *s, by_agent_then_start);
		qsort(a, nagents, sizeof *a, by_id);
		for (size_t i = 0, j; i < nsessions; i = j) {
			for (j = i + 1; j < nsessions && s[j].agent == s[i].agent; j++)
				;
			struct churn_agent key = { .id = s[i].agent };
			walk_agent(&acc, bsearch(&key, a, nagents, sizeof *a, by_id), s + i, j - i);
		}
		out = assemble(&acc);
	}
	if (!out)
		snprintf(err, errlen, "out of memory");
	free(s);
	free(a);
	free(acc.counts);
	free(acc.shares[PROBE]);
	free(acc.shares[ANCHOR]);
	json_decref(acc.hosts);
	return out;
}
