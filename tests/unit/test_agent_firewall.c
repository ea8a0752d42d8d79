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

#include "agent/config.h"
#include "agent/enrol.h"
#include "agent/firewall.h"

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
	int rc = firewall_write(&cfg, "a.conf", fmt, f, err, errlen);
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
		cmocka_unit_test(test_firewall_bad_prefix),
		cmocka_unit_test(test_enrol_text_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
