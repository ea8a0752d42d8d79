/*
 * Tests of the agent's config file parser and its site-policy gate: a table
 * of files and the setting or the "file:line: reason" that must come out,
 * and a table of definitions the gate must pass or refuse with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "agent/config.h"
#include "agent/gate.h"

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define HEAD "controller 127.0.0.1:4443\ncontroller_fingerprint " FP "\n"
#define CTL9 "controller_fingerprint " FP "\ncontroller 127.0.0.1:1\ncontroller 127.0.0.1:2\n" \
	"controller 127.0.0.1:3\ncontroller 127.0.0.1:4\ncontroller 127.0.0.1:5\n" \
	"controller 127.0.0.1:6\ncontroller 127.0.0.1:7\ncontroller 127.0.0.1:8\ncontroller 127.0.0.1:9\n"

struct confcase {
	const char *text;
	const char *err;   /* substring of the error, NULL if it must parse */
};

static const struct confcase confs[] = {
	{ HEAD, NULL },
	{ "# comment\n\n  " HEAD "role anchor   # trailing\n", NULL },
	{ "controller [2001:db8::1]:99\ncontroller_fingerprint " FP "\n", NULL },
	{ HEAD "role router\n", "c.conf:3: role 'router' is neither probe nor anchor" },
	{ HEAD "pps 0\n", "c.conf:3: too small" },
	{ HEAD "pps 12x\n", "c.conf:3: not a number" },
	{ HEAD "spool_max_mb 99999999\n", "c.conf:3: too large" },
	{ HEAD "colour blue\n", "c.conf:3: unknown setting 'colour'" },
	{ HEAD "role\n", "c.conf:3: expected 'key value'" },
	{ "controller 127.0.0.1\n", "c.conf:1: '127.0.0.1' is not ADDR:PORT" },
	{ "controller example.org:1\n", "c.conf:1: 'example.org' is not an IP address" },
	{ "controller 127.0.0.1:70000\n", "c.conf:1: too large" },
	{ "controller_fingerprint ABC\n", "c.conf:1: fingerprint is not 64" },
	{ "role probe\n", "c.conf: 'controller' and 'controller_fingerprint' are required" },
	/* several controllers (front-ends), each with its pinned key */
	{ "controller 127.0.0.1:1 " FP "\ncontroller 127.0.0.2:1 " FP2 "\n", NULL },
	{ "controller_fingerprint " FP "\ncontroller 127.0.0.1:1\ncontroller [::1]:2\n", NULL },
	{ "controller 127.0.0.1:1\ncontroller_fingerprint " FP "\ncontroller 127.0.0.2:1\n",
	  "c.conf: controller 127.0.0.2 port 1 has no fingerprint" },
	{ "controller 127.0.0.1:1 " FP "\ncontroller_fingerprint " FP2 "\n",
	  "c.conf:2: controller 127.0.0.1 port 1 already has a fingerprint" },
	{ "controller_fingerprint " FP "\ncontroller_fingerprint " FP2 "\n",
	  "c.conf:2: controller_fingerprint given twice before any controller" },
	{ "controller 127.0.0.1:1 " FP "\ncontroller 127.0.0.1:1 " FP "\n",
	  "c.conf:2: controller 127.0.0.1:1 is listed twice" },
	{ "controller 127.0.0.1:1 abc\n", "c.conf:1: fingerprint is not 64" },
	{ "controller 127.0.0.1:1x " FP "\n", "c.conf:1: not a number" },
	{ "controller 1:1 " FP "\ncontroller 2:1\ncontroller 3:1\ncontroller 4:1\n", "not an IP" },
	{ CTL9, "c.conf:10: more than 8 controllers" },
	{ HEAD "resolve_on_probe no\n", NULL },
	{ HEAD "resolve_on_probe maybe\n", "c.conf:3: resolve_on_probe 'maybe' is neither yes nor no" },
};

static void test_config_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof confs / sizeof confs[0]; i++) {
		struct agent_config cfg;
		char err[512] = "";
		int rc = config_parse(&cfg, confs[i].text, strlen(confs[i].text), "c.conf", err,
				      sizeof err);
		if (!confs[i].err) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err);
		} else if (rc != -1 || !strstr(err, confs[i].err)) {
			fail_msg("case %zu: got '%s'", i, err);
		}
	}
}

static void test_config_values(void **state)
{
	(void)state;
	const char *t = HEAD "role anchor\nspool_max_kb 256\nforbid 198.18.9.0/24\nforbid 2001:db8::/32\n"
			"methods ping\npps 50\nheartbeat 3\n";
	struct agent_config c;
	char err[256];
	assert_int_equal(config_parse(&c, t, strlen(t), "c", err, sizeof err), 0);
	assert_string_equal(c.controller_addr, "127.0.0.1");
	assert_int_equal(c.controller_port, 4443);
	assert_string_equal(c.role, "anchor");
	assert_int_equal(c.spool_max, 256 * 1024);
	assert_int_equal(c.n_forbid, 2);
	assert_int_equal(c.pps, 50);
	assert_int_equal(c.heartbeat, 3);
	assert_int_equal(c.resolve_on_probe, 1);   /* the default: allowed */
	t = HEAD "resolve_on_probe no\n";
	assert_int_equal(config_parse(&c, t, strlen(t), "c", err, sizeof err), 0);
	assert_int_equal(c.resolve_on_probe, 0);
}

