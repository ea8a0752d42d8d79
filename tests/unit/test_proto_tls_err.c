/*
 * test_proto_tls_err: OpenSSL's crypto error strings are not loaded at start
 * once tls_err_lazy() ran, and tls_err_text still prints them in full (it
 * loads them on first use); TLS and system errors read as usual.
 */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "proto/tls_err.h"

/* First OpenSSL call of the process: the crypto strings stay unloaded. */
static void test_lazy_then_full(void **state)
{
	(void)state;
	assert_int_equal(tls_err_lazy(), 0);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());   /* as the agent starts */
	assert_non_null(ctx);
	unsigned long evp = ERR_PACK(ERR_LIB_EVP, 0, EVP_R_BAD_DECRYPT);
	assert_null(ERR_reason_error_string(evp));          /* not loaded at start */
	char buf[256];
	tls_err_text(evp, buf, sizeof buf);
	char want[128];
	snprintf(want, sizeof want, "error:%08lX:digital envelope routines::bad decrypt", evp);
	assert_string_equal(buf, want);
	assert_non_null(ERR_reason_error_string(evp));      /* loaded now */
	SSL_CTX_free(ctx);
}

/* TLS reasons were never deferred; system errors are errno texts. */
static void test_ssl_and_system(void **state)
{
	(void)state;
	char buf[256];
	tls_err_text(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED), buf, sizeof buf);
	assert_string_equal(buf, "error:0A000086:SSL routines::certificate verify failed");
	tls_err_text(ERR_SYSTEM_FLAG | ECONNRESET, buf, sizeof buf);
	char want[128];
	snprintf(want, sizeof want, "error:%08lX:system library::%s",
		 (unsigned long)(ERR_SYSTEM_FLAG | ECONNRESET), strerror(ECONNRESET));
	assert_string_equal(buf, want);
	tls_err_text(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED), buf, 8);
	assert_int_equal(strlen(buf), 7);                   /* cut to the buffer */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_then_full),
		cmocka_unit_test(test_ssl_and_system),
	};
	return cmocka_run_group_tests_name("proto_tls_err", tests, NULL, NULL);
}
