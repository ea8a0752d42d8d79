/*
 * reach_addr: which address the remote half of check-host may probe. Only
 * lab addresses (198.18.0.0/15, 2001:db8::/32) are ever probed; the address
 * is the one registered for the agent, else the one its connection came
 * from. Pure functions, unit-tested.
 */
#ifndef VANTAGE_CONTROLLER_REACH_ADDR_H
#define VANTAGE_CONTROLLER_REACH_ADDR_H

#include <stddef.h>

/* 4 or 6 if text is an address literal inside the lab ranges, else 0. */
int reach_addr_lab(const char *text);

/*
 * The host part of a peer "A.B.C.D:PORT" or "[V6]:PORT" into out. Returns 0,
 * or -1 when peer has neither form or out is too small.
 */
int reach_peer_host(const char *peer, char *out, size_t len);

#endif
