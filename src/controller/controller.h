/*
 * controller: the vantage-controller daemon's core. It listens for agents on
 * TLS 1.3 (their keys pinned by registration), admits only registered and
 * approved agents, records every session, ingests results exactly once
 * (acked only after the batch holding them is committed), pushes measurement
 * definitions to the agents they are assigned to, and serves operators on a
 * local Unix admin socket. Everything runs on one libevent event_base.
 */
#ifndef VANTAGE_CONTROLLER_CONTROLLER_H
#define VANTAGE_CONTROLLER_CONTROLLER_H

#include <stddef.h>

struct event_base;
struct controller;
struct target_policy;
struct platform_policy;

struct controller_opts {
	const char *listen_addr;  /* e.g. "127.0.0.1" */
	int port;
	const char *admin_path;   /* Unix socket for the vantage CLI */
	const char *db_path;      /* SQLite database */
	const char *store;        /* PostgreSQL connection string, or NULL: SQLite at db_path */
	const char *ingest;       /* NATS JetStream URLs results go through (ingest_nats.c), or NULL */
	int ingest_in_flight;     /* ... with at most this many unacked (reading pauses past it) */
	const char *key_path;     /* Ed25519 key (created on first start) */
	const char *cert_path;    /* where the self-signed certificate is written */
	int heartbeat;            /* seconds between heartbeats; a session silent
				     for three of them is closed */
	int batch_max;            /* results per commit at most */
	int flush_ms;             /* longest wait before committing a batch */
	int quiet;                /* log only problems */
	int no_reach;             /* skip the remote half of check-host (reach.c) */
	const char *api_listen;   /* REST API "ADDR:PORT" (src/api), or NULL for none */
	const char *api_name;     /* its name in the certificate and links, or NULL: the address */
	const struct target_policy *targets; /* what may be measured (policy/targets.h);
						borrowed, outlives the controller */
	const char *resolv_conf;  /* name servers for host-name targets ("none": hosts only) */
	const char *hosts;        /* hosts file for them ("none": no hosts file) */
	/* Connections not yet admitted (preauth.c); 0 takes the default. */
	int preauth_max;          /* at most this many at once (256) */
	int preauth_per_addr;     /* from one address (8) */
	int handshake_timeout;    /* seconds from accept to an accepted HELLO (10) */
	/* What one API key may load (src/api/api_caps.c); 0 takes the default. */
	int key_max_running;      /* measurements running at once (100) */
	int key_max_probes;       /* probes in one measurement (1000) */
	int stream_buffer_kb;     /* unsent KiB one live-stream client may have (0: 1024) */
	/* What one agent may cost (quota.c); 0 takes the default. */
	int quota_results_per_sec;  /* results a second (100; bursts of twice that) */
	int quota_mb_per_day;       /* MiB of results, status and timing a UTC day (1024) */
	int hello_per_min;          /* HELLOs a minute (10) */
	int timing_max_bytes;       /* size of one timing report (16384) */
	int timing_max_per_day;     /* timing reports stored a day (1440) */
	int disk_floor_mb;          /* free MiB below which new data is refused
				       (default: 5% of the disk, at most 256 MiB) */
	int abandon_after;          /* seconds disconnected before an agent is
				       abandoned (0: 30 days, uptime.h) */
	const struct platform_policy *policy; /* the platform's rules, copied; NULL: the
						 defaults (platform_policy.h) */
	const char *dns_zone;       /* zone vantage points are named in, or NULL (dnsname.h) */
	const char *dns_names;      /* their naming convention (NULL: DNSNAME_DEFAULT) */
	/* Several front-ends on one PostgreSQL store (frontend.c). */
	const char *frontend;       /* this one's name (NULL or "": HOST/LISTEN:PORT) */
	int frontend_sync_ms;       /* how often others' measurement changes are looked for (1000) */
};

/*
 * Create the controller on base: opens the store, loads or creates the key
 * (printing its fingerprint and certificate path when created), starts
 * listening. Returns NULL with a one-line reason in err.
 */
struct controller *controller_new(struct event_base *base, const struct controller_opts *opts,
				  char *err, size_t errlen);

/* The controller key's fingerprint. */
const char *controller_fingerprint(const struct controller *c);

/* Commit what is pending, close every session and free the controller. */
void controller_free(struct controller *c);

#endif
