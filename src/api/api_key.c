/*
 * api_key: generate keys from OpenSSL's random source and hash them with
 * SHA-256 (see api_key.h).
 */
#include "api/api_key.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

/* See api_key.h. */
int api_key_new(char out[API_KEY_LEN])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* variant */
	char *p = out;
	for (int i = 0; i < 16; i++) {
		p += sprintf(p, "%02x", b[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*p++ = '-';
	}
	*p = 0;
	return 0;
}

/* See api_key.h. */
void api_key_hash(const char *key, char out[API_KEY_HASH_LEN])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(key, strlen(key), md, &n, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[64] = 0;
}
