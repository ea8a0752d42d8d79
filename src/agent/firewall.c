/*
 * firewall: `vantage-agent --firewall nft|text` (see firewall.h). The
 * configuration is first turned into a plan (prefixes sorted by family and
 * normalised, methods into the packet kinds a firewall can tell apart), and
 * both writers print the same plan, so the list an admin reads and the
 * rules they load cannot disagree.
 */
#include "agent/firewall.h"

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/methods.h"
#include "policy/prefix.h"

#define FW_MAX (CONFIG_MAX_PREFIXES + 1)

/* Prefixes of one family, normalised ("198.18.0.0/15"). */
struct fw_set {
	char p[FW_MAX][64];
	int n;
};

/* The packet kinds a firewall tells apart, and which methods send them. */
enum fw_kind { FW_ICMP_ECHO, FW_UDP, FW_TCP_SYN, FW_TCP_ACK, FW_NKINDS };

static const struct {
	const char *method;
	enum fw_kind kind;
} method_kinds[] = {
	{ "icmp-echo", FW_ICMP_ECHO }, { "icmp", FW_ICMP_ECHO }, { "icmp-paris", FW_ICMP_ECHO },
	{ "udp", FW_UDP }, { "udp-paris", FW_UDP }, { "tcp-syn", FW_TCP_SYN },
	{ "tcp-ack", FW_TCP_ACK },
};

struct fw_plan {
	struct fw_set allow[2], forbid[2], admin[2];  /* [0] IPv4, [1] IPv6 */
	char methods[FW_NKINDS][128];                 /* "" when the kind is not allowed */
	const struct agent_config *cfg;
	const struct resolv_servers *dns;   /* never NULL: empty for none */
	const char *source;
};

/* See firewall.h. */
int firewall_format_parse(const char *name, enum firewall_format *out)
{
	if (strcmp(name, "nft") == 0)
		*out = FIREWALL_NFT;
	else if (strcmp(name, "text") == 0)
		*out = FIREWALL_TEXT;
	else
		return -1;
	return 0;
}

/* Add the prefix text to sets[family]; 0 or -1 with err. */
static int add_prefix(struct fw_set sets[2], const char *text, const char *key, char *err,
		      size_t errlen)
{
	struct net_prefix p;
	char why[128];
	if (!net_prefix_parse(text, &p, why, sizeof why)) {
		snprintf(err, errlen, "%s %s: %s", key, text, why);
		return -1;
	}
	struct fw_set *s = &sets[p.addr.family == AF_INET6];
	net_prefix_str(&p, s->p[s->n++], sizeof s->p[0]);
	return 0;
}

/* Add n prefixes of list; 0 or -1. */
static int add_all(struct fw_set sets[2], const char list[][64], int n, const char *key,
		   char *err, size_t errlen)
{
	for (int i = 0; i < n; i++)
		if (add_prefix(sets, list[i], key, err, errlen) < 0)
			return -1;
	return 0;
}

/* Which packet kinds the site's methods allow, each with the methods that send it. */
static int plan_methods(struct fw_plan *pl, char *err, size_t errlen)
{
	char list[512];
	const char *all = "ping,traceroute";
	if (policy_methods_expand(pl->cfg->methods[0] ? pl->cfg->methods : all, list,
				  sizeof list) < 0) {
		snprintf(err, errlen, "methods: the list is too long");
		return -1;
	}
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		size_t n = strcspn(p, ",");
		for (size_t i = 0; i < sizeof method_kinds / sizeof method_kinds[0]; i++) {
			const char *m = method_kinds[i].method;
			char *dst = pl->methods[method_kinds[i].kind];
			if (strlen(m) == n && strncmp(p, m, n) == 0)
				snprintf(dst + strlen(dst), sizeof pl->methods[0] - strlen(dst), "%s%s",
					 dst[0] ? ", " : "", m);
		}
	}
	return 0;
}

/* The plan of cfg; 0 or -1 with err. */
static int plan_build(struct fw_plan *pl, const struct agent_config *cfg,
		      const struct resolv_servers *dns, const char *source, char *err, size_t errlen)
{
	static const struct resolv_servers none;
	memset(pl, 0, sizeof *pl);
	pl->cfg = cfg;
	pl->dns = dns ? dns : &none;
	pl->source = source;
	if (add_all(pl->allow, cfg->allow, cfg->n_allow, "allow", err, errlen) < 0 ||
	    add_all(pl->forbid, cfg->forbid, cfg->n_forbid, "forbid", err, errlen) < 0 ||
	    add_all(pl->admin, cfg->admin_from, cfg->n_admin_from, "admin_from", err, errlen) < 0)
		return -1;
	if (cfg->n_allow == 0) {  /* no allow line: every destination */
		add_prefix(pl->allow, "0.0.0.0/0", "allow", err, errlen);
		add_prefix(pl->allow, "::/0", "allow", err, errlen);
	}
	return plan_methods(pl, err, errlen);
}

/* --- nftables */

