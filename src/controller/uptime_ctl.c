/*
 * uptime_ctl: agent states in the controller. At start, the sessions the
 * previous run left open are closed (so an agent is never shown connected,
 * nor credited connected time, for a run that is over); agents' rows in
 * `vantage agents list|show` carry their state (uptime.h), a list's from
 * one query of the store for all its agents.
 */
#include "controller/controller_int.h"

#include "controller/uptime.h"
#include "store/store_uptime.h"

#include <stdlib.h>
#include <time.h>

/* See controller_int.h. */
int uptime_close_stale(struct controller *c, char *err, size_t errlen)
{
	if (!c->store->ops->uptime)
		return 0;   /* a store without it (PostgreSQL, for now) */
	int n = c->store->ops->uptime->close_stale(c->store, "controller stopped without closing"
						   " the session (ended at the agent's last status)",
						   err, errlen);
	if (n > 0)
		ctl_log(c, "%d sessions left open by the previous run closed", n);
	return n < 0 ? -1 : 0;
}

/* Set the row's state and connection times from the agent's facts f (NULL: unknown). */
static void label(struct controller *c, json_t *row, const struct store_uptime_facts *f)
{
	struct uptime u;
	if (!f) {
		json_object_set_new(row, "state", json_null());
		return;
	}
	uptime_of(f, time(NULL), c->opts.abandon_after, &u);
	json_object_set_new(row, "state", json_string(uptime_state_name(u.state)));
	json_object_set_new(row, "state_id", json_integer(u.state));
	json_object_set_new(row, "status_since", u.status_since ? json_integer(u.status_since)
								 : json_null());
	json_object_set_new(row, "first_connected", f->first_connected ?
			    json_integer(f->first_connected) : json_null());
	json_object_set_new(row, "last_connected", f->last_connected ?
			    json_integer(f->last_connected) : json_null());
	json_object_set_new(row, "total_connected", json_integer(u.total_connected));
}

/* See controller_int.h. */
void uptime_label(struct controller *c, json_t *row)
{
	struct store_uptime_facts f;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	int ok = c->store->ops->uptime &&
		 c->store->ops->uptime->facts(c->store, id, &f, err, sizeof err) == 0;
	label(c, row, ok ? &f : NULL);
}

/* See controller_int.h. */
void uptime_label_list(struct controller *c, json_t *rows)
{
	const struct store_uptime_ops *up = c->store->ops->uptime;
	size_t i, n = json_array_size(rows);
	int64_t *ids = calloc(n ? n : 1, sizeof *ids);
	struct store_uptime_facts *f = calloc(n ? n : 1, sizeof *f);
	char err[256];
	json_t *row;
	if (!up || !up->facts_many || !ids || !f) {
		json_array_foreach(rows, i, row)
			uptime_label(c, row);
	} else {
		json_array_foreach(rows, i, row)
			ids[i] = json_integer_value(json_object_get(row, "id"));
		int ok = up->facts_many(c->store, ids, n, f, err, sizeof err) == 0;
		if (!ok)
			ctl_log(c, "agents' uptime: %s", err);
		json_array_foreach(rows, i, row)
			label(c, row, ok ? &f[i] : NULL);
	}
	free(ids);
	free(f);
}
