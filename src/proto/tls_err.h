/*
 * tls_err: OpenSSL's error text, with the reason strings of its crypto
 * library loaded only when one is printed. Loading them all at start-up (what
 * OpenSSL does by default) costs a program about 0.3 MB of resident memory;
 * the agent calls tls_err_lazy() first and so pays that only if it ever
 * prints such an error. TLS errors (libssl's reasons, which stay loaded) and
 * system errors read the same either way.
 */
#ifndef VANTAGE_PROTO_TLS_ERR_H
#define VANTAGE_PROTO_TLS_ERR_H

#include <stddef.h>

/*
 * Tell OpenSSL not to load its crypto error strings at initialisation. Call
 * before any other OpenSSL function (it has no effect after one); 0, or -1
 * if OpenSSL cannot initialise.
 */
int tls_err_lazy(void);

/* The text of OpenSSL error code e ("error:XXXXXXXX:library::reason") in buf. */
void tls_err_text(unsigned long e, char *buf, size_t len);

#endif
