/*
 * sigloop: the daemons' event loop until SIGINT or SIGTERM (see sigloop.h).
 */
#include "util/sigloop.h"

#include <event2/event.h>
#include <signal.h>

/* Break the loop on a signal. */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* See sigloop.h. */
int sigloop_run(struct event_base *base)
{
	struct event *sigint = evsignal_new(base, SIGINT, on_signal, base);
	struct event *sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	int rc = -1;
	if (sigint && sigterm && event_add(sigint, NULL) == 0 && event_add(sigterm, NULL) == 0) {
		event_base_dispatch(base);
		rc = 0;
	}
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	return rc;
}
