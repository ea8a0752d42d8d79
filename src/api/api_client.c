/*
 * api_client: blocking HTTPS requests with OpenSSL on one TCP connection
 * each (see api_client.h).
 */
#include "api/api_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api/api.h"

/* See api_client.h. */
int api_client_init(struct api_client *c, const char *api, const char *key, const char *ca,
		    char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (!api)
		api = getenv("VANTAGE_API") ? getenv("VANTAGE_API") : "127.0.0.1:8443";
	c->key = key ? key : getenv("VANTAGE_API_KEY");
	c->ca = ca ? ca : getenv("VANTAGE_API_CA") ? getenv("VANTAGE_API_CA") :
		"/var/lib/vantage-controller/api.crt";
	c->timeout = 30;
	return api_parse_listen(api, c->host, sizeof c->host, &c->port, err, errlen);
}

/* A connected TCP socket to c, or -1 with err. */
static int dial(const struct api_client *c, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = sizeof *in;
	if (inet_pton(AF_INET, c->host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)c->port);
	} else {
		inet_pton(AF_INET6, c->host, &in6->sin6_addr);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)c->port);
		sl = sizeof *in6;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { c->timeout, 0 };
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(err, errlen, "%s port %d: cannot connect: %s", c->host, c->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A TLS session over fd that checks the server's certificate and address. */
static SSL *tls_open(const struct api_client *c, SSL_CTX *ctx, int fd, char *err, size_t errlen)
{
	SSL *ssl = SSL_new(ctx);
	if (!ssl)
		return NULL;
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->host);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		long v = SSL_get_verify_result(ssl);
		snprintf(err, errlen, "%s port %d: TLS: %s", c->host, c->port, v != X509_V_OK ?
			 X509_verify_cert_error_string(v) : ERR_reason_error_string(ERR_get_error()));
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* Write all of buf; 0 or -1. */
static int write_all(SSL *ssl, const char *buf, size_t len)
{
	while (len > 0) {
		int n = SSL_write(ssl, buf, (int)(len > 65536 ? 65536 : len));
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until the server closes into a new buffer; its length or -1 with err. */
static long read_all(SSL *ssl, char **out, char *err, size_t errlen)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	int n;
	while (buf && (n = SSL_read(ssl, buf + len, (int)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *b = cap < API_CLIENT_MAX_RESPONSE ? realloc(buf, cap * 2) : NULL;
			if (!b) {
				snprintf(err, errlen, "the answer is larger than %u bytes",
					 API_CLIENT_MAX_RESPONSE);
				free(buf);
				return -1;
			}
			buf = b;
			cap *= 2;
		}
	}
	*out = buf;
	return buf ? (long)len : -1;
}

/* Send the request on ssl and parse the answer. */
static int exchange(const struct api_client *c, SSL *ssl, const char *method, const char *path,
		    const char *body, struct api_http_resp *r, char *err, size_t errlen)
{
	char head[1024], *answer = NULL;
	int n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%s"
			 "Accept: application/json\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n", method, path, c->host,
			 c->port, c->key ? "Authorization: Key " : "", c->key ? c->key : "",
			 c->key ? "\r\n" : "", body ? strlen(body) : 0);
	if (n < 0 || (size_t)n >= sizeof head || write_all(ssl, head, (size_t)n) < 0 ||
	    (body && write_all(ssl, body, strlen(body)) < 0)) {
		snprintf(err, errlen, "%s port %d: cannot send the request", c->host, c->port);
		return -1;
	}
	long len = read_all(ssl, &answer, err, errlen);
	int rc = len < 0 ? -1 : api_http_parse(answer, (size_t)len, r, err, errlen);
	free(answer);
	return rc;
}

/* See api_client.h. */
int api_client_call(const struct api_client *c, const char *method, const char *path,
		    const char *body, struct api_http_resp *r, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx || SSL_CTX_load_verify_locations(ctx, c->ca, NULL) != 1) {
		snprintf(err, errlen, "%s: cannot load the API certificate", c->ca);
		SSL_CTX_free(ctx);
		return -1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	int fd = dial(c, err, errlen), rc = -1;
	SSL *ssl = fd >= 0 ? tls_open(c, ctx, fd, err, errlen) : NULL;
	if (ssl) {
		rc = exchange(c, ssl, method, path, body, r, err, errlen);
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	if (fd >= 0)
		close(fd);
	SSL_CTX_free(ctx);
	return rc;
}

/* See api_client.h. */
void api_client_error_text(const struct api_http_resp *r, char *out, size_t len)
{
	json_error_t jerr;
	json_t *o = r->body ? json_loads(r->body, 0, &jerr) : NULL;
	const char *d = json_string_value(json_object_get(json_object_get(o, "error"), "detail"));
	snprintf(out, len, "HTTP %d: %s", r->status, d ? d : "no detail given");
	json_decref(o);
}
