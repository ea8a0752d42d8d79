/*
 * api_tls: the API's TLS certificate and context. The certificate is
 * self-signed over the API's own key (DIR/api.key, not the identity
 * agents pin) and names the API's listen address as a subject alternative
 * name, so HTTPS clients that check the host (python's requests, cousteau)
 * accept it with verify=<that file>. The agents' certificate
 * (controller.crt) has no such name and is over another key.
 * It is made on first start and kept while it still fits (same key, same
 * address), so clients that saved it keep trusting the controller.
 */
#include "api/api_int.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

/* Add extension nid with value text to x; 0 or -1. */
static int add_ext(X509 *x, int nid, const char *text)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, text);
	if (!e)
		return -1;
	int ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* A self-signed certificate over key naming host (an IP address or a name). */
static X509 *make_cert(EVP_PKEY *key, const char *host)
{
	unsigned char buf[16];
	char san[300];
	int ip = inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
	snprintf(san, sizeof san, "%s:%s,IP:127.0.0.1,DNS:localhost", ip ? "IP" : "DNS", host);
	X509 *x = X509_new();
	if (!x)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)api_now());
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400);
	X509_set_pubkey(x, key);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"vantage-api", -1, -1, 0);
	X509_set_issuer_name(x, n);
	if (add_ext(x, NID_subject_alt_name, san) < 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    X509_sign(x, key, EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL
								  : EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The certificate at path if it is over key and names host; NULL otherwise. */
static X509 *reuse_cert(const char *path, EVP_PKEY *key, const char *host)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	unsigned char buf[16];
	int ip = inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
	if (x && (X509_check_private_key(x, key) != 1 ||
		  (ip ? X509_check_ip_asc(x, host, 0) : X509_check_host(x, host, 0, 0, NULL)) != 1 ||
		  X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

/* Write cert to path as PEM; 0 or -1 with err. */
static int write_cert(X509 *cert, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int ok = f && PEM_write_X509(f, cert) == 1;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		snprintf(err, errlen, "%s: cannot write the API certificate", path);
	return ok ? 0 : -1;
}

/* See api_int.h. */
SSL_CTX *api_tls_ctx(EVP_PKEY *key, const char *host, const char *cert_path,
		     char *err, size_t errlen)
{
	err[0] = 0;
	X509 *cert = key ? reuse_cert(cert_path, key, host) : NULL;
	int fresh = cert == NULL;
	if (fresh && key)
		cert = make_cert(key, host);
	SSL_CTX *ctx = cert ? SSL_CTX_new(TLS_server_method()) : NULL;
	if (!ctx || (fresh && write_cert(cert, cert_path, err, errlen) < 0) ||
	    !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		if (!ctx || !err[0])
			snprintf(err, errlen, "API TLS setup failed: %s",
				 ERR_reason_error_string(ERR_get_error()));
		SSL_CTX_free(ctx);
		X509_free(cert);
		return NULL;
	}
	X509_free(cert);
	return ctx;
}
