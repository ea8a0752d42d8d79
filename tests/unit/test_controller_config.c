/*
 * Tests of vantage-controller's configuration (controller/ctl_config): the
 * defaults, a file over them and a setting over the file, each remembering
 * where it came from; bad lines refused with file and line; the target
 * rules of the file reaching the policy; --print-config's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ctl_config.h"

static struct ctl_config *fresh(void)
{
	struct ctl_config *cfg = malloc(sizeof *cfg);
	assert_non_null(cfg);
	ctl_config_defaults(cfg);
	return cfg;
}

static void test_defaults(void **state)
{
	(void)state;
	struct ctl_config *cfg = fresh();
	ctl_config_resolve(cfg);
	assert_string_equal(cfg->listen, "127.0.0.1");
	assert_int_equal(cfg->port, 4443);
	assert_int_equal(cfg->heartbeat, 10);
	assert_int_equal(cfg->reach_check, 1);
	assert_int_equal(cfg->quiet, 0);
	assert_string_equal(cfg->api, "");
	assert_string_equal(cfg->db, "/var/lib/vantage-controller/controller.db");
	assert_string_equal(cfg->key, "/var/lib/vantage-controller/controller.key");
	assert_string_equal(cfg->origin[ctl_option_find("port")], "default");
	assert_int_equal(cfg->targets.nrules, 0);
	char why[400];
	assert_false(targets_allowed_text(&cfg->targets, "198.18.0.1", why, sizeof why));
	free(cfg);
}

/* A file over the defaults, a flag over the file; each value says where it came from. */
static void test_file_then_flag(void **state)
{
	(void)state;
	struct ctl_config *cfg = fresh();
	const char *text = "# lab\n\ndir /tmp/ctl\nlisten ::   # every address\nport 5000\n"
			   "api [::]:8443\nreach_check no\ntargets allow 198.18.0.0/15\n"
			   "targets refuse 198.18.5.0/24\n";
	char err[512] = "", why[400] = "";
	assert_int_equal(ctl_config_parse(cfg, text, strlen(text), "c.conf", err, sizeof err), 0);
	assert_int_equal(ctl_config_set(cfg, (size_t)ctl_option_find("port"), "6000", "flag --port",
					why, sizeof why), 0);
	ctl_config_resolve(cfg);
	assert_string_equal(cfg->listen, "::");
	assert_int_equal(cfg->port, 6000);
	assert_int_equal(cfg->reach_check, 0);
	assert_string_equal(cfg->db, "/tmp/ctl/controller.db");
	assert_string_equal(cfg->origin[ctl_option_find("listen")], "file c.conf:4");
	assert_string_equal(cfg->origin[ctl_option_find("port")], "flag --port");
	assert_string_equal(cfg->origin[ctl_option_find("heartbeat")], "default");
	assert_int_equal(cfg->targets.nrules, 2);
	assert_string_equal(cfg->targets.rules[1].origin, "file c.conf:9");
	assert_true(targets_allowed_text(&cfg->targets, "198.18.0.1", why, sizeof why));
	assert_false(targets_allowed_text(&cfg->targets, "198.18.5.1", why, sizeof why));
	assert_non_null(strstr(why, "(file c.conf:9)"));

	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	ctl_config_print(cfg, f);
	fclose(f);
	assert_non_null(strstr(out, "port        6000"));
	assert_non_null(strstr(out, "# flag --port\n"));
	assert_non_null(strstr(out, "# file c.conf:4\n"));
	assert_non_null(strstr(out, "targets refuse 10.0.0.0/8"));
	assert_non_null(strstr(out, "# default: Private-Use (IANA IPv4 Special-Purpose Address"
				    " Registry, RFC 1918)\n"));
	assert_non_null(strstr(out, "targets allow  198.18.0.0/15"));
	free(out);
	free(cfg);
}

static void test_bad_lines(void **state)
{
	(void)state;
	static const struct { const char *text, *why; } bad[] = {
		{ "port 0\n", "c.conf:1: port: '0': too small" },
		{ "\nport 65536\n", "c.conf:2: port: '65536': too large" },
		{ "listen example.net\n", "c.conf:1: listen: 'example.net' is not an IP address" },
		{ "reach_check maybe\n", "reach_check: 'maybe' is neither yes nor no" },
		{ "targets permit 10.0.0.0/8\n", "c.conf:1: targets: expected 'allow PREFIX'" },
		{ "targets allow 10.0.0.1/8\n", "host bits set" },
		{ "colour blue\n", "c.conf:1: unknown setting 'colour'" },
		{ "port\n", "c.conf:1: expected 'key value'" },
		{ "api_name bad..name\n", "api_name: 'bad..name' is neither a host name nor an address" },
		{ "dir \n", "c.conf:1: expected 'key value'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct ctl_config *cfg = fresh();
		char err[512] = "";
		int rc = ctl_config_parse(cfg, bad[i].text, strlen(bad[i].text), "c.conf", err,
					  sizeof err);
		if (rc != -1 || !strstr(err, bad[i].why))
			fail_msg("'%s': rc %d, '%s' does not say '%s'", bad[i].text, rc, err, bad[i].why);
		free(cfg);
	}
	struct ctl_config *cfg = fresh();
	char err[512] = "";
	char *huge = malloc(3000);
	memset(huge, 'x', 2999);
	huge[2999] = 0;
	memcpy(huge, "dir ", 4);
	assert_int_equal(ctl_config_parse(cfg, huge, strlen(huge), "c.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "line too long"));
	free(huge);
	free(cfg);
}

/* The shipped files parse; the lab's opens the lab, production's does not. */
static void test_shipped_files(void **state)
{
	(void)state;
	const char *root = getenv("VANTAGE_SOURCE_ROOT");
	static const struct { const char *file; int lab_open; } files[] = {
		{ "etc/vantage/controller.conf", 0 }, { "etc/vantage/controller-lab.conf", 1 },
	};
	assert_non_null(root);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ctl_config *cfg = fresh();
		char path[4096], err[1024] = "", why[400];
		snprintf(path, sizeof path, "%s/%s", root, files[i].file);
		if (ctl_config_load(cfg, path, err, sizeof err) < 0)
			fail_msg("%s", err);
		assert_int_equal(targets_allowed_text(&cfg->targets, "198.18.1.9", why, sizeof why),
				 files[i].lab_open);
		assert_int_equal(targets_allowed_text(&cfg->targets, "2001:db8::9", why, sizeof why),
				 files[i].lab_open);
		assert_false(targets_allowed_text(&cfg->targets, "10.0.0.1", why, sizeof why));
		assert_true(targets_allowed_text(&cfg->targets, "193.0.14.129", why, sizeof why));
		free(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_then_flag),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_shipped_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
