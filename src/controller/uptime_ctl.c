/*
 * uptime_ctl: agent states in the controller. At start, the sessions the
 * previous run left open are closed (so an agent is never shown connected,
 * nor credited connected time, for a run that is over); agents' rows in
 * `vantage agents list|show` carry their state (uptime.h).
 */
#include "controller/controller_int.h"

#include "controller/uptime.h"
#include "store/store_uptime.h"

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

/* See controller_int.h. */
void uptime_label(struct controller *c, json_t *row)
{
	struct store_uptime_facts f;
	struct uptime u;
	char err[256];
	int64_t id = json_integer_value(json_object_get(row, "id"));
	if (!c->store->ops->uptime ||
	    c->store->ops->uptime->facts(c->store, id, &f, err, sizeof err) < 0) {
		json_object_set_new(row, "state", json_null());
		return;
	}
	uptime_of(&f, time(NULL), c->opts.abandon_after, &u);
	json_object_set_new(row, "state", json_string(uptime_state_name(u.state)));
	json_object_set_new(row, "state_id", json_integer(u.state));
	json_object_set_new(row, "status_since", u.status_since ? json_integer(u.status_since)
								 : json_null());
	json_object_set_new(row, "first_connected", f.first_connected ?
			    json_integer(f.first_connected) : json_null());
	json_object_set_new(row, "last_connected", f.last_connected ?
			    json_integer(f.last_connected) : json_null());
	json_object_set_new(row, "total_connected", json_integer(u.total_connected));
}
