/*
 * wbuf: a growable byte buffer that appends big-endian integers, bytes and
 * NUL-terminated strings. The binary encoders (warts) build each record in
 * one of these before a single write. A failed allocation sticks: every later
 * append is a no-op and wbuf_ok() reports false, so callers check once.
 */
#ifndef VANTAGE_FORMAT_WBUF_H
#define VANTAGE_FORMAT_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool failed;
};

/* Start an empty buffer (no allocation yet). */
void wbuf_init(struct wbuf *b);

/* Release the buffer's memory and leave it empty. */
void wbuf_free(struct wbuf *b);

/* Forget the contents but keep the memory for reuse. */
void wbuf_reset(struct wbuf *b);

/* True while no append has failed. */
static inline bool wbuf_ok(const struct wbuf *b) { return !b->failed; }

/* Append n raw bytes. */
void wbuf_bytes(struct wbuf *b, const void *src, size_t n);

/* Append one byte (inline: the JSON writer appends many single bytes). */
static inline void wbuf_u8(struct wbuf *b, uint8_t v)
{
	if (b->len < b->cap && !b->failed)
		b->p[b->len++] = v;
	else
		wbuf_bytes(b, &v, 1);
}

/* Append a 16-bit value in network byte order. */
void wbuf_u16(struct wbuf *b, uint16_t v);

/* Append a 32-bit value in network byte order. */
void wbuf_u32(struct wbuf *b, uint32_t v);

/* Append a string and its terminating NUL. */
void wbuf_str(struct wbuf *b, const char *s);

/* Overwrite 4 bytes at off (already written) with v in network order. */
void wbuf_put_u32_at(struct wbuf *b, size_t off, uint32_t v);

#endif
