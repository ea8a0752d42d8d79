/*
 * archive: build and save the daily snapshot of the agents (see archive.h).
 * The agents are read a page at a time through the store's probe listing;
 * each becomes its public description with the state uptime_of derives.
 */
#include "controller/archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "controller/uptime.h"
#include "store/store.h"
#include "store/store_api.h"
#include "store/store_uptime.h"

#define PAGE 500

/* The fields of a probe row that are public, copied as they are. */
static const char *const public_fields[] = {
	"id", "asn_v4", "asn_v6", "country_code", "prefix_v4", "prefix_v6", "address_v4",
	"address_v6", "first_connected", "last_connected", "total_uptime", "tags", NULL,
};

/* The public description of one probe row at now; NULL with err. */
static json_t *public_probe(struct store *st, const json_t *row, int64_t now,
			    int64_t abandon_after, char *err, size_t errlen)
{
	struct store_uptime_facts f;
	struct uptime u;
	if (st->ops->uptime->facts(st, json_integer_value(json_object_get(row, "id")), &f, err,
				   errlen) < 0)
		return NULL;
	uptime_of(&f, now, abandon_after, &u);
	json_t *o = json_object();
	for (const char *const *k = public_fields; *k; k++)
		json_object_set(o, *k, json_object_get(row, *k) ?: json_null());
	const char *role = json_string_value(json_object_get(row, "role"));
	json_object_set_new(o, "is_anchor", json_boolean(role && strcmp(role, "anchor") == 0));
	json_object_set(o, "description", json_object_get(row, "org") ?: json_null());
	json_object_set_new(o, "total_uptime", json_integer(u.total_connected));
	json_object_set_new(o, "status", json_pack("{s:i,s:s,s:o}", "id", (int)u.state, "name",
		uptime_state_name(u.state), "since", u.status_since ? json_integer(u.status_since)
								   : json_null()));
	json_object_set_new(o, "geometry", json_null());   /* no locations are registered yet */
	return o;
}

/* See archive.h. */
json_t *archive_snapshot(struct store *st, int64_t now, int64_t abandon_after,
			 char *err, size_t errlen)
{
	json_t *probes = json_array(), *rows, *r;
	struct store_page p = { .limit = PAGE };
	int64_t count = 0;
	size_t i;
	if (!st->ops->uptime) {
		json_decref(probes);
		snprintf(err, errlen, "this store keeps no agent states (only the SQLite store does yet)");
		return NULL;
	}
	do {
		if (st->ops->api->probe_page(st, &p, now, &rows, &count, err, errlen) < 0) {
			json_decref(probes);
			return NULL;
		}
		json_array_foreach(rows, i, r) {
			json_t *o = public_probe(st, r, now, abandon_after, err, errlen);
			if (!o) {
				json_decref(rows);
				json_decref(probes);
				return NULL;
			}
			json_array_append_new(probes, o);
		}
		p.offset += PAGE;
		json_decref(rows);
	} while (p.offset < count);
	char date[16];
	time_t t = (time_t)now;
	struct tm tm;
	strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&t, &tm));
	return json_pack("{s:s,s:I,s:o}", "date", date, "written", (json_int_t)now, "probes", probes);
}

/* Write len bytes of buf to a new file at tmp, fsync'd; 0 or -1 with err. */
static int write_file(const char *tmp, const void *buf, size_t len, char *err, size_t errlen)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ssize_t n = write(fd, buf, len);
	int rc = n == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", tmp, n < 0 || n == (ssize_t)len ? strerror(errno) :
			 "short write");
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* snap as compressed JSON in a new buffer (*len bytes); NULL with err. */
static void *compress_json(const json_t *snap, size_t *len, char *err, size_t errlen)
{
	char *text = json_dumps(snap, JSON_COMPACT);
	size_t n = text ? strlen(text) : 0, cap = ZSTD_compressBound(n);
	void *out = text ? malloc(cap) : NULL;
	if (out) {
		*len = ZSTD_compress(out, cap, text, n, 3);
		if (ZSTD_isError(*len)) {
			snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(*len));
			free(out);
			out = NULL;
		}
	} else {
		snprintf(err, errlen, "out of memory");
	}
	free(text);
	return out;
}

/* See archive.h. */
int archive_save(const char *dir, const json_t *snap, int replace, char *path, size_t pathlen,
		 char *err, size_t errlen)
{
	const char *date = json_string_value(json_object_get(snap, "date"));
	char tmp[4200];
	if (!date) {
		snprintf(err, errlen, "the snapshot has no date");
		return -1;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, pathlen, "%s/%s.json.zst", dir, date);
	if (!replace && access(path, F_OK) == 0)
		return 0;
	size_t len;
	void *z = compress_json(snap, &len, err, errlen);
	if (!z)
		return -1;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int rc = write_file(tmp, z, len, err, errlen);
	free(z);
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	return rc < 0 ? -1 : 1;
}
