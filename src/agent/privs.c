/*
 * privs: drop the agent's capabilities to CAP_NET_RAW with libcap (see privs.h).
 */
#include "agent/privs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* See privs.h. */
int privs_keep_net_raw(char *err, size_t errlen)
{
	cap_t now = cap_get_proc(), keep = cap_init();
	cap_flag_value_t have = CAP_CLEAR;
	cap_value_t raw[1] = { CAP_NET_RAW };
	int rc = -1;
	if (now && keep && cap_get_flag(now, CAP_NET_RAW, CAP_PERMITTED, &have) == 0 &&
	    (have != CAP_SET || (cap_set_flag(keep, CAP_PERMITTED, 1, raw, CAP_SET) == 0 &&
				 cap_set_flag(keep, CAP_EFFECTIVE, 1, raw, CAP_SET) == 0)) &&
	    cap_set_proc(keep) == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		rc = 0;
	if (rc < 0)
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
	cap_free(now);
	cap_free(keep);
	return rc;
}
