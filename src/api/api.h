/*
 * api: the controller's REST API, a subset of RIPE Atlas API v2 over HTTPS
 * (libevent's evhttp on OpenSSL bufferevents): measurements (create, list,
 * read, stop, add probes), their results (streamed) and latest results, and
 * probes and anchors. Clients authenticate with API keys ("Authorization:
 * Key ..." or "?key="); a key sees and stops only its own measurements and
 * is rate limited. The API runs on the controller's event_base and reaches
 * the controller only through the store and the hooks below.
 */
#ifndef VANTAGE_API_API_H
#define VANTAGE_API_API_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "controller/credit_rules.h"

struct event_base;
struct store;
struct store_msm;
struct api;
struct target_policy;
struct noprobe_list;
struct stream_hub;

/* What the API asks of the controller. Any hook may be NULL. */
struct api_hooks {
	void *arg;
	/* a measurement was created with these participants: send it to them */
	void (*pushed)(void *arg, const struct store_msm *m, const int64_t *ids, size_t n);
	/* a measurement was stopped: tell its agents */
	void (*stopped)(void *arg, int64_t msm_id);
	/* these participants were taken out of a measurement: tell them to stop it */
	void (*withdrawn)(void *arg, int64_t msm_id, const int64_t *ids, size_t n);
	/* true if the agent is connected now */
	int (*connected)(void *arg, int64_t agent_id);
	/* commit what waits to be stored: before reading results, and before a
	   write, so the write is its own transaction, durable before the answer */
	void (*flush)(void *arg);
};

struct api_opts {
	const char *addr;         /* listen address: any address literal */
	const char *name;         /* the name (or address) clients use: in the certificate and
				     in links; NULL or "": addr */
	int port;
	EVP_PKEY *key;            /* the key the certificate is made over (borrowed) */
	const char *cert_path;    /* where the API's certificate is written */
	int timeout;              /* seconds a connection may stay idle or slow */
	int min_interval;         /* shortest interval of periodic measurements (s) */
	int default_rate;         /* requests per minute of key-less clients */
	const struct target_policy *targets; /* what measurements may target (borrowed) */
	const struct noprobe_list *noprobe; /* the platform no-probe list (borrowed; NULL: none) */
	const char *resolv_conf;  /* name servers for host-name targets ("none": hosts only;
				     NULL: /etc/resolv.conf) */
	const char *hosts;        /* hosts file ("none", NULL: /etc/hosts) */
	int key_max_running;      /* measurements one key may run at once (api_caps.c) */
	int key_max_probes;       /* probes in one measurement */
	int abandon_after;        /* seconds disconnected before a probe is Abandoned
				     (0: 30 days, src/controller/uptime.h) */
	size_t stream_max_pending; /* unsent bytes one live-stream client may have (0: 1 MiB) */
	const char *dns_zone;     /* probes' fqdn: their names in this zone (NULL: none) */
	const char *dns_names;    /* by this convention (src/controller/dnsname.h) */
	int no_stream;            /* answer /stream/ with 501 (vantage-api without NATS:
				     nothing publishes there) */
	struct credit_limits credit_limits; /* the platform policy's limits per account (api_caps.c);
					       all 0: no account limits (the key caps only) */
};

/*
 * Start the API on base over store: writes the certificate (with the name,
 * else the listen address, as subject alternative name) and listens. Returns NULL with a
 * one-line reason in err.
 */
struct api *api_new(struct event_base *base, struct store *store, const struct api_opts *opts,
		    const struct api_hooks *hooks, char *err, size_t errlen);

/*
 * The hub of the live stream at /stream/ (src/stream/stream.h): whoever
 * learns of results, probe connects and new measurements publishes them
 * there. Owned by the API.
 */
struct stream_hub *api_stream_hub(struct api *a);

/*
 * On a scaled-out platform, what the API learns itself (a measurement was
 * scheduled) goes to every process's stream through live
 * (src/jetstream/js_live.h), which also feeds the API's own hub; NULL: to
 * the hub directly. Set by the API's owner, which closes live.
 */
struct js_live;
void api_stream_set_live(struct api *a, struct js_live *live);

/*
 * api_new with the API's own key and certificate in dir (api.key, made on
 * first start; api.crt): o->key and o->cert_path are set for the call only.
 * Prints "prog: API on https://..." (and when the key was made, so).
 * (api_open.c)
 */
struct api *api_new_in(struct event_base *base, struct store *store, struct api_opts *o,
		       const char *dir, const struct api_hooks *hooks, const char *prog,
		       char *err, size_t errlen);

/* Stop listening, end the streams in progress and free the API. NULL is allowed. */
void api_free(struct api *a);

/* The API form of a probe (a store row from probe_page); new reference. With
   a NULL (no API running) it is as if not connected and has no "fqdn". */
json_t *api_probe_json(const struct api *a, const json_t *row);

/*
 * Parse "ADDR:PORT" ("[v6]:PORT" for IPv6) into addr (size addrlen) and
 * *port. Any address literal (0.0.0.0 or :: for all); no names. 0 or -1 with err.
 */
int api_parse_listen(const char *text, char *addr, size_t addrlen, int *port, char *err, size_t errlen);

#endif
