/*
 * churn_ctl: the admin socket's report.churn command. It reads the
 * registered agents (with their accounts, the hosts) and every session from
 * the store and hands them to churn_report (churn.h) with the controller's
 * abandon_after and clock.
 */
#include "controller/controller_int.h"

#include "controller/churn.h"
#include "controller/uptime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

/* An optional non-negative integer field of req (dflt when absent); 0 or -1 with err. */
static int field(const json_t *req, const char *name, int64_t dflt, int64_t *out, char *err,
		 size_t errlen)
{
	const json_t *v = json_object_get(req, name);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		snprintf(err, errlen, "'%s' must be a non-negative integer", name);
		return -1;
	}
	*out = v ? json_integer_value(v) : dflt;
	return 0;
}

/* The agents of the listing l (labelled with their account) as churn agents. */
static struct churn_agent *agents_of(struct controller *c, json_t *l)
{
	struct churn_agent *a = calloc(json_array_size(l) + 1, sizeof *a);
	size_t i;
	json_t *row;
	if (!a)
		return NULL;
	json_array_foreach(l, i, row) {
		account_label(c, row);
		a[i].id = json_integer_value(json_object_get(row, "id"));
		a[i].anchor = json_string_value(json_object_get(row, "role")) &&
			strcmp(json_string_value(json_object_get(row, "role")), "anchor") == 0;
		a[i].host = json_string_value(json_object_get(row, "account"));
	}
	return a;
}

/* The session rows of s as churn sessions. */
static struct churn_session *sessions_of(json_t *s)
{
	struct churn_session *out = calloc(json_array_size(s) + 1, sizeof *out);
	size_t i;
	json_t *row;
	if (!out)
		return NULL;
	json_array_foreach(s, i, row) {
		out[i].agent = json_integer_value(json_object_get(row, "agent_id"));
		out[i].connected = json_integer_value(json_object_get(row, "connected"));
		out[i].disconnected = json_integer_value(json_object_get(row, "disconnected"));
	}
	return out;
}

/* report.churn {from, to, period} → the churn report (churn.h). */
json_t *report_churn(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	int64_t now = time(NULL);
	struct churn_query q = { .now = now, .abandon_after = c->opts.abandon_after > 0 ?
				 c->opts.abandon_after : UPTIME_ABANDON_DEFAULT };
	/* The window is [from, to): by default it ends after the current second, so
	 * a return or leave that happened this second is in it. */
	if (field(req, "to", now + 1, &q.to, err, errlen) < 0 ||
	    field(req, "from", q.to - 30 * DAY, &q.from, err, errlen) < 0 ||
	    field(req, "period", DAY, &q.period, err, errlen) < 0)
		return NULL;
	json_t *agents = NULL, *sessions = NULL, *out = NULL;
	if (c->store->ops->agent_list(c->store, &agents, err, errlen) < 0 ||
	    c->store->ops->session_list(c->store, 0, &sessions, err, errlen) < 0) {
		json_decref(agents);
		return NULL;
	}
	struct churn_agent *a = agents_of(c, agents);
	struct churn_session *s = sessions_of(sessions);
	if (a && s)
		out = churn_report(a, json_array_size(agents), s, json_array_size(sessions), &q,
				   err, errlen);
	else
		snprintf(err, errlen, "out of memory");
	free(a);
	free(s);
	json_decref(agents);   /* after the report: the agents' host names live in it */
	json_decref(sessions);
	return out;
}
