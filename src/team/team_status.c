/*
 * team_status: see team_status.h.
 */
#include "team/team_status.h"

#include "store/store.h"
#include "store/store_team.h"

/* The team's row (the secret stays inside). */
static json_t *team_row(const struct store_team *t)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:i,s:I,s:I,s:I,s:I,s:I}", "id",
			 (json_int_t)t->id, "name", t->name, "agents", t->agents, "prefixes",
			 (json_int_t)t->prefixes, "method", t->method, "pps", (json_int_t)t->pps,
			 "cycle_secs", (json_int_t)t->cycle_secs, "family", t->family, "chunk",
			 (json_int_t)t->chunk, "gone_secs", (json_int_t)t->gone_secs, "created",
			 (json_int_t)t->created, "stopped", (json_int_t)t->stopped, "msm_id",
			 (json_int_t)t->msm_id);
}

/*
 * When the cycle will be done at the pace so far (null before anything is
 * done); a cycle is never planned to end before its length is up.
 */
static json_t *estimated_end(const struct store_team *t, const struct store_team_cycle *cy,
			     const json_t *total, int64_t now)
{
	int64_t done = json_integer_value(json_object_get(total, "done_targets"));
	int64_t all = json_integer_value(json_object_get(total, "targets"));
	if (cy->ended)
		return json_integer(cy->ended);
	if (done <= 0 || now <= cy->started)
		return json_null();
	int64_t end = cy->started + (int64_t)((double)(now - cy->started) * (double)all /
					      (double)done);
	return json_integer(end > cy->started + t->cycle_secs ? end : cy->started + t->cycle_secs);
}

json_t *team_status_json(struct store *st, const struct store_team *t, int64_t now, char *err,
			 size_t errlen)
{
	struct store_team_cycle cy;
	int rc = st->ops->team->cycle_current(st, t->id, &cy, err, errlen);
	if (rc < 0)
		return NULL;
	json_t *out = json_pack("{s:o}", "team", team_row(t)), *total = NULL, *members = NULL;
	if (rc == 0)
		return out;
	if (st->ops->team->progress(st, t->id, cy.cycle, &total, &members, err, errlen) < 0) {
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "cycle", json_pack("{s:I,s:I,s:I,s:I,s:I}", "cycle",
		(json_int_t)cy.cycle, "version", (json_int_t)cy.version, "targets",
		(json_int_t)cy.targets, "started", (json_int_t)cy.started, "ended",
		(json_int_t)cy.ended));
	json_object_set_new(out, "estimated_end", estimated_end(t, &cy, total, now));
	json_object_set_new(out, "total", total);
	json_object_set_new(out, "members", members);
	return out;
}
