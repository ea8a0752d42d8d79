/*
 * store_rows: what the two store engines (sqlite_api.c, pg_api.c) share when
 * they walk results for the API: the row each result is handed over as, and
 * where a fresh results cursor starts.
 */
#include "store/store_api.h"

#include <stdint.h>

/* See store_api.h. */
int store_give_result(store_row_fn fn, void *arg, int64_t agent, int64_t seq, int64_t ts,
		      const char *body)
{
	json_t *row = json_pack("{s:I,s:I,s:I,s:s}", "agent", (json_int_t)agent, "seq",
				(json_int_t)seq, "ts", (json_int_t)ts, "body", body ? body : "");
	int stop = row ? fn(arg, row) : 0;
	json_decref(row);
	return stop;
}

/* See store_api.h. */
void store_cursor_start(struct store_result_filter *f)
{
	if (f->after_ts == 0 && f->after_agent == 0 && f->after_seq == 0) {
		f->after_ts = f->start ? f->start : INT64_MIN;
		f->after_agent = f->after_seq = INT64_MIN;
	}
}
