/*
 * frontend_changes: a front-end hears which measurement changed for which
 * agent as the change commits (store_frontend.h's change operations:
 * PostgreSQL LISTEN/NOTIFY on a connection of the store's own, waited on in
 * this loop) and sends that agent, if it is connected here, just that
 * measurement, or its stop. The change counter polled by frontend.c is then
 * only the slow safety net: it is read again after each batch heard, so it
 * differs only when a change was not heard, and it is polled every
 * FRONTEND_SAFETY_NET_S while listening. A lost listener is opened again at
 * the next tick; until then the counter is polled every frontend_sync_ms.
 * Right after LISTEN the counter is compared once, which catches whatever
 * changed before the listener heard it. The same channel says when the
 * platform no-probe list changed: it is reloaded and pushed to the agents
 * here (noprobe_sync; the safety net compares its version too). And it says
 * which account a commit charged (credits_committed).
 */
#include "controller/controller_int.h"

#include "store/store_frontend.h"

/* The store's front-end operations (frontend_changes_start checks there are some). */
static const struct store_frontend_ops *fops(const struct controller *c)
{
	return c->store->ops->frontend;
}

/* What changed() works on: the controller, and whether a change could not be sent. */
struct heard_batch {
	struct controller *c;
	int missed;
	int noprobe;    /* the no-probe list changed */
};

/* store_change_fn: send agent_id, if connected here, what changed of msm_id. */
static void changed(void *arg, int64_t agent_id, int64_t msm_id)
{
	struct heard_batch *b = arg;
	if (agent_id == 0) {   /* store_frontend.h: the no-probe list, once per batch */
		b->noprobe = 1;
		return;
	}
	if (agent_id < 0) {    /* an account charged: is it dry now? */
		credits_committed(b->c, msm_id);
		return;
	}
	struct session *s = session_of_agent(b->c, agent_id);
	if (s && assign_send_one(b->c, s, msm_id) < 0)
		b->missed = 1;
}

/* Stop listening (the connection was lost, or the controller ends). */
static void unlisten(struct controller *c)
{
	if (c->changes)
		event_free(c->changes);
	c->changes = NULL;
}

/* The listener's socket is readable: what changed, then the counter again. */
static void heard(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct controller *c = arg;
	struct heard_batch b = { c, 0, 0 };
	char err[300];
	if (fops(c)->changes_read(c->store, changed, &b, err, sizeof err) < 0) {
		ctl_log(c, "front-end: %s; looking for changes every %d ms until it is back", err,
			c->opts.frontend_sync_ms);
		unlisten(c);
		return;
	}
	if (b.noprobe)
		noprobe_sync(c);
	if (b.missed) {   /* the store failed us: every set again at the timer's next turn */
		c->msm_version = -1;
		c->sync_polled = 0;
	} else if (fops(c)->msm_version(c->store, &c->msm_version, err, sizeof err) < 0) {
		ctl_log(c, "front-end: %s", err);
	}
}

/* See controller_int.h. */
int frontend_changes_listen(struct controller *c)
{
	if (c->changes || !fops(c) || !fops(c)->changes_listen)
		return c->changes ? 0 : -1;
	char err[300];
	int fd = fops(c)->changes_listen(c->store, err, sizeof err);
	if (fd < 0) {
		ctl_log(c, "front-end: %s", err);
		return -1;
	}
	c->changes = event_new(c->base, fd, EV_READ | EV_PERSIST, heard, c);
	if (!c->changes || event_add(c->changes, NULL) < 0) {
		ctl_log(c, "front-end: out of memory");
		unlisten(c);
		return -1;
	}
	frontend_sync_now(c);   /* what changed before LISTEN took effect */
	return 0;
}

/* See controller_int.h. */
void frontend_changes_free(struct controller *c)
{
	unlisten(c);
}
