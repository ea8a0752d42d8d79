/*
 * api_http: the HTTP/1.1 response parser of the CLI's API client: status
 * line, headers, and a body that is either delimited by the end of the
 * connection, by Content-Length, or chunked. Pure and bounded: the answer
 * comes from the network.
 */
#ifndef VANTAGE_API_API_HTTP_H
#define VANTAGE_API_API_HTTP_H

#include <stddef.h>

struct api_http_resp {
	int status;
	char retry_after[16];     /* Retry-After header, "" if none */
	char *body;               /* malloc'd, NUL-terminated */
	size_t len;
};

/*
 * Parse a whole response (buf, len bytes, read until the server closed)
 * into *r. Returns 0, or -1 with err (r->body is then NULL).
 */
int api_http_parse(const char *buf, size_t len, struct api_http_resp *r, char *err, size_t errlen);

#endif
