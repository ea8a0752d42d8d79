/*
 * prefixes_ctl: the admin socket's prefixes.load and prefixes.list. A load
 * names a file by absolute path (the CLI resolves it); the controller reads
 * it, parses all of it (team/prefix_table.h) and only then stores it as a
 * new version in one transaction, so a bad line (reported by its number) or
 * a failed write leaves the versions as they were. The file must be
 * readable by the controller's user.
 */
#include "controller/controller_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_prefixes.h"
#include "team/prefix_table.h"

/* Largest prefix file read (a RouteViews table is about 20 MB). */
#define PREFIX_FILE_MAX (512L * 1024 * 1024)

/* Read the regular file path into a new buffer (*len bytes); NULL with err. */
static char *read_whole(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > PREFIX_FILE_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most 512 MiB", path);
		close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)sb.st_size + 1);
	size_t got = 0;
	ssize_t n = 1;
	while (buf && got < (size_t)sb.st_size &&
	       ((n = read(fd, buf + got, (size_t)sb.st_size - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(fd);
	if (!buf || n < 0) {
		snprintf(err, errlen, "%s: %s", path, buf ? strerror(errno) : "out of memory");
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

/* prefixes.load {path} → {version, prefixes, v4_prefixes, v6_prefixes, slash24s, v6_targets}. */
json_t *prefixes_load(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	const char *path = json_string_value(json_object_get(req, "path"));
	if (!path || path[0] != '/' || strlen(path) >= 4096) {
		snprintf(err, errlen, "'path' must be an absolute file name");
		return NULL;
	}
	size_t len;
	char *text = read_whole(path, &len, err, errlen), why[400];
	if (!text)
		return NULL;
	struct prefix_table t;
	long n = prefix_table_parse(&t, text, len, why, sizeof why);
	free(text);
	if (n < 0) {
		snprintf(err, errlen, "%s %s", path, why);
		return NULL;
	}
	int64_t version = 0;
	int rc = c->store->ops->prefixes->load(c->store, &t, path, time(NULL), &version, err, errlen);
	json_t *out = rc < 0 ? NULL :
		json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "version", (json_int_t)version,
			  "prefixes", (json_int_t)t.n, "v4_prefixes", (json_int_t)t.v4_prefixes,
			  "v6_prefixes", (json_int_t)t.v6_prefixes, "slash24s",
			  (json_int_t)t.slash24s, "v6_targets", (json_int_t)t.v6_targets);
	if (out)
		ctl_log(c, "prefix table version %lld: %zu prefixes, %llu /24s, %llu IPv6 targets"
			" (%s)", (long long)version, t.n, (unsigned long long)t.slash24s,
			(unsigned long long)t.v6_targets, path);
	prefix_table_free(&t);
	return out;
}

/* prefixes.list → the versions, newest first. */
json_t *prefixes_list(struct controller *c, const json_t *req, char *err, size_t errlen)
{
	(void)req;
	json_t *rows = NULL;
	if (c->store->ops->prefixes->versions(c->store, &rows, err, errlen) < 0)
		return NULL;
	return rows;
}
