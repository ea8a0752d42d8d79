/*
 * jstream: streaming JSON writer (see jstream.h).
 */
#include "format/jstream.h"

#include <string.h>

void js_init(struct jstream *j, struct wbuf *b)
{
	j->b = b;
	j->has = 0;
	j->depth = 0;
	j->after_key = false;
}

/* Write the comma a new element of the current container needs. */
static void js_sep(struct jstream *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if ((j->has >> j->depth) & 1u)
		wbuf_u8(j->b, ',');
	j->has |= 1u << j->depth;
}

/* Open a container with character c. */
static void js_open(struct jstream *j, char c)
{
	js_sep(j);
	wbuf_u8(j->b, (uint8_t)c);
	if (j->depth < JSTREAM_MAX_DEPTH)
		j->depth++;
	else
		j->b->failed = true;
	j->has &= ~(1u << j->depth);
}

/* Close a container with character c. */
static void js_close(struct jstream *j, char c)
{
	wbuf_u8(j->b, (uint8_t)c);
	if (j->depth > 0)
		j->depth--;
}

void js_obj(struct jstream *j) { js_open(j, '{'); }
void js_obj_end(struct jstream *j) { js_close(j, '}'); }
void js_arr(struct jstream *j) { js_open(j, '['); }
void js_arr_end(struct jstream *j) { js_close(j, ']'); }

/* True for the bytes a JSON string literal must escape (we also escape
   every non-ASCII byte, so the output is ASCII whatever the input: the
   spool and the upload count on it, src/agent/spool.h). */
static bool js_needs_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
}

/* The code point of the valid UTF-8 sequence at p, and its length in *len;
   -1 when p does not start one (a stray byte, an overlong form, a
   surrogate, past U+10FFFF). */
static long utf8_point(const unsigned char *p, size_t *len)
{
	static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = p[0] >= 0xf0 && p[0] < 0xf5 ? 4 : p[0] >= 0xe0 && p[0] < 0xf0 ? 3
		 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	long cp;

	if (n == 0)
		return -1;
	cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)  /* also stops at the string's NUL */
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return -1;
	*len = n;
	return cp;
}

/* Append \uXXXX for the 16-bit unit u. */
static void js_unit(struct wbuf *b, unsigned u)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t e[6] = { '\\', 'u', (uint8_t)hex[u >> 12 & 15], (uint8_t)hex[u >> 8 & 15],
			 (uint8_t)hex[u >> 4 & 15], (uint8_t)hex[u & 15] };
	wbuf_bytes(b, e, 6);
}

/* Append the escape of the byte or UTF-8 sequence at p; returns the bytes
   it took. A valid sequence becomes its code point (a surrogate pair above
   U+FFFF), so a UTF-8 name reads back as itself; any other byte becomes
   the code point of the same value (Latin-1), so the output stays valid. */
static size_t js_escape_one(struct wbuf *b, const unsigned char *p)
{
	size_t n = 1;
	long cp = *p >= 0x80 ? utf8_point(p, &n) : -1;

	if (cp < 0) {
		js_unit(b, *p);
		return 1;
	}
	if (cp > 0xffff) {
		js_unit(b, 0xd800 | (unsigned)((cp - 0x10000) >> 10));
		js_unit(b, 0xdc00 | (unsigned)((cp - 0x10000) & 0x3ff));
	} else {
		js_unit(b, (unsigned)cp);
	}
	return n;
}

/* Append s as a JSON string literal, copying runs of plain bytes at once. */
static void js_quote(struct wbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	wbuf_u8(b, '"');
	while (*p) {
		size_t n = 0;
		while (p[n] && !js_needs_escape(p[n]))
			n++;
		wbuf_bytes(b, p, n);
		p += n;
		if (*p == '"' || *p == '\\') {
			uint8_t e[2] = { '\\', *p++ };
			wbuf_bytes(b, e, 2);
		} else if (*p) {
			p += js_escape_one(b, p);
		}
	}
	wbuf_u8(b, '"');
}

void js_key(struct jstream *j, const char *k)
{
	js_sep(j);
	js_quote(j->b, k);
	wbuf_u8(j->b, ':');
	j->after_key = true;
}

void js_str(struct jstream *j, const char *s)
{
	js_sep(j);
	js_quote(j->b, s);
}

/* Append the decimal digits of v. */
static void js_digits(struct wbuf *b, unsigned long long v)
{
	char d[24];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char r[24];
	for (int i = 0; i < n; i++)
		r[i] = d[n - 1 - i];
	wbuf_bytes(b, r, (size_t)n);
}

void js_int(struct jstream *j, long long v)
{
	js_sep(j);
	if (v < 0) {
		wbuf_u8(j->b, '-');
		js_digits(j->b, 0ull - (unsigned long long)v);
	} else {
		js_digits(j->b, (unsigned long long)v);
	}
}

void js_ms(struct jstream *j, uint64_t ns)
{
	char frac[7];
	uint32_t f = (uint32_t)(ns % 1000000u);
	int n = 6;
	js_sep(j);
	js_digits(j->b, ns / 1000000u);
	for (int i = 5; i >= 0; i--, f /= 10)
		frac[i] = (char)('0' + f % 10);
	while (n > 1 && frac[n - 1] == '0')
		n--;
	wbuf_u8(j->b, '.');
	wbuf_bytes(j->b, frac, (size_t)n);
}

void js_null(struct jstream *j) { js_raw(j, "null"); }
void js_bool(struct jstream *j, bool v) { js_raw(j, v ? "true" : "false"); }

void js_raw(struct jstream *j, const char *json)
{
	js_sep(j);
	wbuf_bytes(j->b, json, strlen(json));
}
