/*
 * uptime: an agent's state as RIPE Atlas names it, from its connection
 * facts (store_uptime.h) and the time now. Never Connected (no session
 * ever), Connected (a session is open), Disconnected (its last session
 * ended less than abandon_after seconds ago) or Abandoned (from then on),
 * with the time it has been in that state since and its total connected
 * time. Pure, so the thresholds are tested with any clock.
 */
#ifndef VANTAGE_CONTROLLER_UPTIME_H
#define VANTAGE_CONTROLLER_UPTIME_H

#include <stdint.h>

#include "store/store_uptime.h"

/* Numbered as RIPE Atlas numbers probe states. */
enum uptime_state {
	UPTIME_NEVER = 0,
	UPTIME_CONNECTED = 1,
	UPTIME_DISCONNECTED = 2,
	UPTIME_ABANDONED = 3,
};

/* A disconnected agent is abandoned after this long, unless configured (30 days). */
#define UPTIME_ABANDON_DEFAULT (30 * 86400)

struct uptime {
	enum uptime_state state;
	int64_t status_since;      /* Unix seconds; 0 for Never Connected */
	int64_t total_connected;   /* seconds, the open session counted up to now */
};

/* The state of an agent with facts f at now; abandon_after <= 0 means the default. */
void uptime_of(const struct store_uptime_facts *f, int64_t now, int64_t abandon_after,
	       struct uptime *out);

/* RIPE Atlas's name of a state: "Never Connected", "Connected", ... */
const char *uptime_state_name(enum uptime_state s);

#endif
