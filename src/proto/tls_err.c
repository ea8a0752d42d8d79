/*
 * tls_err: OpenSSL's error text with lazily loaded crypto strings (see
 * tls_err.h). OpenSSL can load all of them only once, at initialisation (a
 * later OPENSSL_INIT_LOAD_CRYPTO_STRINGS is a no-op once the agent said
 * no), so the lazy load calls the per-library loaders, deprecated in
 * OpenSSL 3 but exported. The provider library's reasons have no public
 * loader and print as "reason(N)" after a lazy load.
 */
#define OPENSSL_SUPPRESS_DEPRECATED   /* the per-library ERR_load_*_strings */
#include "proto/tls_err.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

/* See tls_err.h. */
int tls_err_lazy(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL) == 1 ? 0 : -1;
}

/* Load the reason strings of every crypto library that has a public loader. */
static void load_crypto_strings(void)
{
	static int loaded;        /* once per process, as OpenSSL's own tables */
	if (loaded)
		return;
	loaded = 1;
	ERR_load_ERR_strings();
	ERR_load_ASN1_strings();
	ERR_load_ASYNC_strings();
	ERR_load_BIO_strings();
	ERR_load_BN_strings();
	ERR_load_BUF_strings();
	ERR_load_CMS_strings();
	ERR_load_COMP_strings();
	ERR_load_CONF_strings();
	ERR_load_CRYPTO_strings();
	ERR_load_CT_strings();
	ERR_load_DH_strings();
	ERR_load_DSA_strings();
	ERR_load_EC_strings();
	ERR_load_ENGINE_strings();
	ERR_load_EVP_strings();
	ERR_load_KDF_strings();
	ERR_load_OBJ_strings();
	ERR_load_OCSP_strings();
	ERR_load_OSSL_STORE_strings();
	ERR_load_PEM_strings();
	ERR_load_PKCS12_strings();
	ERR_load_PKCS7_strings();
	ERR_load_RAND_strings();
	ERR_load_RSA_strings();
	ERR_load_TS_strings();
	ERR_load_UI_strings();
	ERR_load_X509V3_strings();
	ERR_load_X509_strings();
}

/* See tls_err.h. */
void tls_err_text(unsigned long e, char *buf, size_t len)
{
	if (len == 0)
		return;
	if (ERR_SYSTEM_ERROR(e)) {        /* errno values: strerror needs no table */
		snprintf(buf, len, "error:%08lX:system library::%s", e,
			 strerror(ERR_GET_REASON(e)));
		return;
	}
	if (ERR_GET_LIB(e) != ERR_LIB_SSL && ERR_reason_error_string(e) == NULL)
		load_crypto_strings();
	ERR_error_string_n(e, buf, len);
}
