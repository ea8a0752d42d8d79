/*
 * frontend: one of several controllers (front-ends) on one shared store
 * (PostgreSQL, store_frontend.h), so that any of them can serve any agent.
 * This front-end says it is alive at every tick; at start it closes only
 * the sessions it left open itself (a kill -9), not the others'; at every
 * tick it closes the sessions of front-ends silent for longer than three
 * heartbeats and some seconds (they died with their agents connected); an
 * agent that connects here has its sessions still open elsewhere closed.
 * A measurement created or stopped by another front-end (or the API
 * program) is heard as it commits (frontend_changes.c), and only the agents
 * it changed for are sent only that measurement. As the safety net, the
 * store's measurement change counter is read every FRONTEND_SAFETY_NET_S
 * (every frontend_sync_ms while not listening), and when it changed unheard
 * each agent here is sent its whole set again (the agent keeps what it
 * already runs and drops what was stopped). On a store used by one
 * controller (SQLite) all of this is the old single-controller path.
 */
#include "controller/controller_int.h"

#include "store/store_frontend.h"
#include "store/store_uptime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FRONTEND_GRACE_S 5   /* beyond three heartbeats, before a silent front-end counts as dead */
#define FRONTEND_SAFETY_NET_S 30   /* the change counter's period while changes are heard */

/* The store's front-end operations, or NULL on a store of one controller. */
static const struct store_frontend_ops *fops(const struct controller *c)
{
	return c->store->ops->frontend;
}

/* Fill c->frontend_name: the option, else HOST/LISTEN:PORT. */
static void frontend_name(struct controller *c)
{
	if (c->opts.frontend && c->opts.frontend[0]) {
		snprintf(c->frontend_name, sizeof c->frontend_name, "%s", c->opts.frontend);
		return;
	}
	char host[64] = "localhost";
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = 0;
	snprintf(c->frontend_name, sizeof c->frontend_name, "%s/%s:%d", host, c->opts.listen_addr,
		 c->opts.port);
}

/* Read the change counter into *v; 0 or -1 (logged). */
static int read_version(struct controller *c, int64_t *v)
{
	char err[256];
	if (fops(c)->msm_version(c->store, v, err, sizeof err) < 0) {
		ctl_log(c, "%s", err);
		return -1;
	}
	return 0;
}

/* See controller_int.h. */
void frontend_sync_now(struct controller *c)
{
	int64_t v;
	noprobe_sync(c);   /* a no-probe change not heard */
	if (read_version(c, &v) < 0 || v == c->msm_version)
		return;
	c->msm_version = v;
	struct session *s;
	TAILQ_FOREACH(s, &c->sessions, link)
		if (s->admitted)
			assign_send_all(c, s);
}

/* The sync timer: the safety net while listening, else the way changes are found. */
static void synced(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct controller *c = arg;
	int64_t now = ctl_now_mono();
	if (c->changes && now - c->sync_polled < FRONTEND_SAFETY_NET_S)
		return;
	c->sync_polled = now;
	frontend_sync_now(c);
}

/* See controller_int.h. */
int frontend_start(struct controller *c, char *err, size_t errlen)
{
	if (!fops(c))
		return uptime_close_stale(c, err, errlen);
	frontend_name(c);
	char why[300];
	snprintf(why, sizeof why, "front-end %s stopped without closing the session (ended at the"
		 " agent's last status)", c->frontend_name);
	int n;
	if (fops(c)->alive(c->store, c->frontend_name, time(NULL), err, errlen) < 0 ||
	    (n = fops(c)->close_of(c->store, c->frontend_name, 0, 0, 0, why, err, errlen)) < 0 ||
	    fops(c)->msm_version(c->store, &c->msm_version, err, errlen) < 0)
		return -1;
	if (n > 0)
		ctl_log(c, "%d sessions left open by this front-end's previous run closed", n);
	int ms = c->opts.frontend_sync_ms > 0 ? c->opts.frontend_sync_ms : 1000;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	c->sync = event_new(c->base, -1, EV_PERSIST, synced, c);
	if (!c->sync || event_add(c->sync, &tv) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->sync_polled = ctl_now_mono();
	if (frontend_changes_listen(c) == 0)
		ctl_log(c, "front-end %s: listening for measurement changes", c->frontend_name);
	return 0;
}

/* See controller_int.h. */
void frontend_tick(struct controller *c)
{
	if (!fops(c))
		return;
	char err[256];
	int64_t now = time(NULL);
	int64_t silent_before = now - 3 * c->opts.heartbeat - FRONTEND_GRACE_S;
	int n = 0;
	if (fops(c)->alive(c->store, c->frontend_name, now, err, sizeof err) < 0 ||
	    (n = fops(c)->close_of(c->store, NULL, silent_before, 0, 0, "its front-end fell silent"
				    " (ended at the agent's last status)", err, sizeof err)) < 0)
		ctl_log(c, "front-end: %s", err);
	else if (n > 0)
		ctl_log(c, "%d sessions of silent front-ends closed", n);
	if (!c->changes && frontend_changes_listen(c) == 0)
		ctl_log(c, "front-end %s: listening for measurement changes again", c->frontend_name);
}

/* See controller_int.h. */
int frontend_session_open(struct controller *c, struct session *s, char *err, size_t errlen)
{
	if (!fops(c))
		return c->store->ops->session_open(c->store, s->agent.id, time(NULL), s->peer,
						   &s->sid, err, errlen);
	if (fops(c)->session_open(c->store, c->frontend_name, s->agent.id, time(NULL), s->peer,
				  &s->sid, err, errlen) < 0)
		return -1;
	return fops(c)->close_of(c->store, NULL, 0, s->agent.id, s->sid, "the agent connected to"
				 " another front-end", err, errlen) < 0 ? -1 : 0;
}

/* See controller_int.h. */
void frontend_free(struct controller *c)
{
	frontend_changes_free(c);
	if (c->sync)
		event_free(c->sync);
	c->sync = NULL;
}
