/* dns_base: see dns_base.h. */
#include "util/dns_base.h"

#include <event2/dns.h>
#include <stdio.h>
#include <string.h>

/* Read resolv into dns; 0, or -1 with err when it is there but unreadable. */
static int read_resolv(struct evdns_base *dns, const char *resolv, dns_base_warn_fn warn,
		       void *ctx, char *err, size_t errlen)
{
	int rc = evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS | DNS_OPTION_SEARCH |
					      DNS_OPTION_MISC, resolv);
	char what[320];
	/* 6: no name server listed (127.0.0.1 is used); 1: no such file (none is) */
	if (rc == 1) {
		snprintf(what, sizeof what, "resolv_conf %s cannot be opened: host names resolve"
			 " from the hosts file only", resolv);
		warn(ctx, what);
	} else if (rc != 0 && rc != 6) {
		snprintf(err, errlen, "resolv_conf %s: cannot be read (evdns error %d)", resolv, rc);
		return -1;
	}
	return 0;
}

/* See dns_base.h. */
struct evdns_base *dns_base_open(struct event_base *base, const char *resolv, const char *hosts,
				 dns_base_warn_fn warn, void *ctx, char *err, size_t errlen)
{
	resolv = resolv && resolv[0] ? resolv : "/etc/resolv.conf";
	hosts = hosts && hosts[0] ? hosts : "/etc/hosts";
	struct evdns_base *dns = evdns_base_new(base, 0);
	if (!dns) {
		snprintf(err, errlen, "cannot create the DNS resolver");
		return NULL;
	}
	if (strcmp(resolv, "none") != 0 && read_resolv(dns, resolv, warn, ctx, err, errlen) < 0) {
		evdns_base_free(dns, 0);
		return NULL;
	}
	if (strcmp(hosts, "none") != 0 && evdns_base_load_hosts(dns, hosts) != 0) {
		char what[320];
		snprintf(what, sizeof what, "hosts %s cannot be read: host names resolve through"
			 " name servers only", hosts);
		warn(ctx, what);
	}
	return dns;
}