/* A named interval set of one family, its elements when there are any. */
static void nft_set(FILE *out, const char *name, int v6, const struct fw_set *s)
{
	fprintf(out, "\tset %s {\n\t\ttype %s; flags interval; auto-merge;\n", name,
		v6 ? "ipv6_addr" : "ipv4_addr");
	for (int i = 0; i < s->n; i++)
		fprintf(out, "%s%s%s", i ? ", " : "\t\telements = { ", s->p[i],
			i == s->n - 1 ? " }\n" : "");
	fprintf(out, "\t}\n");
}

static void nft_sets(FILE *out, const struct fw_plan *pl)
{
	fprintf(out, "\t# the destinations the site allows (allow; none: all) and forbids (forbid)\n");
	nft_set(out, "allow4", 0, &pl->allow[0]);
	nft_set(out, "allow6", 1, &pl->allow[1]);
	nft_set(out, "forbid4", 0, &pl->forbid[0]);
	nft_set(out, "forbid6", 1, &pl->forbid[1]);
	fprintf(out, "\t# the operator's networks, from which SSH is allowed (admin_from)\n");
	nft_set(out, "admin4", 0, &pl->admin[0]);
	nft_set(out, "admin6", 1, &pl->admin[1]);
	if (pl->cfg->pps)
		fprintf(out, "\t# the site's ceiling for all probes together (pps)\n"
			"\tlimit probe_pps {\n\t\trate over %d/second burst %d packets\n\t}\n",
			pl->cfg->pps, pl->cfg->pps);
}

static void nft_input(FILE *out, const struct fw_plan *pl)
{
	fprintf(out, "\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
		"\t\tiif \"lo\" accept\n\t\tct state invalid counter drop\n"
		"\t\t# the controller's side of the agent's TLS connection, and the replies\n"
		"\t\t# the probes draw: echo replies, ICMP time exceeded and unreachable,\n"
		"\t\t# TCP SYN-ACK and RST\n"
		"\t\tct state established,related counter accept\n"
		"\t\t# IPv6 neighbour and router discovery (from on-link neighbours only)\n"
		"\t\ticmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert }"
		" ip6 hoplimit 255 counter accept\n"
		"\t\t# administration: SSH from the operator's networks only\n"
		"\t\tip saddr @admin4 tcp dport %d counter accept comment \"ssh from the operator\"\n"
		"\t\tip6 saddr @admin6 tcp dport %d counter accept comment \"ssh from the operator\"\n"
		"\t\t# nothing else: the agent listens on no port\n"
		"\t\tcounter drop comment \"in: anything else\"\n\t}\n",
		pl->cfg->ssh_port, pl->cfg->ssh_port);
}

static void nft_output(FILE *out, const struct fw_plan *pl)
{
	fprintf(out, "\tchain output {\n\t\ttype filter hook output priority filter; policy drop;\n"
		"\t\toif \"lo\" accept\n"
		"\t\t# the controllers: the one TLS 1.3 connection the agent opens, to one of them\n");
	for (int i = 0; i < pl->cfg->n_controllers; i++) {
		const struct config_controller *cc = &pl->cfg->controllers[i];
		fprintf(out, "\t\t%s daddr %s tcp dport %d counter accept comment \"the controller\"\n",
			strchr(cc->addr, ':') ? "ip6" : "ip", cc->addr, cc->port);
	}
	if (pl->dns->n)
		fprintf(out, "\t\t# the name servers of resolv_conf, asked for the targets the agent\n"
			"\t\t# resolves itself (resolve_on_probe)\n");
	for (int i = 0; i < pl->dns->n; i++)
		for (int tcp = 0; tcp < 2; tcp++)
			fprintf(out, "\t\t%s daddr %s %s dport %d counter accept comment \"name server\"\n",
				pl->dns->s[i].v6 ? "ip6" : "ip", pl->dns->s[i].addr, tcp ? "tcp" : "udp",
				pl->dns->s[i].port);
	fprintf(out, "\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert }"
		" ip6 hoplimit 255 counter accept\n"
		"\t\t# answers to the operator's SSH sessions\n"
		"\t\tct state established tcp sport %d counter accept\n"
		"\t\t# the site's forbidden ranges: no probe goes there\n"
		"\t\tip daddr @forbid4 counter drop comment \"forbidden range\"\n"
		"\t\tip6 daddr @forbid6 counter drop comment \"forbidden range\"\n"
		"\t\t# probes, to the ranges the site allows\n"
		"\t\tip daddr @allow4 jump probes\n\t\tip6 daddr @allow6 jump probes\n"
		"\t\tcounter drop comment \"out: anything else\"\n\t}\n", pl->cfg->ssh_port);
}

