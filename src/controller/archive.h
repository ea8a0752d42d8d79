/*
 * archive: the daily archive of every agent's public description and state,
 * like RIPE Atlas's probe archive: one zstd-compressed JSON file a UTC day,
 * DIR/archive/YYYY-MM-DD.json.zst, {"date", "written", "probes": [...]},
 * each probe with what the public API shows of it (no key fingerprint, no
 * account). Files are written whole (temporary file, fsync, rename), so a
 * crash leaves the old file or the new one, never half of one.
 */
#ifndef VANTAGE_CONTROLLER_ARCHIVE_H
#define VANTAGE_CONTROLLER_ARCHIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The snapshot of every registered agent as of now, a new object; NULL with err. */
json_t *archive_snapshot(struct store *st, int64_t now, int64_t abandon_after,
			 char *err, size_t errlen);

/*
 * Write snap compressed to DIR/YYYY-MM-DD.json.zst for the UTC day of
 * snap's "written" time, creating dir if needed. An existing file is kept
 * unless replace is set. Returns 1 written, 0 kept, -1 with err; the path
 * goes to path.
 */
int archive_save(const char *dir, const json_t *snap, int replace, char *path, size_t pathlen,
		 char *err, size_t errlen);

#endif
