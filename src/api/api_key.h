/*
 * api_key: API key texts (random, RIPE Atlas' UUID shape) and the digest
 * the store keeps instead of the key itself.
 */
#ifndef VANTAGE_API_API_KEY_H
#define VANTAGE_API_API_KEY_H

#include <stddef.h>

#define API_KEY_LEN 37     /* 36 characters and a NUL */
#define API_KEY_HASH_LEN 65

/* A new random key into out; 0, or -1 if the random source failed. */
int api_key_new(char out[API_KEY_LEN]);

/* The SHA-256 of key, in lower-case hex, into out. */
void api_key_hash(const char *key, char out[API_KEY_HASH_LEN]);

#endif
