/*
 * spool: append records durably, take the controller's acks and retire the
 * segments they empty, and report the spool's depth (see spool.h).
 */
#include "agent/spool_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* See spool_int.h. */
int spool_sync_dir(struct spool *sp)
{
	int fd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = sp->sys.fsync(fd, sp->sys.arg);
	close(fd);
	return rc;
}

/* See spool_int.h. */
int spool_seg_create(struct spool *sp, uint64_t first, char *err, size_t errlen)
{
	char path[PATH_MAX];
	spool_seg_path(sp, first, path, sizeof path);
	int fd = sp->sys.open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, sp->sys.arg);
	if (fd < 0 || spool_sync_dir(sp) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sp->nsegs == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 8;
		struct spool_seg *s = realloc(sp->segs, cap * sizeof *s);
		if (!s) {
			close(fd);
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		sp->segs = s;
		sp->cap = cap;
	}
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = fd;
	sp->segs[sp->nsegs++] = (struct spool_seg){ first, first, 0 };
	return 0;
}

/* Write all of buf to the active segment; returns 0 or -1. */
static int write_all(struct spool *sp, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = sp->sys.write(sp->fd, buf, len, sp->sys.arg);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* See spool.h. */
int spool_would_fill(const struct spool *sp, size_t len)
{
	return sp->bytes + SPOOL_REC_HEADER + len > sp->max_bytes;
}

/* Undo a failed append by cutting the active segment back to its old size. */
static void cut_back(struct spool *sp, const char *what, char *err, size_t errlen)
{
	int saved = errno;
	struct spool_seg *a = &sp->segs[sp->nsegs - 1];
	if (sp->sys.ftruncate(sp->fd, (off_t)a->bytes, sp->sys.arg) < 0)
		sp->broken = 1;
	snprintf(err, errlen, "%s: %s of segment %llu failed: %s", sp->dir, what,
		 (unsigned long long)a->first, strerror(saved));
}

/* See spool.h. */
enum spool_status spool_append_many(struct spool *sp, const struct iovec *recs, size_t n,
				    uint64_t *first, char *err, size_t errlen)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (recs[i].iov_len > SPOOL_MAX_APPEND) {
			snprintf(err, errlen, "%s: record too big", sp->dir);
			return SPOOL_ERROR;
		}
		total += SPOOL_REC_HEADER + recs[i].iov_len;
	}
	if (sp->broken) {
		snprintf(err, errlen, "%s: a failed write could not be undone; reopen the spool",
			 sp->dir);
		return SPOOL_ERROR;
	}
	if (n == 0 || sp->bytes + total > sp->max_bytes)
		return n == 0 ? SPOOL_OK : SPOOL_FULL;
	struct spool_seg *a = &sp->segs[sp->nsegs - 1];
	if (a->bytes > 0 && a->bytes + total > sp->seg_max) {
		if (spool_seg_create(sp, a->next, err, errlen) < 0)
			return SPOOL_ERROR;
		a = &sp->segs[sp->nsegs - 1];
	}
	if (spool_buf_reserve(sp, total) < 0) {
		snprintf(err, errlen, "%s: out of memory", sp->dir);
		return SPOOL_ERROR;
	}
	uint8_t *p = sp->buf;
	for (size_t i = 0; i < n; i++) {
		spool_rec_header(p, a->next + i, recs[i].iov_base, recs[i].iov_len);
		memcpy(p + SPOOL_REC_HEADER, recs[i].iov_base, recs[i].iov_len);
		p += SPOOL_REC_HEADER + recs[i].iov_len;
	}
	/* One write and one fsync for the whole batch: all of it or none. */
	if (write_all(sp, sp->buf, total) < 0) {
		cut_back(sp, "write", err, errlen);
		return SPOOL_ERROR;
	}
	if (sp->sys.fsync(sp->fd, sp->sys.arg) < 0) {
		cut_back(sp, "fsync", err, errlen);
		return SPOOL_ERROR;
	}
	a->bytes += total;
	sp->bytes += total;
	*first = a->next;
	a->next += n;
	return SPOOL_OK;
}

/* See spool.h. */
enum spool_status spool_append(struct spool *sp, const void *data, size_t len,
			       uint64_t *seq, char *err, size_t errlen)
{
	struct iovec rec = { (void *)data, len };
	return spool_append_many(sp, &rec, 1, seq, err, errlen);
}

/* Remove the oldest segment's file and forget it. */
static int retire_oldest(struct spool *sp, char *err, size_t errlen)
{
	char path[PATH_MAX];
	spool_seg_path(sp, sp->segs[0].first, path, sizeof path);
	if (sp->sys.unlink(path, sp->sys.arg) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
		return -1;
	}
	if (sp->rd_first == sp->segs[0].first) {
		sp->rd_first = 0;
		if (sp->rd_fd >= 0)
			close(sp->rd_fd);
		sp->rd_fd = -1;
	}
	sp->bytes -= sp->segs[0].bytes;
	memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
	sp->nsegs--;
	return 0;
}

/* See spool.h. */
int spool_ack(struct spool *sp, uint64_t seq, char *err, size_t errlen)
{
	uint64_t last = sp->segs[sp->nsegs - 1].next - 1;
	if (seq > last)
		seq = last;
	if (seq <= sp->acked)
		return 0;
	sp->acked = seq;
	if (sp->rd_seq <= seq)
		sp->rd_seq = seq + 1;
	/* A fully acked active segment is replaced by a fresh empty one first. */
	struct spool_seg *a = &sp->segs[sp->nsegs - 1];
	if (a->bytes > 0 && a->next - 1 <= seq && spool_seg_create(sp, a->next, err, errlen) < 0)
		return -1;
	int retired = 0;
	while (sp->nsegs > 1 && sp->segs[0].next - 1 <= seq) {
		if (retire_oldest(sp, err, errlen) < 0)
			return -1;
		retired++;
	}
	/* An ack inside the oldest segment changes no name: nothing to sync. */
	return retired && spool_sync_dir(sp) < 0 ? -1 : 0;
}

/* See spool.h. */
uint64_t spool_depth(const struct spool *sp)
{
	uint64_t n = 0;
	for (size_t i = 0; i < sp->nsegs; i++) {
		const struct spool_seg *s = &sp->segs[i];
		uint64_t from = s->first > sp->acked ? s->first : sp->acked + 1;
		if (s->next > from)
			n += s->next - from;
	}
	return n;
}

/* See spool.h. */
uint64_t spool_acked(const struct spool *sp)
{
	return sp->acked;
}

/* See spool.h. */
uint64_t spool_bytes(const struct spool *sp)
{
	return sp->bytes;
}

/* See spool.h. */
uint64_t spool_next_seq(const struct spool *sp)
{
	return sp->segs[sp->nsegs - 1].next;
}

/* See spool.h. */
void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->rd_fd >= 0)
		close(sp->rd_fd);
	free(sp->segs);
	free(sp->buf);
	free(sp->epochs);
	free(sp);
}
