/*
 * archive_ctl: the daily archive in the controller (archive.h). The first
 * tick of each UTC day (and the first after a start) writes that day's
 * snapshot if it is not there yet; the admin socket's archive.write
 * rewrites today's at once. The files go to the archive folder beside the
 * database.
 */
#include "controller/controller_int.h"

#include "controller/archive.h"
#include "controller/uptime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

/* The archive folder: "archive" beside the database. */
static void archive_dir(const struct controller *c, char *out, size_t len)
{
	const char *db = c->opts.db_path, *slash = strrchr(db, '/');
	if (slash)
		snprintf(out, len, "%.*s/archive", (int)(slash - db), db);
	else
		snprintf(out, len, "archive");
}

/* Write the snapshot as of now; 1 written, 0 kept, -1 with err. */
static int archive_now(struct controller *c, int replace, char *path, size_t plen, char *err,
		       size_t errlen)
{
	char dir[4200];
	archive_dir(c, dir, sizeof dir);
	json_t *snap = archive_snapshot(c->store, time(NULL), c->opts.abandon_after, err, errlen);
	if (!snap)
		return -1;
	int rc = archive_save(dir, snap, replace, path, plen, err, errlen);
	json_decref(snap);
	return rc;
}

/* See controller_int.h. */
void archive_tick(struct controller *c)
{
	int64_t day = time(NULL) / DAY;
	char path[4300], err[512];
	if (day == c->archived_day)
		return;
	c->archived_day = day;   /* once a day, even after a failure (logged) */
	ingest_flush(c);
	int rc = archive_now(c, 0, path, sizeof path, err, sizeof err);
	if (rc < 0)
		ctl_log(c, "daily archive: %s", err);
	else if (rc == 1 && !c->opts.quiet)
		ctl_log(c, "daily archive written: %s", path);
}

/* archive.write → {path}: today's snapshot, replacing the one written earlier today. */
json_t *archive_write(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	char path[4300];
	if (archive_now(c, 1, path, sizeof path, err, errlen) < 0)
		return NULL;
	return json_pack("{s:s}", "path", path);
}
