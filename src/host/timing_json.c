/*
 * timing_json: a timing_report as JSON, the form an agent sends with its
 * status and `vantage check-host --json` prints. Units are in the key names.
 */
#include "host/timing.h"

#include <jansson.h>
#include <stdlib.h>

/* Encode r as a JSON object; NULL when out of memory. */
json_t *timing_report_json(const struct timing_report *r)
{
	return json_pack("{s:I, s:f, s:{s:I, s:f, s:I},"
			 " s:{s:b, s:b, s:s, s:I, s:I, s:I, s:f, s:f},"
			 " s:{s:I, s:f, s:f, s:f, s:I},"
			 " s:{s:b, s:f, s:f},"
			 " s:{s:b, s:b, s:i, s:I, s:I},"
			 " s:{s:f, s:f, s:b}}",
		"timestamp", (json_int_t)r->when.tv_sec,
		"duration_ms", r->duration_ms,
		"clock", "res_ns", (json_int_t)r->res_ns, "read_ns", r->read_ns,
			 "step_ns", (json_int_t)r->step_ns,
		"kernel_ts", "rx", r->ts_ok, "tx", r->tx_ts_ok, "error", r->ts_error,
			 "samples", (json_int_t)r->ts_samples,
			 "equal", (json_int_t)r->ts_equal,
			 "step_ns", (json_int_t)r->ts_step_ns,
			 "quantum_ns", r->ts_quantum_ns, "loopback_us", r->loop_us,
		"timer", "wakeups", (json_int_t)r->timer_n, "late_p50_us", r->late_p50_us,
			 "late_p99_us", r->late_p99_us, "late_max_us", r->late_max_us,
			 "slack_ns", (json_int_t)r->timer_slack_ns,
		"steal", "ok", r->steal_ok, "pct", r->steal_pct,
			 "since_boot_pct", r->steal_boot_pct,
		"sync", "ok", r->sync_ok, "synced", r->synced,
			"adjtimex_state", r->adjtimex_state,
			"maxerror_us", (json_int_t)r->maxerror_us,
			"esterror_us", (json_int_t)r->esterror_us,
		"realtime", "drift_us", r->rt_drift_us, "jump_us", r->rt_jump_us,
			    "stepped", r->rt_stepped);
}

/* Encode r as compact JSON text; caller frees. */
char *timing_report_json_text(const struct timing_report *r)
{
	json_t *j = timing_report_json(r);
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}