static void nft_probes(FILE *out, const struct fw_plan *pl)
{
	static const char *const match[FW_NKINDS][2] = {
		[FW_ICMP_ECHO] = { "icmp type echo-request", "icmpv6 type echo-request" },
		[FW_UDP] = { "meta l4proto udp" },
		[FW_TCP_SYN] = { "tcp flags & (fin | syn | rst | ack) == syn" },
		[FW_TCP_ACK] = { "tcp flags & (fin | syn | rst | ack) == ack" },
	};
	fprintf(out, "\tchain probes {\n");
	if (pl->cfg->pps)
		fprintf(out, "\t\t# over the site's pps: dropped\n"
			"\t\tlimit name \"probe_pps\" counter drop comment \"over the pps\"\n");
	for (int k = 0; k < FW_NKINDS; k++) {
		if (!pl->methods[k][0])
			continue;
		fprintf(out, "\t\t# methods %s\n", pl->methods[k]);
		for (int i = 0; i < 2 && match[k][i]; i++)
			fprintf(out, "\t\t%s counter accept comment \"probe %s\"\n", match[k][i],
				pl->methods[k]);
	}
	fprintf(out, "\t\t# packets of a method the site does not allow\n"
		"\t\tcounter drop comment \"method not allowed\"\n\t}\n");
}

static void write_nft(FILE *out, const struct fw_plan *pl)
{
	fprintf(out, "#!/usr/sbin/nft -f\n"
		"# The traffic of this vantage point, from %s\n"
		"# (vantage-agent --firewall nft). Load it with `nft -f FILE`: it adds the\n"
		"# table inet vantage_agent; default drop both ways, every rule counted\n"
		"# (`nft list table inet vantage_agent`). The host's own needs (its DNS,\n"
		"# NTP, package updates) are the site's to add.\n"
		"table inet vantage_agent\ndelete table inet vantage_agent\n"
		"table inet vantage_agent {\n", pl->source);
	nft_sets(out, pl);
	nft_input(out, pl);
	nft_output(out, pl);
	nft_probes(out, pl);
	fprintf(out, "}\n");
}

/* --- the plain list */

/* "198.18.0.0/15, 2001:db8::/32" of both families into buf; "none" when empty. */
static const char *join(const struct fw_set s[2], char *buf, size_t len)
{
	buf[0] = 0;
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < s[f].n; i++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
				 s[f].p[i]);
	return buf[0] ? buf : "none";
}

static void write_text(FILE *out, const struct fw_plan *pl)
{
	static const char *const what[FW_NKINDS] = {
		[FW_ICMP_ECHO] = "ICMP and ICMPv6 echo request",
		[FW_UDP] = "UDP, any port,",
		[FW_TCP_SYN] = "TCP SYN, any port,",
		[FW_TCP_ACK] = "TCP ACK, any port,",
	};
	char dst[FW_MAX * 2 * 66], bad[FW_MAX * 2 * 66], adm[FW_MAX * 2 * 66];
	fprintf(out, "The traffic of this vantage point (from %s):\n", pl->source);
	for (int i = 0; i < pl->cfg->n_controllers; i++)
		fprintf(out, "out  TCP to %s port %d: the controller, one TLS 1.3 connection the"
			" agent opens\n", pl->cfg->controllers[i].addr, pl->cfg->controllers[i].port);
	for (int i = 0; i < pl->dns->n; i++)
		fprintf(out, "out  UDP and TCP to %s port %d: a name server of resolv_conf, for the"
			" targets the agent resolves itself (resolve_on_probe)\n", pl->dns->s[i].addr,
			pl->dns->s[i].port);
	join(pl->allow, dst, sizeof dst);
	for (int k = 0; k < FW_NKINDS; k++)
		if (pl->methods[k][0])
			fprintf(out, "out  %s to %s: probes (%s)\n", what[k], dst, pl->methods[k]);
	if (pl->cfg->pps)
		fprintf(out, "out  all probes together at most %d packets a second\n", pl->cfg->pps);
	if (pl->forbid[0].n + pl->forbid[1].n)
		fprintf(out, "out  never to %s (the site's forbidden ranges)\n",
			join(pl->forbid, bad, sizeof bad));
	fprintf(out, "in   the replies to those probes only: ICMP echo reply, time exceeded and\n"
		"     destination unreachable, TCP SYN-ACK and RST (connection tracking)\n"
		"in   TCP port %d (SSH) from %s: administration by the operator\n"
		"in   IPv6 neighbour discovery\n"
		"in   nothing else: the agent listens on no port\n",
		pl->cfg->ssh_port, join(pl->admin, adm, sizeof adm));
}

/* See firewall.h. */
int firewall_write(const struct agent_config *cfg, const struct resolv_servers *dns,
		   const char *source, enum firewall_format fmt, FILE *out, char *err,
		   size_t errlen)
{
	struct fw_plan pl;
	if (plan_build(&pl, cfg, dns, source, err, errlen) < 0)
		return -1;
	if (fmt == FIREWALL_NFT)
		write_nft(out, &pl);
	else
		write_text(out, &pl);
	return 0;
}

/* See firewall.h. */
int firewall_dns_load(const struct agent_config *cfg, struct resolv_servers *dns, char *err,
		      size_t errlen)
{
	const char *path = cfg->resolv_conf[0] ? cfg->resolv_conf : "/etc/resolv.conf";
	memset(dns, 0, sizeof *dns);
	if (!cfg->resolve_on_probe || strcmp(path, "none") == 0)
		return 0;
	if (resolv_servers_load(path, dns, err, errlen) < 0)
		return -1;
	return 0;
}
