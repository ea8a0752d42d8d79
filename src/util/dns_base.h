/*
 * dns_base: a libevent evdns resolver read from a resolv.conf and a hosts
 * file, as the agent (resolve_on_probe) and the controller's API (host-name
 * targets) both set theirs up.
 */
#ifndef VANTAGE_UTIL_DNS_BASE_H
#define VANTAGE_UTIL_DNS_BASE_H

#include <stddef.h>

struct event_base;
struct evdns_base;

/* Told what the resolver does without (no resolv file, no hosts file). */
typedef void (*dns_base_warn_fn)(void *ctx, const char *what);

/*
 * A resolver on base from resolv (name servers and search list; NULL:
 * /etc/resolv.conf) and hosts (NULL: /etc/hosts); "none" leaves either
 * out. A resolv file that cannot be opened or a hosts file that cannot be
 * read is no error: warn hears of it. NULL with err when the resolver
 * cannot be made or resolv cannot be parsed.
 */
struct evdns_base *dns_base_open(struct event_base *base, const char *resolv, const char *hosts,
				 dns_base_warn_fn warn, void *ctx, char *err, size_t errlen);

#endif
