/*
 * store_uptime: what the store knows of an agent's connections, for its
 * RIPE Atlas-style state (src/controller/uptime.h): when it first and last
 * connected and last disconnected, whether a session is open, and the total
 * time of its closed sessions. Sessions a controller left open when it
 * stopped without closing them (kill -9, power loss) are closed at the next
 * start, ending at the agent's last sign of life, so no connected time is
 * counted for a time nobody saw the agent. Reached as st->ops->uptime->...
 */
#ifndef VANTAGE_STORE_STORE_UPTIME_H
#define VANTAGE_STORE_STORE_UPTIME_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* An agent's sessions summed up; times are Unix seconds, 0 when there is none. */
struct store_uptime_facts {
	int64_t first_connected;
	int64_t last_connected;
	int64_t last_disconnected;   /* end of its newest closed session */
	int connected;               /* a session is open (its start is last_connected) */
	int64_t closed_seconds;      /* total length of its closed sessions */
};

struct store_uptime_ops {
	/* Close every open session at max(its start, the agent's last status time)
	   with reason; returns how many were closed, or -1 with err. */
	int (*close_stale)(struct store *st, const char *reason, char *err, size_t errlen);
	/* The facts of one agent into *f (all 0 if it never connected); 0 or -1. */
	int (*facts)(struct store *st, int64_t agent_id, struct store_uptime_facts *f,
		     char *err, size_t errlen);
	/* The facts of each of the n agents ids[i] into f[i], as facts gives
	   them, in one query (a list of a thousand agents is not a thousand
	   round trips); 0 or -1. */
	int (*facts_many)(struct store *st, const int64_t *ids, size_t n,
			  struct store_uptime_facts *f, char *err, size_t errlen);
};

#endif
