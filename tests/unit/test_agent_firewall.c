/*
 * Tests of `vantage-agent --firewall` and of the configuration --enrol
 * writes: a table of configurations and the lines the nftables ruleset and
 * the plain list must (and must not) hold, bad prefixes refused with the
 * key that named them, and an enrolment's text parsed back by the agent's
 * own config parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/enrol.h"
#include "agent/firewall.h"
#include "agent/resolv_servers.h"

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEAD "controller 192.0.2.7:4443\ncontroller_fingerprint " FP "\n"

struct fwcase {
	const char *conf;
	enum firewall_format fmt;
	const char *has[6];    /* substrings the output must hold */
	const char *hasnt[3];  /* and must not */
};

static const struct fwcase cases[] = {
	{ HEAD, FIREWALL_NFT,
	  { "ip daddr 192.0.2.7 tcp dport 4443 counter accept",
	    "elements = { 0.0.0.0/0 }", "elements = { ::/0 }",
	    "icmp type echo-request counter accept comment \"probe icmp-echo, icmp, icmp-paris\"",
	    "meta l4proto udp counter accept",
	    "== ack counter accept comment \"probe tcp-ack\"" },
	  { "probe_pps", NULL } },
	{ HEAD "methods icmp-echo\npps 50\nallow 198.18.0.0/15\nallow 2001:db8::/32\n"
	  "forbid 198.18.5.0/24\nadmin_from 192.0.2.0/24\nssh_port 2222\n", FIREWALL_NFT,
	  { "elements = { 198.18.0.0/15 }", "elements = { 198.18.5.0/24 }",
	    "rate over 50/second burst 50 packets", "ip saddr @admin4 tcp dport 2222",
	    "# methods icmp-echo\n", "elements = { 2001:db8::/32 }" },
	  { "l4proto udp", "tcp flags", NULL } },
	{ "controller [2001:db8::9]:443\ncontroller_fingerprint " FP "\nmethods traceroute\n",
	  FIREWALL_NFT,
	  { "ip6 daddr 2001:db8::9 tcp dport 443", "# methods icmp, icmp-paris\n",
	    "# methods udp, udp-paris\n", "== syn counter accept" }, { NULL } },
	{ HEAD "methods ping\npps 100\nallow 198.18.0.0/15\nadmin_from 192.0.2.0/24\n",
	  FIREWALL_TEXT,
	  { "out  TCP to 192.0.2.7 port 4443: the controller",
	    "out  ICMP and ICMPv6 echo request to 198.18.0.0/15: probes (icmp-echo)",
	    "out  all probes together at most 100 packets a second",
	    "in   TCP port 22 (SSH) from 192.0.2.0/24", "in   nothing else" },
	  { "never to", NULL } },
};

/* Render conf in fmt into a string (free it); NULL with err on failure. */
static char *render(const char *conf, enum firewall_format fmt, char *err, size_t errlen)
{
	struct agent_config cfg;
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, errlen), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	int rc = firewall_write(&cfg, NULL, "a.conf", fmt, f, err, errlen);
	fclose(f);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_firewall_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[256] = "";
		char *out = render(cases[i].conf, cases[i].fmt, err, sizeof err);
		assert_non_null(out);
		for (int k = 0; k < 6 && cases[i].has[k]; k++)
			if (!strstr(out, cases[i].has[k]))
				fail_msg("case %zu: no '%s' in:\n%s", i, cases[i].has[k], out);
		for (int k = 0; k < 3 && cases[i].hasnt[k]; k++)
			if (strstr(out, cases[i].hasnt[k]))
				fail_msg("case %zu: '%s' in:\n%s", i, cases[i].hasnt[k], out);
		free(out);
	}
}

/* Render conf with the name servers of resolv text; asserts it renders. */
static char *render_dns(const char *conf, const char *resolv, enum firewall_format fmt)
{
	struct agent_config cfg;
	struct resolv_servers dns;
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, sizeof err), 0);
	assert_int_equal(resolv_servers_parse(resolv, strlen(resolv), &dns, err, sizeof err), 0);
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(firewall_write(&cfg, &dns, "a.conf", fmt, f, err, sizeof err), 0);
	fclose(f);
	return buf;
}

