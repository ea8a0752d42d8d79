/*
 * api_client: a small blocking HTTPS client of the controller's REST API for
 * the `vantage measure` and `vantage results` commands: one request per
 * connection, the server's certificate checked against the controller's API
 * certificate file and the address.
 */
#ifndef VANTAGE_API_API_CLIENT_H
#define VANTAGE_API_API_CLIENT_H

#include <stddef.h>

#include "api/api_http.h"

#define API_CLIENT_MAX_RESPONSE (64u << 20)

struct api_client {
	char host[64];            /* an IP address */
	int port;
	const char *key;          /* API key, or NULL */
	const char *ca;           /* certificate file to trust */
	int timeout;              /* seconds */
};

/*
 * Fill c from the common options: api ("ADDR:PORT", default 127.0.0.1:8443
 * or $VANTAGE_API), key (or $VANTAGE_API_KEY), ca (or $VANTAGE_API_CA,
 * default /var/lib/vantage-controller/api.crt). 0 or -1 with err.
 */
int api_client_init(struct api_client *c, const char *api, const char *key, const char *ca,
		    char *err, size_t errlen);

/*
 * Send method path (with body, JSON, or NULL) and read the whole answer into
 * *r (free r->body). Returns 0 whatever the HTTP status, or -1 with err when
 * no answer came (connection, TLS, certificate, size, format).
 */
int api_client_call(const struct api_client *c, const char *method, const char *path,
		    const char *body, struct api_http_resp *r, char *err, size_t errlen);

/* One line for an error answer: its RIPE-shaped detail, or its status. */
void api_client_error_text(const struct api_http_resp *r, char *out, size_t len);

#endif
