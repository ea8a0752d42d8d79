/*
 * identity: the Ed25519 keys that identify agents and controllers, and the
 * TLS 1.3 contexts built on them. There is no CA: each side presents a
 * self-signed certificate over its key, and the other side pins the key's
 * fingerprint (SHA-256 of the raw 32-byte public key, 64 hex digits).
 */
#ifndef VANTAGE_PROTO_IDENTITY_H
#define VANTAGE_PROTO_IDENTITY_H

#include <openssl/ssl.h>
#include <stddef.h>

#define IDENTITY_FP_LEN 65   /* 64 hex digits and a NUL */

struct identity {
	EVP_PKEY *key;
	X509 *cert;
	char fp[IDENTITY_FP_LEN];
};

/*
 * Load the PEM private key at key_path, or create it (mode 0600) when the
 * file does not exist; *created tells which. Builds the self-signed
 * certificate (common name cn) and, when cert_path is not NULL, writes it
 * there. Returns 0, or -1 with a reason naming the file in err.
 */
int identity_load(struct identity *id, const char *key_path, const char *cert_path,
		  const char *cn, int *created, char *err, size_t errlen);

/*
 * The private key at path, of type EVP_PKEY_ED25519 or EVP_PKEY_EC (P-256),
 * or a new one written there (mode 0600) when the file does not exist;
 * *created tells which. NULL with a reason naming the file in err.
 */
EVP_PKEY *identity_key_file(const char *path, int type, int *created, char *err,
			    size_t errlen);

/*
 * A fresh in-memory identity (key and self-signed certificate, nothing
 * written), e.g. for load generators. Returns 0 or -1 with err.
 */
int identity_generate(struct identity *id, const char *cn, char *err, size_t errlen);

/* Free what identity_load made. */
void identity_free(struct identity *id);

/* The fingerprint of key into fp; returns 0 or -1 (not an Ed25519 key). */
int identity_fingerprint(EVP_PKEY *key, char fp[IDENTITY_FP_LEN]);

/*
 * A TLS 1.3-only context presenting id and asking the peer for its
 * certificate (any self-signed one: the caller pins its fingerprint after
 * the handshake). Returns NULL with err on failure.
 */
SSL_CTX *identity_tls_ctx(const struct identity *id, int server, char *err, size_t errlen);

/* The peer's key fingerprint after a handshake; returns 0, or -1 if none or not Ed25519. */
int identity_peer_fp(SSL *ssl, char fp[IDENTITY_FP_LEN]);

/* True if text is 64 lower-case hex digits. */
int identity_fp_valid(const char *text);

#endif
