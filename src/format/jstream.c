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
   every non-ASCII byte, so the output is valid whatever the input). */
static bool js_needs_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
}

/* Append s as a JSON string literal, copying runs of plain bytes at once. */
static void js_quote(struct wbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
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
			uint8_t e[6] = { '\\', 'u', '0', '0', (uint8_t)hex[*p >> 4],
					 (uint8_t)hex[*p & 15] };
			wbuf_bytes(b, e, 6);
			p++;
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
