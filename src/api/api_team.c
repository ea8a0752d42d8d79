/*
 * api_team: GET /api/v2/teams/{id}/, a team's status in JSON (the same
 * object `vantage team status NAME --json` prints; team/team_status.h),
 * for holders of an API key. Not part of RIPE Atlas's API.
 */
#include "api/api_int.h"

#include <time.h>

#include "store/store_team.h"
#include "team/team_status.h"

void api_team_one(struct api_call *c)
{
	char err[256];
	struct store_team t;
	if (!store_has_teams(c->api->store))
		return api_error(c, 404, "No team %lld: team probing is not on this store",
				 (long long)c->route.id);
	int rc = c->api->store->ops->team->get(c->api->store, NULL, c->route.id, &t, err,
					       sizeof err);
	if (rc < 0)
		return api_error(c, 500, "%s", err);
	if (rc == 0)
		return api_error(c, 404, "No team %lld", (long long)c->route.id);
	json_t *st = team_status_json(c->api->store, &t, time(NULL), err, sizeof err);
	if (!st)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, st);
}
