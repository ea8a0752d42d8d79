/*
 * Tests of host_report_check (host/host_report.h), the controller's reading
 * of an agent's check-host report: a report made by check_report_json from
 * synthetic facts is accepted with the facts read back (virtualised,
 * RFC 1918 and ULA addresses, the summary), and a table of damaged reports
 * is refused, each with an error naming what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "host/check.h"
#include "host/check_json.h"
#include "host/host_report.h"

/* Add an address to the facts. */
static void add_addr(struct host_facts *f, int family, const char *text)
{
	struct host_addr *a = &f->addrs.a[f->addrs.n++];
	memset(a, 0, sizeof *a);
	a->family = family;
	inet_pton(family, text, a->raw);
	snprintf(a->text, sizeof a->text, "%s", text);
	snprintf(a->ifname, sizeof a->ifname, "eth0");
	a->prefixlen = family == AF_INET ? 24 : 64;
	a->flags = IFA_F_PERMANENT;
}

/* The JSON check-host --json prints for facts with the given addresses. */
static json_t *report_of(int virtualised, const char *const *addrs, size_t n)
{
	static struct host_facts f;
	static struct check_report r;
	struct host_requirements req;
	memset(&f, 0, sizeof f);
	requirements_default(ROLE_ANCHOR, &req);
	f.res.cpus = 2;
	f.addrs_ok = 1;
	for (size_t i = 0; i < n; i++)
		add_addr(&f, strchr(addrs[i], ':') ? AF_INET6 : AF_INET, addrs[i]);
	f.virtualised = virtualised;
	check_evaluate(&req, &f, &r);
	json_t *j = check_report_json(&req, "built-in", &f, &r);
	assert_non_null(j);
	return j;
}

static void test_reads_facts(void **state)
{
	(void)state;
	static const char *const addrs[] = { "193.0.0.10", "172.20.1.2", "fd00:1::5",
					     "2a00:1450::10" };
	json_t *j = report_of(1, addrs, 4);
	struct host_report_facts f;
	char err[256] = "";
	assert_int_equal(host_report_check(j, &f, err, sizeof err), 0);
	assert_string_equal(f.role, "anchor");
	assert_true(f.virtualised);
	assert_true(f.ipv4_rfc1918);
	assert_true(f.ipv6_ula);
	int n = (int)json_array_size(json_object_get(j, "checks"));
	assert_int_equal(f.npass + f.nwarn + f.nfail, n);
	assert_true(f.nfail > 0);          /* 2 CPUs, no memory: an anchor fails */
	json_decref(j);

	static const char *const pub[] = { "193.0.0.10", "172.32.0.1", "192.169.0.1",
					   "fe80::1", "2001:db8::1" };
	j = report_of(0, pub, 5);
	assert_int_equal(host_report_check(j, &f, err, sizeof err), 0);
	assert_false(f.virtualised);
	assert_false(f.ipv4_rfc1918);      /* 172.32/12 and 192.169 are outside RFC 1918 */
	assert_false(f.ipv6_ula);
	json_decref(j);
}

/* A damaged report: the JSON path to replace (a.b or a.b.c) and its new value. */
struct damage {
	const char *path;
	const char *value;        /* JSON text; NULL: delete the key */
	const char *want;         /* a part of the error */
};

static const struct damage damages[] = {
	{ "role", "\"router\"", "'role'" },
	{ "role", NULL, "'role'" },
	{ "summary", "[]", "'summary'" },
	{ "summary.fail", "-1", "'summary'" },
	{ "summary.pass", "25", "'summary'" },
	{ "checks", "{}", "'checks'" },
	{ "checks", "[{\"name\":\"x\",\"status\":\"maybe\",\"value\":\"\",\"need\":\"\"}]",
	  "status" },
	{ "checks", "[{\"name\":\"x\",\"status\":\"pass\",\"value\":1,\"need\":\"\"}]",
	  "checks[0]" },
	{ "host.virt.virtualised", "1", "virtualised" },
	{ "host.virt", NULL, "virtualised" },
	{ "host.addresses", "[{\"address\":\"300.1.1.1\"}]", "host.addresses[0]" },
	{ "host.addresses", "{}", "'host.addresses'" },
	{ "timing", "7", "'timing'" },
};

/* Walk path in j to the parent object of its last key, which goes in *key. */
static json_t *parent_of(json_t *j, const char *path, char *key, size_t len)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", path);
	char *dot, *p = buf;
	while ((dot = strchr(p, '.'))) {
		*dot = 0;
		j = json_object_get(j, p);
		p = dot + 1;
	}
	snprintf(key, len, "%s", p);
	return j;
}

static void test_refuses_damage(void **state)
{
	(void)state;
	static const char *const addrs[] = { "193.0.0.10" };
	for (size_t i = 0; i < sizeof damages / sizeof damages[0]; i++) {
		const struct damage *d = &damages[i];
		json_t *j = report_of(0, addrs, 1);
		char key[64], err[256] = "";
		json_t *parent = parent_of(j, d->path, key, sizeof key);
		assert_non_null(parent);
		if (d->value)
			json_object_set_new(parent, key, json_loads(d->value, JSON_DECODE_ANY, NULL));
		else
			json_object_del(parent, key);
		struct host_report_facts f;
		if (host_report_check(j, &f, err, sizeof err) != -1 || !strstr(err, d->want))
			fail_msg("damage %zu (%s): got '%s', want '%s'", i, d->path, err, d->want);
		json_decref(j);
	}
}

static void test_refuses_oversize_and_non_object(void **state)
{
	(void)state;
	struct host_report_facts f;
	char err[256] = "";
	json_t *arr = json_array();
	assert_int_equal(host_report_check(arr, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a JSON object"));
	json_decref(arr);
	static const char *const addrs[] = { "193.0.0.10" };
	json_t *j = report_of(0, addrs, 1);
	char *pad = malloc(HOST_REPORT_MAX_BYTES);
	memset(pad, 'x', HOST_REPORT_MAX_BYTES - 1);
	pad[HOST_REPORT_MAX_BYTES - 1] = 0;
	json_object_set_new(j, "padding", json_string(pad));
	free(pad);
	assert_int_equal(host_report_check(j, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "bytes"));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_facts),
		cmocka_unit_test(test_refuses_damage),
		cmocka_unit_test(test_refuses_oversize_and_non_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
