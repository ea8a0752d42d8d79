/*
 * reach_addr: which address the remote half of check-host may probe: the one
 * registered for the agent, else the one its connection came from, and only
 * if the platform's target policy (policy/targets.h) allows it, like any
 * other target. Pure functions, unit-tested.
 */
#ifndef VANTAGE_CONTROLLER_REACH_ADDR_H
#define VANTAGE_CONTROLLER_REACH_ADDR_H

#include <stddef.h>

#include "policy/targets.h"

/* 4 or 6 if text is an address literal the policy allows, else 0 with the reason in why. */
int reach_addr_allowed(const struct target_policy *tp, const char *text, char *why, size_t wl);

/*
 * The host part of a peer "A.B.C.D:PORT" or "[V6]:PORT" into out. Returns 0,
 * or -1 when peer has neither form or out is too small.
 */
int reach_peer_host(const char *peer, char *out, size_t len);

#endif