/* Count the occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The name servers of resolv_conf are opened, exactly they, UDP and TCP, at their port. */
static void test_firewall_name_servers(void **state)
{
	(void)state;
	const char *resolv = "# resolv.conf\nsearch lab.example\nnameserver 198.18.250.5\n"
			     "nameserver [2001:db8::53]:5353\noptions ndots:1\n";
	char *out = render_dns(HEAD "methods icmp-echo\n", resolv, FIREWALL_NFT);
	assert_non_null(strstr(out, "ip daddr 198.18.250.5 udp dport 53 counter accept comment"
				    " \"name server\""));
	assert_non_null(strstr(out, "ip daddr 198.18.250.5 tcp dport 53 counter accept"));
	assert_non_null(strstr(out, "ip6 daddr 2001:db8::53 udp dport 5353 counter accept"));
	assert_non_null(strstr(out, "ip6 daddr 2001:db8::53 tcp dport 5353 counter accept"));
	assert_int_equal(count(out, "comment \"name server\""), 4);
	free(out);
	out = render_dns(HEAD, resolv, FIREWALL_TEXT);
	assert_non_null(strstr(out, "out  UDP and TCP to 198.18.250.5 port 53: a name server"));
	assert_non_null(strstr(out, "out  UDP and TCP to 2001:db8::53 port 5353: a name server"));
	free(out);
	/* none listed: no rule (evdns then asks 127.0.0.1, through the loopback rule) */
	out = render_dns(HEAD, "search lab.example\n", FIREWALL_NFT);
	assert_int_equal(count(out, "name server"), 0);
	free(out);
}

/* Where the name servers come from: none when the site refuses resolve_on_probe. */
static void test_firewall_dns_load(void **state)
{
	(void)state;
	struct agent_config cfg;
	struct resolv_servers dns;
	char err[256] = "", path[] = "/tmp/vantage-fw-resolv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "nameserver 192.0.2.53\n", 22), 22);
	close(fd);
	char conf[512];
	snprintf(conf, sizeof conf, HEAD "resolv_conf %s\n", path);
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, sizeof err), 0);
	assert_int_equal(firewall_dns_load(&cfg, &dns, err, sizeof err), 0);
	assert_int_equal(dns.n, 1);
	assert_string_equal(dns.s[0].addr, "192.0.2.53");
	snprintf(conf, sizeof conf, HEAD "resolv_conf %s\nresolve_on_probe no\n", path);
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, sizeof err), 0);
	assert_int_equal(firewall_dns_load(&cfg, &dns, err, sizeof err), 0);
	assert_int_equal(dns.n, 0);
	snprintf(conf, sizeof conf, HEAD "resolv_conf none\n");
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, sizeof err), 0);
	assert_int_equal(firewall_dns_load(&cfg, &dns, err, sizeof err), 0);
	assert_int_equal(dns.n, 0);
	unlink(path);
	snprintf(conf, sizeof conf, HEAD "resolv_conf %s\n", path);   /* no such file */
	assert_int_equal(config_parse(&cfg, conf, strlen(conf), "a.conf", err, sizeof err), 0);
	assert_int_equal(firewall_dns_load(&cfg, &dns, err, sizeof err), 0);
	assert_int_equal(dns.n, 0);
}

