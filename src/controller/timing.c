/*
 * timing: the controller's side of the agents' timing telemetry. A STATUS
 * may carry the agent's newest timing report (host/timing.h) with the flags
 * its rules raised (host/timing_flags.h); this checks it and keeps it in the
 * agent's timing history, and answers `vantage agents timing ID`.
 */
#include "controller/controller_int.h"

#include "host/timing_flags.h"

#include <stdio.h>
#include <stdlib.h>

/* See controller_int.h. */
void timing_status(struct controller *c, int64_t agent_id, const json_t *report)
{
	char err[256];
	unsigned flags;
	const json_t *when = json_object_get(report, "timestamp");
	if (!json_is_integer(when) || json_integer_value(when) < 0) {
		ctl_log(c, "agent %lld: timing report without a valid timestamp ignored",
			(long long)agent_id);
		return;
	}
	if (timing_flags_parse(json_object_get(report, "flags"), &flags, err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: timing report ignored: %s", (long long)agent_id, err);
		return;
	}
	char *text = json_dumps(report, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return;
	if (quota_timing(c, agent_id, strlen(text), err, sizeof err) < 0 ||
	    quota_disk(c, err, sizeof err) < 0) {
		ctl_log(c, "agent %lld: %s", (long long)agent_id, err);
		free(text);
		return;
	}
	ingest_txn(c);
	if (c->store->ops->timing_put(c->store, agent_id, json_integer_value(when), flags, text,
				      err, sizeof err) < 0)
		ctl_log(c, "agent %lld: %s", (long long)agent_id, err);
	free(text);
}

/* Replace the report text of a history row by its parsed object. */
static void parse_row(json_t *row)
{
	json_t *obj = json_loads(json_string_value(json_object_get(row, "report")), 0, NULL);
	json_object_set_new(row, "report", obj ? obj : json_null());
	json_object_set_new(row, "flags", json_incref(json_object_get(obj, "flags")));
	if (!json_object_get(row, "flags"))
		json_object_set_new(row, "flags", json_array());
}

/* See controller_int.h. */
json_t *timing_history(struct controller *c, int64_t agent_id, int64_t since,
		       char *err, size_t errlen)
{
	json_t *rows;
	ingest_flush(c);
	if (c->store->ops->timing_list(c->store, agent_id, since, &rows, err, errlen) < 0)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		parse_row(row);
	return rows;
}
