/*
 * api_team: GET /api/v2/teams/{id}/, a team's status in JSON (the same
 * object `vantage team status NAME --json` prints; team/team_status.h),
 * and GET /api/v2/teams/, every team's status in one listing shaped like
 * RIPE Atlas's ({count, next, previous, results}; teams are few and made
 * by the operator, so there is one page). Not part of RIPE Atlas's API.
 */
#include "api/api_int.h"

#include <stdlib.h>

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

/* The status of every team as a JSON array; NULL with err. */
static json_t *every_team_status(struct store *st, char *err, size_t errlen)
{
	json_t *rows = NULL, *out = json_array();
	if (!out || st->ops->team->list(st, &rows, err, errlen) < 0) {
		json_decref(out);
		return NULL;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		struct store_team t;
		int64_t id = json_integer_value(json_object_get(row, "id"));
		int rc = st->ops->team->get(st, NULL, id, &t, err, errlen);
		json_t *one = rc == 1 ? team_status_json(st, &t, time(NULL), err, errlen) : NULL;
		if (rc == 0)
			continue;   /* gone between the list and the read */
		if (!one) {
			json_decref(rows);
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, one);
	}
	json_decref(rows);
	return out;
}

void api_team_list(struct api_call *c)
{
	char err[256];
	json_t *all = store_has_teams(c->api->store) ?
		every_team_status(c->api->store, err, sizeof err) : json_array();
	if (!all)
		return api_error(c, 500, "%s", err);
	api_reply_json(c, 200, json_pack("{s:I,s:n,s:n,s:o}", "count",
					 (json_int_t)json_array_size(all), "next", "previous",
					 "results", all));
}
