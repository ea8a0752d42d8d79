/*
 * identity: Ed25519 key files, self-signed certificates and pinned-key TLS
 * 1.3 contexts with OpenSSL 3 (see identity.h).
 */
#include "proto/identity.h"
#include "proto/tls_err.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Write OpenSSL's last error after what into err; returns -1. */
static int ossl_fail(const char *what, char *err, size_t errlen)
{
	char buf[160];
	tls_err_text(ERR_get_error(), buf, sizeof buf);
	snprintf(err, errlen, "%s: %s", what, buf);
	return -1;
}

/* See identity.h. */
int identity_fingerprint(EVP_PKEY *key, char fp[IDENTITY_FP_LEN])
{
	unsigned char raw[32], md[32];
	size_t len = sizeof raw;
	if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != sizeof raw)
		return -1;
	unsigned int mdlen = 0;
	if (EVP_Digest(raw, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	for (unsigned i = 0; i < 32; i++)
		snprintf(fp + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* See identity.h. */
int identity_fp_valid(const char *text)
{
	if (strlen(text) != 64)
		return 0;
	return strspn(text, "0123456789abcdef") == 64;
}

/* Read a private key of type (EVP_PKEY_ED25519 or _EC) from path; NULL with
   err (errno ENOENT kept). */
static EVP_PKEY *read_key(const char *path, int type, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || EVP_PKEY_get_base_id(k) != type) {
		snprintf(err, errlen, "%s: not an %s private key in PEM", path,
			 type == EVP_PKEY_EC ? "EC" : "Ed25519");
		EVP_PKEY_free(k);
		errno = EINVAL;
		return NULL;
	}
	return k;
}

/* Create a new key of type (Ed25519, or EC P-256) and write it to path (mode
   0600, never overwriting). */
static EVP_PKEY *create_key(const char *path, int type, char *err, size_t errlen)
{
	EVP_PKEY *k = type == EVP_PKEY_EC ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
					  : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!k) {
		ossl_fail("key generation", err, errlen);
		return NULL;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ok = f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
	if (f)
		ok = (fflush(f) == 0 && fsync(fd) == 0 && ok);
	if (f ? fclose(f) != 0 : (fd >= 0 && close(fd) != 0))
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write key: %s", path, strerror(errno));
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

/* A self-signed certificate over key for cn, valid for 20 years. */
static X509 *self_signed(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	if (!x)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 20L * 365 * 86400);
	X509_set_pubkey(x, key);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	if (X509_sign(x, key, NULL) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Write cert as PEM to path (replaced atomically). */
static int write_cert(X509 *cert, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int ok = f && PEM_write_X509(f, cert) == 1;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: cannot write certificate: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* See identity.h. */
EVP_PKEY *identity_key_file(const char *path, int type, int *created, char *err,
			    size_t errlen)
{
	*created = 0;
	EVP_PKEY *k = read_key(path, type, err, errlen);
	if (!k && errno == ENOENT) {
		k = create_key(path, type, err, errlen);
		*created = 1;
	}
	return k;
}

/* See identity.h. */
int identity_load(struct identity *id, const char *key_path, const char *cert_path,
		  const char *cn, int *created, char *err, size_t errlen)
{
	memset(id, 0, sizeof *id);
	id->key = identity_key_file(key_path, EVP_PKEY_ED25519, created, err, errlen);
	if (!id->key)
		return -1;
	identity_fingerprint(id->key, id->fp);
	if (!(id->cert = self_signed(id->key, cn))) {
		ossl_fail("self-signed certificate", err, errlen);
		identity_free(id);
		return -1;
	}
	if (cert_path && write_cert(id->cert, cert_path, err, errlen) < 0) {
		identity_free(id);
		return -1;
	}
	return 0;
}

/* See identity.h. */
int identity_generate(struct identity *id, const char *cn, char *err, size_t errlen)
{
	memset(id, 0, sizeof *id);
	id->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!id->key || !(id->cert = self_signed(id->key, cn))) {
		identity_free(id);
		return ossl_fail("key generation", err, errlen);
	}
	identity_fingerprint(id->key, id->fp);
	return 0;
}

/* See identity.h. */
void identity_free(struct identity *id)
{
	X509_free(id->cert);
	EVP_PKEY_free(id->key);
	id->cert = NULL;
	id->key = NULL;
}

/* Accept any certificate chain: the key is pinned after the handshake. */
static int accept_any(int preverify, X509_STORE_CTX *ctx)
{
	(void)preverify;
	(void)ctx;
	return 1;
}

/* See identity.h. */
SSL_CTX *identity_tls_ctx(const struct identity *id, int server, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (!ctx) {
		ossl_fail("TLS context", err, errlen);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	if (SSL_CTX_use_certificate(ctx, id->cert) != 1 || SSL_CTX_use_PrivateKey(ctx, id->key) != 1) {
		ossl_fail("TLS certificate", err, errlen);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

/* See identity.h. */
int identity_peer_fp(SSL *ssl, char fp[IDENTITY_FP_LEN])
{
	X509 *peer = SSL_get0_peer_certificate(ssl);
	if (!peer)
		return -1;
	return identity_fingerprint(X509_get0_pubkey(peer), fp);
}
