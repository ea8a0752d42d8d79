/*
 * api_open: start the API with its own TLS key and certificate kept in a
 * folder (api.key, made on first start, and api.crt), apart from any key
 * agents pin, and say where it serves. Shared by the controller's API
 * (api_controller.c) and vantage-api (api_program.c).
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "proto/identity.h"

/* See api.h. */
struct api *api_new_in(struct event_base *base, struct store *store, struct api_opts *o,
		       const char *dir, const struct api_hooks *hooks, const char *prog,
		       char *err, size_t errlen)
{
	char cert[4200], keyfile[4200];
	int created;
	snprintf(cert, sizeof cert, "%s/api.crt", dir);
	snprintf(keyfile, sizeof keyfile, "%s/api.key", dir);
	/* ECDSA P-256: every HTTPS client takes it (browsers refuse Ed25519) */
	EVP_PKEY *key = identity_key_file(keyfile, EVP_PKEY_EC, &created, err, errlen);
	if (!key)
		return NULL;
	o->key = key;
	o->cert_path = cert;
	struct api *a = api_new(base, store, o, hooks, err, errlen);
	EVP_PKEY_free(key);   /* the TLS context holds its own reference */
	o->key = NULL;
	o->cert_path = NULL;
	if (!a)
		return NULL;
	if (created)
		printf("%s: created the API's TLS key %s\n", prog, keyfile);
	printf("%s: API on https://%s%s%s:%d/api/v2/, certificate %s\n", prog,
	       strchr(o->addr, ':') ? "[" : "", o->addr, strchr(o->addr, ':') ? "]" : "", o->port,
	       cert);
	return a;
}
