/*
 * spool_int: the spool's internal structures, shared by spool_open.c
 * (opening and recovery), spool.c (append, ack) and spool_read.c (the upload
 * cursor).
 */
#ifndef VANTAGE_AGENT_SPOOL_INT_H
#define VANTAGE_AGENT_SPOOL_INT_H

#include <limits.h>
#include <stdint.h>

#include "agent/spool.h"

#define SPOOL_MAGIC 0x31525356u   /* "VSR1" little-endian */

/* One segment file: records first .. next-1, bytes long. */
struct spool_seg {
	uint64_t first;
	uint64_t next;
	uint64_t bytes;
};

/* Records from sequence from on belong to epoch (spool_epoch.c). */
struct spool_epoch {
	uint64_t from;
	int64_t epoch;
};

struct spool {
	char dir[PATH_MAX - 32];
	struct spool_sys sys;
	uint64_t max_bytes;
	uint64_t seg_max;
	struct spool_seg *segs;   /* oldest first; the last one is active */
	size_t nsegs, cap;
	int fd;                   /* the active segment, open for appending */
	int broken;               /* a failed write could not be cut back */
	int dir_unsynced;         /* a segment was made since the last directory fsync */
	uint64_t acked;           /* every sequence <= acked is acked */
	uint64_t bytes;           /* all segments together */
	uint64_t rd_seq;          /* next sequence the read cursor returns */
	uint64_t rd_first;        /* segment the cursor's offset refers to (0: none) */
	uint64_t rd_off;          /* offset of record rd_at in that segment */
	uint64_t rd_at;
	int rd_fd;
	uint8_t *buf;
	size_t bufcap;
	struct spool_epoch *epochs;   /* by from, ascending */
	size_t nepochs;
	uint64_t obj_from;        /* spool_is_object from here on (spool_epoch.c) */
};

/*
 * Read DIR/objects, the sequence from which this code appends, into
 * sp->obj_from; write it (sp's next sequence) when it is missing or bad.
 * Never fails: on any doubt spool_is_object is false until the next open.
 */
void spool_objects_open(struct spool *sp);

/* Write the path of the segment starting at first into out. */
void spool_seg_path(const struct spool *sp, uint64_t first, char *out, size_t outlen);

/* Encode a record header for seq and payload into h; returns nothing. */
void spool_rec_header(uint8_t h[SPOOL_REC_HEADER], uint64_t seq, const void *data, size_t len);

/*
 * Check the record header h against the expected seq and the bytes left in
 * the file; on success stores the payload length in *len and returns 0.
 */
int spool_rec_check_header(const uint8_t h[SPOOL_REC_HEADER], uint64_t seq,
			   uint64_t left, uint32_t *len);

/* True if the CRC in header h matches the payload. */
int spool_rec_crc_ok(const uint8_t h[SPOOL_REC_HEADER], const void *data, size_t len);

/* Make sure sp->buf holds at least n bytes; returns 0 or -1. */
int spool_buf_reserve(struct spool *sp, size_t n);

/* fsync the spool directory so a created, renamed or removed name is durable
   (clears dir_unsynced). */
int spool_sync_dir(struct spool *sp);

/*
 * Read DIR/epochs, or start the epochs of a fresh spool (a random one) or of
 * one from before epochs (epoch 0); returns 0 or -1 with err.
 */
int spool_epochs_open(struct spool *sp, int fresh, char *err, size_t errlen);

/* Create the empty segment starting at first and make it the active one;
   its name is durable (the directory fsync'd) when this returns 0. */
int spool_seg_create(struct spool *sp, uint64_t first, char *err, size_t errlen);

/* The same without the directory fsync (dir_unsynced is set): for a caller
   that syncs the directory once for several names (spool_ack). No record
   is appended to it before the directory is synced (spool_append_many). */
int spool_seg_open(struct spool *sp, uint64_t first, char *err, size_t errlen);

#endif
