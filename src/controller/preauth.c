/*
 * preauth: the controller's door for connections that have not yet proved
 * who they are. Anyone can open a TCP connection to the agent port, so until
 * a session is admitted (TLS done, key registered and approved, HELLO
 * accepted) it counts against two limits, overall and per source address,
 * and it has a short deadline; a connection over a limit is closed at once.
 * The listener yields to the rest of the loop after a burst of accepts, and
 * when accept fails (out of descriptors) it pauses for a moment instead of
 * spinning on the error. Refusals are counted and logged at most once a
 * second, so a flood cannot flood the log either.
 */
#include "controller/controller_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT_BURST 32        /* accepts before the listener lets other events run */
#define PAUSE_AFTER_ERROR_MS 250

/* Log a refusal unless one was logged this second; counts it either way. */
static void refusal(struct controller *c, const char *fmt, const char *host, int limit)
{
	c->refused_conns++;
	c->preauth_refused++;
	int64_t now = ctl_now_mono();
	if (c->preauth_logged == now)
		return;
	c->preauth_logged = now;
	ctl_log(c, fmt, host, limit, (unsigned long long)c->preauth_refused);
}

/* See controller_int.h. */
int preauth_allow(struct controller *c, const char *host)
{
	if (c->npreauth >= (size_t)c->opts.preauth_max) {
		refusal(c, "%s: too many unauthenticated connections (%d); closed (%llu so far)",
			host, c->opts.preauth_max);
		return -1;
	}
	int from_host = 0;
	struct session *s;
	TAILQ_FOREACH(s, &c->preauth, pre_link)
		from_host += strcmp(s->host, host) == 0;
	if (from_host >= c->opts.preauth_per_addr) {
		refusal(c, "too many unauthenticated connections from %s (%d); closed"
			" (%llu so far)", host, c->opts.preauth_per_addr);
		return -1;
	}
	return 0;
}

/* The deadline of an unadmitted session passed. */
static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct session *s = arg;
	if (!s->admitted)
		conn_close(s->conn, "no accepted HELLO in time", "handshake deadline passed");
}

/* See controller_int.h. */
int preauth_enter(struct controller *c, struct session *s)
{
	s->deadline = evtimer_new(c->base, deadline_cb, s);
	if (!s->deadline)
		return -1;
	struct timeval tv = { c->opts.handshake_timeout, 0 };
	evtimer_add(s->deadline, &tv);
	TAILQ_INSERT_TAIL(&c->preauth, s, pre_link);
	c->npreauth++;
	s->in_preauth = 1;
	return 0;
}

/* See controller_int.h. */
void preauth_leave(struct controller *c, struct session *s)
{
	if (s->deadline) {
		event_free(s->deadline);
		s->deadline = NULL;
	}
	if (!s->in_preauth)
		return;
	TAILQ_REMOVE(&c->preauth, s, pre_link);
	c->npreauth--;
	s->in_preauth = 0;
}

/* Enable the listener again (after a burst or an error pause). */
static void relisten_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct controller *c = arg;
	c->accept_burst = 0;
	evconnlistener_enable(c->listener);
}

/* Pause the listener for ms milliseconds (0: until other events ran). */
static void pause_listener(struct controller *c, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	evconnlistener_disable(c->listener);
	evtimer_add(c->relisten, &tv);
}

/* See controller_int.h. */
void preauth_accepted(struct controller *c)
{
	if (++c->accept_burst >= ACCEPT_BURST)
		pause_listener(c, 0);
}

/* accept() failed for a reason retrying at once cannot fix (EMFILE, ENFILE, ENOBUFS...). */
static void accept_error(struct evconnlistener *l, void *arg)
{
	(void)l;
	struct controller *c = arg;
	int err = EVUTIL_SOCKET_ERROR();
	int64_t now = ctl_now_mono();
	c->accept_errors++;
	if (c->accept_error_logged != now) {
		c->accept_error_logged = now;
		ctl_log(c, "cannot accept agent connections: %s%s; listener paused %d ms"
			" (%llu errors so far)", evutil_socket_error_to_string(err),
			err == EMFILE || err == ENFILE ? " (out of file descriptors)" : "",
			PAUSE_AFTER_ERROR_MS, (unsigned long long)c->accept_errors);
	}
	pause_listener(c, PAUSE_AFTER_ERROR_MS);
}

/* See controller_int.h. */
int preauth_listener(struct controller *c)
{
	c->relisten = evtimer_new(c->base, relisten_cb, c);
	if (!c->relisten)
		return -1;
	evconnlistener_set_error_cb(c->listener, accept_error);
	return 0;
}
