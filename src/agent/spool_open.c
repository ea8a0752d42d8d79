/*
 * spool_open: open a spool directory, find its segments, verify every record
 * and cut off a torn or corrupt tail (the last complete, checksummed record
 * is where a segment ends), then open the newest segment for appending.
 */
#include "agent/spool_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/numparse.h"

/* Add a segment at the end of the list; returns 0 or -1 (out of memory). */
static int seg_push(struct spool *sp, uint64_t first)
{
	if (sp->nsegs == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 8;
		struct spool_seg *s = realloc(sp->segs, cap * sizeof *s);
		if (!s)
			return -1;
		sp->segs = s;
		sp->cap = cap;
	}
	sp->segs[sp->nsegs++] = (struct spool_seg){ first, first, 0 };
	return 0;
}

/* If name is "<20 digits>.seg", store the number in *first and return 1. */
static int seg_name(const char *name, uint64_t *first)
{
	char digits[21];
	long long v;
	char why[64];
	if (strlen(name) != 24 || strcmp(name + 20, ".seg") != 0)
		return 0;
	memcpy(digits, name, 20);
	digits[20] = 0;
	if (!parse_bounded(digits, 1, LLONG_MAX, &v, why, sizeof why))
		return 0;
	*first = (uint64_t)v;
	return 1;
}

/* Order segments by their first sequence number. */
static int seg_cmp(const void *a, const void *b)
{
	const struct spool_seg *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* List the segment files of sp->dir into sp->segs, sorted. */
static int list_segments(struct spool *sp, char *err, size_t errlen)
{
	DIR *d = opendir(sp->dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", sp->dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	uint64_t first;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)))
		if (seg_name(e->d_name, &first) && seg_push(sp, first) < 0) {
			snprintf(err, errlen, "%s: out of memory", sp->dir);
			rc = -1;
		}
	closedir(d);
	if (sp->nsegs > 1)
		qsort(sp->segs, sp->nsegs, sizeof *sp->segs, seg_cmp);
	return rc;
}

/*
 * Walk the records of segment s (file fd of size size); sets s->next and
 * s->bytes to the end of the last valid record. Returns 0 or -1 (no memory).
 */
static int scan_records(struct spool *sp, struct spool_seg *s, int fd, uint64_t size)
{
	uint8_t h[SPOOL_REC_HEADER];
	uint64_t off = 0;
	uint32_t len;
	while (size - off >= SPOOL_REC_HEADER &&
	       pread(fd, h, sizeof h, (off_t)off) == (ssize_t)sizeof h &&
	       spool_rec_check_header(h, s->next, size - off, &len) == 0) {
		if (spool_buf_reserve(sp, len ? len : 1) < 0)
			return -1;
		if (pread(fd, sp->buf, len, (off_t)(off + sizeof h)) != (ssize_t)len ||
		    !spool_rec_crc_ok(h, sp->buf, len))
			break;
		off += sizeof h + len;
		s->next++;
	}
	s->bytes = off;
	return 0;
}

/* Cut the file at path back to len bytes and make that durable. */
static int cut_file(struct spool *sp, const char *path, uint64_t len, char *err, size_t errlen)
{
	int fd = sp->sys.open(path, O_WRONLY, 0, sp->sys.arg);
	int rc = -1;
	if (fd >= 0 && sp->sys.ftruncate(fd, (off_t)len, sp->sys.arg) == 0 &&
	    sp->sys.fsync(fd, sp->sys.arg) == 0)
		rc = 0;
	if (rc < 0)
		snprintf(err, errlen, "%s: cannot cut the torn tail: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Verify segment s and cut a bad tail; adds to rec. Returns 0 or -1 with err. */
static int recover_segment(struct spool *sp, struct spool_seg *s, struct spool_recovery *rec,
			   char *err, size_t errlen)
{
	char path[PATH_MAX];
	spool_seg_path(sp, s->first, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = scan_records(sp, s, fd, (uint64_t)st.st_size);
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if ((uint64_t)st.st_size > s->bytes) {
		rec->cut_bytes += (uint64_t)st.st_size - s->bytes;
		return cut_file(sp, path, s->bytes, err, errlen);
	}
	return 0;
}

/* Recover every segment, count gaps, and drop empty segments but the last. */
static int recover_all(struct spool *sp, struct spool_recovery *rec, char *err, size_t errlen)
{
	size_t kept = 0;
	for (size_t i = 0; i < sp->nsegs; i++) {
		struct spool_seg *s = &sp->segs[i];
		if (recover_segment(sp, s, rec, err, errlen) < 0)
			return -1;
		if (kept > 0 && s->first > sp->segs[kept - 1].next)
			rec->lost_records += s->first - sp->segs[kept - 1].next;
		if (s->bytes == 0 && i + 1 < sp->nsegs) {
			char path[PATH_MAX];
			spool_seg_path(sp, s->first, path, sizeof path);
			sp->sys.unlink(path, sp->sys.arg);
			continue;
		}
		rec->records += s->next - s->first;
		sp->bytes += s->bytes;
		sp->segs[kept++] = *s;
	}
	sp->nsegs = kept;
	return 0;
}

/* Open the last segment for appending. */
static int open_active(struct spool *sp, char *err, size_t errlen)
{
	char path[PATH_MAX];
	spool_seg_path(sp, sp->segs[sp->nsegs - 1].first, path, sizeof path);
	sp->fd = sp->sys.open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, sp->sys.arg);
	if (sp->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fill sp from dir and opts; returns 0 or -1 with err. */
static int spool_init(struct spool *sp, const char *dir, const struct spool_opts *opts,
		      char *err, size_t errlen)
{
	if (strlen(dir) >= sizeof sp->dir) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	strcpy(sp->dir, dir);
	sp->sys = opts->sys ? *opts->sys : *spool_sys_default();
	sp->max_bytes = opts->max_bytes;
	sp->seg_max = opts->segment_bytes ? opts->segment_bytes : 4u << 20;
	sp->fd = sp->rd_fd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* See spool.h. */
struct spool *spool_open(const char *dir, const struct spool_opts *opts,
			 struct spool_recovery *rec, char *err, size_t errlen)
{
	struct spool_recovery dummy;
	struct spool *sp = calloc(1, sizeof *sp);
	if (!rec)
		rec = &dummy;
	memset(rec, 0, sizeof *rec);
	if (!sp) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return NULL;
	}
	if (spool_init(sp, dir, opts, err, errlen) < 0 || list_segments(sp, err, errlen) < 0 ||
	    recover_all(sp, rec, err, errlen) < 0)
		goto fail;
	int fresh = sp->nsegs == 0;
	if (fresh ? spool_seg_create(sp, 1, err, errlen) < 0 : open_active(sp, err, errlen) < 0)
		goto fail;
	if (spool_epochs_open(sp, fresh, err, errlen) < 0)
		goto fail;
	spool_objects_open(sp);
	sp->acked = sp->segs[0].first - 1;
	spool_rewind(sp);
	return sp;
fail:
	spool_close(sp);
	return NULL;
}
