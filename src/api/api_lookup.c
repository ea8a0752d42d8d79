/*
 * api_lookup: the host-name targets of a create request. Each is resolved
 * through libevent's evdns (the controller's resolv.conf and hosts file, or
 * only a hosts file: `resolv_conf none`), in the family its definition asks
 * for; the first address goes through the target policy like any literal
 * (api_def_resolved), and only when every name is resolved and allowed is
 * the request finished (api_msm_create_finish). A client that goes away
 * meanwhile gets nothing and nothing is stored; at shutdown the lookups are
 * cancelled.
 */
#include "api/api_int.h"
#include "util/dns_base.h"

#include <event2/dns.h>
#include <event2/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One definition's lookup. */
struct lookup_def {
	struct api_lookup *l;
	size_t i;
};

struct api_lookup {
	LIST_ENTRY(api_lookup) link;
	struct api_call call;             /* a copy: the request outlives on_request */
	struct evhttp_connection *conn;
	struct api_create *req;
	struct lookup_def defs[API_MAX_DEFS];
	int pending;                      /* lookups not answered yet (+1 while starting) */
	int gone;                         /* the client closed its connection */
	char err[600];                    /* the first failure, if any */
};

/* The client went away: finish without replying. */
static void client_closed(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	struct api_lookup *l = arg;
	l->gone = 1;
	l->conn = NULL;
}

/* Every lookup is answered: reply (unless the client or the API is gone) and free. */
static void finish(struct api_lookup *l)
{
	struct api *a = l->call.api;
	if (l->conn)
		evhttp_connection_set_closecb(l->conn, NULL, NULL);
	if (!l->gone && !a->closing) {
		if (l->err[0])
			api_error(&l->call, 400, "%s", l->err);
		else
			api_msm_create_finish(&l->call, l->req);
	}
	LIST_REMOVE(l, link);
	api_create_free(l->req);
	free(l->req);
	free(l);
}

/* evdns_getaddrinfo callback: one name answered. */
static void resolved(int result, struct evutil_addrinfo *res, void *arg)
{
	struct lookup_def *ld = arg;
	struct api_lookup *l = ld->l;
	const struct api_def *d = &l->req->defs[ld->i];
	char addr[64] = "";
	for (struct evutil_addrinfo *ai = res; result == 0 && ai && !addr[0]; ai = ai->ai_next) {
		const void *raw = ai->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
			: (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		if (ai->ai_family == (d->af == 4 ? AF_INET : AF_INET6))
			evutil_inet_ntop(ai->ai_family, raw, addr, sizeof addr);
	}
	if (res)
		evutil_freeaddrinfo(res);
	if (!l->err[0] && result != 0)
		snprintf(l->err, sizeof l->err, "definitions[%zu].target: cannot resolve %s: %s",
			 ld->i, d->name, result == EVUTIL_EAI_CANCEL && !l->call.api->closing
			 ? "not in the hosts file, and no name server is configured"
			 : evutil_gai_strerror(result));
	else if (!l->err[0])
		api_def_resolved(l->req, ld->i, addr, &l->call.api->limits, l->err, sizeof l->err);
	if (--l->pending == 0)
		finish(l);
}

/* See api_int.h. */
void api_lookup_start(struct api_call *c, struct api_create *req)
{
	struct api_lookup *l = calloc(1, sizeof *l);
	if (!l || !c->api->dns) {
		free(l);
		api_error(c, 400, "host-name targets are not resolved on this platform");
		api_create_free(req);
		free(req);
		return;
	}
	l->call = *c;
	l->req = req;
	l->conn = evhttp_request_get_connection(c->req);
	l->pending = 1;
	LIST_INSERT_HEAD(&c->api->lookups, l, link);
	if (l->conn)
		evhttp_connection_set_closecb(l->conn, client_closed, l);
	for (size_t i = 0; i < req->ndefs; i++) {
		if (!req->defs[i].resolve)
			continue;
		struct evutil_addrinfo hints = {
			.ai_family = req->defs[i].af == 4 ? AF_INET : AF_INET6,
			.ai_socktype = SOCK_DGRAM,
		};
		l->defs[i] = (struct lookup_def){ l, i };
		l->pending++;
		/* The callback may run at once (hosts file); pending's +1 keeps l alive. */
		struct evdns_getaddrinfo_request *q = evdns_getaddrinfo(
			c->api->dns, req->defs[i].name, NULL, &hints, resolved, &l->defs[i]);
		/* Not answered from the hosts file and nobody to ask: it would wait forever. */
		if (q && evdns_base_count_nameservers(c->api->dns) == 0)
			evdns_getaddrinfo_cancel(q);
	}
	if (--l->pending == 0)
		finish(l);
}

/* See api_int.h. */
void api_lookups_end(struct api *a)
{
	a->closing = 1;
	if (a->dns)
		evdns_base_free(a->dns, 1);  /* answers each pending lookup: cancelled */
	a->dns = NULL;
	while (!LIST_EMPTY(&a->lookups)) {
		struct api_lookup *l = LIST_FIRST(&a->lookups);
		l->pending = 1;
		finish(l);
	}
}

/* dns_base's warnings go to the controller's standard error. */
static void dns_warn(void *ctx, const char *what)
{
	(void)ctx;
	fprintf(stderr, "vantage-controller: %s\n", what);
}

/* See api_int.h. */
int api_dns_start(struct api *a, char *err, size_t errlen)
{
	a->dns = dns_base_open(a->base, a->opts.resolv_conf, a->opts.hosts, dns_warn, NULL, err,
			       errlen);
	return a->dns ? 0 : -1;
}
