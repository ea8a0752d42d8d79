/*
 * compare_fetch: the records of one agent as the controller stored them, for
 * `vantage compare A B` with agent ids: asks the controller's admin socket
 * for the agent's results (of one measurement or all, from a time on) and
 * reads them like a RIPE Atlas results file.
 */
#ifndef VANTAGE_ANALYSIS_COMPARE_FETCH_H
#define VANTAGE_ANALYSIS_COMPARE_FETCH_H

#include "analysis/record.h"

#include <stddef.h>

/*
 * Append the records of agent (measurement msm, 0: all; results with
 * timestamp >= since) from the controller at the admin socket path to *set.
 * Returns the number of records added, or -1 with err.
 */
long compare_fetch_agent(const char *admin, long long agent, long long msm, long long since,
			 struct rec_set *set, char *err, size_t errlen);

#endif
