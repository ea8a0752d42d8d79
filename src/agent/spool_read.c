/*
 * spool_read: the upload cursor over the spool. It walks unacked records in
 * sequence order, re-checking each one's checksum, and is moved back to the
 * oldest unacked record when a connection is re-established.
 */
#include "agent/spool_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The segment holding rd_seq, moving rd_seq over gaps; NULL when none. */
static struct spool_seg *cursor_segment(struct spool *sp)
{
	for (size_t i = 0; i < sp->nsegs; i++) {
		struct spool_seg *s = &sp->segs[i];
		if (s->next <= sp->rd_seq)
			continue;
		if (s->first > sp->rd_seq)
			sp->rd_seq = s->first;
		return s->next > sp->rd_seq ? s : NULL;
	}
	return NULL;
}

/* Point the cursor's file and offset at segment s, from its start. */
static int cursor_enter(struct spool *sp, struct spool_seg *s, char *err, size_t errlen)
{
	char path[PATH_MAX];
	if (sp->rd_fd >= 0)
		close(sp->rd_fd);
	spool_seg_path(sp, s->first, path, sizeof path);
	sp->rd_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sp->rd_fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		sp->rd_first = 0;
		return -1;
	}
	sp->rd_first = s->first;
	sp->rd_off = 0;
	sp->rd_at = s->first;
	return 0;
}

/* Read the record for seq at the cursor's offset into sp->buf. */
static int read_record(struct spool *sp, struct spool_seg *s, uint64_t seq, uint32_t *len)
{
	uint8_t h[SPOOL_REC_HEADER];
	if (pread(sp->rd_fd, h, sizeof h, (off_t)sp->rd_off) != (ssize_t)sizeof h ||
	    spool_rec_check_header(h, seq, s->bytes - sp->rd_off, len) < 0 ||
	    spool_buf_reserve(sp, *len ? *len : 1) < 0 ||
	    pread(sp->rd_fd, sp->buf, *len, (off_t)(sp->rd_off + sizeof h)) != (ssize_t)*len ||
	    !spool_rec_crc_ok(h, sp->buf, *len))
		return -1;
	sp->rd_off += sizeof h + *len;
	sp->rd_at++;
	return 0;
}

/* See spool.h. */
int spool_read_next(struct spool *sp, const void **data, size_t *len, uint64_t *seq,
		    char *err, size_t errlen)
{
	struct spool_seg *s = cursor_segment(sp);
	if (!s)
		return 0;
	if ((sp->rd_first != s->first || sp->rd_at > sp->rd_seq) &&
	    cursor_enter(sp, s, err, errlen) < 0)
		return -1;
	/* Skip records before rd_seq (after a rewind or an ack). */
	uint32_t l = 0;
	while (sp->rd_at < sp->rd_seq)
		if (read_record(sp, s, sp->rd_at, &l) < 0)
			goto bad;
	if (read_record(sp, s, sp->rd_seq, &l) < 0)
		goto bad;
	*data = sp->buf;
	*len = l;
	*seq = sp->rd_seq++;
	return 1;
bad:
	snprintf(err, errlen, "%s: segment %llu: record %llu is unreadable or corrupt", sp->dir,
		 (unsigned long long)s->first, (unsigned long long)sp->rd_seq);
	sp->rd_first = 0;
	return -1;
}

/* See spool.h. */
void spool_read_back(struct spool *sp, uint64_t seq)
{
	if (seq > sp->acked && seq < sp->rd_seq) {
		sp->rd_seq = seq;
		sp->rd_first = 0;     /* found again from the segment's start */
	}
}

/* See spool.h. */
void spool_rewind(struct spool *sp)
{
	sp->rd_seq = sp->acked + 1;
	sp->rd_first = 0;
}

/* See spool.h. */
int spool_is_object(const struct spool *sp, uint64_t seq)
{
	return seq >= sp->obj_from;
}
