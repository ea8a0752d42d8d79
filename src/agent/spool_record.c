/*
 * spool_record: the on-disk form of one spool record. A 20-byte header
 * (magic, payload length, sequence number, CRC-32C over the header's first
 * 16 bytes and the payload), all little-endian, then the payload.
 */
#include "agent/spool_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/crc32c.h"

/* Store v little-endian in n bytes at p. */
static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Read n little-endian bytes at p. */
static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* See spool_int.h. */
void spool_rec_header(uint8_t h[SPOOL_REC_HEADER], uint64_t seq, const void *data, size_t len)
{
	put_le(h, SPOOL_MAGIC, 4);
	put_le(h + 4, len, 4);
	put_le(h + 8, seq, 8);
	put_le(h + 16, crc32c(crc32c(0, h, 16), data, len), 4);
}

/* See spool_int.h. */
int spool_rec_check_header(const uint8_t h[SPOOL_REC_HEADER], uint64_t seq,
			   uint64_t left, uint32_t *len)
{
	uint32_t l = (uint32_t)get_le(h + 4, 4);
	if (get_le(h, 4) != SPOOL_MAGIC || get_le(h + 8, 8) != seq || l > SPOOL_MAX_RECORD)
		return -1;
	if ((uint64_t)l + SPOOL_REC_HEADER > left)
		return -1;
	*len = l;
	return 0;
}

/* See spool_int.h. */
int spool_rec_crc_ok(const uint8_t h[SPOOL_REC_HEADER], const void *data, size_t len)
{
	return crc32c(crc32c(0, h, 16), data, len) == (uint32_t)get_le(h + 16, 4);
}

/* See spool_int.h. */
int spool_buf_reserve(struct spool *sp, size_t n)
{
	if (n <= sp->bufcap)
		return 0;
	uint8_t *b = realloc(sp->buf, n);
	if (!b)
		return -1;
	sp->buf = b;
	sp->bufcap = n;
	return 0;
}

/* See spool_int.h. */
void spool_seg_path(const struct spool *sp, uint64_t first, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%020llu.seg", sp->dir, (unsigned long long)first);
}
