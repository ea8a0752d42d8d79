/*
 * sigloop: run a daemon's libevent loop until SIGINT or SIGTERM; the signal
 * handling is libevent's (the handler only breaks the loop).
 */
#ifndef VANTAGE_UTIL_SIGLOOP_H
#define VANTAGE_UTIL_SIGLOOP_H

struct event_base;

/* Dispatch base until SIGINT or SIGTERM arrives. Returns 0, or -1 if the
   signal events could not be set up (the loop did not run). */
int sigloop_run(struct event_base *base);

#endif
