/*
 * api_controller: starts the REST API inside the controller (on its
 * event_base, over its store, with its key) and connects the API's hooks to
 * the controller's scheduler and sessions.
 */
#ifndef VANTAGE_API_API_CONTROLLER_H
#define VANTAGE_API_API_CONTROLLER_H

#include <stddef.h>

struct controller;

/*
 * When the controller's opts.api_listen is set ("ADDR:PORT"), start the API
 * there (c->api), write its certificate next to the controller's as
 * api.crt and print where it is. Returns 0 (also when no API is asked for)
 * or -1 with err.
 */
int api_controller_start(struct controller *c, char *err, size_t errlen);

#endif
