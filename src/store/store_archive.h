/*
 * store_archive: a store's results by day, so old days can be written to
 * one compressed file each (as RIPE Atlas publishes daily dumps) and then
 * dropped from the store. The PostgreSQL store implements it over its day
 * partitions (pg_archive.c); the SQLite store has no days and leaves
 * st->ops->archive NULL. A dropped day's (agent, epoch, seq) keys stay, so
 * a late re-upload of one of its results is still answered as a duplicate
 * and never stored twice.
 */
#ifndef VANTAGE_STORE_STORE_ARCHIVE_H
#define VANTAGE_STORE_STORE_ARCHIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;
typedef int (*store_row_fn)(void *arg, json_t *row);

struct store_archive_ops {
	/* The days holding results, oldest first: rows {day ("YYYY-MM-DD"), start (Unix s)}. */
	int (*days)(struct store *st, json_t **out, char *err, size_t errlen);
	/*
	 * Take the day starting at start out of the store: its results stop
	 * being served and later results of the day go elsewhere (a new
	 * partition); every result taken goes to fn in (agent, epoch, seq)
	 * order as rows {agent, epoch, seq, msm_id, ts, body} (non-zero from
	 * fn aborts), then done is called (also when the day held nothing);
	 * only when it returns 0 are the results dropped. 0, or -1 with err
	 * (then what was taken is kept, and taken again by the next call).
	 */
	int (*day_take)(struct store *st, int64_t start, store_row_fn fn,
			int (*done)(void *arg, char *err, size_t errlen), void *arg,
			char *err, size_t errlen);
};

/*
 * Archive the day starting at start into DIR: its results go to
 * DIR/results-YYYY-MM-DD.jsonl.zst (one RIPE Atlas result a line, with
 * vantage_agent, vantage_epoch and vantage_seq added; zstd), written under
 * a temporary name, fsync'd, read back and counted, linked to its name
 * (never over an existing file: a later archive of the same day, made of
 * results that came late, is results-YYYY-MM-DD.2.jsonl.zst and so on) and
 * the folder fsync'd; only then is the day dropped from the store. Results
 * already in an archive file of the day (a run stopped between writing and
 * dropping) are not written again, so each result is archived exactly
 * once. The path written (empty if none was needed) goes to path, the
 * results newly written to *n. 0 or -1 with err. (archive_file.c)
 */
int store_archive_day(struct store *st, int64_t start, const char *dir, char *path, size_t len,
		      int64_t *n, char *err, size_t errlen);

#endif
