/*
 * privs: the agent keeps only what it needs once it has started: at most
 * CAP_NET_RAW (the engine opens raw sockets as measurements need them) and
 * no way to gain more (no_new_privs).
 */
#ifndef VANTAGE_AGENT_PRIVS_H
#define VANTAGE_AGENT_PRIVS_H

#include <stddef.h>

/*
 * Drop every capability but CAP_NET_RAW (kept only if the process has it)
 * from the permitted, effective and inheritable sets, and set no_new_privs.
 * Returns 0, or -1 with the reason in err.
 */
int privs_keep_net_raw(char *err, size_t errlen);

#endif
