/*
 * uptime: the four states of an agent (see uptime.h).
 */
#include "controller/uptime.h"

/* See uptime.h. */
void uptime_of(const struct store_uptime_facts *f, int64_t now, int64_t abandon_after,
	       struct uptime *out)
{
	if (abandon_after <= 0)
		abandon_after = UPTIME_ABANDON_DEFAULT;
	out->total_connected = f->closed_seconds;
	if (f->connected) {
		out->state = UPTIME_CONNECTED;
		out->status_since = f->last_connected;
		if (now > f->last_connected)
			out->total_connected += now - f->last_connected;
	} else if (!f->first_connected) {
		out->state = UPTIME_NEVER;
		out->status_since = 0;
	} else if (now - f->last_disconnected < abandon_after) {
		out->state = UPTIME_DISCONNECTED;
		out->status_since = f->last_disconnected;
	} else {
		out->state = UPTIME_ABANDONED;
		out->status_since = f->last_disconnected + abandon_after;
	}
}

/* See uptime.h. */
const char *uptime_state_name(enum uptime_state s)
{
	switch (s) {
	case UPTIME_NEVER: return "Never Connected";
	case UPTIME_CONNECTED: return "Connected";
	case UPTIME_DISCONNECTED: return "Disconnected";
	case UPTIME_ABANDONED: return "Abandoned";
	}
	return "Unknown";
}
