/*
 * store_frontend: what several controllers (front-ends) on one shared store
 * keep there so that any of them can serve any agent. Each front-end has a
 * name and says it is alive every heartbeat; each session it opens carries
 * its name. A front-end that starts closes only the sessions it left open
 * itself; sessions of a front-end silent for longer than it may be are
 * closed by the others; an agent that connects to one front-end has its
 * sessions still open at another closed (it cannot be in two places). A
 * change counter of the measurements and their assignments lets each
 * front-end notice a measurement created or stopped at another one; the
 * change operations say which measurement changed for which agent as it
 * happens, so a front-end sends an agent only what changed for it.
 * Reached as st->ops->frontend->... (NULL on a store only one controller
 * uses: SQLite).
 */
#ifndef VANTAGE_STORE_STORE_FRONTEND_H
#define VANTAGE_STORE_STORE_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store;

/* Called once per change heard: measurement msm_id changed for agent_id; agent_id 0:
   the platform no-probe list changed, to version msm_id (store_noprobe.h); agent_id
   -1: a commit charged account msm_id (store_credit.h; a store writer's, say). */
typedef void (*store_change_fn)(void *arg, int64_t agent_id, int64_t msm_id);

struct store_frontend_ops {
	/* The front-end name is alive at now (Unix seconds); 0 or -1. */
	int (*alive)(struct store *st, const char *name, int64_t now, char *err, size_t errlen);
	/* Record a connect of agent_id at front-end name (its id in *sid); 0 or -1. */
	int (*session_open)(struct store *st, const char *name, int64_t agent_id, int64_t now,
			    const char *peer, int64_t *sid, char *err, size_t errlen);
	/*
	 * Close, at max(their start, the agent's last status), the open sessions
	 * of front-end name (name non-NULL), or else those of every front-end
	 * not alive since silent_before, or else (agent_id > 0) the agent's
	 * except keep_sid. Returns how many were closed, or -1.
	 */
	int (*close_of)(struct store *st, const char *name, int64_t silent_before,
			int64_t agent_id, int64_t keep_sid, const char *reason,
			char *err, size_t errlen);
	/* A number that changes whenever measurements or their assignments do; 0 or -1. */
	int (*msm_version)(struct store *st, int64_t *version, char *err, size_t errlen);
	/*
	 * Listen for changes of measurements and assignments on a connection of
	 * the store's own (again after a failure: it opens a new one). Returns
	 * its socket, to wait on for reading, or -1.
	 */
	int (*changes_listen)(struct store *st, char *err, size_t errlen);
	/*
	 * Read what arrived on that socket, without blocking: fn once per
	 * change. Returns the number of changes, or -1 when the connection is
	 * lost (it is closed: changes_listen again).
	 */
	int (*changes_read)(struct store *st, store_change_fn fn, void *arg, char *err,
			    size_t errlen);
	/* fn on the row of measurement msm_id (as msm_for_agent gives it) if it runs on
	 * agent_id, else not at all; 0 or -1. */
	int (*msm_of_agent)(struct store *st, int64_t agent_id, int64_t msm_id, store_row_fn fn,
			    void *arg, char *err, size_t errlen);
};

#endif
