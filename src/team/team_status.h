/*
 * team_status: a team's state as `vantage team status` and the REST API
 * show it, from the store alone (so the API program can answer it too):
 * the team (never its secret), its newest cycle, the cycle's totals (chunks
 * and targets, done, reassigned), each member's rate, share and progress,
 * and an estimated end at the pace so far.
 */
#ifndef VANTAGE_TEAM_TEAM_STATUS_H
#define VANTAGE_TEAM_TEAM_STATUS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_team;

/*
 * {team, cycle: {cycle, version, targets, started, ended}, estimated_end,
 * total, members} (only {team} before a first cycle), at now (Unix s).
 * NULL with err on a store failure.
 */
json_t *team_status_json(struct store *st, const struct store_team *t, int64_t now, char *err,
			 size_t errlen);

#endif