/* Table: resolv.conf texts, the servers read or the reason refused. */
static const struct {
	const char *text;
	int n;                 /* servers read; -1: refused */
	const char *first;     /* first server's address, or a piece of the reason */
	int port;
} resolvs[] = {
	{ "nameserver 192.0.2.1\n", 1, "192.0.2.1", 53 },
	{ "nameserver\t192.0.2.1:5353   # local\nnameserver ::1\n", 2, "192.0.2.1", 5353 },
	{ "; comment\n#nameserver 192.0.2.9\ndomain x\n", 0, NULL, 0 },
	{ "nameserver 2001:DB8:0::1\r\n", 1, "2001:db8::1", 53 },
	{ "nameserver [2001:db8::1]\n", 1, "2001:db8::1", 53 },
	{ "nameserver 192.0.2.1", 1, "192.0.2.1", 53 },   /* no final newline */
	{ "search a\nnameserver\n", -1, "line 2: nameserver without an address", 0 },
	{ "nameserver ns.example\n", -1, "line 1:", 0 },
	{ "nameserver 192.0.2.1:0\n", -1, "bad port", 0 },
	{ "nameserver 192.0.2.1:99999\n", -1, "bad port", 0 },
	{ "nameserver [2001:db8::1\n", -1, "expected [ADDR]:PORT", 0 },
	{ "nameserver [2001:db8::1]:x\n", -1, "expected [ADDR]:PORT", 0 },
	{ "nameserver 1.1.1.1\nnameserver 1.1.1.2\nnameserver 1.1.1.3\nnameserver 1.1.1.4\n"
	  "nameserver 1.1.1.5\nnameserver 1.1.1.6\nnameserver 1.1.1.7\nnameserver 1.1.1.8\n"
	  "nameserver 1.1.1.9\nnameserver 1.1.1.10\nnameserver 1.1.1.11\nnameserver 1.1.1.12\n"
	  "nameserver 1.1.1.13\nnameserver 1.1.1.14\nnameserver 1.1.1.15\nnameserver 1.1.1.16\n"
	  "nameserver 1.1.1.17\n", -1, "line 17: more than 16 name servers", 0 },
};

static void test_resolv_servers_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof resolvs / sizeof resolvs[0]; i++) {
		struct resolv_servers dns;
		char err[256] = "";
		int rc = resolv_servers_parse(resolvs[i].text, strlen(resolvs[i].text), &dns, err,
					      sizeof err);
		if (resolvs[i].n < 0) {
			if (rc != -1 || !strstr(err, resolvs[i].first))
				fail_msg("case %zu: rc %d, err '%s'", i, rc, err);
			continue;
		}
		if (rc != 0 || dns.n != resolvs[i].n)
			fail_msg("case %zu: rc %d, %d servers, err '%s'", i, rc, dns.n, err);
		if (dns.n && (strcmp(dns.s[0].addr, resolvs[i].first) != 0 ||
			      dns.s[0].port != resolvs[i].port))
			fail_msg("case %zu: %s port %d", i, dns.s[0].addr, dns.s[0].port);
	}
}

static void test_firewall_bad_prefix(void **state)
{
	(void)state;
	char err[256] = "";
	assert_null(render(HEAD "admin_from 192.0.2.1/24\n", FIREWALL_NFT, err, sizeof err));
	assert_non_null(strstr(err, "admin_from 192.0.2.1/24: "));
	assert_null(render(HEAD "allow example\n", FIREWALL_TEXT, err, sizeof err));
	assert_non_null(strstr(err, "allow example"));
	enum firewall_format f;
	assert_int_equal(firewall_format_parse("iptables", &f), -1);
}

static void test_enrol_text_parses(void **state)
{
	(void)state;
	struct enrol_opts o = { .controller = "[2001:db8::1]:4443", .fingerprint = FP,
				.role = "anchor", .user = "vp" };
	char text[1024], err[256] = "";
	struct agent_config cfg;
	assert_int_equal(enrol_config_text(&o, text, sizeof text), 0);
	assert_int_equal(config_parse(&cfg, text, strlen(text), "e", err, sizeof err), 0);
	assert_string_equal(cfg.controller_addr, "2001:db8::1");
	assert_int_equal(cfg.controller_port, 4443);
	assert_string_equal(cfg.role, "anchor");
	assert_string_equal(cfg.user, "vp");
	o.fingerprint = "nothex";
	assert_int_equal(enrol_config_text(&o, text, sizeof text), 0);
	assert_int_equal(config_parse(&cfg, text, strlen(text), "e", err, sizeof err), -1);
	assert_non_null(strstr(err, "fingerprint is not 64"));
	assert_int_equal(enrol_config_text(&o, text, 16), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firewall_table),
		cmocka_unit_test(test_firewall_name_servers),
		cmocka_unit_test(test_firewall_dns_load),
		cmocka_unit_test(test_resolv_servers_table),
		cmocka_unit_test(test_firewall_bad_prefix),
		cmocka_unit_test(test_enrol_text_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
