/*
 * controller: set up the controller (store, key, TLS context, agent listener,
 * admin socket, timers) and tear it down; accept agent connections.
 */
#include "controller/controller_int.h"
#include "util/anyaddr.h"
#include "util/logline.h"

#include "api/api.h"
#include "api/api_controller.h"

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* See controller_int.h. */
void ctl_log(const struct controller *c, const char *fmt, ...)
{
	(void)c;
	va_list ap;
	va_start(ap, fmt);
	vlogline("vantage-controller", fmt, ap);
	va_end(ap);
}

/* See controller_int.h. */
int64_t ctl_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* A TCP connection arrived: wrap it in TLS and start a session. */
static void accepted(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		     int salen, void *arg)
{
	(void)l;
	(void)salen;
	struct controller *c = arg;
	char peer[64] = "?", a[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		snprintf(peer, sizeof peer, "%s:%u", a, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in->sin6_addr, a, sizeof a);
		snprintf(peer, sizeof peer, "[%s]:%u", a, ntohs(in->sin6_port));
	}
	preauth_accepted(c);
	if (preauth_allow(c, a) < 0) {
		evutil_closesocket(fd);
		return;
	}
	SSL *ssl = SSL_new(c->tls);
	struct bufferevent *bev = ssl ? bufferevent_openssl_socket_new(c->base, fd, ssl,
		BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS) : NULL;
	if (!bev) {
		ctl_log(c, "%s: cannot set up TLS", peer);
		SSL_free(ssl);
		evutil_closesocket(fd);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	session_start(c, bev, peer, a);
}

/* Resolve the listen address addr and port into *ss; returns its length or -1. */
static int listen_sockaddr(const char *addr, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		return sizeof *in;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof *in6;
	}
	return -1;
}

/* Periodic work: heartbeats and idle sessions. */
static void ticked(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_tick(arg);
	frontend_tick(arg);
	team_tick(arg);
	archive_tick(arg);
	credits_tick(arg, time(NULL));
	mesh_tick(arg);
}

/* Start listening for agents and the timers. */
static int start_listening(struct controller *c, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	char addr[INET6_ADDRSTRLEN + 8];
	int fell = anyaddr_listen(c->opts.listen_addr, addr, sizeof addr);
	if (fell == 1)
		ctl_log(c, "this host has no IPv6: listening for agents on 0.0.0.0 instead of %s",
			c->opts.listen_addr);
	int sslen = fell < 0 ? -1 : listen_sockaddr(addr, c->opts.port, &ss);
	if (sslen < 0) {
		snprintf(err, errlen, "--listen: '%s' is not an IP address", c->opts.listen_addr);
		return -1;
	}
	c->listener = evconnlistener_new_bind(c->base, accepted, c,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024,
		(struct sockaddr *)&ss, sslen);
	if (!c->listener) {
		snprintf(err, errlen, "cannot listen on %s port %d: %s", addr,
			 c->opts.port, evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return -1;
	}
	if (preauth_listener(c) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct timeval tv = { c->opts.heartbeat, 0 };
	c->tick = event_new(c->base, -1, EV_PERSIST, ticked, c);
	event_add(c->tick, &tv);
	return 0;
}

/* See controller.h. */
struct controller *controller_new(struct event_base *base, const struct controller_opts *opts,
				  char *err, size_t errlen)
{
	struct controller *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->opts = *opts;
	c->opts.preauth_max = opts->preauth_max > 0 ? opts->preauth_max : 256;
	c->opts.preauth_per_addr = opts->preauth_per_addr > 0 ? opts->preauth_per_addr : 8;
	c->opts.handshake_timeout = opts->handshake_timeout > 0 ? opts->handshake_timeout : 10;
	quota_defaults(&c->opts);
	if (opts->policy)
		c->policy = *opts->policy;
	else
		platform_policy_defaults(&c->policy);
	c->opts.policy = &c->policy;
	c->base = base;
	if (!opts->targets) {
		snprintf(err, errlen, "no target policy");
		free(c);
		return NULL;
	}
	TAILQ_INIT(&c->sessions);
	TAILQ_INIT(&c->preauth);
	int created = 0;
	if (!(c->store = store_open(opts->store ? opts->store : opts->db_path, err, errlen)) ||
	    noprobe_reload(c, err, errlen) < 0 || frontend_start(c, err, errlen) < 0 ||
	    identity_load(&c->id, opts->key_path, opts->cert_path, "vantage-controller",
			  &created, err, errlen) < 0 ||
	    !(c->tls = identity_tls_ctx(&c->id, 1, err, errlen)) ||
	    start_listening(c, err, errlen) < 0 || admin_start(c, err, errlen) < 0 ||
	    api_controller_start(c, err, errlen) < 0 ||
	    (opts->ingest && ingest_nats_start(c, err, errlen) < 0) ||
	    stream_feed_start(c, err, errlen) < 0) {
		controller_free(c);
		return NULL;
	}
	if (created)
		printf("vantage-controller: created key %s\nfingerprint %s\ncertificate %s\n",
		       opts->key_path, c->id.fp, opts->cert_path);
	ctl_log(c, "listening on %s port %d, admin socket %s, database %s, fingerprint %s%s%s",
		opts->listen_addr, opts->port, opts->admin_path,
		opts->store ? "PostgreSQL (store)" : opts->db_path, c->id.fp,
		c->frontend_name[0] ? ", front-end " : "", c->frontend_name);
	return c;
}

/* See controller.h. */
const char *controller_fingerprint(const struct controller *c)
{
	return c->id.fp;
}

/* See controller.h. */
void controller_free(struct controller *c)
{
	if (!c)
		return;
	if (c->store)
		ingest_flush(c);
	session_close_all(c);
	stream_feed_end(c);  /* its disconnects are published; it feeds the API's hub */
	api_free(c->api);
	c->api = NULL;       /* the commit below publishes to no stream */
	if (c->store)
		ingest_flush(c);   /* commits the sessions' disconnects */
	if (c->listener)
		evconnlistener_free(c->listener);
	if (c->admin)
		evconnlistener_free(c->admin);
	if (c->tick)
		event_free(c->tick);
	frontend_free(c);
	if (c->relisten)
		event_free(c->relisten);
	if (c->flush)
		event_free(c->flush);
	ingest_nats_free(c);
	ingest_free(c);
	quota_free(c);
	noprobe_list_free(&c->noprobe);
	free(c->away);
	free(c->prices);
	credits_free(c);
	team_targets_free(c);
	free(c->by_agent);
	SSL_CTX_free(c->tls);
	identity_free(&c->id);
	if (c->store)
		c->store->ops->close(c->store);
	free(c);
}
