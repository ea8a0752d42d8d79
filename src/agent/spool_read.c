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

/* Bytes of a record read with its header in one call: a traceroute result
   is one to a few kB, so most records cost one pread, not two. */
#define READ_GUESS 16384u

/* Read the record for seq at the cursor's offset into sp->buf (its header,
   then its *len bytes at *body). */
static int read_record(struct spool *sp, struct spool_seg *s, uint64_t seq,
		       const uint8_t **body, uint32_t *len)
{
	uint64_t left = s->bytes > sp->rd_off ? s->bytes - sp->rd_off : 0;
	size_t want = SPOOL_REC_HEADER + READ_GUESS;
	if (want > left)
		want = (size_t)left;
	if (spool_buf_reserve(sp, SPOOL_REC_HEADER + READ_GUESS) < 0)
		return -1;
	ssize_t got = pread(sp->rd_fd, sp->buf, want, (off_t)sp->rd_off);
	if (got < (ssize_t)SPOOL_REC_HEADER ||
	    spool_rec_check_header(sp->buf, seq, left, len) < 0 ||
	    spool_buf_reserve(sp, SPOOL_REC_HEADER + (size_t)*len) < 0)
		return -1;
	size_t have = (size_t)got, need = SPOOL_REC_HEADER + (size_t)*len;
	if (have < need && pread(sp->rd_fd, sp->buf + have, need - have,
				 (off_t)(sp->rd_off + have)) != (ssize_t)(need - have))
		return -1;
	if (!spool_rec_crc_ok(sp->buf, sp->buf + SPOOL_REC_HEADER, *len))
		return -1;
	*body = sp->buf + SPOOL_REC_HEADER;
	sp->rd_off += need;
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
	const uint8_t *body;
	while (sp->rd_at < sp->rd_seq)
		if (read_record(sp, s, sp->rd_at, &body, &l) < 0)
			goto bad;
	if (read_record(sp, s, sp->rd_seq, &body, &l) < 0)
		goto bad;
	*data = body;
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
