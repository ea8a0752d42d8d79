/*
 * api_http: parse an HTTP/1.1 response read to the end (see api_http.h).
 */
#include "api/api_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/numparse.h"

/* Find "\r\n" in buf[from..len); its offset or -1. */
static long find_crlf(const char *buf, size_t len, size_t from)
{
	for (size_t i = from; i + 1 < len; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n')
			return (long)i;
	return -1;
}

/* Decode a chunked body src[0..len) into out (at most len bytes); its length or -1. */
static long dechunk(const char *src, size_t len, char *out)
{
	size_t in = 0, o = 0;
	for (;;) {
		long eol = find_crlf(src, len, in);
		if (eol < 0 || (size_t)eol - in > 16)
			return -1;
		char *end;
		char hex[20];
		memcpy(hex, src + in, (size_t)eol - in);
		hex[eol - (long)in] = 0;
		unsigned long n = strtoul(hex, &end, 16);
		if (end == hex || (*end && *end != ';'))
			return -1;
		in = (size_t)eol + 2;
		if (n == 0)
			return (long)o;
		if (n > len - in || len - in - n < 2 || src[in + n] != '\r' || src[in + n + 1] != '\n')
			return -1;
		memcpy(out + o, src + in, n);
		o += n;
		in += n + 2;
	}
}

/* The value of header name in the header block [buf, buf+len) into out, or "". */
static void header(const char *buf, size_t len, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	out[0] = 0;
	for (long at = find_crlf(buf, len, 0); at >= 0 && (size_t)at + 2 < len;) {
		size_t line = (size_t)at + 2;
		long next = find_crlf(buf, len, line);
		size_t end = next < 0 ? len : (size_t)next;
		if (end - line > nl && buf[line + nl] == ':' && strncasecmp(buf + line, name, nl) == 0) {
			size_t v = line + nl + 1;
			while (v < end && buf[v] == ' ')
				v++;
			size_t n = end - v < cap - 1 ? end - v : cap - 1;
			memcpy(out, buf + v, n);
			out[n] = 0;
			return;
		}
		at = next;
	}
}

/* See api_http.h. */
int api_http_parse(const char *buf, size_t len, struct api_http_resp *r, char *err, size_t errlen)
{
	char te[32], cl[24], why[64];
	long long clen = -1;
	memset(r, 0, sizeof *r);
	const char *hend = len >= 4 ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
	if (!hend || len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') {
		snprintf(err, errlen, "the server's answer is not an HTTP response");
		return -1;
	}
	size_t hlen = (size_t)(hend - buf) + 2, body = hlen + 2;
	char code[4] = { buf[9], buf[10], buf[11], 0 };
	long long st;
	header(buf, hlen, "Transfer-Encoding", te, sizeof te);
	header(buf, hlen, "Content-Length", cl, sizeof cl);
	header(buf, hlen, "Retry-After", r->retry_after, sizeof r->retry_after);
	if (!parse_bounded(code, 100, 599, &st, why, sizeof why) ||
	    (cl[0] && !parse_bounded(cl, 0, (long long)(len - body), &clen, why, sizeof why))) {
		snprintf(err, errlen, "the server's answer has a bad status or length");
		return -1;
	}
	r->status = (int)st;
	r->body = malloc(len - body + 1);
	long n = !r->body ? -1 : strcasecmp(te, "chunked") == 0 ? dechunk(buf + body, len - body, r->body) :
		 (memcpy(r->body, buf + body, len - body), clen >= 0 ? clen : (long)(len - body));
	if (n < 0) {
		free(r->body);
		r->body = NULL;
		snprintf(err, errlen, "the server's answer has a bad chunked body");
		return -1;
	}
	r->body[n] = 0;
	r->len = (size_t)n;
	return 0;
}