/* Each controller keeps its own pinned key; the first is the one named alone. */
static void test_config_controllers(void **state)
{
	(void)state;
	const char *t = "controller_fingerprint " FP "\ncontroller 127.0.0.1:4443\n"
			"controller [2001:db8::2]:4444 " FP2 "\ncontroller 127.0.0.3:4445\n";
	struct agent_config c;
	char err[256];
	assert_int_equal(config_parse(&c, t, strlen(t), "c", err, sizeof err), 0);
	assert_int_equal(c.n_controllers, 3);
	assert_string_equal(c.controllers[0].addr, "127.0.0.1");
	assert_string_equal(c.controllers[0].fp, FP);
	assert_string_equal(c.controllers[1].addr, "2001:db8::2");
	assert_int_equal(c.controllers[1].port, 4444);
	assert_string_equal(c.controllers[1].fp, FP2);
	assert_int_equal(c.controllers[2].port, 4445);
	assert_string_equal(c.controllers[2].fp, FP);
	assert_string_equal(c.controller_addr, "127.0.0.1");
	assert_string_equal(c.controller_fp, FP);
}

struct gatecase {
	const char *def;
	const char *why;   /* NULL: allowed */
};

static const struct gatecase gates[] = {
	{ "{\"type\":\"ping\",\"target\":\"198.18.0.1\"}", NULL },
	{ "{\"type\":\"ping\",\"target\":\"198.18.9.200\"}", "forbidden range (198.18.9.0/24)" },
	{ "{\"type\":\"ping\",\"target\":\"198.18.7.1\"}", "no-probe list" },
	{ "{\"type\":\"ping\",\"target\":\"203.0.113.5\"}", "outside the allowed ranges" },
	{ "{\"type\":\"traceroute\",\"target\":\"198.18.0.1\"}", NULL },
	{ "{\"type\":\"ping\",\"target\":\"198.18.0.1\",\"protocol\":\"UDP\"}", NULL },
	{ "{\"type\":\"dns\",\"target\":\"198.18.0.1\"}", "'dns' is not a measurement type" },
	/* the type's own parser reads the options; its method must be allowed */
	{ "{\"type\":\"ping\",\"target\":\"198.18.0.1\",\"packets\":99}", "packets:" },
	{ "{\"type\":\"ping\",\"target\":\"198.18.0.1\",\"protocol\":\"TCP\"}",
	  "method 'ping' not allowed by site policy (it sends tcp-syn)" },
	{ "{\"type\":\"traceroute\",\"target\":\"198.18.0.1\",\"protocol\":\"ICMP\"}",
	  "method 'traceroute' not allowed by site policy (it sends icmp-paris)" },
	{ "{\"type\":\"ping\",\"target\":\"2001:db8::1\"}", NULL },
	{ "{\"type\":\"ping\",\"target\":\"2001:db9::1\"}", "outside the allowed ranges" },
	{ "{\"type\":\"ping\",\"target\":\"host.example\"}", "is not an address" },
	{ "{\"type\":\"ping\"}", "lacks a type or a target" },
};

static void test_gate_table(void **state)
{
	(void)state;
	const char *t = HEAD "methods icmp-echo,udp,udp-paris\nallow 198.18.0.0/15\nallow 2001:db8::/32\n"
			"forbid 198.18.9.0/24\nnoprobe /tmp/vpl-noprobe-test\n";
	FILE *f = fopen("/tmp/vpl-noprobe-test", "w");
	fputs("# site list\n198.18.7.0/24\n", f);
	fclose(f);
	struct agent_config c;
	struct gate g;
	char err[256];
	assert_int_equal(config_parse(&c, t, strlen(t), "c", err, sizeof err), 0);
	assert_int_equal(gate_init(&g, &c, err, sizeof err), 0);
	remove("/tmp/vpl-noprobe-test");
	for (size_t i = 0; i < sizeof gates / sizeof gates[0]; i++) {
		json_error_t je;
		json_t *def = json_loads(gates[i].def, 0, &je);
		char why[256] = "";
		int rc = gate_check(&g, def, why, sizeof why);
		json_decref(def);
		if (gates[i].why ? rc != -1 || !strstr(why, gates[i].why) : rc != 0)
			fail_msg("case %zu: rc %d '%s'", i, rc, why);
	}
	gate_free(&g);
}

static void test_gate_bad_prefix(void **state)
{
	(void)state;
	const char *t = HEAD "forbid 198.18.0.0/33\n";
	struct agent_config c;
	struct gate g;
	char err[256] = "";
	assert_int_equal(config_parse(&c, t, strlen(t), "c", err, sizeof err), 0);
	assert_int_equal(gate_init(&g, &c, err, sizeof err), -1);
	if (!strstr(err, "site policy: ") || !strstr(err, "198.18.0.0/33"))
		fail_msg("err '%s'", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_table),
		cmocka_unit_test(test_config_values),
		cmocka_unit_test(test_config_controllers),
		cmocka_unit_test(test_gate_table),
		cmocka_unit_test(test_gate_bad_prefix),
	};
	return cmocka_run_group_tests_name("agent_config", tests, NULL, NULL);
}
