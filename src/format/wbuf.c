/*
 * wbuf: growable big-endian byte buffer for the binary encoders.
 */
#include "format/wbuf.h"

#include <stdlib.h>
#include <string.h>

void wbuf_init(struct wbuf *b)
{
	memset(b, 0, sizeof *b);
}

void wbuf_free(struct wbuf *b)
{
	free(b->p);
	wbuf_init(b);
}

void wbuf_reset(struct wbuf *b)
{
	b->len = 0;
	b->failed = false;
}

/* Make room for n more bytes; returns false (and marks the buffer) if not. */
static bool wbuf_reserve(struct wbuf *b, size_t n)
{
	if (b->failed)
		return false;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	if (b->len + n <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void wbuf_bytes(struct wbuf *b, const void *src, size_t n)
{
	if (n == 0 || !wbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

void wbuf_u16(struct wbuf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	wbuf_bytes(b, x, 2);
}

void wbuf_u32(struct wbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };
	wbuf_bytes(b, x, 4);
}

void wbuf_str(struct wbuf *b, const char *s)
{
	wbuf_bytes(b, s, strlen(s) + 1);
}

void wbuf_put_u32_at(struct wbuf *b, size_t off, uint32_t v)
{
	if (b->failed || off > b->len || b->len - off < 4)
		return;
	b->p[off] = (uint8_t)(v >> 24);
	b->p[off + 1] = (uint8_t)(v >> 16);
	b->p[off + 2] = (uint8_t)(v >> 8);
	b->p[off + 3] = (uint8_t)v;
}
