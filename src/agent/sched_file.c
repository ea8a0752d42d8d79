/*
 * sched_file: the agent's schedule on disk, <spool>/schedule.json, so that
 * periodic measurements go on after the agent restarts while its controller
 * is unreachable, and one-offs that already ran do not run again. Written to
 * a temporary file, fsync'd and renamed over the old one, and the directory
 * fsync'd so the rename survives a power loss; read back as
 * hostile input (every field checked, a bad file ignored with its reason).
 */
#include "agent/agent_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCHED_FILE_VERSION 1

/* The file's path into out. */
static void path_of(const struct agent *a, char *out, size_t len, const char *suffix)
{
	snprintf(out, len, "%s/schedule.json%s", a->cfg.spool_dir, suffix);
}

/* The schedule as a JSON document. */
static json_t *to_json(const struct agent *a)
{
	json_t *arr = json_array();
	struct sched_entry *e;
	LIST_FOREACH(e, &a->sched, link)
		json_array_append_new(arr, json_pack("{s:I,s:O,s:I,s:I,s:I,s:I,s:I,s:I}",
			"msm_id", (json_int_t)e->msm_id, "def", e->def, "start", (json_int_t)e->start,
			"stop", (json_int_t)e->stop, "interval", (json_int_t)e->interval,
			"spread", (json_int_t)e->spread, "base", (json_int_t)e->base,
			"runs", (json_int_t)e->runs));
	return json_pack("{s:i,s:o}", "version", SCHED_FILE_VERSION, "msms", arr);
}

/* fsync the directory dir, so a rename in it survives a power loss; 0 or -1. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* See agent_int.h. */
void sched_save(const struct agent *a)
{
	char tmp[CONFIG_PATH_MAX + 32], path[CONFIG_PATH_MAX + 32];
	path_of(a, tmp, sizeof tmp, ".tmp");
	path_of(a, path, sizeof path, "");
	json_t *doc = to_json(a);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	int fd = text ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	size_t len = text ? strlen(text) : 0;
	int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		agent_log(a, "%s: cannot save the schedule: %s", path, strerror(errno));
		unlink(tmp);
	} else if (sync_dir(a->cfg.spool_dir) < 0) {
		agent_log(a, "%s: cannot make the saved schedule durable: %s", a->cfg.spool_dir,
			  strerror(errno));
	}
	free(text);
}

/* A non-negative integer field of o into *out; 0 or -1. */
static int get_int(const json_t *o, const char *k, int64_t *out)
{
	const json_t *v = json_object_get(o, k);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* One saved entry into t (def borrowed from o); 0 or -1. */
static int entry_of(const json_t *o, struct sched_entry *t)
{
	int64_t runs = 0;
	memset(t, 0, sizeof *t);
	t->def = json_object_get(o, "def");
	if (!json_is_object(t->def) || get_int(o, "msm_id", &t->msm_id) < 0 ||
	    get_int(o, "start", &t->start) < 0 || get_int(o, "stop", &t->stop) < 0 ||
	    get_int(o, "interval", &t->interval) < 0 || get_int(o, "spread", &t->spread) < 0 ||
	    get_int(o, "base", &t->base) < 0 || get_int(o, "runs", &runs) < 0)
		return -1;
	t->runs = (uint64_t)runs;
	return 0;
}

/* See agent_int.h. */
void sched_load(struct agent *a)
{
	char path[CONFIG_PATH_MAX + 32];
	path_of(a, path, sizeof path, "");
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (access(path, F_OK) == 0)
			agent_log(a, "%s: ignored: %s", path, jerr.text);
		return;
	}
	const json_t *msms = json_object_get(doc, "msms");
	json_int_t version = json_integer_value(json_object_get(doc, "version"));
	size_t i, n = 0;
	json_t *o;
	if (version != SCHED_FILE_VERSION || !json_is_array(msms)) {
		agent_log(a, "%s: ignored: not a version %d schedule", path, SCHED_FILE_VERSION);
		json_decref(doc);
		return;
	}
	json_array_foreach(msms, i, o) {
		struct sched_entry t;
		char why[200];
		if (entry_of(o, &t) < 0) {
			agent_log(a, "%s: entry %zu ignored: a field is missing or invalid", path, i);
			continue;
		}
		if (gate_check(&a->gate, t.def, why, sizeof why) < 0) {
			agent_log(a, "measurement %lld no longer allowed here: %s", (long long)t.msm_id,
				  why);
			continue;
		}
		sched_add(a, &t);
		n++;
	}
	if (n)
		agent_log(a, "%zu measurements resumed from %s", n, path);
	json_decref(doc);
}
